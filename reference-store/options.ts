// Configuration of the reference CPM Message Store.

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
  folders: FolderLayout;
  notify: boolean;
  push: PushOptions | null;
  idleTimeoutMs: number;
  maxLiteralBytes: number;
  maxLineBytes: number;
  log: (line: string) => void;
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
  return {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    users: o.users,
    pf: o.pf ?? null,
    deviceLearning: new Set(o.deviceLearning ?? ['login', 'imap-id']),
    identityBinding: o.identityBinding ?? 'header',
    pfPath: new Set(o.pfPath ?? ['rewrite', 'keyword']),
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
