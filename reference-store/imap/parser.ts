// Incremental IMAP command reader (RFC 3501 §4, RFC 7888 LITERAL+).
// The reader splits the byte stream into complete commands: one or more lines joined by literals.
// It asks for a continuation ("+ Ready") before a synchronising literal and refuses oversize
// literals without reading them. The tokenizer then turns a command into atoms, strings and lists.

export interface RawCommand {
  /** Text of the command with each literal's bytes left out (the `{n}` marker stays in place). */
  text: Buffer;
  /** Literal payloads, in order of appearance. */
  literals: Buffer[];
}

export interface ReaderLimits {
  maxLineBytes: number;
  maxLiteralBytes: number;
}

export interface ReaderEvents {
  command(cmd: RawCommand): void;
  /** A synchronising literal of `size` bytes is expected; the server answers with a continuation. */
  continuation(size: number): void;
  /** A literal above the limit was announced; `sync` tells whether its bytes are still unsent. */
  literalTooBig(partial: Buffer, size: number, sync: boolean): void;
  /**
   * A command line went over `maxLineBytes`: reported once, with the line's first bytes (for the tag). The rest of
   * the line is skipped up to its LF, and a non-synchronising literal it announces is skipped too.
   */
  lineTooLong(head: Buffer): void;
}

const LITERAL_AT_END = /\{(\d{1,12})(\+)?\}$/;

export class CommandReader {
  private buf: Buffer = Buffer.alloc(0);
  private lines: Buffer[] = [];
  private literals: Buffer[] = [];
  private literalNeeded: number | null = null;
  private skipBytes = 0;
  private discardingLine = false;
  private discardTail: Buffer = Buffer.alloc(0);
  private paused = false;

  constructor(private readonly limits: ReaderLimits, private readonly on: ReaderEvents) {}

