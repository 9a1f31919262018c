// The CI closing line must never hide a vacuous run or a test file that failed to load.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function summarise(report: unknown): { status: number | null; line: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ci-summary-'));
  const file = join(dir, 'r.json');
  writeFileSync(file, JSON.stringify(report));
  const r = spawnSync(process.execPath, ['scripts/ci-summary.mjs', file], { encoding: 'utf8' });
  return { status: r.status, line: r.stdout.trim().split('\n').at(-1) ?? '' };
}

describe('scripts/ci-summary.mjs', () => {
  it('prints the totals and exits 0 when everything passed', () => {
    const r = summarise({ numPassedTests: 3, numFailedTests: 0, numPendingTests: 1, testResults: [] });
    expect(r).toEqual({ status: 0, line: '3 passed, 0 failed, 1 skipped' });
  });
  it('exits 1 when a test failed', () => {
    const r = summarise({ numPassedTests: 3, numFailedTests: 2, testResults: [] });
    expect(r).toEqual({ status: 1, line: '3 passed, 2 failed' });
  });
  it('counts a file that failed to load as a failure', () => {
    const r = summarise({
      numPassedTests: 3,
      numFailedTests: 0,
      testResults: [{ status: 'failed', assertionResults: [] }],
    });
    expect(r).toEqual({ status: 1, line: '3 passed, 1 failed' });
  });
  it('treats a run that executed nothing as a failure', () => {
    const r = summarise({ numPassedTests: 0, numFailedTests: 0, testResults: [] });
    expect(r.status).toBe(1);
    expect(r.line).toBe('0 passed, 0 failed');
  });
  it('treats a missing report as a failure', () => {
    const r = spawnSync(process.execPath, ['scripts/ci-summary.mjs', '/nonexistent/report.json'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe('0 passed, 1 failed');
  });
});
