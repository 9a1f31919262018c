// The verdict rules without a target: what the profile cannot exercise is "not exercised" (with what to add) and
// keeps the run from "conformant"; a selection gives "partial run: no verdict" with the selection as typed; the
// settings that change verdicts (faults and their source, strict, repeat, timeouts, expected failures, devices)
// are in run.json and the statement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicability } from '../../harness/conformance/applicability.js';
import { faultSettings, newRunId, rerunCommand, selectionOf } from '../../harness/cli/run.js';
import { renderSummary } from '../../harness/cli/summary.js';
import { validateProfile, type Profile } from '../../harness/profile/index.js';
import { decide, EXIT, type CaseResult } from '../../harness/report/model.js';
import { runReportProblems } from '../../harness/report/run-json.js';
import { renderStatement, statementVerdict } from '../../harness/report/statement.js';
import { loadCatalog } from '../../harness/spec/catalog.js';
import { ALL_CASES } from '../../suites/index.js';
import { ROOT } from '../cli/spawn.js';
import { caseResult, runReport } from './fixture.js';

/** fixtures/profiles/reference.json with one device per user. */
function oneDeviceProfile(): Profile {
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/profiles/reference.json'), 'utf8'));
  delete p.$schema;
  p.name = 'reference-one-device';
  for (const u of p.accounts.users) u.devices = u.devices.slice(0, 1);
  return validateProfile(p, join(ROOT, 'fixtures/profiles/one-device.json'), { env: {} });
}

/** Every case graded as the CLI would against a store that passes whatever applies. */
function gradeAll(profile: Profile): CaseResult[] {
  return ALL_CASES.map(({ meta }) => {
    const a = applicability(meta, profile);
    if (a.applicable) return caseResult(meta.id, 'passed');
    return a.unexercised ? caseResult(meta.id, 'not-exercised', { message: a.reason, remedy: a.remedy }) : caseResult(meta.id, 'not-applicable', { message: a.reason });
  });
}

describe('a profile with one device per user', () => {
  const profile = oneDeviceProfile();
  const cases = gradeAll(profile);

  it('multi-device cases are not exercised, with the reason and what to add; undeclared features stay not applicable', () => {
    const seen = cases.find((c) => c.id === 'push.message.seen.direct.device-a.notified-with-identity')!;
    expect(seen).toMatchObject({
      verdict: 'not-exercised',
      message: "needs a user with 3 devices; the profile's busiest user has 1",
      remedy: ['give one user 3 devices in accounts.users[].devices (id, credentials, announce)'],
    });
    // The profile declares the keyword PF path: the rewrite-path cases are not applicable, not a gap.
    expect(cases.find((c) => c.id === 'push.message.seen.pf-rewrite.never-other-device')!.verdict).toBe('not-applicable');
    expect(cases.filter((c) => c.verdict === 'not-exercised').length).toBeGreaterThan(50);
  });

  it('is never "conformant": the verdict is incomplete and the exit code 3, even though nothing failed', () => {
    expect(decide(cases, { strict: false, errors: [], interrupted: false })).toEqual({ outcome: 'incomplete', exitCode: EXIT.INCOMPLETE });
    expect(EXIT.INCOMPLETE).not.toBe(0);
    const r = runReport(cases);
    expect(r.verdict.verdict).toBe('incomplete');
    expect(r.verdict.reasons[0]).toMatch(/^\d+ mandatory case\(s\) of declared features could not be exercised with this profile .*add to the profile: give one user 3 devices/);
    expect(runReportProblems(r)).toEqual([]);
  });

  it('the statement lists every case not exercised with why and what to add; the console says so before the verdict', () => {
    const r = runReport(cases);
    const md = renderStatement(r, profile);
    expect(md).toContain('**Verdict: incomplete**.');
    expect(md).toContain('## Not exercised');
    expect(md).toContain(
      "| `push.message.seen.direct.device-a.notified-with-identity` | MUST | `push.status-change`, `push.trigger-identity` | needs a user with 3 devices; the profile's busiest user has 1 | give one user 3 devices in accounts.users[].devices (id, credentials, announce) |",
    );
    const console = renderSummary(r, loadCatalog(), []);
    expect(console).toMatch(/not exercised \(declared features the profile lacks the means to exercise\): \d+/);
    expect(console).toMatch(/^verdict: incomplete /m);
    expect(console).toMatch(/\(exit 3\)\n\d+ passed, 0 failed, 0 broken, \d+ n\/a, 0 warnings, \d+ not exercised\n$/);
  });

  it('the reference profile itself exercises everything it declares: conformant, exit 0', () => {
    const full = gradeAll(validateReference());
    expect(full.filter((c) => c.verdict === 'not-exercised')).toEqual([]);
    expect(decide(full, { strict: false, errors: [], interrupted: false }).exitCode).toBe(0);
    expect(runReport(full).verdict.verdict).toBe('conformant');
  });

  it('a failure outranks incompleteness (not conformant, exit 1); a SHOULD case left unexercised counts only under --strict', () => {
    const failing = cases.map((c) => (c.id === 'mo.chat.conversation-id.stored-exactly' ? caseResult(c.id, 'failed') : c));
    expect(decide(failing, { strict: false, errors: [], interrupted: false }).exitCode).toBe(1);
    expect(runReport(failing).verdict.verdict).toBe('not conformant');
    const should = ALL_CASES.find((c) => c.meta.level === 'SHOULD')!.meta.id;
    const onlyShould = [caseResult('mo.chat.conversation-id.stored-exactly', 'passed'), caseResult(should, 'not-exercised', { message: 'needs two users', remedy: ['declare a second user'] })];
    expect(decide(onlyShould, { strict: false, errors: [], interrupted: false }).exitCode).toBe(0);
    expect(decide(onlyShould, { strict: true, errors: [], interrupted: false })).toEqual({ outcome: 'incomplete', exitCode: 3 });
  });
});

