// Splits a stored object (RFC 5322 message) into its ordered header fields and its body.
//
// The header block ends at the first empty line (RFC 5322 §2.1); the lines of that block are split
// into fields by @zone-eu/mailsplit's Headers, which keeps every field's original line including
// its folding. Each field also carries its unfolded value: RFC 5322 §2.2.3 unfolding removes only
// the CRLF in front of the folding whitespace, so identifiers keep every other byte and can be
// compared byte by byte. A split into header and body is synchronous here, unlike mailsplit's
// streaming MessageSplitter, because the validators are pure functions over a complete object.
import { Headers } from '@zone-eu/mailsplit';

export interface HeaderField {
  /** Field name as written in the object. */
  name: string;
  /** Lower-case field name: header names compare case-insensitively (RFC 5322 §1.2.2). */
  key: string;
  /**
   * The field as stored: name, colon, value and folded continuation lines, without the final line break.
   * Byte-exact for CRLF objects; in an LF-only object mailsplit joins the continuation lines with CRLF.
   */
  raw: Buffer;
  /** Unfolded value: text after the colon, CRLF before folding whitespace removed, outer WSP trimmed, UTF-8 decoded. */
  value: string;
  /** False when the line has no colon or the name is not 1*ftext (RFC 5322 §3.6.8). */
  wellFormed: boolean;
  /** Position in the header block, from 0. */
  index: number;
}

export interface ParsedObject {
  headers: HeaderField[];
  /** Everything after the empty line that ends the header block (empty when there is none). */
  body: Buffer;
  /** Whether an empty line separated headers and body. */
  hasSeparator: boolean;
  /** All fields with that name (case-insensitive), in object order. */
  all(name: string): HeaderField[];
  /** The first field with that name (case-insensitive). */
  first(name: string): HeaderField | undefined;
}

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** Byte offset of the empty line ending the header block: [end of headers, start of body], or undefined. */
function findSeparator(buf: Buffer): [number, number] | undefined {
  // The block may also be empty: the object starts with the empty line.
  if (buf[0] === 0x0a) return [0, 1];
  if (buf[0] === 0x0d && buf[1] === 0x0a) return [0, 2];
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) {
    if (buf[i + 1] === 0x0a) return [i + 1, i + 2];
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return [i + 1, i + 3];
  }
  return undefined;
}

/** Parses a header block (without the terminating empty line) into fields. */
export function parseHeaderBlock(block: Buffer | string): HeaderField[] {
  const bytes = typeof block === 'string' ? Buffer.from(block, 'utf8') : block;
  if (bytes.length === 0) return [];
  return new Headers(bytes).getList().map((line, index) => {
    // mailsplit keeps lines as binary strings, one char per byte.
    const raw = Buffer.from(line.line, 'binary');
    const text = raw.toString('utf8');
    const colon = text.indexOf(':');
    const name = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '').replace(/^[ \t]+|[ \t]+$/g, '');
    return { name, key: name.toLowerCase(), raw, value, wellFormed: colon > 0 && FIELD_NAME.test(name), index };
  });
}

/** Splits a stored object into header fields and body. */
export function parseObject(raw: Buffer | string): ParsedObject {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const sep = findSeparator(buf);
  const head = sep ? buf.subarray(0, sep[0]) : buf;
  const body = sep ? buf.subarray(sep[1]) : Buffer.alloc(0);
  return withLookup(parseHeaderBlock(head), body, sep !== undefined);
}

function withLookup(headers: HeaderField[], body: Buffer, hasSeparator: boolean): ParsedObject {
  return {
    headers,
    body,
    hasSeparator,
    all: (name) => headers.filter((h) => h.key === name.toLowerCase()),
    first: (name) => headers.find((h) => h.key === name.toLowerCase()),
  };
}
