// Configuration of the reference CPM Message Store.
import type { PushFormat } from './push/types.js';

export interface DeviceConfig {
  /** Device identity: `urn:uuid:…`, `urn:gsma:imei:…` or a public GRUU. */
  id: string;
  /** Password for the per-device login `user#<id>`; the user's password is accepted as well. */
  password?: string;
  /** OAuth 2.0 bearer token issued to this device (AUTHENTICATE OAUTHBEARER / XOAUTH2). */
  token?: string;
}

export interface UserConfig {
  name: string;
  password: string;
  devices: DeviceConfig[];
}

export interface PushOptions {
  url: string;
  /** Payload format (default 'reference', today's single-event JSON): see PushFormat. */
  format?: PushFormat;
  /** nms-json / nms-xml: how long events are collected after the first one of a batch (default 5 ms). */
  batchWindowMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
  backoffMs?: { initial: number; max: number };
  maxQueue?: number;
  delayMs?: number;
  log?: (line: string) => void;
}

export interface FolderLayout {
  /** Root of the CPM folders (conversation folders are created below it by clients). */
  root: string;
  /** Folder for Voicemail Objects. */
  voicemail: string;
  /** Further folders created at start for every user. */
  extra?: string[];
}

export type DeviceLearning = 'login' | 'imap-id';
export type IdentityBinding = 'header' | 'none';
export type PfPath = 'rewrite' | 'keyword';

/**
 * How the CPM Participating Function logs in for a user:
 * * `master-user` — `LOGIN "<user>*<pf name>" <pf password>` (Dovecot master-user style);
 * * `sasl-authzid` — `AUTHENTICATE PLAIN` with authzid `<user>`, authcid `<pf name>`, the PF's password;
 * * `template` — a per-user login name built from `PfLoginOptions.template`, e.g. `{user}#cpm-pf`, with the PF's
 *   password, by LOGIN or by AUTHENTICATE PLAIN (authcid = that name; authzid empty or `<user>`).
 */
export type PfLoginModel = 'master-user' | 'sasl-authzid' | 'template';

export interface PfLoginOptions {
  /** Accepted models. Default `['master-user', 'sasl-authzid']`, plus `'template'` when `template` is set. */
  models?: PfLoginModel[];
  /**
   * Login name template of the `template` model. Placeholders: `{user}` (required, once) and `{pf}` (the PF account
   * name). Anything else is literal, e.g. `{user}#cpm-pf` or `pf-{user}`.
   */
  template?: string;
}

export interface ReferenceStoreOptions {
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  users: UserConfig[];
  /** CPM Participating Function account acting on users' mailboxes. */
  pf?: { name: string; password: string };
  /** How the store learns the acting device (default both). */
  deviceLearning?: DeviceLearning[];
  /** How recorded identities are exposed (default 'header'). */
  identityBinding?: IdentityBinding;
  /** PF ways of naming a device (default both). */
  pfPath?: PfPath[];
  /** How the PF logs in (default master-user and sasl-authzid). */
  pfLogin?: PfLoginOptions;
  /**
   * The IMAP ID field (RFC 2971) a device announces its identity with, compared case-insensitively
   * (default `+sip.instance`). Only this key is read; e.g. `x-device-id` with a bare value `urn:uuid:…`.
   */
  imapIdKey?: string;
  folders?: Partial<FolderLayout>;
  /** Advertise and implement RFC 5465 NOTIFY (default true). */
  notify?: boolean;
  /** CPM PUSH Enabler endpoint; no notifications when absent. */
  push?: PushOptions;
  /** Fault switches (see FAULTS). */
  faults?: string[];
  /** A client silent for this long is logged out (default 30 min). */
  idleTimeoutMs?: number;
  /** Largest literal accepted (default 10 MiB). */
  maxLiteralBytes?: number;
  /** Longest command line accepted (default 64 KiB). */
  maxLineBytes?: number;
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  users: UserConfig[];
  pf: { name: string; password: string } | null;
  deviceLearning: Set<DeviceLearning>;
  identityBinding: IdentityBinding;
  pfPath: Set<PfPath>;
  pfLogin: ResolvedPfLogin;
  imapIdKey: string;
  folders: FolderLayout;
  notify: boolean;
  push: PushOptions | null;
  idleTimeoutMs: number;
  maxLiteralBytes: number;
  maxLineBytes: number;
  log: (line: string) => void;
}

export interface ResolvedPfLogin {
  masterUser: boolean;
  saslAuthzid: boolean;
  /** The template as given, or null when the model is off. */
  template: string | null;
  /** Matches a login name built from the template; group 1 is the user. Null when the model is off. */
  match: ((login: string) => string | null) | null;
}

