import { describe, expect, it } from 'vitest';
import { ResponseReader, parseUntagged } from '../../../harness/imap/response-reader.js';

describe('ResponseReader', () => {
  it('splits lines and keeps a response with a literal whole, across chunk boundaries', () => {
    const r = new ResponseReader();
    const stream = Buffer.from('* 1 EXISTS\r\n* 1 FETCH (BODY[HEADER] {12}\r\nSubject: x\r\n)\r\na1 OK done\r\n');
    const out = [];
    for (let i = 0; i < stream.length; i += 7) out.push(...r.feed(stream.subarray(i, i + 7)));
    expect(out.map((o) => o.text)).toEqual(['* 1 EXISTS', '* 1 FETCH (BODY[HEADER] {12}\r\nSubject: x\r\n)', 'a1 OK done']);
    expect(out[1]!.bytes).toBe('* 1 FETCH (BODY[HEADER] {12}\r\nSubject: x\r\n)\r\n'.length);
  });

  it('refuses a literal announced over the limit instead of buffering it', () => {
    const r = new ResponseReader(1024);
    expect(() => r.feed(Buffer.from('* 1 FETCH (BODY[] {99999999}\r\n'))).toThrow(/99999999-byte literal/);
  });

  it('refuses an endless line over the limit', () => {
    const r = new ResponseReader(100);
    expect(() => r.feed(Buffer.alloc(200, 0x41))).toThrow(/without a line end/);
  });
});

describe('parseUntagged', () => {
  it('reads numbered and named responses, ignores tagged and continuations', () => {
    expect(parseUntagged('* 3 EXISTS', 1)).toEqual({ at: 1, type: 'EXISTS', number: 3, text: '3 EXISTS' });
    expect(parseUntagged('* STATUS "INBOX" (MESSAGES 2)', 1)?.type).toBe('STATUS');
    expect(parseUntagged('* OK [NOTIFICATIONOVERFLOW] x', 1)?.type).toBe('OK');
    expect(parseUntagged('a1 OK done', 1)).toBeUndefined();
    expect(parseUntagged('+ Ready', 1)).toBeUndefined();
  });
});
