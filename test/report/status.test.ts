// One run with every outcome, rendered into JUnit, the raw Allure results and run.json: each case shows the same
// status everywhere (harness/report/status.ts). The inputs are what vitest's reporters write: a conformance
// failure the Allure reporter guessed "broken", a SHOULD warning that vitest passed, a not-applicable case as a
// bare <skipped/>.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markAllureResults, markJunit } from '../../harness/report/marks.js';
import type { CaseResult, CaseVerdict } from '../../harness/report/model.js';
import { runReportProblems } from '../../harness/report/run-json.js';
import { countLine, presentStatus } from '../../harness/report/status.js';
import { ALL_CASES } from '../../suites/index.js';
import { caseResult, runReport } from './fixture.js';

const must = ALL_CASES.filter((c) => c.meta.level === 'MUST').map((c) => c.meta.id);
const should = ALL_CASES.find((c) => c.meta.level === 'SHOULD')!.meta.id;

const VERDICT_OF: [string, CaseVerdict, Partial<CaseResult>][] = [
  [must[0]!, 'passed', {}],
  [must[1]!, 'failed', {}],
  [should, 'warning', { message: 'response code of the refusal', failure: { requirement: 'rfc5465.badevent', expected: '[BADEVENT]', actual: 'BAD' } }],
  [must[2]!, 'error', { message: 'alice/d1: CREATE did not complete within 1000 ms' }],
  [must[3]!, 'blocked', { message: 'APPEND was refused: NO quota' }],
  [must[4]!, 'not-applicable', { message: 'the profile declares pfPath "keyword", not "rewrite"' }],
  [must[5]!, 'not-exercised', { message: "needs a user with 3 devices; the profile's busiest user has 1", remedy: ['give one user 3 devices in accounts.users[].devices (id, credentials, announce)'] }],
  [must[6]!, 'not-run', { message: 'the run stopped before this case' }],
  [must[7]!, 'flaky', { message: 'FAILED: once' }],
  [
    must[8]!,
    'expected-failure',
    { message: 'expected failure', expectation: { reason: 'accepts FlagChange alone', evidence: 'KNOWN.md#x', observed: 'failed', status: 'met' }, failure: { requirement: 'r', expected: 'NO', actual: 'OK' } },
  ],
  [must[9]!, 'unexpected-pass', { message: 'UNEXPECTED PASS: remove its entry from expected-failures.json', expectation: { reason: 'x', evidence: 'y', observed: 'passed', status: 'contradicted' } }],
];
const cases = VERDICT_OF.map(([id, v, extra]) => caseResult(id, v, extra));
const idOf = (v: CaseVerdict): string => VERDICT_OF.find(([, x]) => x === v)![0];

/** What vitest's junit reporter writes for these cases: failures for whatever threw, a bare skip for skips, nothing for passes and warnings. */
function vitestJunit(): string {
  const tc = (id: string, body: string): string =>
    `        <testcase classname="suites/x.spec.ts" name="Clause &gt; ${id}" time="0.01">${body ? `\n            ${body}\n        ` : '\n        '}</testcase>`;
  const thrown = (text: string): string => `<failure message="${text}" type="AssertionError">\n${text}\n  wire line C: 5 NOTIFY SET\n            </failure>`;
  const body: Record<CaseVerdict, string> = {
    passed: '',
    warning: '',
    'unexpected-pass': '',
    failed: thrown('FAILED: tagged OK'),
    error: thrown('ERROR: alice/d1: CREATE did not complete within 1000 ms'),
    blocked: thrown('BLOCKED: APPEND was refused'),
    flaky: thrown('FAILED: once'),
    'expected-failure': thrown('FAILED: NOTIFY SET accepted'),
    'not-applicable': '<skipped/>',
    'not-exercised': '<skipped/>',
    'not-run': '<skipped/>',
  };
  return `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="cpm-conformance" tests="12" failures="5" errors="0" time="1">
    <testsuite name="suites/x.spec.ts" timestamp="t" hostname="h" tests="11" failures="5" errors="0" skipped="3" time="1">
${cases.map((c) => tc(c.id, body[c.verdict])).join('\n')}
    </testsuite>
    <testsuite name="suites/audit/audit.spec.ts" timestamp="t" hostname="h" tests="1" failures="0" errors="0" skipped="1" time="0">
        <testcase classname="suites/audit/audit.spec.ts" name="Audit &gt; no case of this file matches the selection" time="0">
            <skipped/>
        </testcase>
    </testsuite>
</testsuites>
`;
}

