// What a running suite file holds (the started target and the PUSH enabler mock) and what each case gets: device
// sessions opened the way the profile says each device announces itself, the PF acting for a user, folders of its
// own that are removed afterwards, and one merged timeline of everything it saw.
import { randomBytes } from 'node:crypto';
import { DeviceSession, type SessionSpec, type WireRecord } from '../imap/session.js';
import { mergeTimelines, type TimelineEntry } from '../imap/timeline.js';
import { loadProfile } from '../profile/index.js';
import { secretsOf } from '../profile/secrets.js';
import type { Credentials, Device, Profile, User } from '../profile/types.js';
import { startPushEnabler, type PushEnabler } from '../push/index.js';
import { startTarget, type RunningTarget } from '../targets/index.js';
import { BlockedError, NotApplicableError } from '../must/index.js';
import type { CaseMeta } from './case.js';

export interface RunOptions {
  profile: Profile;
  /** SHOULD-level failures fail the run instead of being warnings. */
  strict: boolean;
  /**
   * Reference-store fault switches (kill-matrix runs, CPM_FAULTS). Undefined: the profile's own
   * `target.faults`; a list (even empty) replaces them.
   */
  faults?: string[];
}

/** Reads the run's settings from the environment the CLI (or a plain vitest run) provides. */
export function runOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  return {
    profile: loadProfile(env['CPM_PROFILE'] || undefined, env),
    strict: env['CPM_STRICT'] === '1',
    ...(env['CPM_FAULTS'] ? { faults: env['CPM_FAULTS'].split(',').map((s) => s.trim()).filter(Boolean) } : {}),
  };
}

export class Run {
  private constructor(
    readonly options: RunOptions,
    readonly push: PushEnabler,
    readonly target: RunningTarget,
    readonly secrets: readonly string[],
  ) {}

  get profile(): Profile {
    return this.options.profile;
  }

  static async start(options: RunOptions): Promise<Run> {
    const p = options.profile.push;
    const push = await startPushEnabler({
      host: p.listen.host,
      port: p.listen.port,
      path: p.path,
      binding: p.binding,
      timeoutMs: p.timeoutMs,
      allowNonLoopback: p.listen.allowNonLoopback,
    });
    try {
      const target = await startTarget({ profile: options.profile, pushUrl: push.url, ...(options.faults ? { faults: options.faults } : {}) });
      return new Run(options, push, target, secretsOf(options.profile));
    } catch (err) {
      await push.close();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.target.stop();
    await this.push.close();
  }
}

/** The PF's login name acting for `user`, as the profile declares the PF access model. */
export function pfLoginName(pf: NonNullable<Profile['accounts']['pf']>, user: string): string {
  switch (pf.authzidFor) {
    case 'login-star':
      return `${user}*${pf.login}`;
    case 'login-template':
      return (pf.loginTemplate ?? '{user}').replace(/\{user\}/g, user).replace(/\{pf\}/g, pf.login);
    case 'sasl-plain-authzid':
      return pf.login;
  }
}

function secretOf(c: Credentials): { password?: string; accessToken?: string } {
  if ('password' in c) return { password: c.password };
  return { accessToken: 'oauthBearer' in c ? c.oauthBearer : c.xoauth2 };
}

const slug = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

/** One measurement a case made, e.g. the latency of a PUSH notification it awaited. */
export interface CaseMetric {
  name: string;
  value: number;
  unit: string;
}

/** Metric names the reports aggregate across cases. */
export const METRICS = {
  /** Milliseconds from the IMAP command that changed a message's status to the PUSH Enabler receiving the notification. */
  pushLatency: 'push-latency-ms',
} as const;

export class CaseContext {
  /** Push notifications before this mark belong to earlier cases. */
  readonly pushFrom: number;
  private readonly sessions: DeviceSession[] = [];
  private readonly measured: CaseMetric[] = [];
  private readonly folders: { user: User; path: string }[] = [];
  private readonly notes: TimelineEntry[] = [];
  private readonly startedAt = performance.timeOrigin + performance.now();
  /** Short random tag that makes this case's folder names and object identifiers unique. */
  readonly tag = randomBytes(3).toString('hex');

