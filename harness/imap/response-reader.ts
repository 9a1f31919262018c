// Splits the server's byte stream into complete responses: a line plus any literals it announces
// (`{n}` at the end of a line is followed by exactly n bytes, then the line continues).
// Used for transcripts and for observing untagged responses independently of the client library.

export interface ServerResponse {
  /** The response as text; literal bytes are inlined (large ones abbreviated). */
  text: string;
  /** Total size in bytes, literals included. */
  bytes: number;
}

/** Bounds on one server response (the profile's `limits`; the total bounds a response of many literals). */
export interface ReaderLimits {
  maxLineBytes: number;
  maxLiteralBytes: number;
  maxResponseBytes: number;
}

export const DEFAULT_READER_LIMITS: Readonly<ReaderLimits> = Object.freeze({
  maxLineBytes: 1_048_576,
  maxLiteralBytes: 67_108_864,
  maxResponseBytes: 2 * 67_108_864 + 1_048_576,
});

/** What the server sent breaks a bound or is not IMAP: the connection cannot go on. */
export class ReaderError extends Error {
  override name = 'ReaderError';
  /** The responses completed in the same feed, before the bad bytes. */
  completed: ServerResponse[] = [];
  constructor(
    readonly kind: 'line' | 'literal' | 'response' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

const LITERAL_AT_END = /\{(\d+)\+?\}\r\n$/;
const INLINE_LITERAL_LIMIT = 4096;
/** The start of a server response: untagged (`* `), continuation (`+`), or a tagged completion (`tag OK|NO|BAD`). */
const RESPONSE_START = /^(?:\* \S|\+(?: |\r\n|$)|[\x21-\x7e]+ (?:OK|NO|BAD)(?:[ \r]|$))/i;

const show = (b: Buffer, max = 60): string => `${JSON.stringify(b.subarray(0, max).toString('latin1'))}${b.length > max ? '…' : ''}`;

export class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private parts: string[] = [];
  private partBytes = 0;
  private literalLeft = 0;
  private readonly limits: ReaderLimits;
  /** The first bytes of the response being assembled (for a report of an unfinished response). */
  private head: Buffer = Buffer.alloc(0);

  /**
   * `limits`: a number bounds everything (line, literal and response) by it; an object sets each bound, the profile's
   * `limits` among them. `validate`: a response that does not begin like an IMAP response is refused (a session's
   * reader; the raw client, which is made to read anything, does not validate).
   */
  constructor(limits: number | Partial<ReaderLimits> = {}, private readonly validate = false) {
    this.limits =
      typeof limits === 'number'
        ? { maxLineBytes: limits, maxLiteralBytes: limits, maxResponseBytes: limits }
        : { ...DEFAULT_READER_LIMITS, ...limits };
  }

  /** Bytes received of a response not yet complete, and how it starts; undefined when none is pending. */
  pending(): { bytes: number; preview: string } | undefined {
    const bytes = this.partBytes + this.buf.length;
    if (bytes === 0) return undefined;
    const start = this.head.length > 0 ? this.head : this.buf;
    return { bytes, preview: show(start) };
  }

  /** Feeds bytes; returns the responses completed by them. Throws a ReaderError when one breaks a bound. */
  feed(chunk: Buffer): ServerResponse[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: ServerResponse[] = [];
    try {
      this.read(out);
    } catch (err) {
      if (err instanceof ReaderError) err.completed = out;
      throw err;
    }
    return out;
  }

  private read(out: ServerResponse[]): void {
    for (;;) {
      if (this.literalLeft > 0) {
        if (this.buf.length === 0) break;
        const take = Math.min(this.literalLeft, this.buf.length);
        const bytes = this.buf.subarray(0, take);
        this.appendPart(bytes, this.literalLeft <= INLINE_LITERAL_LIMIT);
        this.literalLeft -= take;
        this.buf = this.buf.subarray(take);
        continue;
      }
      if (this.validate && this.partBytes === 0 && this.buf.length > 0) this.checkStart();
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) {
        if (this.buf.length > this.limits.maxLineBytes) {
          throw new ReaderError(
            'line',
            `the server sent more than ${this.limits.maxLineBytes} bytes without a line end; the profile's limit is ${this.limits.maxLineBytes} bytes (limits.maxLineBytes)`,
          );
        }
        if (this.partBytes + this.buf.length > this.limits.maxResponseBytes) {
          throw new ReaderError('response', `server response exceeds ${this.limits.maxResponseBytes} bytes without a line end`);
        }
        break;
      }
      if (eol > this.limits.maxLineBytes) {
        throw new ReaderError(
          'line',
          `the server sent a ${eol + 2}-byte line; the profile's limit is ${this.limits.maxLineBytes} bytes (limits.maxLineBytes)`,
        );
      }
      const line = this.buf.subarray(0, eol + 2);
      this.buf = this.buf.subarray(eol + 2);
      if (this.validate && this.partBytes === 0 && !RESPONSE_START.test(line.toString('latin1'))) {
        throw new ReaderError('malformed', `the server sent data that is not an IMAP response: ${show(line)}`);
      }
      if (this.validate && line.includes(0)) {
        throw new ReaderError('malformed', `the server sent a NUL byte outside a literal: ${show(line)}`);
      }
      if (this.partBytes === 0) this.head = Buffer.from(line.subarray(0, 60));
      this.appendPart(line, true);
      const lit = LITERAL_AT_END.exec(line.toString('latin1'));
      if (lit) {
        this.literalLeft = Number(lit[1]);
        if (this.literalLeft > this.limits.maxLiteralBytes) {
          throw new ReaderError(
            'literal',
            `the server sent a ${lit[1]}-byte literal; the profile's limit is ${this.limits.maxLiteralBytes} bytes (limits.maxLiteralBytes)`,
          );
        }
        if (this.partBytes + this.literalLeft > this.limits.maxResponseBytes) {
          throw new ReaderError('response', `server announced a ${this.literalLeft}-byte literal, over the ${this.limits.maxResponseBytes}-byte limit of one response`);
        }
        if (this.literalLeft > INLINE_LITERAL_LIMIT) this.parts.push(`<${this.literalLeft} bytes>`);
        continue;
      }
      out.push({ text: this.parts.join('').replace(/\r\n$/, ''), bytes: this.partBytes });
      this.parts = [];
      this.partBytes = 0;
      this.head = Buffer.alloc(0);
    }
  }

