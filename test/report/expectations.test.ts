// Grading against a profile's expected-failure list, without a target: every observed verdict of a listed case,
// what fails the run, the statement's verdict, the traceability status, run.json's schema, and the JUnit /
// Allure marks CI tools read.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExpectedFailures } from '../../harness/profile/expected-failures.js';
import { loadProfile, REFERENCE_PROFILE_PATH } from '../../harness/profile/index.js';
import { markAllureResults, markJunit } from '../../harness/report/marks.js';
import { applyExpectation, applyExpectations, expectationVerdict } from '../../harness/report/expectations.js';
import { decide, failsRun, type CaseResult, type CaseVerdict, type RunReport } from '../../harness/report/model.js';
import { runReportProblems } from '../../harness/report/run-json.js';
import { renderStatement, statementVerdict } from '../../harness/report/statement.js';
import { renderTraceability, traceRequirements } from '../../harness/report/traceability.js';
import { loadCatalog } from '../../harness/spec/catalog.js';
import { ALL_CASES } from '../../suites/index.js';
import { caseResult, runReport } from './fixture.js';

const LIST: ExpectedFailures = {
  file: '/profiles/acme/expected-failures.json',
  sha256: 'a'.repeat(64),
  entries: [
    { case: 'notify.set.flagchange-alone-bad', reason: 'RFC 5465 §5: FlagChange alone is accepted', evidence: 'KNOWN.md#flagchange', reference: 'https://tracker.example/7' },
    { case: 'notify.set.new-expunge-together-bad', reason: 'RFC 5465 §5: MessageNew alone is accepted', evidence: 'KNOWN.md#new' },
  ],
};

const result = caseResult;
const report = (cases: CaseResult[], list: ExpectedFailures | undefined = LIST): RunReport =>
  runReport(cases, { expectedFailures: list ? { file: list.file, sha256: list.sha256, entries: list.entries.length } : null });

const XFAIL = 'notify.set.flagchange-alone-bad';
const XFAIL2 = 'notify.set.new-expunge-together-bad';
const OTHER = 'notify.set.one-selected-specifier';

