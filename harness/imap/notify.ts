// Reading the untagged responses RFC 5465 NOTIFY produces: STATUS (other mailboxes), FETCH (MessageNew and
// FlagChange in the selected mailbox), LIST (MailboxName, SubscriptionChange), METADATA, and response codes such as
// BADEVENT. Works on the response text the session's ResponseReader recorded, literals inlined.
import type { Untagged } from './response-reader.js';

/** One parsed IMAP data item. Quoted strings and literals are both `string`; NIL is `nil`. */
export type Item =
  | { kind: 'atom'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'nil' }
  | { kind: 'list'; items: Item[] };

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Parses a sequence of space-separated IMAP items (atoms, quoted strings, literals, NIL, parenthesised lists). */
export function parseItems(text: string): Item[] {
  const buf = Buffer.from(text, 'utf8');
  const p = { at: 0 };
  const out: Item[] = [];
  for (;;) {
    skipSpaces(buf, p);
    if (p.at >= buf.length) return out;
    out.push(parseItem(buf, p));
  }
}

function skipSpaces(buf: Buffer, p: { at: number }): void {
  while (p.at < buf.length && (buf[p.at] === SP || buf[p.at] === CR || buf[p.at] === LF)) p.at++;
}

function parseItem(buf: Buffer, p: { at: number }): Item {
  const ch = buf[p.at];
  if (ch === 0x28 /* ( */) {
    p.at++;
    const items: Item[] = [];
    for (;;) {
      skipSpaces(buf, p);
      if (p.at >= buf.length) throw new Error('unterminated list');
      if (buf[p.at] === 0x29 /* ) */) {
        p.at++;
        return { kind: 'list', items };
      }
      items.push(parseItem(buf, p));
    }
  }
  if (ch === DQUOTE) {
    p.at++;
    const bytes: number[] = [];
    while (p.at < buf.length && buf[p.at] !== DQUOTE) {
      if (buf[p.at] === BACKSLASH) p.at++;
      bytes.push(buf[p.at]!);
      p.at++;
    }
    if (p.at >= buf.length) throw new Error('unterminated quoted string');
    p.at++;
    return { kind: 'string', value: Buffer.from(bytes).toString('utf8') };
  }
  if (ch === 0x7b /* { */) {
    const m = /^\{(\d+)\+?\}\r\n/.exec(buf.subarray(p.at, p.at + 24).toString('latin1'));
    if (!m) throw new Error('bad literal');
    const n = Number(m[1]);
    p.at += m[0].length;
    // the session's reader abbreviates literals over its inline limit as `<n bytes>`
    const placeholder = `<${n} bytes>`;
    if (buf.subarray(p.at, p.at + placeholder.length).toString('latin1') === placeholder && n > placeholder.length) {
      p.at += placeholder.length;
      return { kind: 'string', value: placeholder };
    }
    const value = buf.subarray(p.at, p.at + n).toString('utf8');
    p.at += n;
    return { kind: 'string', value };
  }
  // atom, number, flag, or a fetch item name such as BODY[HEADER.FIELDS (X)]<0> (brackets may hold spaces)
  const start = p.at;
  let depth = 0;
  while (p.at < buf.length) {
    const c = buf[p.at]!;
    if (c === 0x5b /* [ */) depth++;
    else if (c === 0x5d /* ] */) depth--;
    else if (depth === 0 && (c === SP || c === 0x28 || c === 0x29 || c === CR || c === LF)) break;
    p.at++;
  }
  if (p.at === start) throw new Error(`unexpected character ${String.fromCharCode(ch ?? 0)}`);
  const value = buf.subarray(start, p.at).toString('utf8');
  return value.toUpperCase() === 'NIL' ? { kind: 'nil' } : { kind: 'atom', value };
}

/** The text of an atom or string item (undefined for NIL and lists). */
export function itemText(i: Item | undefined): string | undefined {
  return i && (i.kind === 'atom' || i.kind === 'string') ? i.value : undefined;
}

/** Mailbox names compare exactly, except INBOX, which is case-insensitive (RFC 3501 §5.1). */
export function sameMailbox(a: string, b: string): boolean {
  return a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');
}

/** An IMAP quoted string for a mailbox name in a command. */
export function quoted(name: string): string {
  return `"${name.replace(/(["\\])/g, '\\$1')}"`;
}

export interface StatusResponse {
  mailbox: string;
  /** Status data items by upper-case name, e.g. MESSAGES, UIDNEXT, UIDVALIDITY, HIGHESTMODSEQ. */
  items: Map<string, number>;
}

