// Splits the server's byte stream into complete responses: a line plus any literals it announces
// (`{n}` at the end of a line is followed by exactly n bytes, then the line continues).
// Used for transcripts and for observing untagged responses independently of the client library.

export interface ServerResponse {
  /** The response as text; literal bytes are inlined (large ones abbreviated). */
  text: string;
  /** Total size in bytes, literals included. */
  bytes: number;
}

const LITERAL_AT_END = /\{(\d+)\+?\}\r\n$/;
const INLINE_LITERAL_LIMIT = 4096;

export class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private parts: string[] = [];
  private partBytes = 0;
  private literalLeft = 0;

  constructor(private readonly maxResponseBytes = 64 * 1024 * 1024) {}

  /** Feeds bytes; returns the responses completed by them. Throws when one response exceeds the limit. */
  feed(chunk: Buffer): ServerResponse[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: ServerResponse[] = [];
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
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) {
        if (this.partBytes + this.buf.length > this.maxResponseBytes) {
          throw new Error(`server response exceeds ${this.maxResponseBytes} bytes without a line end`);
        }
        break;
      }
      const line = this.buf.subarray(0, eol + 2);
      this.buf = this.buf.subarray(eol + 2);
      this.appendPart(line, true);
      const lit = LITERAL_AT_END.exec(line.toString('latin1'));
      if (lit) {
        this.literalLeft = Number(lit[1]);
        if (this.partBytes + this.literalLeft > this.maxResponseBytes) {
          throw new Error(`server announced a ${this.literalLeft}-byte literal, over the ${this.maxResponseBytes}-byte limit`);
        }
        if (this.literalLeft > INLINE_LITERAL_LIMIT) this.parts.push(`<${this.literalLeft} bytes>`);
        continue;
      }
      out.push({ text: this.parts.join('').replace(/\r\n$/, ''), bytes: this.partBytes });
      this.parts = [];
      this.partBytes = 0;
    }
    return out;
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
