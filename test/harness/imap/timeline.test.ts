import { describe, expect, it } from 'vitest';
import { mergeTimelines, redact, renderTimeline } from '../../../harness/imap/timeline.js';

describe('timeline', () => {
  it('redacts secrets in clear and in base64 (SASL PLAIN) form', () => {
    const b64 = Buffer.from('s3cret-pw').toString('base64');
    expect(redact(`a1 LOGIN alice s3cret-pw / ${b64}`, ['s3cret-pw'])).toBe('a1 LOGIN alice *** / ***');
  });

  it('merges sources by time and renders relative times', () => {
    const a = [{ t: 1000, source: 'A', dir: 'C' as const, text: 'a1 NOOP' }, { t: 1003, source: 'A', dir: 'S' as const, text: 'a1 OK' }];
    const b = [{ t: 1001.5, source: 'push', dir: '*' as const, text: 'POST seen' }];
    const merged = mergeTimelines(a, b);
    expect(merged.map((e) => e.text)).toEqual(['a1 NOOP', 'POST seen', 'a1 OK']);
    expect(renderTimeline(merged).split('\n')[1]).toMatch(/^\+\s+1\.500 ms  push  \*: POST seen$/);
  });
});