describe('grading a listed case', () => {
  it('failed or warning → expected-failure; passed → unexpected-pass; anything else stays; unlisted cases are untouched', () => {
    const table: [CaseVerdict, CaseVerdict][] = [
      ['failed', 'expected-failure'],
      ['warning', 'expected-failure'],
      ['passed', 'unexpected-pass'],
      ['not-applicable', 'not-applicable'],
      ['blocked', 'blocked'],
      ['error', 'error'],
      ['flaky', 'flaky'],
      ['not-run', 'not-run'],
    ];
    for (const [observed, graded] of table) {
      expect(expectationVerdict(observed, true), observed).toBe(graded);
      expect(expectationVerdict(observed, false), observed).toBe(observed);
    }
  });

  it('keeps the failure evidence, records the entry and what was observed; applying twice changes nothing', () => {
    const r = applyExpectation(result(XFAIL, 'failed'), LIST);
    expect(r).toMatchObject({
      verdict: 'expected-failure',
      failure: { requirement: 'rfc5465.flagchange-requires-new-expunge' },
      expectation: { reason: LIST.entries[0]!.reason, evidence: 'KNOWN.md#flagchange', reference: 'https://tracker.example/7', observed: 'failed', status: 'met' },
    });
    expect(r.message).toMatch(/^expected failure \(known deviation: RFC 5465 §5: FlagChange alone is accepted; evidence KNOWN\.md#flagchange\)\nFAILED: tagged OK$/);
    expect(applyExpectation(r, LIST)).toEqual(r);
    expect(applyExpectation(result(OTHER, 'failed'), LIST)).toEqual(result(OTHER, 'failed'));
    expect(applyExpectation(result(XFAIL, 'failed'), undefined).verdict).toBe('failed');
  });

  it('an unexpected pass says to remove the entry, naming the file', () => {
    const r = applyExpectation(result(XFAIL, 'passed'), LIST);
    expect(r.verdict).toBe('unexpected-pass');
    expect(r.expectation?.status).toBe('contradicted');
    expect(r.message).toBe(
      'UNEXPECTED PASS: the profile lists this case as an expected failure (RFC 5465 §5: FlagChange alone is accepted; evidence KNOWN.md#flagchange) but it passed: remove its entry from expected-failures.json (/profiles/acme/expected-failures.json)',
    );
  });

  it('not applicable or blocked: reported as such, the expectation undecided', () => {
    const na = applyExpectation(result(XFAIL, 'not-applicable', { message: 'the profile does not declare notify' }), LIST);
    expect(na).toMatchObject({ verdict: 'not-applicable', expectation: { status: 'undecided', observed: 'not-applicable' } });
    expect(na.message).toBe('listed as an expected failure, but it is not applicable to this profile: the expectation is neither met nor contradicted\nthe profile does not declare notify');
    expect(applyExpectation(result(XFAIL, 'blocked'), LIST).message).toMatch(/^listed as an expected failure, but it was blocked/);
  });

  it('the run: an expected failure never fails it (not under --strict either); an unexpected pass always does', () => {
    for (const strict of [false, true]) {
      expect(failsRun({ verdict: 'expected-failure', level: 'MUST' }, strict)).toBe(false);
      expect(failsRun({ verdict: 'unexpected-pass', level: 'MAY' }, strict)).toBe(true);
    }
    const pass = result(OTHER, 'passed');
    const graded = applyExpectations([pass, result(XFAIL, 'failed'), result(XFAIL2, 'failed')], LIST);
    expect(decide(graded, { strict: true, errors: [], interrupted: false })).toEqual({ outcome: 'passed', exitCode: 0 });
    const stale = applyExpectations([pass, result(XFAIL, 'passed')], LIST);
    expect(decide(stale, { strict: false, errors: [], interrupted: false })).toEqual({ outcome: 'failed', exitCode: 1 });
    // A run of nothing but expected failures is not vacuous: the cases ran and failed as listed.
    expect(decide(applyExpectations([result(XFAIL, 'failed')], LIST), { strict: false, errors: [], interrupted: false }).exitCode).toBe(0);
  });
});

describe('reports of a run with known deviations', () => {
  const catalog = loadCatalog();
  const profile = loadProfile(REFERENCE_PROFILE_PATH, {});
  const metas = ALL_CASES.map((c) => c.meta);

  it('run.json with both new verdicts and the list follows its published schema', () => {
    const r = report(applyExpectations([result(OTHER, 'passed'), result(XFAIL, 'failed'), result(XFAIL2, 'passed'), result('notify.metadata.mailbox-change', 'not-applicable')], LIST));
    expect(r.totals).toMatchObject({ passed: 1, 'expected-failure': 1, 'unexpected-pass': 1, 'not-applicable': 1 });
    expect(runReportProblems(r)).toEqual([]);
    expect(runReportProblems({ ...r, format: 1 })).not.toEqual([]);
    expect(runReportProblems(report([result(OTHER, 'passed')], undefined))).toEqual([]);
  });

  it('statement: "conformant except for N known deviations" with the table, never plain conformant', () => {
    const r = report(applyExpectations([result(OTHER, 'passed'), result(XFAIL, 'failed'), result(XFAIL2, 'warning')], LIST));
    expect(statementVerdict(r, [])).toMatchObject({ verdict: 'conformant except for known deviations', deviations: 2 });
    const md = renderStatement(r, profile);
    expect(md).toContain('**Verdict: conformant except for 2 known deviations** for the features the profile declares.');
    expect(md).toContain('the target is not fully conformant until they are fixed');
    expect(md).toContain('## Known deviations');
    expect(md).toContain('| `notify.set.flagchange-alone-bad` | MUST | `rfc5465.flagchange-requires-new-expunge` | RFC 5465 §5: FlagChange alone is accepted | KNOWN.md#flagchange | https://tracker.example/7 |');
    expect(md).toContain('| expected failures | 2 case(s) in `/profiles/acme/expected-failures.json`');
    expect(renderStatement(report(applyExpectations([result(OTHER, 'passed'), result(XFAIL, 'failed')], LIST)), profile)).toContain('**Verdict: conformant except for 1 known deviation** ');
  });

  it('statement: a real failure is "not conformant" (the known deviations named too); a stale list gives no verdict', () => {
    const failing = report(applyExpectations([result(OTHER, 'failed'), result(XFAIL, 'failed')], LIST));
    const v = statementVerdict(failing, []);
    expect(v.verdict).toBe('not conformant');
    expect(v.reasons).toEqual(['1 case(s) did not pass: notify.set.one-selected-specifier', 'and 1 known deviation(s) the profile lists as expected failures']);
    const stale = statementVerdict(report(applyExpectations([result(OTHER, 'passed'), result(XFAIL, 'passed')], LIST)), []);
    expect(stale.verdict).toBe('no verdict');
    expect(stale.reasons[0]).toMatch(/^1 case\(s\) the profile lists as expected failures passed \(notify\.set\.flagchange-alone-bad\): the expected-failure list is out of date/);
  });

  it('traceability: the requirement of an expected failure is a known deviation, listed with reason and evidence', () => {
    const r = report(applyExpectations([result(XFAIL, 'failed'), result(XFAIL2, 'passed')], LIST));
    const traces = traceRequirements(catalog, metas, r);
    expect(traces.find((t) => t.requirement.id === 'rfc5465.flagchange-requires-new-expunge')?.status).toBe('known-deviation');
    expect(traces.find((t) => t.requirement.id === 'rfc5465.new-expunge-together')?.status).toBe('passed');
    const md = renderTraceability(catalog, metas, r);
    expect(md).toContain('## Known deviations (expected failures the profile lists)');
    expect(md).toContain('| `rfc5465.flagchange-requires-new-expunge` | `notify.set.flagchange-alone-bad` | RFC 5465 §5: FlagChange alone is accepted | KNOWN.md#flagchange |');
    expect(md).toMatch(/\| `rfc5465\.flagchange-requires-new-expunge` \| MUST \| [^|]+ \| \*\*known-deviation\*\* \|/);
  });
});

describe('marks in the files of vitest reporters', () => {
  const JUNIT = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="cpm-conformance" tests="3" failures="2" errors="0" time="1">
    <testsuite name="suites/notify/notify.spec.ts" timestamp="t" hostname="h" tests="3" failures="2" errors="0" skipped="0" time="1">
        <testcase classname="suites/notify/notify.spec.ts" name="5.4.1 IMAP Notifications &gt; ${XFAIL}" time="0.05">
            <properties>
                <property name="notice" value="wire timeline">
                </property>
            </properties>
            <failure message="FAILED: NOTIFY SET (MAILBOXES &quot;G&quot; (FlagChange))" type="Error">
FAILED: NOTIFY SET (MAILBOXES &quot;G&quot; (FlagChange))
  expected:    tagged BAD
            </failure>
        </testcase>
        <testcase classname="suites/notify/notify.spec.ts" name="5.4.1 IMAP Notifications &gt; ${XFAIL2}" time="0.05">
        </testcase>
        <testcase classname="suites/notify/notify.spec.ts" name="5.4.1 IMAP Notifications &gt; ${OTHER}" time="0.05">
            <failure message="FAILED: other" type="Error">FAILED: other</failure>
        </testcase>
    </testsuite>
</testsuites>
`;
  const cases = applyExpectations([result(XFAIL, 'failed'), result(XFAIL2, 'passed'), result(OTHER, 'failed')], LIST);

  it('JUnit: the expected failure is skipped with the reason (failure text kept), the unexpected pass a failure; counts follow', () => {
    const xml = markJunit(JUNIT, cases);
    const testcase = (id: string): string => new RegExp(`<testcase [^>]*${id.replace(/\./g, '\\.')}"[^>]*>([\\s\\S]*?)</testcase>`).exec(xml)![1]!;
    expect(testcase(XFAIL)).not.toContain('<failure');
    expect(testcase(XFAIL)).toContain('<property name="notice" value="wire timeline">');
    expect(testcase(XFAIL)).toMatch(
      /<skipped message="EXPECTED FAILURE \(known deviation listed by the profile\): RFC 5465 §5: FlagChange alone is accepted — evidence: KNOWN\.md#flagchange — https:\/\/tracker\.example\/7">FAILED: NOTIFY SET \(MAILBOXES &quot;G&quot; \(FlagChange\)\)\n {2}expected: {4}tagged BAD<\/skipped>/,
    );
    expect(testcase(XFAIL2)).toMatch(/<failure message="UNEXPECTED PASS: [^"]*remove its entry from expected-failures\.json[^"]*" type="UnexpectedPass">/);
    // Every case gets the element of its graded status: a MUST failure is a failure of type "must", vitest's text kept.
    expect(testcase(OTHER)).toContain('<failure message="FAILED: tagged OK" type="must">FAILED: other</failure>');
    expect(xml).toContain('<testsuites name="cpm-conformance" tests="3" failures="2" errors="0" time="1">');
    expect(xml).toContain('tests="3" failures="2" errors="0" skipped="1" time="1">');
    expect(markJunit(JUNIT, applyExpectations([result(OTHER, 'failed')], LIST))).toContain('<testsuites name="cpm-conformance" tests="3" failures="2" errors="0" time="1">');
  });

  it('Allure: the expected failure is skipped, known, tagged; the unexpected pass failed; other results untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpm-allure-marks-'));
    const write = (name: string, id: string, status: string): string => {
      const file = join(dir, `${name}-result.json`);
      writeFileSync(file, JSON.stringify({ name: id, status, statusDetails: { message: 'FAILED: x', trace: 't' }, labels: [{ name: 'story', value: id }], attachments: [{ name: 'wire timeline' }] }));
      return file;
    };
    const files = [write('a', XFAIL, 'broken'), write('b', XFAIL2, 'passed'), write('c', OTHER, 'failed')];
    writeFileSync(join(dir, 'x-attachment.txt'), 'timeline');
    markAllureResults(dir, cases);
    const [a, b, c] = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
    expect(a).toMatchObject({ status: 'skipped', statusDetails: { known: true, trace: 't' }, attachments: [{ name: 'wire timeline' }] });
    expect(a.statusDetails.message).toMatch(/^EXPECTED FAILURE \(known deviation listed by the profile\): RFC 5465 §5: FlagChange alone is accepted — evidence: KNOWN\.md#flagchange — https:\/\/tracker\.example\/7\n\nFAILED: x$/);
    expect(a.labels).toContainEqual({ name: 'tag', value: 'expected-failure' });
    expect(b).toMatchObject({ status: 'failed', statusDetails: { message: expect.stringMatching(/^UNEXPECTED PASS: /) } });
    expect(b.labels).toContainEqual({ name: 'tag', value: 'unexpected-pass' });
    expect(c).toMatchObject({ status: 'failed', statusDetails: { message: 'FAILED: x' }, labels: [{ name: 'story', value: OTHER }] });
  });
});