/** `* STATUS <mailbox> (<name> <number> ...)`; undefined for any other response. */
export function parseStatus(u: Untagged): StatusResponse | undefined {
  if (u.type !== 'STATUS') return undefined;
  const [, mailbox, list] = parseItems(u.text);
  const name = itemText(mailbox);
  if (name === undefined || list?.kind !== 'list') return undefined;
  const items = new Map<string, number>();
  for (let i = 0; i + 1 < list.items.length; i += 2) {
    const key = itemText(list.items[i]);
    const value = Number(itemText(list.items[i + 1]));
    if (key !== undefined && Number.isFinite(value)) items.set(key.toUpperCase(), value);
  }
  return { mailbox: name, items };
}

export interface FetchResponse {
  seq: number;
  /** Fetch data items by upper-case name (`UID`, `FLAGS`, `BODY[HEADER.FIELDS (IMDN-MESSAGE-ID)]`, …). */
  items: Map<string, Item>;
  uid?: number;
  flags?: string[];
}

/** `* <n> FETCH (<name> <value> ...)`; undefined for any other response. */
export function parseFetch(u: Untagged): FetchResponse | undefined {
  if (u.type !== 'FETCH' || u.number === undefined) return undefined;
  const [, , list] = parseItems(u.text);
  if (list?.kind !== 'list') return undefined;
  const items = new Map<string, Item>();
  for (let i = 0; i + 1 < list.items.length; i += 2) {
    const key = itemText(list.items[i]);
    if (key !== undefined) items.set(key.toUpperCase(), list.items[i + 1]!);
  }
  const out: FetchResponse = { seq: u.number, items };
  const uid = Number(itemText(items.get('UID')));
  if (Number.isInteger(uid) && uid > 0) out.uid = uid;
  const flags = items.get('FLAGS');
  if (flags?.kind === 'list') out.flags = flags.items.map((f) => itemText(f) ?? '');
  return out;
}

/** The value of a fetched body section whose item name starts with `prefix` (e.g. `BODY[HEADER.FIELDS`). */
export function fetchedSection(f: FetchResponse, prefix: string): string | undefined {
  for (const [name, value] of f.items) if (name.startsWith(prefix.toUpperCase())) return itemText(value);
  return undefined;
}

export interface ListResponse {
  attributes: string[];
  delimiter: string | undefined;
  mailbox: string;
  /** RFC 5258 extended data items by upper-case tag, e.g. OLDNAME → the old name. */
  extended: Map<string, Item>;
}

/** `* LIST (<attributes>) <delimiter> <mailbox> [(<extended items>)]`; undefined for any other response. */
export function parseList(u: Untagged): ListResponse | undefined {
  if (u.type !== 'LIST') return undefined;
  const [, attrs, delimiter, mailbox, ext] = parseItems(u.text);
  const name = itemText(mailbox);
  if (attrs?.kind !== 'list' || name === undefined) return undefined;
  const extended = new Map<string, Item>();
  if (ext?.kind === 'list') {
    for (let i = 0; i + 1 < ext.items.length; i += 2) {
      const key = itemText(ext.items[i]);
      if (key !== undefined) extended.set(key.toUpperCase(), ext.items[i + 1]!);
    }
  }
  return { attributes: attrs.items.map((a) => itemText(a) ?? ''), delimiter: itemText(delimiter), mailbox: name, extended };
}

/** The old name carried by an RFC 5465 rename notification (`("OLDNAME" ("old"))`). */
export function oldName(l: ListResponse): string | undefined {
  const v = l.extended.get('OLDNAME');
  return v?.kind === 'list' ? itemText(v.items[0]) : itemText(v);
}

/** Whether a list of flags or attributes contains `name` (case-insensitive, as IMAP flags compare). */
export function hasFlag(list: readonly string[] | undefined, name: string): boolean {
  return (list ?? []).some((f) => f.toLowerCase() === name.toLowerCase());
}

/** A response code with a list argument, e.g. `BADEVENT (MessageNew MessageExpunge)` → name and the list. */
export function parseCode(code: string | undefined): { name: string; args: string[] } | undefined {
  if (!code) return undefined;
  const items = parseItems(code);
  const name = itemText(items[0]);
  if (name === undefined) return undefined;
  const list = items[1];
  const args = list?.kind === 'list' ? list.items.map((i) => itemText(i) ?? '') : items.slice(1).map((i) => itemText(i) ?? '');
  return { name: name.toUpperCase(), args };
}

/** `* OK [NOTIFICATIONOVERFLOW]`: the server stopped notifying this session (RFC 5465 §5.8). */
export function isOverflow(u: Untagged): boolean {
  return u.type === 'OK' && /^OK \[NOTIFICATIONOVERFLOW\]/i.test(u.text);
}