  /** Refuses, as soon as its first bytes show it, a response that cannot begin like an IMAP response. */
  private checkStart(): void {
    const b = this.buf;
    const first = b[0]!;
    const bad =
      (first === 0x2a && b.length > 1 && b[1] !== 0x20) || // `*` must be followed by a space
      (first !== 0x2a && first !== 0x2b && (first < 0x21 || first > 0x7e)); // a tag is printable ASCII
    if (bad) throw new ReaderError('malformed', `the server sent data that is not an IMAP response: ${show(b)}`);
  }

  private appendPart(bytes: Buffer, keepText: boolean): void {
    this.partBytes += bytes.length;
    if (keepText) this.parts.push(bytes.toString('utf8'));
  }
}

export interface Untagged {
  /** Arrival time (ms since epoch). */
  at: number;
  /** `EXISTS`, `EXPUNGE`, `FETCH`, `RECENT` (numbered) or `STATUS`, `LIST`, `OK`, `BYE`, `METADATA`, `VANISHED`, … */
  type: string;
  /** The message number of numbered responses (`* 3 EXISTS`). */
  number?: number;
  /** The full response text without the leading `* `. */
  text: string;
}

/** Parses `* 3 EXISTS` / `* STATUS "INBOX" (...)`; returns undefined for tagged and continuation responses. */
export function parseUntagged(text: string, at: number): Untagged | undefined {
  if (!text.startsWith('* ')) return undefined;
  const body = text.slice(2);
  const numbered = /^(\d+) ([A-Za-z]+)/.exec(body);
  if (numbered) return { at, type: numbered[2]!.toUpperCase(), number: Number(numbered[1]), text: body };
  const word = /^([A-Za-z.-]+)/.exec(body);
  return { at, type: (word?.[1] ?? '').toUpperCase(), text: body };
}
