// The loaded target profile, defaults applied. The JSON shape is fixtures/profiles/profile.schema.json;
// fixtures/profiles/README.md explains every field.
import type { DeliveryOrder, PushBinding } from '../push/binding.js';
import type { ExpectedFailures } from './expected-failures.js';

export type TlsMode = 'none' | 'starttls' | 'implicit';
export type IdentityBinding = 'header' | 'none';
export type PfPath = 'rewrite' | 'keyword' | 'none';
export type Announce = 'login' | 'imap-id-before-login' | 'imap-id-after-login' | 'credentials';
export type ObjectKind = 'standalone' | 'chat' | 'imdn' | 'ft-history' | 'sms' | 'mms' | 'session-info' | 'group-state' | 'voicemail';

export const OBJECT_KINDS: readonly ObjectKind[] = [
  'standalone', 'chat', 'imdn', 'ft-history', 'sms', 'mms', 'session-info', 'group-state', 'voicemail',
];

/** Exactly one of these keys is present. */
export type Credentials = { password: string } | { oauthBearer: string } | { xoauth2: string };

export interface ReferenceTarget {
  kind: 'reference';
  faults: string[];
  /** Unset: the embedded store follows features.identityBinding / features.pfPath. */
  identityBinding?: IdentityBinding;
  pfPath?: PfPath;
  /** The embedded store's PUSH payload format (default its own one-event JSON). */
  pushFormat?: 'reference' | 'nms-json' | 'nms-xml';
  host: string;
  port: number;
}

export interface CaSettings {
  /** Absolute path (resolved against the profile's folder). */
  file?: string;
  insecureSkipVerify: boolean;
}

export type Readiness = { logLine: string } | { command: string[] };

export interface ContainerTarget {
  kind: 'container';
  image: string;
  /** Values may still hold {{push.url}}-style templates: see expandTemplates(). */
  env: Record<string, string>;
  command?: string[];
  ready: Readiness;
  imapPort: number;
  host: string;
  tls: TlsMode;
  ca?: CaSettings;
  startupTimeoutMs: number;
  allowNonLoopback: boolean;
}

export interface ExternalTarget {
  kind: 'external';
  host: string;
  port: number;
  tls: TlsMode;
  ca?: CaSettings;
  allowNonLoopback: boolean;
}

export interface DovecotTarget {
  kind: 'dovecot';
  binary: string;
}

export type Target = ReferenceTarget | ContainerTarget | ExternalTarget | DovecotTarget;

export interface Device {
  id: string;
  credentials: Credentials;
  /** Resolved login name (default <user>#<device id> for announce=login, else the user name). */
  login: string;
  announce: Announce;
}

export interface User {
  name: string;
  devices: Device[];
}

export interface PfAccount {
  login: string;
  credentials: Credentials;
  authzidFor: 'sasl-plain-authzid' | 'login-star' | 'login-template';
  /** authzidFor login-template: the PF's login name for a user, e.g. `{user}#cpm-pf`. */
  loginTemplate?: string;
}

export interface Accounts {
  users: User[];
  pf?: PfAccount;
  /** How an IMAP-ID-announcing device names itself: the field key and value template (`{id}`). */
  imapId: { key: string; value: string };
}

export interface Folders {
  root: string;
  /** Template with {root}, {conversationId}, {user}. */
  conversation: string;
  voicemail?: string;
  audit: string[];
}

export interface Features {
  notify: boolean;
  push: boolean;
  voicemail: boolean;
  identityBinding: IdentityBinding;
  pfPath: PfPath;
  objectKinds: ObjectKind[];
  folders: Folders;
}

export interface PushSettings {
  listen: { host: string; port: number; allowNonLoopback: boolean };
  path: string;
  /** The general form (a shorthand profile is translated); schema and example paths are absolute. */
  binding: PushBinding;
  /** How absence is concluded: sentinel barrier (per-user order) or quiet window. */
  delivery: DeliveryOrder;
  timeoutMs: number;
}

export interface Timeouts {
  connectMs: number;
  commandMs: number;
  notifyMs: number;
}

/** Bounds on what the server sends, enforced by the harness's IMAP sessions (a breach is a named finding). */
export interface Limits {
  /** Longest line of a server response, literals excluded. */
  maxLineBytes: number;
  /** Largest literal a server response may announce. */
  maxLiteralBytes: number;
}

export interface Profile {
  name: string;
  description: string;
  target: Target;
  accounts: Accounts;
  features: Features;
  push: PushSettings;
  timeouts: Timeouts;
  limits: Limits;
  /** Known deviations of the target (the file named by "expectedFailures"); absent when the profile names none. */
  expectedFailures?: ExpectedFailures;
  /** Where the profile came from (file path, or a label given to validateProfile). */
  source: string;
  /** SHA-256 (hex) of the profile with defaults applied and secrets excluded: stable across password changes. */
  sha256: string;
  /** JSON Pointers of the values that are secrets (credentials and secret-looking fields). */
  secretPaths: string[];
}
