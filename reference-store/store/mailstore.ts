// In-memory message store: users → mailboxes → messages, with UIDs, UIDVALIDITY, MODSEQ (RFC 7162),
// flags, the CPM device identities per object, mailbox metadata (RFC 5464), and change events that
// IMAP sessions (RFC 3501 untagged updates, RFC 5465 NOTIFY) and the PUSH notifier subscribe to.
import { parsePart, type MimePart } from './message.js';

export const DELIMITER = '/';

/** Who made a change: the IMAP session, the device acting, and the PF account when it acts for the user. */
export interface Origin {
  sessionId: number;
  device: string | null;
  pf: string | null;
}

export type ObjectType = 'message' | 'voicemail' | null;

export interface StoredMessage {
  uid: number;
  raw: Buffer;
  flags: Set<string>;
  internalDate: Date;
  modseq: number;
  /** device that set \Seen since the object was last unseen (CR Message-seen-identity) */
  seenBy: string | null;
  /** device that set \Deleted (CR Message-delete-identity); kept through expunge */
  deletedBy: string | null;
  expunged: boolean;
  /** session that sees \Recent; null = not yet claimed, 0 = nobody any more */
  recentFor: number | null;
  objectType: ObjectType;
  imdnMessageId: string | null;
  /** PF rewrite path: UID of the older copy this object replaces */
  supersedes: number | null;
  /** set on the older copy once a rewritten copy replaced it (its expunge is no status change) */
  superseded: boolean;
  /** render cache (served bytes depend on the identity binding) */
  cache: { key: string; raw: Buffer; root: MimePart } | null;
}

export interface Mailbox {
  name: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  messages: StoredMessage[];
  /** every keyword ever set on a message of the mailbox, in order of first use (announced in FLAGS) */
  keywords: string[];
  metadata: Map<string, Buffer>;
  /** sessions that have the mailbox selected read-write, in selection order (for \Recent) */
  writers: number[];
}

export type ChangeEvent =
  | { kind: 'new'; user: string; mailbox: Mailbox; messages: StoredMessage[]; origin: Origin }
  | { kind: 'flags'; user: string; mailbox: Mailbox; message: StoredMessage; added: string[]; removed: string[]; origin: Origin }
  | { kind: 'expunge'; user: string; mailbox: Mailbox; messages: StoredMessage[]; origin: Origin }
  | { kind: 'mailbox-create' | 'mailbox-delete'; user: string; name: string; origin: Origin }
  | { kind: 'mailbox-rename'; user: string; oldName: string; newName: string; origin: Origin }
  | { kind: 'subscription'; user: string; name: string; subscribed: boolean; origin: Origin }
  | { kind: 'metadata'; user: string; mailbox: string; entry: string; origin: Origin };

export type ChangeListener = (ev: ChangeEvent) => void;

export interface StoreHooks {
  /** Classifies an APPENDed object and may rewrite its bytes (fault switches); returns what to store. */
  prepareAppend?(raw: Buffer, origin: Origin): { raw: Buffer; objectType: ObjectType; imdnMessageId: string | null };
  /** Called after a new object got its UID and before the change is announced. */
  afterAppend?(user: string, mailbox: Mailbox, msg: StoredMessage, origin: Origin): void;
  /** Served bytes of an object (identity binding); defaults to the stored bytes. */
  render?(msg: StoredMessage): { key: string; build: () => Buffer };
}

let uidValiditySeed = Math.floor(Date.now() / 1000) % 1_000_000_000;

export class UserMailboxes {
  readonly mailboxes = new Map<string, Mailbox>();
  readonly subscriptions = new Set<string>();
  readonly serverMetadata = new Map<string, Buffer>();
  constructor(readonly name: string) {}
}

