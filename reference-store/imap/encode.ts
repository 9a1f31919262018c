// Response serialiser (RFC 3501 §4): atoms, quoted strings or literals, NIL, numbers, lists.

/** A value written verbatim (atoms, flags, pre-formatted fragments such as `BODY[HEADER]`). */
export class Raw {
  constructor(readonly text: string) {}
}
export const raw = (text: string): Raw => new Raw(text);

/** A string always sent as a literal (message bytes). */
export class Literal {
  constructor(readonly data: Buffer) {}
}

/** Values written back to back without separating spaces (multipart BODYSTRUCTURE children). */
export class Concat {
  constructor(readonly items: Value[]) {}
}

export type Value = Raw | Literal | Concat | string | Buffer | number | null | Value[];

const QUOTABLE = /^[\x20-\x7e]*$/;

export function encodeValue(v: Value, out: Buffer[]): void {
  if (v === null) { out.push(Buffer.from('NIL')); return; }
  if (typeof v === 'number') { out.push(Buffer.from(String(v))); return; }
  if (v instanceof Concat) { for (const item of v.items) encodeValue(item, out); return; }
  if (v instanceof Raw) { out.push(Buffer.from(v.text, 'utf8')); return; }
  if (v instanceof Literal || Buffer.isBuffer(v)) {
    const data = v instanceof Literal ? v.data : v;
    out.push(Buffer.from(`{${data.length}}\r\n`), data);
    return;
  }
  if (Array.isArray(v)) {
    out.push(Buffer.from('('));
    v.forEach((item, i) => {
      if (i > 0) out.push(Buffer.from(' '));
      encodeValue(item, out);
    });
    out.push(Buffer.from(')'));
    return;
  }
  if (QUOTABLE.test(v) && v.length < 1000) {
    out.push(Buffer.from('"' + v.replace(/[\\"]/g, (c) => '\\' + c) + '"'));
    return;
  }
  const data = Buffer.from(v, 'utf8');
  out.push(Buffer.from(`{${data.length}}\r\n`), data);
}

/** Encodes space-separated values into one response line (without CRLF). */
export function encodeLine(values: Value[]): Buffer {
  const out: Buffer[] = [];
  values.forEach((v, i) => {
    if (i > 0) out.push(Buffer.from(' '));
    encodeValue(v, out);
  });
  return Buffer.concat(out);
}

/** Mailbox names are sent as quoted strings (or literals when they carry non-ASCII). */
export function mailboxName(name: string): Value {
  return name;
}
