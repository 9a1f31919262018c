// Content-Type Message/CPIM (Table 1 mo.content-type.cpim, Table 6 vm.content-type) and the RFC 3862 body.
//
// In a stored object the RFC 5322 header block plays the part of the CPIM "MIME headers for the overall
// message" (m:), so the object's body is (RFC 3862 §2, notes FMT-30):
//   h: CPIM message headers (From, To, cc, DateTime, Subject, NS, Require, <prefix>.<name>)
//   s: empty line
//   e: the encapsulated MIME object: its MIME headers (Content-Type at least), empty line, content
// A CPIM header is  Header-name ":" *( ";" Parameter ) SP Header-value  with case-sensitive names, where
// Header-name = [ Name-prefix "." ] Name, and a prefix must have been declared by an earlier NS header.
// From / To / cc are  [ Formal-name ] "<" URI ">"; DateTime is an RFC 3339 date-time.
// Media types compare case-insensitively (RFC 2045 §5.1), so `message/cpim` equals `Message/CPIM`.
import libmime from 'libmime';
import { parseObject, type HeaderField } from './parse-object.js';
import { finding, type Finding } from './types.js';

export interface MediaType {
  /** Lower-case type/subtype. */
  type: string;
  params: Record<string, string>;
}

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/** Parses a Content-Type value with libmime; undefined when it is not type/subtype. */
export function parseMediaType(value: string): MediaType | undefined {
  const parsed = libmime.parseHeaderValue(value);
  const type = parsed.value.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? { type, params: parsed.params } : undefined;
}

export function isCpimContentType(value: string): boolean {
  return parseMediaType(value)?.type === 'message/cpim';
}

/** Content-Type syntax and, when `expected` is given, its media type. */
export function checkContentType(value: string, requirement: string, expected?: { mediaType: string; requirement: string }): Finding[] {
  const mt = parseMediaType(value);
  if (!mt) return [finding('content-type.syntax', requirement, 'type/subtype [; parameters]', value, 'Content-Type')];
  if (expected && mt.type !== expected.mediaType.toLowerCase()) {
    return [finding('content-type.cpim', expected.requirement, 'Message/CPIM', value, 'Content-Type')];
  }
  return [];
}

export interface CpimHeader {
  /** Header-name as written, e.g. `From` or `imdn.Message-ID`. */
  name: string;
  /** The `;param` part between colon and space, if any. */
  params: string;
  value: string;
}

export interface CpimMessage {
  headers: CpimHeader[];
  /** NS declarations: prefix ('' for the default namespace) → namespace URI. */
  namespaces: Map<string, string>;
  encapsulated: { headers: HeaderField[]; contentType?: MediaType; body: Buffer };
  /** Value of the imdn.Message-ID header (whatever prefix NS binds to urn:ietf:params:imdn). */
  imdnMessageId?: string;
}

export interface CpimParse {
  message?: CpimMessage;
  /** Structure problems (cpim.structure). */
  structure: string[];
  /** Header problems (cpim.header). */
  header: string[];
}

const NAME = "[A-Za-z0-9!#$%&'*+\\-^_`|~]+";
const CPIM_HEADER = new RegExp(`^(${NAME}(?:\\.${NAME})?):((?:;[^ ;]+)*) (.*)$`);
const CPIM_ADDRESS = /^(?:"(?:[^"\\]|\\.)*"[ \t]*|[^<"]*?[ \t]*)?<[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]+>$/;
const NS_VALUE = /^(?:(\S+)[ \t]+)?<([^<>\s]+)>$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const IMDN_NS = 'urn:ietf:params:imdn';

function validRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, zh, zm] = m.map(Number);
  if (mo === undefined || d === undefined || y === undefined) return false;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= dim && (h ?? 0) <= 23 && (mi ?? 0) <= 59 && (s ?? 0) <= 60 && (zh === undefined || Number.isNaN(zh) || (zh <= 23 && (zm ?? 0) <= 59));
}

/** Splits a buffer at its first empty line: [before, after] (after undefined if there is none). */
function splitAtEmptyLine(text: string): [string, string | undefined] {
  const m = /\r?\n\r?\n/.exec(text);
  if (text.startsWith('\r\n') || text.startsWith('\n')) return ['', text.replace(/^\r?\n/, '')];
  return m ? [text.slice(0, m.index), text.slice(m.index + m[0].length)] : [text, undefined];
}

