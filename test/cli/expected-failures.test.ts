// Expected failures through the real CLI against the reference store: a fault switch (--fault) makes two NOTIFY
// SET cases fail, and a small profile lists them as known deviations. Listed and failing → exit 0 with the
// deviations in every report; a listed case that passes → exit 1 naming the entry to remove; a listed case that is
// not applicable stays not applicable; an unknown case ID in the list → exit 2 before any case runs (the setup
// error is still reported). These runs select cases, so their statement gives no verdict ("partial run").
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, ROOT } from './spawn.js';

const FAULT = 'notify-lenient-event-set';
const FLAG_ALONE = 'notify.set.flagchange-alone-bad';
const NEW_ALONE = 'notify.set.new-expunge-together-bad';
const PASSES = 'notify.set.one-selected-specifier';
/** Not applicable to the reference profile (it declares pfPath "keyword"). */
const NOT_APPLICABLE = 'push.message.seen.pf-rewrite.never-other-device';

const entry = (id: string) => ({ case: id, reason: `the store accepts what RFC 5465 calls an error (${id})`, evidence: `KNOWN.md#${id}` });

/** The reference profile, renamed, with an expected-failure list next to it. */
function profileListing(ids: string[]): { profile: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cpm-cli-xfail-'));
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/profiles/reference.json'), 'utf8'));
  delete p.$schema;
  p.name = 'reference-with-known-deviations';
  p.expectedFailures = './expected-failures.json';
  writeFileSync(join(dir, 'expected-failures.json'), JSON.stringify({ expectedFailures: ids.map(entry) }, null, 2));
  const profile = join(dir, 'profile.json');
  writeFileSync(profile, JSON.stringify(p, null, 2));
  return { profile, dir };
}

interface RunJson {
  outcome: string;
  exitCode: number;
  format: number;
  profile: { expectedFailures: { file: string; sha256: string; entries: number } | null };
  totals: Record<string, number>;
  cases: { id: string; verdict: string; message?: string; expectation?: { status: string; observed: string; evidence: string } }[];
}
const runJson = (dir: string): RunJson => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunJson;
const verdicts = (r: RunJson): Record<string, string> => Object.fromEntries(r.cases.map((c) => [c.id, c.verdict]));

