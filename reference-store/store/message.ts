// Parsed view of an RFC 5322 / MIME message as IMAP needs it (RFC 3501 §6.4.5, §7.4.2):
// header fields byte-exact, ENVELOPE, BODYSTRUCTURE and section extraction.
// The MIME tree is built synchronously over the stored bytes so section offsets stay exact;
// libmime parses structured header values (Content-Type parameters) and decodes encoded words.
import libmime from 'libmime';
import { Concat, type Value } from '../imap/encode.js';

export interface HeaderField {
  /** lower-case field name */
  key: string;
  /** the field's raw bytes including folding and its terminating CRLF */
  raw: Buffer;
  /** unfolded value without the leading space */
  value: string;
}

export interface MimePart {
  header: Buffer; // header block incl. the blank separator line
  body: Buffer;
  fields: HeaderField[];
  type: string;
  subtype: string;
  params: Record<string, string>;
  children: MimePart[]; // multipart children
  message: MimePart | null; // encapsulated message for message/rfc822
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const LF_LF = Buffer.from('\n\n');

/** Splits a message (or body part) into header block and body. */
export function splitHeaderBody(raw: Buffer): { header: Buffer; body: Buffer } {
  if (raw.length >= 2 && raw[0] === 0x0d && raw[1] === 0x0a) return { header: raw.subarray(0, 2), body: raw.subarray(2) };
  if (raw.length >= 1 && raw[0] === 0x0a) return { header: raw.subarray(0, 1), body: raw.subarray(1) };
  const a = raw.indexOf(CRLF_CRLF);
  const b = raw.indexOf(LF_LF);
  if (a >= 0 && (b < 0 || a < b)) return { header: raw.subarray(0, a + 4), body: raw.subarray(a + 4) };
  if (b >= 0) return { header: raw.subarray(0, b + 2), body: raw.subarray(b + 2) };
  return { header: raw, body: Buffer.alloc(0) };
}

export function parseFields(header: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  let pos = 0;
  while (pos < header.length) {
    let end = header.indexOf(0x0a, pos);
    if (end < 0) end = header.length - 1;
    // extend over folded continuation lines
    while (end + 1 < header.length && (header[end + 1] === 0x20 || header[end + 1] === 0x09)) {
      const next = header.indexOf(0x0a, end + 1);
      end = next < 0 ? header.length - 1 : next;
    }
    const rawField = header.subarray(pos, end + 1);
    pos = end + 1;
    const text = rawField.toString('utf8');
    const colon = text.indexOf(':');
    if (colon <= 0) continue; // blank separator line or garbage
    fields.push({
      key: text.slice(0, colon).trim().toLowerCase(),
      raw: rawField,
      value: text.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').replace(/\r?\n$/, '').trim(),
    });
  }
  return fields;
}

export function fieldValue(fields: HeaderField[], key: string): string | null {
  return fields.find((f) => f.key === key)?.value ?? null;
}

export function parsePart(raw: Buffer, defaultType = 'text/plain', depth = 0): MimePart {
  const { header, body } = splitHeaderBody(raw);
  const fields = parseFields(header);
  const ct = libmime.parseHeaderValue(fieldValue(fields, 'content-type') ?? defaultType);
  let [type, subtype] = (ct.value || defaultType).toLowerCase().split('/') as [string, string | undefined];
  if (!subtype) { type = 'text'; subtype = 'plain'; }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(ct.params ?? {})) params[k.toLowerCase()] = String(v);
  const part: MimePart = { header, body, fields, type, subtype, params, children: [], message: null };
  if (depth > 20) return part;
  if (type === 'multipart' && params.boundary) {
    part.children = splitMultipart(body, params.boundary).map((p) =>
      parsePart(p, subtype === 'digest' ? 'message/rfc822' : 'text/plain', depth + 1));
  } else if (type === 'message' && subtype === 'rfc822') {
    part.message = parsePart(body, 'text/plain', depth + 1);
  }
  return part;
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const parts: Buffer[] = [];
  const delim = Buffer.from('--' + boundary);
  let pos = 0;
  let start = -1;
  while (pos <= body.length) {
    const idx = body.indexOf(delim, pos);
    if (idx < 0) break;
    const atLineStart = idx === 0 || body[idx - 1] === 0x0a;
    if (!atLineStart) { pos = idx + 1; continue; }
    if (start >= 0) {
      let end = idx;
      if (end > 0 && body[end - 1] === 0x0a) end--;
      if (end > 0 && body[end - 1] === 0x0d) end--;
      parts.push(body.subarray(start, Math.max(start, end)));
    }
    const after = idx + delim.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) return parts; // closing delimiter
    const eol = body.indexOf(0x0a, after);
    if (eol < 0) break;
    start = eol + 1;
    pos = start;
  }
  if (start >= 0 && start < body.length) parts.push(body.subarray(start));
  return parts;
}

