// What a session's reader refuses, and how it says so: a line or literal over the profile's limits, bytes that are
// not an IMAP response, a NUL outside a literal; the responses before the bad bytes still count. And the words for
// a greeting that never came, or came only in part.
import { describe, expect, it } from 'vitest';
import { greetingTimeoutText, judgeGreeting } from '../../harness/imap/greeting.js';
import { ReaderError, ResponseReader } from '../../harness/imap/response-reader.js';

const reader = () => new ResponseReader({ maxLineBytes: 1024, maxLiteralBytes: 4096, maxResponseBytes: 1 << 20 }, true);

function refusal(r: ResponseReader, bytes: string | Buffer): ReaderError {
  try {
    r.feed(Buffer.from(bytes));
  } catch (err) {
    if (err instanceof ReaderError) return err;
    throw err;
  }
  throw new Error('the reader accepted it');
}

describe('a session reader and the profile limits', () => {
  it('names the literal and the limit it breaks', () => {
    const e = refusal(reader(), '* 1 FETCH (BODY[] {9999999999}\r\n');
    expect(e.kind).toBe('literal');
    expect(e.message).toBe("the server sent a 9999999999-byte literal; the profile's limit is 4096 bytes (limits.maxLiteralBytes)");
  });

  it('names an over-long line, with or without its line end', () => {
    expect(refusal(reader(), `* OK ${'x'.repeat(2000)}\r\n`).message).toBe("the server sent a 2007-byte line; the profile's limit is 1024 bytes (limits.maxLineBytes)");
    expect(refusal(reader(), `* OK ${'x'.repeat(2000)}`).message).toMatch(/^the server sent more than 1024 bytes without a line end; the profile's limit is 1024 bytes \(limits\.maxLineBytes\)$/);
  });

  it('refuses bytes that are not an IMAP response as soon as they show it, keeping the responses before them', () => {
    const e = refusal(reader(), Buffer.concat([Buffer.from('* OK hello\r\n'), Buffer.from([0, 1, 0xff]), Buffer.from(' junk\r\n')]));
    expect(e.kind).toBe('malformed');
    expect(e.message).toBe('the server sent data that is not an IMAP response: "\\u0000\\u0001ÿ junk\\r\\n"');
    expect(e.completed.map((r) => r.text)).toEqual(['* OK hello']);
    expect(refusal(reader(), 'HTTP/1.1 200 OK\r\n').message).toMatch(/not an IMAP response: "HTTP\/1\.1 200 OK\\r\\n"/);
    expect(refusal(reader(), '* OK a\u0000b\r\n').message).toMatch(/a NUL byte outside a literal/);
  });

  it('accepts what IMAP servers send: untagged, continuation, tagged, literals with any bytes', () => {
    const r = reader();
    const bin = Buffer.from([0, 1, 2, 0xff, 13, 10, 0]);
    const out = r.feed(Buffer.concat([Buffer.from('* 1 FETCH (BODY[] {7}\r\n'), bin, Buffer.from(')\r\n+ go ahead\r\n+\r\nA1 OK done\r\n1F no [ALERT] x\r\n')]));
    expect(out.map((o) => o.text.slice(0, 12))).toEqual(['* 1 FETCH (B', '+ go ahead', '+', 'A1 OK done', '1F no [ALERT']);
    expect(r.pending()).toBeUndefined();
    r.feed(Buffer.from('* 2 FETCH (BODY[] {100}\r\nFrom: a\r\n'));
    expect(r.pending()).toEqual({ bytes: 34, preview: '"* 2 FETCH (BODY[] {100}\\r\\n"' });
  });
});

describe('greeting words', () => {
  it('tells no greeting from an incomplete one', () => {
    expect(greetingTimeoutText(10_000, Buffer.alloc(0))).toBe('no greeting after 10 s, 0 bytes received');
    expect(greetingTimeoutText(1500, Buffer.from('* O'))).toBe('greeting incomplete after 1.5 s (3 bytes received: "* O")');
    expect(greetingTimeoutText(1000, Buffer.from('*'))).toBe('greeting incomplete after 1 s (1 byte received: "*")');
  });

  it('judges a greeting line', () => {
    expect(judgeGreeting('* OK ready')).toBeUndefined();
    expect(judgeGreeting('* PREAUTH hi')).toBeUndefined();
    expect(judgeGreeting('* BYE too busy')?.message).toBe('the server refused the session with a BYE greeting: "* BYE too busy"');
    expect(judgeGreeting('SSH-2.0-x')?.kind).toBe('not-imap');
  });
});
