// Verdicts through the real CLI against the reference store: a profile with one device per user is not
// conformant (incomplete, exit 3); a fault switch given with --fault is recorded, its failures are failed (never
// broken) in Allure and attributed to the one requirement the fault breaks; a setup error still writes its
// reports; runs without --reports each get their own folder, so following a rerun hint overwrites nothing;
// --json and --version.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReportProblems } from '../../harness/report/run-json.js';
import { runCli, ROOT } from './spawn.js';

const tmp = (prefix = 'cpm-verdicts-'): string => mkdtempSync(join(tmpdir(), prefix));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

interface AllureResult {
  status: string;
  labels: { name: string; value: string }[];
}
const allureResults = (dir: string): AllureResult[] =>
  readdirSync(join(dir, 'allure-results'))
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => readJson(join(dir, 'allure-results', f)) as AllureResult);
const storyOf = (r: AllureResult): string | undefined => r.labels.find((l) => l.name === 'story')?.value;

describe('cpm-conformance verdicts', () => {
  it('a profile with one device per user (reference.json otherwise): incomplete, exit 3, with what to add', async () => {
    const work = tmp();
    const p = readJson(join(ROOT, 'fixtures/profiles/reference.json'));
    delete p.$schema;
    p.name = 'reference-one-device';
    for (const u of p.accounts.users) u.devices = u.devices.slice(0, 1);
    const profile = join(work, 'profile.json');
    writeFileSync(profile, JSON.stringify(p, null, 2));
    const reports = join(work, 'reports');
    const r = await runCli(['run', '--profile', profile, '--reports', reports], { timeoutMs: 170_000 });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const run = readJson(join(reports, 'run.json'));
    expect(runReportProblems(run)).toEqual([]);
    expect(run).toMatchObject({ outcome: 'incomplete', exitCode: 3, partial: false, complete: true, verdict: { verdict: 'incomplete' } });
    expect(run.totals.failed).toBe(0);
    expect(run.totals['not-exercised']).toBeGreaterThan(50);
    const seen = run.cases.find((c: { id: string }) => c.id === 'push.message.seen.direct.device-a.notified-with-identity');
    expect(seen).toMatchObject({ verdict: 'not-exercised', status: { status: 'skipped', label: 'NOT EXERCISED' }, remedy: [expect.stringMatching(/^give one user 3 devices/)] });
    expect(run.devices).toEqual([
      { user: 'alice', device: p.accounts.users[0].devices[0].id, announce: 'login', login: `alice#${p.accounts.users[0].devices[0].id}` },
      { user: 'bob', device: p.accounts.users[1].devices[0].id, announce: 'login', login: `bob#${p.accounts.users[1].devices[0].id}` },
    ]);
    const statement = readFileSync(join(reports, 'statement.md'), 'utf8');
    expect(statement).toContain('**Verdict: incomplete**.');
    expect(statement).not.toMatch(/Verdict: conformant/);
    expect(statement).toContain('## Not exercised');
    expect(statement).toMatch(/add to the profile: give one user 3 devices in accounts\.users\[\]\.devices/);
    expect(readFileSync(join(reports, 'traceability.md'), 'utf8')).toContain('## Requirements the profile could not exercise');
    const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
    expect(junit).toContain(`<skipped message="not exercised: needs a user with 3 devices; the profile's busiest user has 1; add to the profile: give one user 3 devices`);
    expect(junit).not.toMatch(/<skipped\/>/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toBe('incomplete: the profile could not exercise every mandatory case of the features it declares (exit 3)');
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed, 0 broken, \d+ n\/a, 0 warnings, \d+ not exercised$/);
  }, 180_000);

  it('--fault is recorded everywhere; its failures are failed in Allure and JUnit, attributed to the broken requirement only', async () => {
    const reports = tmp();
    const r = await runCli(['run', '--fault', 'push-omit-identity', '--grep', 'device-a.notified-with-identity', '--reports', reports]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('faults: push-omit-identity (from --fault)');
    // Each failure on the console ends with the last wire lines, the PUSH notifications among them.
    expect(r.stdout).toMatch(/ {2}last wire lines \(full timeline in the Allure report and junit\.xml\):\n(?: {4}.*\n)*? {4}\+\s+[\d.]+ ms {2}push\s+S: #\d+ .*POST \/push/);
    const run = readJson(join(reports, 'run.json'));
    expect(run).toMatchObject({ faults: { names: ['push-omit-identity'], source: '--fault' }, selection: { grep: 'device-a.notified-with-identity' }, partial: true });
    expect(run.target.description).toContain('with faults push-omit-identity');
    const failed = run.cases.filter((c: { verdict: string }) => c.verdict === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) expect(c.failure.requirement).toBe('push.trigger-identity');
    expect(readFileSync(join(reports, 'statement.md'), 'utf8')).toContain('| fault switches | **`push-omit-identity`** (from --fault): the target is deliberately broken |');
    // Allure: every failed case is failed, none broken (allure-vitest alone guessed "broken" for most of them).
    const allure = allureResults(reports);
    for (const c of failed) expect(allure.find((a) => storyOf(a) === c.id)?.status, c.id).toBe('failed');
    expect(allure.filter((a) => a.status === 'broken')).toEqual([]);
    const stats = readJson(join(reports, 'allure-report', 'summary.json')).stats;
    expect(stats.failed).toBe(failed.length);
    expect(stats.broken ?? 0).toBe(0);
    expect(readFileSync(join(reports, 'junit.xml'), 'utf8')).toMatch(/<failure message="FAILED: [^"]*" type="must">/);
    // Attribution: the cases also check push.status-change, but only push.trigger-identity's assertion failed.
    const status = Object.fromEntries(run.requirements.map((q: { id: string; status: string }) => [q.id, q.status]));
    expect(status['push.trigger-identity']).toBe('failed');
    expect(status['push.status-change']).not.toBe('failed');
    expect(run.requirements.filter((q: { status: string }) => q.status === 'failed').map((q: { id: string }) => q.id)).toEqual(['push.trigger-identity']);
  }, 120_000);

  it('a setup error (unreachable target) still writes run.json, the statement and JUnit with the cause; exit 2', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const p = readJson(join(ROOT, 'fixtures/profiles/reference-minimal.json'));
    delete p.$schema;
    p.name = 'unreachable';
    p.target = { kind: 'external', host: '127.0.0.1', port, tls: 'none' };
    const work = tmp();
    const profile = join(work, 'profile.json');
    writeFileSync(profile, JSON.stringify(p));
    const reports = join(work, 'reports');
    const r = await runCli(['run', '--profile', profile, '--reports', reports]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const run = readJson(join(reports, 'run.json'));
    expect(runReportProblems(run)).toEqual([]);
    expect(run).toMatchObject({ outcome: 'setup-error', exitCode: 2, complete: false, cases: [], verdict: { verdict: 'no verdict' }, profile: { name: 'unreachable' } });
    expect(run.errors).toHaveLength(1);
    expect(r.stderr).toContain(run.errors[0].split('\n')[0]);
    const statement = readFileSync(join(reports, 'statement.md'), 'utf8');
    expect(statement).toContain('**Verdict: no verdict**.');
    expect(statement).toContain('## Setup errors');
    expect(readFileSync(join(reports, 'junit.xml'), 'utf8')).toMatch(/<error message="SETUP ERROR: [^"]+" type="setup">/);
    // An invalid profile: no profile to describe, the cause still recorded.
    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', accounts: { users: [] } }));
    const badReports = join(work, 'bad-reports');
    expect((await runCli(['run', '--profile', bad, '--reports', badReports])).code).toBe(2);
    const badRun = readJson(join(badReports, 'run.json'));
    expect(runReportProblems(badRun)).toEqual([]);
    expect(badRun).toMatchObject({ outcome: 'setup-error', profile: { sha256: null }, target: { kind: 'unknown' } });
    expect(badRun.errors[0]).toMatch(/is invalid/);
  }, 120_000);

  it('without --reports each run gets reports/<run-id>/ and reports/latest; the rerun hint overwrites nothing; --json prints the summary', async () => {
    const cwd = tmp('cpm-verdicts-cwd-');
    const first = await runCli(['run', '--fault', 'push-omit-identity', '--case', 'push.message.seen.direct.device-a.notified-with-identity'], { cwd });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    const hint = /rerun: {4}npm run conformance -- (.*)$/m.exec(first.stdout)?.[1];
    expect(hint).toBe('--fault push-omit-identity --case push.message.seen.direct.device-a.notified-with-identity');
    const [firstId] = readdirSync(join(cwd, 'reports')).filter((d) => d !== 'latest');
    const firstRun = readFileSync(join(cwd, 'reports', firstId!, 'run.json'), 'utf8');
    // Follow the hint (as --json, for a CI script): a new folder; the first run's files stay as they were.
    const second = await runCli(['run', ...hint!.split(' '), '--json'], { cwd });
    expect(second.code, second.stderr).toBe(1);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ format: 3, outcome: 'failed', exitCode: 1, verdict: 'partial run: no verdict', partial: true, faults: { source: '--fault' } });
    expect(summary.counts).toBe('0 passed, 1 failed, 0 broken, 0 n/a, 0 warnings');
    expect(second.stderr).toMatch(/\(exit 1\)\n0 passed, 1 failed, 0 broken, 0 n\/a, 0 warnings\n/);
    const ids = readdirSync(join(cwd, 'reports')).filter((d) => d !== 'latest').sort();
    expect(ids).toHaveLength(2);
    expect(ids).toContain(summary.runId);
    expect(summary.reports).toBe(join(cwd, 'reports', summary.runId));
    expect(readFileSync(join(cwd, 'reports', firstId!, 'run.json'), 'utf8')).toBe(firstRun);
    expect(lstatSync(join(cwd, 'reports', 'latest')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(cwd, 'reports', 'latest'))).toBe(summary.runId);
    expect(readJson(join(cwd, 'reports', 'latest', 'run.json')).runId).toBe(summary.runId);
  }, 120_000);

  it('--version prints the suite and catalog versions', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    const version = readJson(join(ROOT, 'package.json')).version;
    expect(r.stdout).toMatch(new RegExp(`^cpm-conformance ${version.replace(/\./g, '\\.')}`));
    expect(r.stdout).toMatch(/^requirement catalog: .+, \d+ requirements \(source sha256 [0-9a-f]{64}\)$/m);
    expect(r.stdout).toContain('run.json format: 3');
  }, 30_000);
});