  /** While paused (e.g. a command is being executed) bytes are buffered but not turned into commands. */
  pause(): void { this.paused = true; }
  resume(): void { this.paused = false; this.drain(); }

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.drain();
  }

  private drain(): void {
    while (!this.paused && this.buf.length > 0) {
      if (this.skipBytes > 0) {
        const n = Math.min(this.skipBytes, this.buf.length);
        this.skipBytes -= n;
        this.buf = this.buf.subarray(n);
        continue;
      }
      if (this.literalNeeded !== null) {
        if (this.buf.length < this.literalNeeded) return;
        this.literals.push(Buffer.from(this.buf.subarray(0, this.literalNeeded)));
        this.buf = this.buf.subarray(this.literalNeeded);
        this.literalNeeded = null;
        continue;
      }
      const lf = this.buf.indexOf(0x0a);
      if (this.discardingLine) {
        // Skipping the rest of an oversized line: keep only its last bytes, to see a literal it ends with.
        const upto = lf < 0 ? this.buf.length : lf;
        this.discardTail = Buffer.concat([this.discardTail, this.buf.subarray(Math.max(0, upto - 24), upto)]).subarray(-24);
        this.buf = lf < 0 ? Buffer.alloc(0) : this.buf.subarray(lf + 1);
        if (lf < 0) return;
        this.discardingLine = false;
        this.skipLiteralAfter(this.discardTail);
        continue;
      }
      if (lf < 0) {
        if (this.buf.length > this.limits.maxLineBytes) {
          const head = Buffer.concat([...this.lines, this.buf]).subarray(0, 64);
          this.discardTail = Buffer.from(this.buf.subarray(-24));
          this.buf = Buffer.alloc(0);
          this.reset();
          this.discardingLine = true;
          this.on.lineTooLong(head);
        }
        return;
      }
      let line = this.buf.subarray(0, lf);
      this.buf = this.buf.subarray(lf + 1);
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      if (line.length > this.limits.maxLineBytes) {
        const head = Buffer.concat([...this.lines, line]).subarray(0, 64);
        this.reset();
        this.on.lineTooLong(head);
        this.skipLiteralAfter(line);
        continue;
      }
      const tail = line.subarray(Math.max(0, line.length - 20)).toString('latin1');
      const m = LITERAL_AT_END.exec(tail);
      if (!m) {
        this.lines.push(line);
        const text = Buffer.concat(this.lines.flatMap((l, i) => (i === 0 ? [l] : [Buffer.from('\r\n'), l])));
        const literals = this.literals;
        this.reset();
        this.on.command({ text, literals });
        continue;
      }
      const size = Number(m[1]);
      const sync = m[2] === undefined;
      if (size > this.limits.maxLiteralBytes) {
        const partial = Buffer.concat([...this.lines, line]);
        this.reset();
        if (!sync) this.skipBytes = size;
        this.on.literalTooBig(partial, size, sync);
        continue;
      }
      this.lines.push(line);
      this.literalNeeded = size;
      if (sync) this.on.continuation(size);
    }
  }

  /** After a skipped line: a non-synchronising literal it announced is skipped, and the line after it too. */
  private skipLiteralAfter(line: Buffer): void {
    let end = line.length;
    if (end > 0 && line[end - 1] === 0x0d) end--;
    const m = /\{(\d{1,12})\+\}$/.exec(line.subarray(Math.max(0, end - 20), end).toString('latin1'));
    if (!m) return;
    this.skipBytes = Number(m[1]);
    this.discardingLine = true;
    this.discardTail = Buffer.alloc(0);
  }

  private reset(): void {
    this.lines = [];
    this.literals = [];
    this.literalNeeded = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

export type Token =
  | { kind: 'atom'; value: string }
  | { kind: 'string'; value: Buffer }
  | { kind: 'list'; items: Token[] };

export class ParseError extends Error {}

/** Splits `tag SP command` off a raw command; returns null when no tag can be recognised. */
export function splitTag(text: Buffer): { tag: string; rest: Buffer } | null {
  const sp = text.indexOf(0x20);
  const end = sp < 0 ? text.length : sp;
  const tag = text.subarray(0, end).toString('latin1');
  if (!/^[\x21-\x7e]+$/.test(tag) || /[(){%*"\\+]/.test(tag)) return null;
  return { tag, rest: sp < 0 ? Buffer.alloc(0) : text.subarray(sp + 1) };
}

const SECTION_PREFIX = /^(BODY|BODY\.PEEK|BINARY|BINARY\.PEEK|BINARY\.SIZE)$/i;

/** Tokenizes command arguments. Atoms may carry a bracketed section, e.g. `BODY.PEEK[HEADER.FIELDS (A B)]<0.10>`. */
export function tokenize(text: Buffer, literals: Buffer[]): Token[] {
  let pos = 0;
  let lit = 0;
  const stack: Token[][] = [[]];
  const top = (): Token[] => stack[stack.length - 1]!;
  while (pos < text.length) {
    const c = text[pos]!;
    if (c === 0x20) { pos++; continue; }
    if (c === 0x28) { // (
      const list: Token = { kind: 'list', items: [] };
      top().push(list);
      stack.push(list.items);
      pos++;
      continue;
    }
    if (c === 0x29) { // )
      if (stack.length === 1) throw new ParseError('unbalanced )');
      stack.pop();
      pos++;
      continue;
    }
    if (c === 0x22) { // quoted string
      const out: number[] = [];
      pos++;
      for (;;) {
        if (pos >= text.length) throw new ParseError('unterminated quoted string');
        const d = text[pos]!;
        if (d === 0x5c) {
          const e = text[pos + 1];
          if (e !== 0x22 && e !== 0x5c) throw new ParseError('bad escape in quoted string');
          out.push(e);
          pos += 2;
          continue;
        }
        if (d === 0x22) { pos++; break; }
        if (d === 0x0d || d === 0x0a) throw new ParseError('CR/LF in quoted string');
        if (d === 0x00) throw new ParseError('NUL in quoted string');
        out.push(d);
        pos++;
      }
      top().push({ kind: 'string', value: Buffer.from(out) });
      continue;
    }
    if (c === 0x7b) { // {n} or {n+} literal
      const close = text.indexOf(0x7d, pos);
      if (close < 0) throw new ParseError('bad literal');
      const spec = text.subarray(pos + 1, close).toString('latin1');
      if (!/^\d+\+?$/.test(spec)) throw new ParseError('bad literal size');
      const data = literals[lit++];
      if (data === undefined || data.length !== parseInt(spec, 10)) throw new ParseError('literal missing');
      top().push({ kind: 'string', value: data });
      pos = close + 1;
      if (text[pos] === 0x0d) pos++;
      if (text[pos] === 0x0a) pos++;
      continue;
    }
    // atom, possibly with [section] and <partial>
    const start = pos;
    while (pos < text.length) {
      const d = text[pos]!;
      // `[` starts a section (which may contain spaces and parentheses) only after BODY / BODY.PEEK; elsewhere it is
      // an ordinary ATOM-CHAR (RFC 3501 §9), e.g. in the mailbox name `a[b`.
      if (d === 0x5b && SECTION_PREFIX.test(text.subarray(start, pos).toString('latin1'))) {
        const close = text.indexOf(0x5d, pos);
        if (close < 0) throw new ParseError('unterminated [');
        pos = close + 1;
        continue;
      }
      if (d === 0x20 || d === 0x28 || d === 0x29 || d === 0x22 || d === 0x7b || d < 0x20 || d === 0x7f) break;
      pos++;
    }
    if (pos === start) throw new ParseError(`unexpected character 0x${c.toString(16)}`);
    top().push({ kind: 'atom', value: text.subarray(start, pos).toString('latin1') });
  }
  if (stack.length !== 1) throw new ParseError('unbalanced (');
  return stack[0]!;
}

// ---------------------------------------------------------------------------------------------
// Argument helpers used by the command handlers

/** atom or string as text (astring); null for anything else. */
export function astring(t: Token | undefined): string | null {
  if (!t) return null;
  if (t.kind === 'atom') return t.value;
  if (t.kind === 'string') return t.value.toString('utf8');
  return null;
}

/** nstring: NIL → null. */
export function isNil(t: Token | undefined): boolean {
  return t?.kind === 'atom' && t.value.toUpperCase() === 'NIL';
}

export function atomUpper(t: Token | undefined): string | null {
  return t?.kind === 'atom' ? t.value.toUpperCase() : null;
}

export function listItems(t: Token | undefined): Token[] | null {
  return t?.kind === 'list' ? t.items : null;
}

export function needNumber(t: Token | undefined): number {
  const s = t?.kind === 'atom' ? t.value : '';
  if (!/^\d{1,20}$/.test(s)) throw new ParseError('number expected');
  return Number(s);
}