const PF_LOGIN_MODELS: readonly PfLoginModel[] = ['master-user', 'sasl-authzid', 'template'];

export function resolvePfLogin(o: PfLoginOptions | undefined, pfName: string | null): ResolvedPfLogin {
  const template = o?.template;
  const models = new Set<PfLoginModel>(o?.models ?? ['master-user', 'sasl-authzid', ...(template !== undefined ? ['template' as const] : [])]);
  for (const m of models) {
    if (!PF_LOGIN_MODELS.includes(m)) throw new Error(`pfLogin.models: unknown model ${JSON.stringify(m)} (known: ${PF_LOGIN_MODELS.join(', ')})`);
  }
  if (models.has('template') && template === undefined) throw new Error("pfLogin.models includes 'template' but pfLogin.template is not set");
  if (template !== undefined && !models.has('template')) throw new Error("pfLogin.template is set but pfLogin.models does not include 'template'");
  let match: ResolvedPfLogin['match'] = null;
  if (template !== undefined) {
    const parts = template.split(/(\{[^{}]*\})/);
    const unknown = parts.filter((p) => /^\{.*\}$/.test(p) && p !== '{user}' && p !== '{pf}');
    if (unknown.length) throw new Error(`pfLogin.template ${JSON.stringify(template)}: unknown placeholder ${unknown.join(', ')} (known: {user}, {pf})`);
    if (parts.filter((p) => p === '{user}').length !== 1) throw new Error(`pfLogin.template ${JSON.stringify(template)} must contain {user} exactly once`);
    if (template === '{user}') throw new Error('pfLogin.template must differ from the plain user name: add a literal part, e.g. {user}#cpm-pf');
    if (/[\s"\\]/.test(template)) throw new Error(`pfLogin.template ${JSON.stringify(template)}: no spaces, quotes or backslashes`);
    const literal = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`^${parts.map((p) => (p === '{user}' ? '(.+)' : p === '{pf}' ? literal(pfName ?? '') : literal(p))).join('')}$`);
    match = (login) => re.exec(login)?.[1] ?? null;
  }
  return { masterUser: models.has('master-user'), saslAuthzid: models.has('sasl-authzid'), template: template ?? null, match };
}

export function resolveOptions(o: ReferenceStoreOptions): ResolvedOptions {
  if (!o || !Array.isArray(o.users)) throw new Error('options.users is required');
  const names = new Set<string>();
  for (const u of o.users) {
    if (!u.name || /[#*\s]/.test(u.name)) throw new Error(`invalid user name ${JSON.stringify(u.name)} (no '#', '*' or spaces)`);
    if (names.has(u.name)) throw new Error(`duplicate user ${u.name}`);
    names.add(u.name);
  }
  if (o.pf && names.has(o.pf.name)) throw new Error('the PF account name must differ from user names');
  const format = o.push?.format;
  if (format !== undefined && format !== 'reference' && format !== 'nms-json' && format !== 'nms-xml') {
    throw new Error(`push.format must be reference, nms-json or nms-xml: got ${JSON.stringify(format)}`);
  }
  return {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    users: o.users,
    pf: o.pf ?? null,
    deviceLearning: new Set(o.deviceLearning ?? ['login', 'imap-id']),
    identityBinding: o.identityBinding ?? 'header',
    pfPath: new Set(o.pfPath ?? ['rewrite', 'keyword']),
    pfLogin: resolvePfLogin(o.pfLogin, o.pf?.name ?? null),
    imapIdKey: resolveIdKey(o.imapIdKey),
    folders: {
      root: o.folders?.root ?? 'RCSMessageStore',
      voicemail: o.folders?.voicemail ?? 'RCSMessageStore/Voicemail',
      extra: o.folders?.extra ?? [],
    },
    notify: o.notify ?? true,
    push: o.push ?? null,
    idleTimeoutMs: o.idleTimeoutMs ?? 30 * 60_000,
    maxLiteralBytes: o.maxLiteralBytes ?? 10 * 1024 * 1024,
    maxLineBytes: o.maxLineBytes ?? 64 * 1024,
    log: o.log ?? (() => {}),
  };
}

function resolveIdKey(key: string | undefined): string {
  if (key === undefined) return '+sip.instance';
  // RFC 2971: field names are strings of at most 30 octets
  if (key === '' || Buffer.byteLength(key) > 30 || /[\r\n"\\]/.test(key)) throw new Error(`imapIdKey ${JSON.stringify(key)}: 1 to 30 octets, no quotes, backslashes or line breaks`);
  return key;
}