// ---------------------------------------------------------------------------------------------
// ENVELOPE

/**
 * One ENVELOPE address (RFC 3501 §7.4.2). Group syntax gives a start marker (mailbox = group name, host null) and an
 * end marker (all null). CPM addresses such as `<tel:+1555>` have no host: mailbox is the URI, host ''.
 */
export interface Address { name: string | null; adl: string | null; mailbox: string | null; host: string | null }

type AddrToken =
  | { t: 'word'; v: string; quoted: boolean }
  | { t: 'comment'; v: string }
  | { t: 'special'; v: string }
  | { t: 'literal'; v: string };

/** RFC 5322 §3.2 lexical tokens: atoms (with dots kept as specials), quoted strings, comments, domain literals. */
function addrTokens(s: string): AddrToken[] {
  const out: AddrToken[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { i++; continue; }
    if (c === '(') {
      let depth = 0;
      let v = '';
      for (; i < s.length; i++) {
        const d = s[i]!;
        if (d === '\\' && i + 1 < s.length) { v += s[++i]; continue; }
        if (d === '(') { if (depth++ > 0) v += d; continue; }
        if (d === ')') { if (--depth === 0) { i++; break; } v += d; continue; }
        v += d;
      }
      out.push({ t: 'comment', v: v.replace(/\s+/g, ' ').trim() });
      continue;
    }
    if (c === '"') {
      let v = '';
      for (i++; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i];
      }
      i++;
      out.push({ t: 'word', v: v.replace(/\r?\n(?=[ \t])/g, ''), quoted: true });
      continue;
    }
    if (c === '[') {
      const close = s.indexOf(']', i);
      const end = close < 0 ? s.length : close + 1;
      out.push({ t: 'literal', v: s.slice(i, end) });
      i = end;
      continue;
    }
    if ('<>,:;@.'.includes(c)) { out.push({ t: 'special', v: c }); i++; continue; }
    let v = '';
    while (i < s.length && !' \t\r\n()"[<>,:;@.'.includes(s[i]!)) v += s[i++];
    out.push({ t: 'word', v, quoted: false });
  }
  return out;
}

const isSpecial = (tok: AddrToken | undefined, v: string): boolean => tok?.t === 'special' && tok.v === v;
const URI_SCHEME = /^(tel|sip|sips)$/i;

/**
 * RFC 5322 §3.4 address-list as IMAP needs it: comments go nowhere except that a comment after a bare addr-spec
 * becomes the name (`a@b (Alice)`); a display name keeps its quoted content; `group: a@b, c@d;` gives group
 * markers; a source route `<@r1,@r2:u@h>` gives the adl. Lenient: text that does not parse still yields addresses.
 */
