import { describe, expect, it } from 'vitest';
import { parseHeaderBlock, parseObject } from '../../harness/spec/index.js';

describe('parseObject', () => {
  const raw = 'From: tel:+1555\r\nSubject: a long\r\n  folded\r\n\tsubject\r\nconversation-id: Ab-1\r\nX-Empty:\r\n\r\nbody line 1\r\n\r\nbody line 2\r\n';

  it('keeps header order, raw bytes with folding, and unfolds by removing only the CRLFs', () => {
    const o = parseObject(raw);
    expect(o.headers.map((h) => h.name)).toEqual(['From', 'Subject', 'conversation-id', 'X-Empty']);
    const subject = o.first('subject');
    expect(subject?.raw.toString()).toBe('Subject: a long\r\n  folded\r\n\tsubject');
    expect(subject?.value).toBe('a long  folded\tsubject');
    expect(o.first('X-Empty')?.value).toBe('');
    expect(o.headers.map((h) => h.index)).toEqual([0, 1, 2, 3]);
  });

  it('looks headers up case-insensitively but reports the name as written', () => {
    const o = parseObject(raw);
    expect(o.first('CONVERSATION-ID')?.name).toBe('conversation-id');
    expect(o.all('Conversation-Id')).toHaveLength(1);
    expect(o.first('To')).toBeUndefined();
  });

  it('splits the body at the first empty line and keeps the rest byte for byte', () => {
    const o = parseObject(Buffer.from(raw));
    expect(o.hasSeparator).toBe(true);
    expect(o.body.toString()).toBe('body line 1\r\n\r\nbody line 2\r\n');
  });

  it('accepts LF-only objects and objects without body', () => {
    const lf = parseObject('A: 1\nB: 2\n  x\n\nbody\n');
    expect(lf.headers.map((h) => [h.name, h.value])).toEqual([['A', '1'], ['B', '2  x']]);
    expect(lf.body.toString()).toBe('body\n');
    const noBody = parseObject('A: 1\r\nB: 2\r\n');
    expect(noBody.hasSeparator).toBe(false);
    expect(noBody.body.length).toBe(0);
    expect(noBody.headers).toHaveLength(2);
  });

  it('keeps UTF-8 values and marks malformed lines', () => {
    const o = parseObject(Buffer.from('Subject: caf\u00e9 \u2615\r\nno colon here\r\nBad Name: x\r\n\r\n', 'utf8'));
    expect(o.first('Subject')?.value).toBe('caf\u00e9 \u2615');
    expect(o.headers.map((h) => h.wellFormed)).toEqual([true, false, false]);
  });

  it('parses a bare header block', () => {
    expect(parseHeaderBlock('Content-Type: text/plain\r\n').map((h) => h.key)).toEqual(['content-type']);
    expect(parseHeaderBlock('')).toEqual([]);
  });
});
