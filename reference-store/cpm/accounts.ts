// Accounts and login forms (spec notes A-2: how the store learns the acting device).
//   user                 → the user, device unknown until an IMAP ID `+sip.instance` names it
//   user#<device id>     → the user acting from that declared device (password: the device's or the user's)
//   user*<pf name>       → the CPM Participating Function acting for the user (Dovecot master-user style;
//                          pfLogin model 'master-user')
//   AUTHENTICATE PLAIN with authzid=<user>, authcid=<pf name> → same as user*<pf name> (model 'sasl-authzid')
//   a name from pfLogin.template, e.g. <user>#cpm-pf, with the PF's password → the PF for that user (model
//                          'template'; by LOGIN, or by PLAIN with an empty authzid or authzid=<user>)
import { timingSafeEqual } from 'node:crypto';
import type { ResolvedOptions, UserConfig } from '../options.js';
import { bareDeviceId, deviceKey } from './identity.js';

export interface Principal {
  user: string;
  /** device bound at login (canonical id as configured), or null */
  device: string | null;
  /** PF account name when the PF acts for the user */
  pf: string | null;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Accounts {
  private readonly users = new Map<string, UserConfig>();

  constructor(private readonly opts: ResolvedOptions) {
    for (const u of opts.users) this.users.set(u.name, u);
  }

  /** The configured id of a declared device of `user`, matched after normalisation; null if undeclared. */
  declaredDevice(user: string, id: string): string | null {
    const u = this.users.get(user);
    if (!u) return null;
    const key = deviceKey(bareDeviceId(id));
    return u.devices.find((d) => deviceKey(d.id) === key)?.id ?? null;
  }

  /** Another declared device of the same user (for the push-wrong-device fault). */
  otherDevice(user: string, id: string | null): string | null {
    const u = this.users.get(user);
    const others = u?.devices.filter((d) => id === null || deviceKey(d.id) !== deviceKey(id)) ?? [];
    return others[0]?.id ?? null;
  }

  /** The PF's per-user login (pfLogin model 'template'): the name matches the template and the password is the PF's. */
  private templateLogin(authcid: string, password: string): Principal | null {
    const pf = this.opts.pf;
    const match = this.opts.pfLogin.match;
    if (!pf || !match) return null;
    const user = match(authcid);
    if (user === null || !this.users.has(user) || !same(password, pf.password)) return null;
    return { user, device: null, pf: pf.name };
  }

  devicesOf(user: string): string[] {
    return this.users.get(user)?.devices.map((d) => d.id) ?? [];
  }

  /**
   * AUTHENTICATE OAUTHBEARER / XOAUTH2 with a bearer token issued to a device: `user#<device>` names the device
   * (its token must match); a plain `user` is accepted with the token of any of its devices, the device then
   * still to be learnt from the IMAP ID. Returns null on any failure.
   */
  authenticateToken(authcid: string, token: string): Principal | null {
    if (token === '') return null;
    const hash = authcid.indexOf('#');
    const user = this.users.get(hash > 0 ? authcid.slice(0, hash) : authcid);
    if (!user) return null;
    if (hash > 0) {
      if (!this.opts.deviceLearning.has('login')) return null;
      const device = user.devices.find((d) => deviceKey(d.id) === deviceKey(authcid.slice(hash + 1)));
      return device?.token !== undefined && same(token, device.token) ? { user: user.name, device: device.id, pf: null } : null;
    }
    return user.devices.some((d) => d.token !== undefined && same(token, d.token)) ? { user: user.name, device: null, pf: null } : null;
  }

  /** LOGIN / AUTHENTICATE PLAIN. Returns null on any failure (no detail leaks to the client). */
  authenticate(authcid: string, password: string, authzid = ''): Principal | null {
    const pf = this.opts.pf;
    const models = this.opts.pfLogin;
    const perUser = this.templateLogin(authcid, password);
    if (authzid !== '') {
      // PF acting for a user
      if (pf && models.saslAuthzid && authcid === pf.name && same(password, pf.password) && this.users.has(authzid)) {
        return { user: authzid, device: null, pf: pf.name };
      }
      // the PF's per-user login name, authorising as that user
      if (perUser) return perUser.user === authzid ? perUser : null;
      // a user authorising as itself (possibly with a device suffix on authcid)
      const p = this.authenticate(authcid, password);
      return p && p.pf === null && p.user === authzid ? p : null;
    }
    if (perUser) return perUser;
    const star = authcid.lastIndexOf('*');
    if (star > 0 && pf && models.masterUser) {
      const user = authcid.slice(0, star);
      if (authcid.slice(star + 1) === pf.name && same(password, pf.password) && this.users.has(user)) {
        return { user, device: null, pf: pf.name };
      }
      return null;
    }
    const hash = authcid.indexOf('#');
    if (hash > 0) {
      if (!this.opts.deviceLearning.has('login')) return null;
      const user = this.users.get(authcid.slice(0, hash));
      if (!user) return null;
      const device = user.devices.find((d) => deviceKey(d.id) === deviceKey(authcid.slice(hash + 1)));
      if (!device) return null;
      const ok = (device.password !== undefined && same(password, device.password)) || same(password, user.password);
      return ok ? { user: user.name, device: device.id, pf: null } : null;
    }
    const user = this.users.get(authcid);
    if (!user) return null;
    if (same(password, user.password)) return { user: user.name, device: null, pf: null };
    // A device's own password under the user's name identifies the device (per-device credentials).
    const device = user.devices.find((d) => d.password !== undefined && same(password, d.password));
    return device ? { user: user.name, device: device.id, pf: null } : null;
  }
}