export function parseAddresses(value: string | null): Address[] | null {
  if (value === null || value.trim() === '') return null;
  const toks = addrTokens(value);
  const out: Address[] = [];
  let i = 0;
  let inGroup = false;

  /** addr-spec tokens up to (not including) one of `stops`: local-part @ domain, the URI forms kept whole. */
  const addrSpec = (stops: string[]): { mailbox: string; host: string; comment: string | null } => {
    let local = '';
    let host: string | null = null;
    let comment: string | null = null;
    let seenWord = false;
    let uri = false;
    for (; i < toks.length; i++) {
      const tok = toks[i]!;
      if (tok.t === 'special' && stops.includes(tok.v) && !(uri && tok.v === ':')) break;
      if (tok.t === 'comment') { if (seenWord && comment === null && tok.v !== '') comment = tok.v; continue; }
      if (tok.t === 'special' && tok.v === '@' && host === null && !uri) { host = ''; continue; }
      const text = tok.v;
      if (!seenWord && tok.t === 'word' && !tok.quoted && URI_SCHEME.test(text) && isSpecial(toks[i + 1], ':')) uri = true;
      seenWord = true;
      if (host === null || uri) local += text; else host += text;
    }
    if (uri) return { mailbox: local + (host !== null ? `@${host}` : ''), host: '', comment };
    return { mailbox: local, host: host ?? '', comment };
  };

  const angle = (name: string | null): void => {
    i++; // <
    let adl: string | null = null;
    if (isSpecial(toks[i], '@')) {
      // obs-route: 1*("@" domain) ":" — kept as the adl
      let route = '';
      for (; i < toks.length && !isSpecial(toks[i], ':') && !isSpecial(toks[i], '>'); i++) {
        const tok = toks[i]!;
        if (tok.t !== 'comment') route += tok.v;
      }
      if (isSpecial(toks[i], ':')) i++;
      adl = route;
    }
    const spec = addrSpec(['>']);
    if (isSpecial(toks[i], '>')) i++;
    let trailing: string | null = null;
    while (toks[i]?.t === 'comment') { trailing ??= toks[i]!.v || null; i++; }
    out.push({ name: name ?? trailing, adl, mailbox: spec.mailbox, host: spec.host });
  };

  while (i < toks.length) {
    const tok = toks[i]!;
    if (tok.t === 'comment') { i++; continue; }
    if (isSpecial(tok, ',')) { i++; continue; }
    if (isSpecial(tok, ';')) {
      if (inGroup) { out.push({ name: null, adl: null, mailbox: null, host: null }); inGroup = false; }
      i++;
      continue;
    }
    // Look ahead: a phrase followed by '<' is a display name, by ':' a group name; otherwise an addr-spec.
    let j = i;
    while (j < toks.length && toks[j]!.t !== 'special') j++;
    const next = toks[j];
    const first = toks[i]!;
    const uriStart = first.t === 'word' && !first.quoted && URI_SCHEME.test(first.v) && j === i + 1 && isSpecial(next, ':');
    if (isSpecial(next, '<') || (isSpecial(next, ':') && !inGroup && !uriStart)) {
      const words = toks.slice(i, j).filter((x): x is Extract<AddrToken, { t: 'word' }> => x.t === 'word').map((x) => x.v);
      const phrase = words.join(' ').trim() || null;
      i = j;
      if (next!.v === '<') { angle(phrase); continue; }
      i++; // ':'
      out.push({ name: null, adl: null, mailbox: phrase ?? '', host: null });
      inGroup = true;
      continue;
    }
    if (isSpecial(tok, '<')) { angle(null); continue; }
    const start = i;
    const spec = addrSpec([',', ';', '<']);
    if (i === start) { i++; continue; }
    if (spec.mailbox === '' && spec.host === '') continue;
    out.push({ name: spec.comment, adl: null, mailbox: spec.mailbox, host: spec.host });
  }
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out.length ? out : null;
}

