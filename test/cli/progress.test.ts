// The live progress line: the total is the selection's size from the first case on, the counter never passes it,
// and a terminal line is cut to the terminal's width.
import { describe, expect, it } from 'vitest';
import type { TestCase } from 'vitest/node';
import { ProgressReporter } from '../../harness/cli/progress.js';
import type { CaseResult } from '../../harness/report/model.js';

function fakeCase(id: string, verdict: 'passed' | 'failed'): TestCase {
  const meta = { cpm: { id, requirements: ['r'], clause: '5.2.1', level: 'MUST', features: [], statement: '', procedure: [], passCriteria: '' }, cpmAttempts: [{ verdict, durationMs: 1, metrics: [] }] };
  return { id, meta: () => meta, result: () => ({ state: verdict === 'passed' ? 'passed' : 'failed' }) } as unknown as TestCase;
}

function sink(isTTY: boolean, columns?: number) {
  const out = { text: '', isTTY, columns, write: (s: string) => ((out.text += s), true) };
  return out;
}

describe('progress', () => {
  const grade = (): CaseResult | undefined => undefined;

  it('counts against the selection size known before the first case, and never overshoots it', () => {
    const out = sink(false);
    const p = new ProgressReporter({ grade, out, total: 2 });
    p.onTestCaseResult(fakeCase('a.one', 'passed'));
    expect(out.text).toBe('[1/2] passed           a.one\n');
    p.onTestCaseResult(fakeCase('a.two', 'failed'));
    p.onTestCaseResult(fakeCase('a.three', 'passed'));
    expect(out.text.split('\n').filter(Boolean)).toEqual(['[1/2] passed           a.one', '[2/2] failed           a.two', '[3/3] passed           a.three']);
  });

  it('on a terminal the rewritten line fits the width', () => {
    const out = sink(true, 40);
    const p = new ProgressReporter({ grade, out, total: 1 });
    p.onTestCaseResult(fakeCase('push.message.seen.direct.device-a.notified-with-identity', 'passed'));
    const line = out.text.replace('\r\x1b[K', '');
    expect(line.length).toBeLessThan(40);
    expect(line).toMatch(/^\[1\/1\] passed 1 failed 0 n\/a 0 .*…$/);
  });
});