describe('cpm-conformance with an expected-failure list', () => {
  it('listed cases that fail are expected failures: exit 0, and every report says they are deviations', async () => {
    const { profile } = profileListing([FLAG_ALONE, NEW_ALONE, NOT_APPLICABLE]);
    const reports = mkdtempSync(join(tmpdir(), 'cpm-cli-xfail-reports-'));
    const r = await runCli(['run', '--profile', profile, '--case', [FLAG_ALONE, NEW_ALONE, NOT_APPLICABLE].join(','), '--fault', FAULT, '--reports', reports]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/report problem/);
    expect(r.stdout).toMatch(/every selected case that applies passed except 2 known deviation\(s\) the profile lists as expected failures \(exit 0\)/);
    expect(r.stdout).toContain(`≈ ${FLAG_ALONE} [MUST] breaks rfc5465.flagchange-requires-new-expunge: ${entry(FLAG_ALONE).reason} (KNOWN.md#${FLAG_ALONE})`);
    expect(r.stdout).toMatch(new RegExp(`\\? ${NOT_APPLICABLE.replace(/\./g, '\\.')}: not-applicable`));

    const run = runJson(reports);
    expect(run.format).toBe(3);
    expect(run.outcome).toBe('passed');
    expect(verdicts(run)).toEqual({ [FLAG_ALONE]: 'expected-failure', [NEW_ALONE]: 'expected-failure', [NOT_APPLICABLE]: 'not-applicable' });
    expect(run.totals).toMatchObject({ 'expected-failure': 2, 'not-applicable': 1, failed: 0, 'unexpected-pass': 0 });
    expect(run.profile.expectedFailures).toMatchObject({ file: join(profile, '..', 'expected-failures.json'), entries: 3 });
    expect(run.cases.find((c) => c.id === FLAG_ALONE)?.expectation).toMatchObject({ status: 'met', observed: 'failed', evidence: `KNOWN.md#${FLAG_ALONE}` });
    expect(run.cases.find((c) => c.id === NOT_APPLICABLE)?.expectation).toMatchObject({ status: 'undecided', observed: 'not-applicable' });

    const statement = readFileSync(join(reports, 'statement.md'), 'utf8');
    // A selection gives no verdict (the whole-suite wording "conformant except for N known deviations" is
    // test/report/expectations.test.ts); the deviations are in the statement all the same.
    expect(statement).toContain('**Verdict: partial run: no verdict**.');
    expect(statement).toContain('## Known deviations');
    expect(readFileSync(join(reports, 'traceability.md'), 'utf8')).toMatch(/\| `rfc5465\.new-expunge-together` \| MUST \| [^|]+ \| \*\*known-deviation\*\* \|/);

    const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites [^>]*failures="0"/);
    for (const id of [FLAG_ALONE, NEW_ALONE]) {
      const tc = new RegExp(`<testcase [^>]*${id.replace(/\./g, '\\.')}"[^>]*>([\\s\\S]*?)</testcase>`).exec(junit)?.[1] ?? '';
      expect(tc, id).toContain(`<skipped message="EXPECTED FAILURE (known deviation listed by the profile): ${entry(id).reason} — evidence: KNOWN.md#${id}">`);
      expect(tc, id).not.toContain('<failure');
    }

    const allure = readdirSync(join(reports, 'allure-results'))
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(join(reports, 'allure-results', f), 'utf8')) as { status: string; statusDetails: { known?: boolean }; labels: { name: string; value: string }[] });
    const story = (id: string) => allure.find((a) => a.labels.some((l) => l.name === 'story' && l.value === id));
    expect(story(FLAG_ALONE)).toMatchObject({ status: 'skipped', statusDetails: { known: true } });
    expect(readFileSync(join(reports, 'allure-report', 'index.html')).length).toBeGreaterThan(0);
  }, 180_000);

  it('a listed case that passes is an unexpected pass: exit 1, with the entry to remove', async () => {
    const { profile } = profileListing([FLAG_ALONE, PASSES]);
    const reports = mkdtempSync(join(tmpdir(), 'cpm-cli-xfail-reports-'));
    const r = await runCli(['run', '--profile', profile, '--case', `${FLAG_ALONE},${PASSES}`, '--reports', reports], { env: { CPM_FAULTS: FAULT } });
    // The environment variable works as --fault does, and the reports say where the fault came from.
    expect(JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8')).faults).toEqual({ names: [FAULT], source: 'CPM_FAULTS' });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`✗ ${PASSES} [MUST] unexpected-pass`);
    expect(r.stdout).toMatch(/UNEXPECTED PASS: the profile lists this case as an expected failure .* but it passed: remove its entry from expected-failures\.json/);
    expect(r.stdout).toMatch(/a case listed as an expected failure passed: remove its entry from the expected-failure list \(exit 1\)/);
    const run = runJson(reports);
    expect(run.outcome).toBe('failed');
    expect(verdicts(run)).toEqual({ [FLAG_ALONE]: 'expected-failure', [PASSES]: 'unexpected-pass' });
    expect(readFileSync(join(reports, 'statement.md'), 'utf8')).toContain('**Verdict: partial run: no verdict**');
    expect(readFileSync(join(reports, 'junit.xml'), 'utf8')).toMatch(/<failure message="UNEXPECTED PASS: [^"]*" type="UnexpectedPass">/);
  }, 180_000);

  it('an unknown case ID in the list is a profile error: exit 2 for run and validate-profile, nothing runs', async () => {
    const { profile } = profileListing([FLAG_ALONE, 'notify.set.flagchange-alone-badd']);
    const reports = mkdtempSync(join(tmpdir(), 'cpm-cli-xfail-reports-'));
    const r = await runCli(['run', '--profile', profile, '--reports', reports]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(
      '/expectedFailures: expected-failures.json /expectedFailures/1/case: no case "notify.set.flagchange-alone-badd" in the suite (did you mean "notify.set.flagchange-alone-bad"?)',
    );
    // Nothing ran, but the cause is reported: run.json, the statement and a JUnit error.
    expect(readdirSync(reports).sort()).toEqual(['junit.xml', 'run.json', 'statement.html', 'statement.md']);
    const run = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ outcome: 'setup-error', exitCode: 2, cases: [], verdict: { verdict: 'no verdict' } });
    expect(run.errors[0]).toContain('no case "notify.set.flagchange-alone-badd" in the suite');
    expect(readFileSync(join(reports, 'statement.md'), 'utf8')).toContain('no case "notify.set.flagchange-alone-badd" in the suite');
    const v = await runCli(['validate-profile', profile]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('no case "notify.set.flagchange-alone-badd" in the suite');
    const ok = await runCli(['validate-profile', 'fixtures/targets/dovecot/profile.json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('8 expected failure(s)');
  }, 120_000);
});