/** The text SEARCH FROM/TO/CC/BCC match against: names and addresses with comments removed (RFC 3501 §6.4.4). */
export function searchableAddresses(value: string): string {
  const list = parseAddresses(value) ?? [];
  return list
    .filter((a) => a.host !== null)
    .map((a) => {
      let name = a.name ?? '';
      try { name = libmime.decodeWords(name); } catch { /* keep as is */ }
      const addr = a.host ? `${a.mailbox}@${a.host}` : a.mailbox ?? '';
      return name ? `${name} <${addr}>` : addr;
    })
    .join(', ');
}

function addressList(list: Address[] | null): Value {
  if (!list) return null;
  // env-from = "(" 1*address ")": the addresses follow each other without spaces
  return [new Concat(list.map((a) => [a.name, a.adl, a.mailbox, a.host]))];
}

export function envelope(fields: HeaderField[]): Value {
  const v = (k: string): string | null => fieldValue(fields, k);
  const from = parseAddresses(v('from'));
  const sender = parseAddresses(v('sender')) ?? from;
  const replyTo = parseAddresses(v('reply-to')) ?? from;
  return [v('date'), v('subject'), addressList(from), addressList(sender), addressList(replyTo),
    addressList(parseAddresses(v('to'))), addressList(parseAddresses(v('cc'))), addressList(parseAddresses(v('bcc'))),
    v('in-reply-to'), v('message-id')];
}

// ---------------------------------------------------------------------------------------------
// BODYSTRUCTURE / BODY

function paramList(params: Record<string, string>, skip: string[] = []): Value {
  const entries = Object.entries(params).filter(([k]) => !skip.includes(k));
  if (!entries.length) return null;
  return entries.flatMap(([k, val]) => [k.toUpperCase(), val]);
}

/** body-fld-lines: the number of line ends (a last line without one, as before a multipart delimiter, is not counted). */
function countLines(b: Buffer): number {
  let n = 0;
  for (const c of b) if (c === 0x0a) n++;
  return n;
}

function disposition(part: MimePart): Value {
  const d = fieldValue(part.fields, 'content-disposition');
  if (!d) return null;
  const parsed = libmime.parseHeaderValue(d);
  const params: Record<string, string> = {};
  for (const [k, val] of Object.entries(parsed.params ?? {})) params[k.toLowerCase()] = String(val);
  return [parsed.value.toUpperCase(), paramList(params)];
}