/** INBOX is case-insensitive (RFC 3501 §5.1); everything else is case-sensitive. */
export function canonicalName(name: string): string {
  const n = name.replace(/\/+$/, '');
  if (/^inbox$/i.test(n)) return 'INBOX';
  if (/^inbox\//i.test(n)) return 'INBOX' + n.slice(5);
  return n;
}

/** Adds keywords (flags without a backslash) to the mailbox's list, keeping the order of first use. */
function noteKeywords(mb: Mailbox, flags: Iterable<string>): void {
  for (const f of flags) {
    if (f.startsWith('\\')) continue;
    if (!mb.keywords.some((k) => k.toLowerCase() === f.toLowerCase())) mb.keywords.push(f);
  }
}

export class StoreError extends Error {
  constructor(readonly code: string | null, message: string) { super(message); }
}

export class MailStore {
  private readonly users = new Map<string, UserMailboxes>();
  private readonly listeners = new Set<ChangeListener>();
  readonly sharedServerMetadata = new Map<string, Buffer>();

  constructor(readonly hooks: StoreHooks = {}) {}

  addUser(name: string, folders: string[]): void {
    const u = new UserMailboxes(name);
    this.users.set(name, u);
    const sys: Origin = { sessionId: 0, device: null, pf: null };
    for (const f of ['INBOX', ...folders]) {
      const parts = canonicalName(f).split(DELIMITER);
      for (let i = 1; i <= parts.length; i++) {
        const n = parts.slice(0, i).join(DELIMITER);
        if (!u.mailboxes.has(n)) this.createMailbox(name, n, sys, true);
      }
    }
    for (const n of u.mailboxes.keys()) u.subscriptions.add(n);
  }

  user(name: string): UserMailboxes {
    const u = this.users.get(name);
    if (!u) throw new StoreError('NONEXISTENT', 'no such user');
    return u;
  }

  hasUser(name: string): boolean { return this.users.has(name); }

  subscribe(l: ChangeListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(ev: ChangeEvent): void {
    for (const l of [...this.listeners]) {
      try { l(ev); } catch { /* a failing listener must not break the store */ }
    }
  }

  // ----- mailboxes -------------------------------------------------------------------------

  getMailbox(user: string, name: string): Mailbox | null {
    return this.user(user).mailboxes.get(canonicalName(name)) ?? null;
  }

  requireMailbox(user: string, name: string): Mailbox {
    const mb = this.getMailbox(user, name);
    if (!mb) throw new StoreError('NONEXISTENT', 'Mailbox does not exist');
    return mb;
  }

  createMailbox(user: string, name: string, origin: Origin, quiet = false): Mailbox {
    const u = this.user(user);
    const n = canonicalName(name);
    if (!n || n.split(DELIMITER).some((p) => p === '')) throw new StoreError(null, 'Invalid mailbox name');
    if (u.mailboxes.has(n)) throw new StoreError('ALREADYEXISTS', 'Mailbox already exists');
    // create missing parents as well (RFC 3501 §6.3.3)
    const parts = n.split(DELIMITER);
    for (let i = 1; i < parts.length; i++) {
      const p = parts.slice(0, i).join(DELIMITER);
      if (!u.mailboxes.has(p)) this.createMailbox(user, p, origin, quiet);
    }
    const mb: Mailbox = { name: n, uidValidity: ++uidValiditySeed, uidNext: 1, highestModseq: 1, messages: [], keywords: [], metadata: new Map(), writers: [] };
    u.mailboxes.set(n, mb);
    if (!quiet) this.emit({ kind: 'mailbox-create', user, name: n, origin });
    return mb;
  }

  deleteMailbox(user: string, name: string, origin: Origin): void {
    const u = this.user(user);
    const n = canonicalName(name);
    if (n === 'INBOX') throw new StoreError(null, 'INBOX cannot be deleted');
    const mb = this.requireMailbox(user, n);
    if ([...u.mailboxes.keys()].some((k) => k.startsWith(n + DELIMITER))) throw new StoreError('INUSE', 'Mailbox has children');
    for (const m of mb.messages) m.expunged = true;
    u.mailboxes.delete(n);
    this.emit({ kind: 'mailbox-delete', user, name: n, origin });
  }

  renameMailbox(user: string, from: string, to: string, origin: Origin): void {
    const u = this.user(user);
    const a = canonicalName(from);
    const b = canonicalName(to);
    const mb = this.requireMailbox(user, a);
    if (u.mailboxes.has(b)) throw new StoreError('ALREADYEXISTS', 'Target mailbox exists');
    if (!b || b.split(DELIMITER).some((p) => p === '')) throw new StoreError(null, 'Invalid mailbox name');
    if (a === 'INBOX') {
      // RFC 3501: renaming INBOX moves its messages to the new mailbox and leaves INBOX empty
      const nb = this.createMailbox(user, b, origin);
      nb.messages = mb.messages;
      nb.keywords = [...mb.keywords];
      nb.uidNext = mb.uidNext;
      mb.messages = [];
      return;
    }
    const parts = b.split(DELIMITER);
    for (let i = 1; i < parts.length; i++) {
      const p = parts.slice(0, i).join(DELIMITER);
      if (!u.mailboxes.has(p)) this.createMailbox(user, p, origin);
    }
    const moved = [...u.mailboxes.entries()].filter(([k]) => k === a || k.startsWith(a + DELIMITER));
    for (const [k, box] of moved) {
      const nn = b + k.slice(a.length);
      u.mailboxes.delete(k);
      box.name = nn;
      u.mailboxes.set(nn, box);
      this.emit({ kind: 'mailbox-rename', user, oldName: k, newName: nn, origin });
    }
  }

  setSubscribed(user: string, name: string, on: boolean, origin: Origin): void {
    const u = this.user(user);
    const n = canonicalName(name);
    const had = u.subscriptions.has(n);
    if (on) u.subscriptions.add(n); else u.subscriptions.delete(n);
    if (had !== on) this.emit({ kind: 'subscription', user, name: n, subscribed: on, origin });
  }

  // ----- messages --------------------------------------------------------------------------

  append(user: string, mb: Mailbox, raw: Buffer, flags: string[], date: Date, origin: Origin): StoredMessage {
    const prepared = this.hooks.prepareAppend?.(raw, origin) ?? { raw, objectType: null, imdnMessageId: null };
    const msg = this.newMessage(mb, prepared.raw, flags, date);
    msg.objectType = prepared.objectType;
    msg.imdnMessageId = prepared.imdnMessageId;
    if (msg.flags.has('\\Seen')) msg.seenBy = origin.device;
    if (msg.flags.has('\\Deleted')) msg.deletedBy = origin.device;
    this.hooks.afterAppend?.(user, mb, msg, origin);
    this.emit({ kind: 'new', user, mailbox: mb, messages: [msg], origin });
    return msg;
  }

  /** COPY/MOVE: new UIDs in the target, same bytes, flags, date and recorded identities. */
  copy(user: string, src: StoredMessage[], target: Mailbox, origin: Origin): StoredMessage[] {
    const out = src.map((m) => {
      const c = this.newMessage(target, m.raw, [...m.flags], m.internalDate);
      c.seenBy = m.seenBy;
      c.deletedBy = m.deletedBy;
      c.objectType = m.objectType;
      c.imdnMessageId = m.imdnMessageId;
      return c;
    });
    if (out.length) this.emit({ kind: 'new', user, mailbox: target, messages: out, origin });
    return out;
  }

  private newMessage(mb: Mailbox, raw: Buffer, flags: string[], date: Date): StoredMessage {
    mb.highestModseq++;
    const msg: StoredMessage = {
      uid: mb.uidNext++, raw, flags: new Set(flags.filter((f) => f.toLowerCase() !== '\\recent')), internalDate: date,
      modseq: mb.highestModseq, seenBy: null, deletedBy: null, expunged: false,
      recentFor: mb.writers[0] ?? null, objectType: null, imdnMessageId: null, supersedes: null, superseded: false, cache: null,
    };
    mb.messages.push(msg);
    noteKeywords(mb, msg.flags);
    return msg;
  }

  /**
   * Applies a STORE operation. Records the acting device for \Seen / \Deleted transitions
   * (first device since the flag was last cleared; clearing the flag clears the identity).
   * Returns whether anything changed; a no-op emits nothing and keeps MODSEQ.
   */
  storeFlags(user: string, mb: Mailbox, msg: StoredMessage, op: 'add' | 'remove' | 'set', flags: string[], origin: Origin): boolean {
    if (msg.expunged) return false;
    const want = new Set(flags.filter((f) => f.toLowerCase() !== '\\recent'));
    const before = new Set(msg.flags);
    const after = op === 'set' ? want : new Set(before);
    if (op === 'add') for (const f of want) after.add(f);
    if (op === 'remove') for (const f of want) after.delete(f);
    const added = [...after].filter((f) => !before.has(f));
    const removed = [...before].filter((f) => !after.has(f));
    if (!added.length && !removed.length) return false;
    msg.flags = after;
    noteKeywords(mb, added);
    if (added.includes('\\Seen')) msg.seenBy = origin.device;
    if (removed.includes('\\Seen')) msg.seenBy = null;
    if (added.includes('\\Deleted')) msg.deletedBy = origin.device;
    if (removed.includes('\\Deleted')) msg.deletedBy = null;
    msg.modseq = ++mb.highestModseq;
    msg.cache = null;
    this.emit({ kind: 'flags', user, mailbox: mb, message: msg, added, removed, origin });
    return true;
  }

  expunge(user: string, mb: Mailbox, msgs: StoredMessage[], origin: Origin): StoredMessage[] {
    const gone = msgs.filter((m) => !m.expunged);
    if (!gone.length) return [];
    const set = new Set(gone);
    mb.messages = mb.messages.filter((m) => !set.has(m));
    mb.highestModseq++;
    for (const m of gone) { m.expunged = true; m.modseq = mb.highestModseq; }
    this.emit({ kind: 'expunge', user, mailbox: mb, messages: gone, origin });
    return gone;
  }

  /** The bytes served for a message and their MIME tree (cached per identity state). */
  view(msg: StoredMessage): { raw: Buffer; root: MimePart } {
    const r = this.hooks.render?.(msg) ?? { key: '', build: () => msg.raw };
    if (!msg.cache || msg.cache.key !== r.key) {
      const raw = r.build();
      msg.cache = { key: r.key, raw, root: parsePart(raw) };
    }
    return msg.cache;
  }

  // ----- metadata (RFC 5464) ---------------------------------------------------------------

  metadataMap(user: string, mailbox: string, entry: string): Map<string, Buffer> {
    if (mailbox === '') return entry.startsWith('/shared') ? this.sharedServerMetadata : this.user(user).serverMetadata;
    return this.requireMailbox(user, mailbox).metadata;
  }

  setMetadata(user: string, mailbox: string, entry: string, value: Buffer | null, origin: Origin): void {
    const map = this.metadataMap(user, mailbox, entry);
    const key = entry.toLowerCase();
    const old = map.get(key);
    if (value === null) map.delete(key); else map.set(key, value);
    const unchanged = (old === undefined && value === null) || (old !== undefined && value !== null && old.equals(value));
    if (!unchanged) {
      this.emit({ kind: 'metadata', user, mailbox: mailbox === '' ? '' : canonicalName(mailbox), entry: key, origin });
    }
  }

  unseenCount(mb: Mailbox): number {
    return mb.messages.filter((m) => !m.flags.has('\\Seen')).length;
  }
}
