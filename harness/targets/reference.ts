// The embedded reference store as a target: started in-process on a free loopback port from the profile's
// accounts and features, through the store's public entry point only.
import { randomBytes } from 'node:crypto';
import { startReferenceStore, type ReferenceStoreOptions } from '../../reference-store/index.js';
import { voicemailFolder } from '../profile/index.js';
import type { Credentials, Profile } from '../profile/types.js';
import { TargetSetupError, type RunningTarget, type TargetStartOptions } from './types.js';

const LOG_LINES_KEPT = 2000;

function passwordOf(c: Credentials, what: string): string {
  if ('password' in c) return c.password;
  throw new TargetSetupError(`${what}: the reference store authenticates this account with a password only`);
}

/** A device authenticates with a password (LOGIN / AUTH=PLAIN) or a bearer token (OAUTHBEARER / XOAUTH2). */
function deviceSecret(c: Credentials): { password: string } | { token: string } {
  if ('password' in c) return { password: c.password };
  return { token: 'oauthBearer' in c ? c.oauthBearer : c.xoauth2 };
}

export function referenceStoreOptions(profile: Profile, pushUrl: string, faults: readonly string[]): ReferenceStoreOptions {
  const target = profile.target.kind === 'reference' ? profile.target : undefined;
  const f = profile.features;
  const pfPath = target?.pfPath ?? f.pfPath;
  return {
    host: target?.host ?? '127.0.0.1',
    port: target?.port ?? 0,
    users: profile.accounts.users.map((u) => {
      // A plain user-name login (IMAP ID announce) uses the first such device's password; a user whose devices
      // all hold tokens gets a password nobody knows.
      // Devices announcing themselves by their credentials keep their passwords to themselves: the user's password
      // is then one nobody knows, so that each of those passwords names one device.
      const byPassword = u.devices.filter((d) => 'password' in d.credentials && d.announce !== 'credentials');
      const plain = byPassword.find((d) => d.announce !== 'login') ?? byPassword[0];
      return {
        name: u.name,
        password: plain ? passwordOf(plain.credentials, `user ${u.name}`) : randomBytes(18).toString('base64url'),
        devices: u.devices.map((d) => ({ id: d.id, ...deviceSecret(d.credentials) })),
      };
    }),
    ...(profile.accounts.pf ? { pf: { name: profile.accounts.pf.login, password: passwordOf(profile.accounts.pf.credentials, 'PF account') } } : {}),
    // The store speaks what the profile declares: its IMAP ID key and PF access model.
    imapIdKey: profile.accounts.imapId.key,
    ...(profile.accounts.pf?.authzidFor === 'login-template' && profile.accounts.pf.loginTemplate
      ? { pfLogin: { models: ['template' as const], template: profile.accounts.pf.loginTemplate } }
      : {}),
    identityBinding: target?.identityBinding ?? f.identityBinding,
    pfPath: pfPath === 'none' ? [] : [pfPath],
    // A profile without a root folder leaves the store's own default root in place: the cases do not use it.
    folders: { ...(f.folders.root !== '' ? { root: f.folders.root } : {}), ...(f.folders.voicemail ? { voicemail: voicemailFolder(profile) ?? f.folders.voicemail } : {}) },
    notify: f.notify,
    ...(f.push ? { push: { url: pushUrl, ...(target?.pushFormat ? { format: target.pushFormat } : {}) } } : {}),
    faults: [...faults],
  };
}

export async function startReferenceTarget(opts: TargetStartOptions): Promise<RunningTarget> {
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
    if (lines.length > LOG_LINES_KEPT) lines.splice(0, lines.length - LOG_LINES_KEPT);
  };
  const faults = opts.faults ?? (opts.profile.target.kind === 'reference' ? opts.profile.target.faults : []);
  let store;
  try {
    store = await startReferenceStore({ ...referenceStoreOptions(opts.profile, opts.pushUrl, faults), log });
  } catch (err) {
    throw new TargetSetupError(`the reference store did not start: ${(err as Error).message}`, { cause: err });
  }
  const running = store;
  let stopped: Promise<void> | undefined;
  return {
    imap: { host: running.host, port: running.port, tls: 'none' },
    info: () => ({
      kind: 'reference',
      description: `embedded reference store on ${running.host}:${running.port}${faults.length ? ` with faults ${faults.join(', ')}` : ''}`,
    }),
    logs: () => [...lines],
    stop: () => (stopped ??= running.stop().catch(() => {})),
  };
}
