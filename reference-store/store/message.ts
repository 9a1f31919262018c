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

export interface Address { name: string | null; mailbox: string; host: string }

/** Minimal RFC 5322 address-list parser; CPM addresses such as `<tel:+1555>` have no host. */
export function parseAddresses(value: string | null): Address[] | null {
  if (value === null || value.trim() === '') return null;
  const out: Address[] = [];
  for (const item of splitTopLevel(value.replace(/^[^:<"]*:(?=.*;\s*$)/, '').replace(/;\s*$/, ''), ',')) {
    const s = item.trim();
    if (!s) continue;
    const m = /^(.*?)<([^>]*)>\s*$/.exec(s);
    let name: string | null = null;
    let addr = s;
    if (m) {
      name = m[1]!.trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1') || null;
      addr = m[2]!.trim();
    }
    const at = addr.lastIndexOf('@');
    out.push(at > 0 && !/^(tel|sip|sips):/i.test(addr)
      ? { name, mailbox: addr.slice(0, at), host: addr.slice(at + 1) }
      : { name, mailbox: addr, host: '' });
  }
  return out.length ? out : null;
}

function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && quoted) { cur += c + (s[i + 1] ?? ''); i++; continue; }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle++;
    else if (!quoted && c === '>') angle = Math.max(0, angle - 1);
    if (c === sep && !quoted && angle === 0) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

function addressList(list: Address[] | null): Value {
  if (!list) return null;
  return list.map((a) => [a.name, null, a.mailbox, a.host]);
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

function countLines(b: Buffer): number {
  let n = 0;
  for (const c of b) if (c === 0x0a) n++;
  if (b.length > 0 && b[b.length - 1] !== 0x0a) n++;
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

function locate(root: MimePart, path: number[]): MimePart | null {
  let cur: MimePart = root;
  for (const n of path) {
    // below the top level, a message/rfc822 part is entered through its encapsulated message
    const container = cur !== root && cur.message ? cur.message : cur;
    if (container.type === 'multipart') {
      const child = container.children[n - 1];
      if (!child) return null;
      cur = child;
    } else {
      if (n !== 1) return null; // part 1 of a non-multipart message is its body
      cur = container;
    }
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
