import { describe, expect, it } from 'vitest';
import { combineAttempts, decide, failsRun, latencySummary } from '../../harness/report/model.js';

const a = (verdict: 'passed' | 'failed' | 'warning' | 'error' | 'not-applicable' | 'blocked') => ({ verdict, durationMs: 1 });

describe('run verdict rules', () => {
  it('a case that both passed and failed is flaky; uniform attempts keep their verdict', () => {
    expect(combineAttempts([a('passed'), a('failed'), a('passed')])).toBe('flaky');
    expect(combineAttempts([a('warning'), a('error')])).toBe('flaky');
    expect(combineAttempts([a('passed'), a('passed')])).toBe('passed');
    expect(combineAttempts([a('failed'), a('error')])).toBe('error');
    expect(combineAttempts([])).toBe('not-run');
  });

  it('what fails a run: MUST non-passes, errors, flaky; SHOULD warnings only under --strict', () => {
    expect(failsRun({ verdict: 'failed', level: 'MUST' }, false)).toBe(true);
    expect(failsRun({ verdict: 'flaky', level: 'SHOULD' }, false)).toBe(true);
    expect(failsRun({ verdict: 'error', level: 'MAY' }, false)).toBe(true);
    expect(failsRun({ verdict: 'blocked', level: 'MUST' }, false)).toBe(true);
    expect(failsRun({ verdict: 'blocked', level: 'SHOULD' }, false)).toBe(false);
    expect(failsRun({ verdict: 'warning', level: 'SHOULD' }, false)).toBe(false);
    expect(failsRun({ verdict: 'warning', level: 'SHOULD' }, true)).toBe(true);
    expect(failsRun({ verdict: 'not-applicable', level: 'MUST' }, true)).toBe(false);
  });

  it('exit codes: 130 interrupted, 2 setup, 3 vacuous, 1 failed, 0 passed', () => {
    const pass = { verdict: 'passed', level: 'MUST' } as const;
    const fail = { verdict: 'failed', level: 'MUST' } as const;
    const na = { verdict: 'not-applicable', level: 'MUST' } as const;
    expect(decide([fail], { strict: false, errors: [], interrupted: true }).exitCode).toBe(130);
    expect(decide([fail], { strict: false, errors: ['x.spec.ts: boom'], interrupted: false }).exitCode).toBe(2);
    expect(decide([], { strict: false, errors: [], interrupted: false })).toEqual({ outcome: 'vacuous', exitCode: 3 });
    expect(decide([na, na], { strict: false, errors: [], interrupted: false }).exitCode).toBe(3);
    expect(decide([pass, na, fail], { strict: false, errors: [], interrupted: false }).exitCode).toBe(1);
    expect(decide([pass, na], { strict: false, errors: [], interrupted: false })).toEqual({ outcome: 'passed', exitCode: 0 });
  });

  it('push latency summary: nearest-rank p50/p95/p99 and max', () => {
    expect(latencySummary([])).toBeNull();
    const values = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
    expect(latencySummary(values)).toEqual({ count: 20, p50: 10, p95: 19, p99: 20, max: 20 });
  });
});