  constructor(
    readonly run: Run,
    readonly meta: CaseMeta,
  ) {
    this.pushFrom = run.push.mark();
  }

  get profile(): Profile {
    return this.run.profile;
  }

  get push(): PushEnabler {
    return this.run.push;
  }

  /** Timeout for one push notification, from the profile. */
  get notifyTimeoutMs(): number {
    return this.profile.push.timeoutMs;
  }

  /** Timeout for one IMAP notification, from the profile. */
  get imapNotifyTimeoutMs(): number {
    return this.profile.timeouts.notifyMs;
  }

  /** The first user with at least `devices` devices (cases declare `devices:N` so one exists). */
  user(opts: { devices?: number; index?: number } = {}): User {
    const users = this.profile.accounts.users.filter((u) => u.devices.length >= (opts.devices ?? 1));
    const u = users[opts.index ?? 0];
    if (!u) throw new BlockedError(`the profile has no user #${opts.index ?? 0} with ${opts.devices ?? 1} device(s)`);
    return u;
  }

  /** Opens an IMAP session of `device`, announcing it the way the profile declares. */
  async session(user: User, device: Device, label = `${user.name}/d${user.devices.indexOf(device) + 1}`): Promise<DeviceSession> {
    const endpoint = this.run.target.imap;
    // The ID field the profile declares (default +sip.instance = "<urn>").
    const id = this.profile.accounts.imapId;
    const announce = { [id.key]: id.value.replace(/\{id\}/g, device.id.replace(/^<|>$/g, '')) };
    const spec: SessionSpec = {
      label,
      host: endpoint.host,
      port: endpoint.port,
      tls: endpoint.tls,
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
      ...(endpoint.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
      login: device.login,
      ...secretOf(device.credentials),
      ...(device.announce === 'imap-id-before-login' ? { idBeforeLogin: announce } : {}),
      ...(device.announce === 'imap-id-after-login' ? { idAfterLogin: announce } : {}),
      limits: this.profile.limits,
      connectTimeoutMs: this.profile.timeouts.connectMs,
      commandTimeoutMs: this.profile.timeouts.commandMs,
      secrets: this.run.secrets,
    };
    const s = await DeviceSession.open(spec);
    s.note(`device ${device.id} (announce: ${device.announce})`);
    this.sessions.push(s);
    return s;
  }

  /** Opens a session of the CPM Participating Function acting for `user`. */
  async pf(user: User): Promise<DeviceSession> {
    const pf = this.profile.accounts.pf;
    if (!pf) throw new BlockedError('the profile declares no PF account');
    const endpoint = this.run.target.imap;
    const s = await DeviceSession.open({
      label: `pf→${user.name}`,
      host: endpoint.host,
      port: endpoint.port,
      tls: endpoint.tls,
      // The same TLS trust as the device sessions: a private CA must verify the PF's connection too.
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
      ...(endpoint.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
      login: pfLoginName(pf, user.name),
      ...(pf.authzidFor === 'sasl-plain-authzid' ? { authzid: user.name } : {}),
      ...secretOf(pf.credentials),
      limits: this.profile.limits,
      connectTimeoutMs: this.profile.timeouts.connectMs,
      commandTimeoutMs: this.profile.timeouts.commandMs,
      secrets: this.run.secrets,
    });
    this.sessions.push(s);
    return s;
  }

  /** Creates a folder of this case under the profile's root (removed when the case ends). */
  async folder(session: DeviceSession, user: User, purpose = 'f'): Promise<string> {
    // The root may name the user ("{user}/RCSMessageStore"): it is filled for the user the folder is made for.
    // An empty root: the store has no root folder, the case's folders are top-level.
    const root = this.profile.features.folders.root.replace(/\{user\}/g, user.name);
    const path = `${root === '' ? '' : `${root}/`}t-${slug(this.meta.id)}-${slug(purpose)}-${this.tag}`;
    if (root !== '') {
      await session.run(`CREATE ${root}`, async (c) => {
        // Refused because it already exists on most stores; a lost connection, though, is the real problem.
        await c.mailboxCreate(root).catch((err: unknown) => {
          if (!c.usable) throw err;
        });
      });
    }
    await session.run(`CREATE ${path}`, async (c) => {
      try {
        await c.mailboxCreate(path);
      } catch (err) {
        throw new BlockedError(`cannot create the case's folder ${path}: ${(err as Error).message}`);
      }
    });
    this.folders.push({ user, path });
    return path;
  }

  /** APPENDs a stored object; resolves with its UID (UIDPLUS, else found by SEARCH HEADER IMDN-Message-ID). */
  async append(session: DeviceSession, folder: string, raw: string | Buffer, flags: string[] = []): Promise<{ uid: number; uidValidity: number }> {
    const res = await session.run(`APPEND ${folder}`, (c) => c.append(folder, raw, flags));
    if (!res) throw new BlockedError(`APPEND to ${folder} was refused`);
    if (res.uid && res.uidValidity) return { uid: res.uid, uidValidity: Number(res.uidValidity) };
    const id = /^IMDN-Message-ID:[ \t]*(\S+)/im.exec(raw.toString())?.[1];
    if (!id) throw new BlockedError('the store returned no APPENDUID and the object has no IMDN-Message-ID to find it by');
    const status = await session.run(`STATUS ${folder}`, (c) => c.status(folder, { uidValidity: true }));
    const lock = await session.run(`SELECT ${folder}`, (c) => c.getMailboxLock(folder));
    try {
      const uids = await session.run('UID SEARCH HEADER', (c) => c.search({ header: { 'IMDN-Message-ID': id } }, { uid: true }));
      const uid = Array.isArray(uids) ? uids.at(-1) : undefined;
      if (!uid) throw new BlockedError(`the appended object (IMDN-Message-ID ${id}) is not found in ${folder}`);
      return { uid, uidValidity: status ? Number(status.uidValidity) : 0 };
    } finally {
      lock.release();
    }
  }

  /**
   * Records a measurement for the reports (run.json, the summary): `c.metric('push-latency-ms', ms)` for every
   * notification the case awaited. Non-finite values are ignored (a measurement that did not happen).
   */
  metric(name: string, value: number, unit = name.endsWith('-ms') ? 'ms' : ''): void {
    if (!Number.isFinite(value)) return;
    this.measured.push({ name, value, unit });
    this.note(`metric ${name} = ${value}${unit && !name.endsWith(`-${unit}`) ? ` ${unit}` : ''}`);
  }

  /** The measurements recorded so far, in order. */
  metrics(): readonly CaseMetric[] {
    return this.measured;
  }

  /** Ends the case as not applicable: the rule it checks does not apply to this server (reason reported). */
  notApplicable(reason: string): never {
    this.note(`not applicable: ${reason}`);
    throw new NotApplicableError(reason);
  }

  note(text: string): void {
    this.notes.push({ t: performance.timeOrigin + performance.now(), source: 'case', dir: '*', text });
  }

  /** The wire records of every session of the case, in the order they were opened. */
  wires(): WireRecord[] {
    return this.sessions.map((s) => s.wire());
  }

  /** Everything this case saw, in order: every session's wire transcript, push arrivals, notes. */
  timeline(): TimelineEntry[] {
    const push = this.push.timeline().filter((e) => e.t >= this.startedAt);
    return mergeTimelines(this.notes, push, ...this.sessions.map((s) => s.transcript()));
  }

  /** Closes sessions and removes the case's folders (best effort, bounded by the command timeout). */
  async finish(): Promise<void> {
    if (this.folders.length > 0) {
      for (const { user, path } of this.folders.reverse()) {
        const device = user.devices[0];
        if (!device) continue;
        try {
          const s = this.sessions.find((x) => x.spec.login === device.login && x.client.usable) ?? (await this.session(user, device, `${user.name}/cleanup`));
          await s.run(`DELETE ${path}`, (c) => c.mailboxDelete(path));
        } catch {
          // a target that refuses DELETE leaves a uniquely named folder behind; the run goes on
        }
      }
    }
    await Promise.all(this.sessions.map((s) => s.close()));
  }
}