function validateReference(): Profile {
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/profiles/reference.json'), 'utf8'));
  delete p.$schema;
  return validateProfile(p, join(ROOT, 'fixtures/profiles/reference.json'), { env: {} });
}

describe('a selected subset', () => {
  it('records the selection exactly as given (--case is --case, not --grep)', () => {
    expect(selectionOf({ case: 'a.b,c.d' })).toEqual({ case: 'a.b,c.d' });
    expect(selectionOf({ grep: 'seen', clause: '5.4.2', requirement: 'push' })).toEqual({ grep: 'seen', clause: '5.4.2', requirement: 'push' });
    expect(selectionOf({})).toEqual({});
  });

  it('gives "partial run: no verdict"; exit 0 when every selected case passed, 1 when one failed', () => {
    const ok = runReport([caseResult('vm.message-body.as-received', 'passed')], { selection: { case: 'vm.message-body.as-received' } });
    expect(ok).toMatchObject({ exitCode: 0, partial: true, verdict: { verdict: 'partial run: no verdict' } });
    expect(ok.verdict.reasons).toEqual(['only the selected cases ran (--case vm.message-body.as-received): a verdict needs the whole suite']);
    const md = renderStatement(ok, validateReference());
    expect(md).toContain('**Verdict: partial run: no verdict**.');
    expect(md).toContain('| selection | `--case vm.message-body.as-received` (partial run) |');
    expect(md).not.toMatch(/Verdict: conformant/);
    expect(renderSummary(ok, loadCatalog(), [])).toMatch(/^verdict: partial run: no verdict /m);
    const bad = runReport([caseResult('vm.message-body.as-received', 'failed')], { selection: { grep: 'body' } });
    expect(bad).toMatchObject({ exitCode: 1, verdict: { verdict: 'partial run: no verdict' } });
    expect(runReportProblems(ok)).toEqual([]);
  });

  it('the same cases without a selection do get a verdict', () => {
    expect(statementVerdict(runReport([caseResult('vm.message-body.as-received', 'passed')]), []).verdict).toBe('conformant');
  });
});

describe('settings that change verdicts are recorded', () => {
  const reference = validateReference();

  it('faults: --fault first, else CPM_FAULTS (recorded as such), else the profile\'s own, else none', () => {
    expect(faultSettings({ faults: ['push-omit-identity', 'a,b'] }, { CPM_FAULTS: 'x' }, reference)).toEqual({ names: ['push-omit-identity', 'a', 'b'], source: '--fault' });
    expect(faultSettings({ faults: [] }, { CPM_FAULTS: 'push-omit-identity, notify-silent' }, reference)).toEqual({ names: ['push-omit-identity', 'notify-silent'], source: 'CPM_FAULTS' });
    const faulty = { ...reference, target: { ...reference.target, faults: ['notify-silent'] } } as Profile;
    expect(faultSettings({}, {}, faulty)).toEqual({ names: ['notify-silent'], source: 'profile' });
    expect(faultSettings({}, {}, reference)).toEqual({ names: [], source: 'none' });
  });

  it('the statement names the faults, strict, repeat, timeouts, the expected-failure list with its full hash, the device identities and the suite revision', () => {
    const r = {
      ...runReport([caseResult('vm.message-body.as-received', 'passed')], { expectedFailures: { file: '/p/expected-failures.json', sha256: 'e'.repeat(64), entries: 2 } }),
      faults: { names: ['push-omit-identity'], source: 'CPM_FAULTS' as const },
      repeat: 3,
    };
    const md = renderStatement(r, reference);
    expect(md).toContain('| fault switches | **`push-omit-identity`** (from CPM_FAULTS): the target is deliberately broken |');
    expect(md).toContain('| repeat (executions per case) | 3 |');
    expect(md).toContain('| timeouts | connect 10000 ms, command 10000 ms, IMAP notification 5000 ms, PUSH notification 5000 ms, case 30000 ms, suite setup 60000 ms |');
    expect(md).toContain(`| expected failures | 2 case(s) in \`/p/expected-failures.json\` (sha256 \`${'e'.repeat(64)}\`) |`);
    expect(md).toContain('| alice | `urn:uuid:00000000-0000-4000-8000-000000000001` | per-device login name | `alice#urn:uuid:00000000-0000-4000-8000-000000000001` |');
    expect(md).toContain(`(git ${'f'.repeat(40)})`);
    expect(md).toContain('| product | acme-store 4.2 (from the server\'s IMAP ID answer) |');
    expect(runReportProblems(r)).toEqual([]);
  });

  it('the rerun hint repeats the faults and, with --reports, writes beside the run instead of over it', () => {
    const meta = { id: 'push.x' };
    expect(rerunCommand(meta, { strict: true, faultNames: ['push-omit-identity'] })).toBe('npm run conformance -- --strict --fault push-omit-identity --case push.x');
    expect(rerunCommand(meta, { profile: 'my store.json', strict: false, reports: 'out' })).toBe("npm run conformance -- --profile 'my store.json' --reports out/reruns/push.x --case push.x");
  });

  it('run ids sort by time and do not collide', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const a = newRunId(at);
    expect(a).toMatch(/^20260102T030405Z-[0-9a-f]{6}$/);
    expect(newRunId(at)).not.toBe(a);
    expect(newRunId(new Date('2026-01-02T03:04:06Z')) > a).toBe(true);
  });
});