/** Parses the body of a Message/CPIM object. */
export function parseCpimBody(body: Buffer): CpimParse {
  const structure: string[] = [];
  const header: string[] = [];
  // CPIM headers are US-ASCII/UTF-8 text; binary content stays in the encapsulated part.
  const text = body.toString('binary');
  const [head, rest] = splitAtEmptyLine(text);
  if (head.trim() === '') structure.push('no CPIM message headers before the first empty line');
  if (rest === undefined) {
    structure.push('no empty line after the CPIM message headers');
    return { structure, header };
  }
  const headers: CpimHeader[] = [];
  const namespaces = new Map<string, string>();
  // Folded continuation lines are joined (RFC 3862 does not fold, but tolerating it costs nothing).
  const lines = head === '' ? [] : head.split(/\r?\n/).reduce<string[]>((acc, l) => {
    if (/^[ \t]/.test(l) && acc.length > 0) acc[acc.length - 1] += l;
    else acc.push(l);
    return acc;
  }, []);
  for (const binLine of lines) {
    const line = Buffer.from(binLine, 'binary').toString('utf8');
    const m = CPIM_HEADER.exec(line);
    if (!m) {
      structure.push(`not a CPIM header line (Name: value): ${JSON.stringify(line)}`);
      continue;
    }
    const h: CpimHeader = { name: m[1] ?? '', params: m[2] ?? '', value: m[3] ?? '' };
    headers.push(h);
    const dot = h.name.indexOf('.');
    if (dot > 0 && !namespaces.has(h.name.slice(0, dot))) header.push(`prefix "${h.name.slice(0, dot)}" of ${h.name} not declared by an earlier NS header`);
    if (h.name === 'NS') {
      const ns = NS_VALUE.exec(h.value);
      if (ns) namespaces.set(ns[1] ?? '', ns[2] ?? '');
      else header.push(`NS: expected [prefix] <URI>, got ${JSON.stringify(h.value)}`);
    } else if (h.name === 'From' || h.name === 'To' || h.name === 'cc') {
      if (!CPIM_ADDRESS.test(h.value)) header.push(`${h.name}: expected [Formal-name] <URI>, got ${JSON.stringify(h.value)}`);
    } else if (h.name === 'DateTime') {
      if (!validRfc3339(h.value)) header.push(`DateTime: expected an RFC 3339 date-time, got ${JSON.stringify(h.value)}`);
    }
  }
  const imdnPrefix = [...namespaces.entries()].find(([, uri]) => uri === IMDN_NS)?.[0];
  const imdnMessageId = imdnPrefix ? headers.find((h) => h.name === `${imdnPrefix}.Message-ID`)?.value : undefined;

  const encapsulated = parseObject(Buffer.from(rest, 'binary'));
  const ctField = encapsulated.first('Content-Type');
  const contentType = ctField ? parseMediaType(ctField.value) : undefined;
  if (encapsulated.headers.length === 0) structure.push('encapsulated MIME object has no MIME headers');
  else if (!ctField) structure.push('encapsulated MIME object has no Content-Type');
  else if (!contentType) structure.push(`encapsulated Content-Type is not type/subtype: ${JSON.stringify(ctField.value)}`);
  if (encapsulated.headers.length > 0 && !encapsulated.hasSeparator) structure.push('no empty line after the encapsulated MIME headers');
  const message: CpimMessage = {
    headers,
    namespaces,
    encapsulated: contentType ? { headers: encapsulated.headers, contentType, body: encapsulated.body } : { headers: encapsulated.headers, body: encapsulated.body },
    ...(imdnMessageId === undefined ? {} : { imdnMessageId }),
  };
  return { message, structure, header };
}

/** Findings for a Message/CPIM body; `requirement` is the Content-Type requirement of the object kind. */
export function checkCpimBody(body: Buffer, requirement: string): { findings: Finding[]; message?: CpimMessage } {
  const p = parseCpimBody(body);
  const findings = [
    ...p.structure.map((s) => finding('cpim.structure', requirement, 'CPIM headers, empty line, MIME object with Content-Type (RFC 3862)', s, 'Message-body')),
    ...p.header.map((s) => finding('cpim.header', requirement, 'RFC 3862 CPIM header syntax', s, 'Message-body')),
  ];
  return p.message ? { findings, message: p.message } : { findings };
}