describe('statuses, the same in every format', () => {
  const xml = markJunit(vitestJunit(), cases);
  const testcase = (v: CaseVerdict): string => {
    const id = idOf(v).replace(/\./g, '\\.');
    return new RegExp(`<testcase [^>]*${id}"[^>]*>([\\s\\S]*?)</testcase>`).exec(xml)![1]!;
  };

  it('JUnit: failure for failed (type by level), SHOULD deviation, flaky and unexpected pass; error for harness errors and blocked; skipped with the reason for the rest', () => {
    expect(testcase('passed').trim()).toBe('');
    expect(testcase('failed')).toMatch(/<failure message="FAILED: tagged OK" type="must">FAILED: tagged OK/);
    expect(testcase('warning')).toMatch(/<failure message="WARNING \(SHOULD deviation, does not fail the run without --strict\): response code of the refusal" type="should">/);
    expect(testcase('error')).toMatch(/<error message="ERROR: alice\/d1: CREATE did not complete within 1000 ms" type="error">/);
    expect(testcase('error')).not.toContain('<failure');
    expect(testcase('blocked')).toMatch(/<error message="BLOCKED: APPEND was refused: NO quota" type="blocked">/);
    expect(testcase('not-applicable')).toContain('<skipped message="not applicable: the profile declares pfPath &quot;keyword&quot;, not &quot;rewrite&quot;"/>');
    expect(testcase('not-exercised')).toContain(
      '<skipped message="not exercised: needs a user with 3 devices; the profile\'s busiest user has 1; add to the profile: give one user 3 devices in accounts.users[].devices (id, credentials, announce)"/>',
    );
    expect(testcase('not-run')).toContain('<skipped message="not run: the run stopped before this case"/>');
    expect(testcase('flaky')).toMatch(/<failure message="FLAKY: FAILED: once" type="flaky">/);
    expect(testcase('expected-failure')).toMatch(/<skipped message="EXPECTED FAILURE \(known deviation listed by the profile\): accepts FlagChange alone — evidence: KNOWN\.md#x">FAILED: NOTIFY SET accepted/);
    expect(testcase('expected-failure')).not.toContain('<failure');
    expect(testcase('unexpected-pass')).toMatch(/<failure message="UNEXPECTED PASS: remove its entry from expected-failures\.json" type="UnexpectedPass">/);
    // The placeholder of a suite file without a selected case is no case: gone, and the counts follow.
    expect(xml).not.toContain('no case of this file matches the selection');
    expect(xml).toContain('<testsuites name="cpm-conformance" tests="11" failures="4" errors="2" time="1">');
    expect(xml).toContain('tests="11" failures="4" errors="2" skipped="4" time="1">');
    expect(markJunit(xml, cases)).toBe(xml);
  });

  it('Allure: failed (never broken) for conformance failures, SHOULD label and minor severity for warnings, broken only for harness errors, skipped with the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpm-allure-status-'));
    // As allure-vitest writes them: its guess from the thrown error, passed for a warning, no reason for a skip.
    const guessed: Record<CaseVerdict, string> = {
      passed: 'passed', failed: 'broken', warning: 'passed', error: 'broken', blocked: 'broken', 'not-applicable': 'skipped', 'not-exercised': 'skipped',
      'not-run': 'skipped', flaky: 'broken', 'expected-failure': 'broken', 'unexpected-pass': 'passed',
    };
    for (const [i, c] of cases.entries()) {
      const thrown = ['failed', 'error', 'blocked', 'flaky', 'expected-failure'].includes(c.verdict);
      writeFileSync(
        join(dir, `${i}-result.json`),
        JSON.stringify({
          name: `${c.id} — statement`,
          status: guessed[c.verdict],
          statusDetails: thrown ? { message: `${c.verdict.toUpperCase()}: original`, trace: 'stack' } : {},
          labels: [{ name: 'story', value: c.id }, { name: 'severity', value: c.level === 'MUST' ? 'critical' : 'normal' }],
        }),
      );
    }
    writeFileSync(join(dir, 'placeholder-result.json'), JSON.stringify({ name: 'Audit no case of this file matches the selection', status: 'skipped', labels: [] }));
    markAllureResults(dir, cases);
    expect(readdirSync(dir)).not.toContain('placeholder-result.json');
    const results = cases.map((_, i) => JSON.parse(readFileSync(join(dir, `${i}-result.json`), 'utf8')) as {
      status: string;
      statusDetails: { message?: string; known?: boolean; flaky?: boolean; trace?: string };
      labels: { name: string; value: string }[];
    });
    const of = (v: CaseVerdict) => results[cases.findIndex((c) => c.verdict === v)]!;
    const tags = (v: CaseVerdict): string[] => of(v).labels.filter((l) => l.name === 'tag').map((l) => l.value);
    const severity = (v: CaseVerdict): string | undefined => of(v).labels.find((l) => l.name === 'severity')?.value;
    expect(of('passed')).toMatchObject({ status: 'passed', statusDetails: {} });
    expect(of('failed')).toMatchObject({ status: 'failed', statusDetails: { message: 'FAILED: original', trace: 'stack' } });
    expect(of('warning')).toMatchObject({ status: 'failed', statusDetails: { message: expect.stringMatching(/^WARNING \(SHOULD deviation/) } });
    expect(tags('warning')).toContain('SHOULD');
    expect(severity('warning')).toBe('minor');
    expect(of('error').status).toBe('broken');
    expect(of('blocked').status).toBe('broken');
    expect(of('not-applicable')).toMatchObject({ status: 'skipped', statusDetails: { message: 'not applicable: the profile declares pfPath "keyword", not "rewrite"' } });
    expect(of('not-exercised')).toMatchObject({ status: 'skipped', statusDetails: { message: expect.stringMatching(/^not exercised: .*add to the profile: give one user 3 devices/) } });
    expect(of('not-run')).toMatchObject({ status: 'skipped', statusDetails: { message: 'not run: the run stopped before this case' } });
    expect(of('flaky')).toMatchObject({ status: 'failed', statusDetails: { flaky: true } });
    expect(of('expected-failure')).toMatchObject({ status: 'skipped', statusDetails: { known: true, message: expect.stringMatching(/^EXPECTED FAILURE .*\n\nEXPECTED-FAILURE: original$/) } });
    expect(tags('expected-failure')).toContain('expected-failure');
    expect(of('unexpected-pass')).toMatchObject({ status: 'failed', statusDetails: { message: expect.stringMatching(/^UNEXPECTED PASS/) } });
    // Only harness errors are broken.
    expect(results.filter((r) => r.status === 'broken')).toHaveLength(2);
  });

  it('run.json: each case carries the same status and label; the schema accepts every verdict', () => {
    const r = runReport(cases);
    expect(runReportProblems(r)).toEqual([]);
    const status = Object.fromEntries(r.cases.map((c) => [c.verdict, c.status]));
    expect(status).toEqual({
      passed: { status: 'passed', label: 'PASS' },
      failed: { status: 'failed', label: 'FAIL' },
      warning: { status: 'failed', label: 'WARN' },
      error: { status: 'broken', label: 'BROKEN' },
      blocked: { status: 'broken', label: 'BLOCKED' },
      'not-applicable': { status: 'skipped', label: 'N/A' },
      'not-exercised': { status: 'skipped', label: 'NOT EXERCISED' },
      'not-run': { status: 'skipped', label: 'NOT RUN' },
      flaky: { status: 'failed', label: 'FLAKY' },
      'expected-failure': { status: 'skipped', label: 'XFAIL' },
      'unexpected-pass': { status: 'failed', label: 'XPASS' },
    });
    // JUnit's element follows Allure's status (failed → failure, broken → error, skipped → skipped).
    const element = { passed: 'none', failed: 'failure', broken: 'error', skipped: 'skipped' } as const;
    for (const c of cases) expect(presentStatus(c).junit.element, c.verdict).toBe(element[presentStatus(c).status]);
  });

  it('the console: WARN for a warning, and a closing count line', () => {
    expect(presentStatus(cases.find((c) => c.verdict === 'warning')!).label).toBe('WARN');
    expect(countLine(cases)).toBe('1 passed, 3 failed, 2 broken, 1 n/a, 1 warnings, 1 not exercised, 1 expected failures, 1 not run');
    expect(countLine([caseResult(must[0]!, 'passed')])).toBe('1 passed, 0 failed, 0 broken, 0 n/a, 0 warnings');
  });
});