export function bodyStructure(part: MimePart, extensible: boolean): Value {
  const f = (k: string): string | null => fieldValue(part.fields, k);
  if (part.type === 'multipart') {
    const kids = part.children.length ? part.children.map((c) => bodyStructure(c, extensible)) : [bodyStructure(parsePart(Buffer.alloc(0)), extensible)];
    // body-type-mpart = 1*body SP media-subtype: the child bodies follow each other without spaces
    const out: Value[] = [new Concat(kids), part.subtype.toUpperCase()];
    if (extensible) out.push(paramList(part.params), disposition(part), f('content-language'), f('content-location'));
    return out;
  }
  const out: Value[] = [
    part.type.toUpperCase(), part.subtype.toUpperCase(), paramList(part.params),
    f('content-id'), f('content-description'), (f('content-transfer-encoding') ?? '7BIT').toUpperCase(), part.body.length,
  ];
  if (part.type === 'message' && part.subtype === 'rfc822' && part.message) {
    out.push(envelope(part.message.fields), bodyStructure(part.message, extensible), countLines(part.body));
  } else if (part.type === 'text') {
    out.push(countLines(part.body));
  }
  if (extensible) out.push(f('content-md5'), disposition(part), f('content-language'), f('content-location'));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sections (RFC 3501 §6.4.5 BODY[<section>])

export interface SectionSpec {
  /** part path, empty for the top-level message */
  path: number[];
  /** '', HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME */
  text: string;
  fields: string[];
}

/** Parses the content of `[...]`; throws on malformed input. */
export function parseSection(s: string): SectionSpec {
  const m = /^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?\s*(?:\((.*)\))?$/i.exec(s.trim());
  if (!m) throw new Error('bad section');
  const path = m[1] ? m[1].split('.').map(Number) : [];
  const text = (m[2] ?? '').toUpperCase();
  if (path.some((n) => n < 1)) throw new Error('bad section part');
  if (text === 'MIME' && !path.length) throw new Error('MIME needs a part');
  if (m[1] && m[2] && s.trim()[m[1].length] !== '.') throw new Error('bad section');
  const fields = m[3] !== undefined ? m[3].trim().split(/\s+/).filter(Boolean).map((x) => x.replace(/^"(.*)"$/, '$1').toLowerCase()) : [];
  if (text.startsWith('HEADER.FIELDS') && !fields.length) throw new Error('header list expected');
  if (!text.startsWith('HEADER.FIELDS') && m[3] !== undefined) throw new Error('bad section');
  return { path, text, fields };
}

/**
 * The parts numbered 1, 2, … below a message (RFC 3501 §6.4.5): the children of a multipart message, or, for a
 * non-multipart message, the message itself as part 1 (its body; its MIME header is the message header).
 */
function partsOfMessage(msg: MimePart): MimePart[] {
  return msg.type === 'multipart' ? msg.children : [msg];
}

/**
 * The parts numbered below a part: a multipart's children, those of a message/rfc822 part's encapsulated message,
 * or, for a leaf body part, the part itself as its only part 1 (`1.1` of a text part in a multipart is that text,
 * as in Dovecot). A non-multipart message taken as its own part 1 has no parts below it.
 */
function subparts(part: MimePart, isMessage: boolean): MimePart[] {
  if (part.type === 'multipart') return part.children;
  if (part.message) return partsOfMessage(part.message);
  return isMessage ? [] : [part];
}

function locate(root: MimePart, path: number[]): MimePart | null {
  let parts = partsOfMessage(root);
  let isMessage = root.type !== 'multipart';
  let cur: MimePart | null = null;
  for (const n of path) {
    cur = parts[n - 1] ?? null;
    if (!cur) return null;
    const next = subparts(cur, isMessage);
    isMessage = cur.message !== null && cur.message.type !== 'multipart';
    parts = next;
  }
  return cur;
}

function filterHeader(part: MimePart, names: string[], not: boolean): Buffer {
  const keep = part.fields.filter((f) => names.includes(f.key) !== not).map((f) => f.raw);
  return Buffer.concat([...keep, Buffer.from('\r\n')]);
}

/** Returns the bytes of a section, or an empty buffer when the section does not exist. */
export function sectionBytes(root: MimePart, rawMessage: Buffer, spec: SectionSpec): Buffer {
  if (!spec.path.length) {
    switch (spec.text) {
      case '': return rawMessage;
      case 'HEADER': return root.header;
      case 'HEADER.FIELDS': return filterHeader(root, spec.fields, false);
      case 'HEADER.FIELDS.NOT': return filterHeader(root, spec.fields, true);
      case 'TEXT': return root.body;
      default: return Buffer.alloc(0);
    }
  }
  const part = locate(root, spec.path);
  if (!part) return Buffer.alloc(0);
  const msg = part.type === 'message' && part.subtype === 'rfc822' ? part.message : null;
  switch (spec.text) {
    case '':
      return part.body;
    case 'MIME': return part.header;
    case 'HEADER': return msg ? msg.header : Buffer.alloc(0);
    case 'HEADER.FIELDS': return msg ? filterHeader(msg, spec.fields, false) : Buffer.alloc(0);
    case 'HEADER.FIELDS.NOT': return msg ? filterHeader(msg, spec.fields, true) : Buffer.alloc(0);
    case 'TEXT': return msg ? msg.body : Buffer.alloc(0);
    default: return Buffer.alloc(0);
  }
}

/** Decoded header value for searching (encoded words decoded). */
export function decodedValue(fields: HeaderField[], key: string): string[] {
  return fields.filter((f) => f.key === key).map((f) => {
    try { return libmime.decodeWords(f.value); } catch { return f.value; }
  });
}
