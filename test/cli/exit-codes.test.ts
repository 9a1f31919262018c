// The CLI's exit codes, each forced for real against the reference store: 0 pass, 1 mandatory failure (a fault
// switch of the store), 2 setup error (invalid profile, unreachable external target), 3 vacuous run (the
// incomplete run, also 3, is test/cli/verdicts.test.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, ROOT } from './spawn.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'cpm-cli-'));
const runJson = (dir: string): Record<string, unknown> & { cases: { id: string; verdict: string; attempts: unknown[] }[] } =>
  JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));

/** A profile file next to the shipped ones' schema, with the given target. */
function profileWith(target: Record<string, unknown>): string {
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/profiles/reference-minimal.json'), 'utf8'));
  delete p.$schema;
  p.name = 'cli-test';
  p.target = target;
  const file = join(tmp(), 'profile.json');
  writeFileSync(file, JSON.stringify(p));
  return file;
}

describe('cpm-conformance exit codes', () => {
  it('0: every selected case passed (a partial run: exit 0, but no verdict)', async () => {
    const dir = tmp();
    const r = await runCli(['run', '--case', 'mo.chat.conversation-id.stored-exactly,vm.message-body.as-received', '--reports', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(runJson(dir)).toMatchObject({ outcome: 'passed', exitCode: 0, complete: true, partial: true, verdict: { verdict: 'partial run: no verdict' } });
    expect(r.stdout).toMatch(/every selected case that applies passed \(exit 0\)/);
    expect(r.stdout).toMatch(/^verdict: partial run: no verdict /m);
  }, 120_000);

  it('1: a mandatory case fails (fault switch in the reference store), with requirement, expected/actual and a rerun command', async () => {
    const dir = tmp();
    const r = await runCli(['run', '--grep', 'notified-with-identity', '--fault', 'push-omit-identity', '--reports', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = runJson(dir);
    expect(report.outcome).toBe('failed');
    const failed = report.cases.filter((c) => c.verdict === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/✗ \S+ \[MUST\] failed/);
    expect(r.stdout).toMatch(/requirement push\.trigger-identity \(5\.4\.2/);
    expect(r.stdout).toMatch(/expected: /);
    expect(r.stdout).toMatch(/actual: {3}/);
    // The rerun reproduces the run (its fault) and writes beside it, never over it.
    expect(r.stdout).toContain(`rerun:    npm run conformance -- --fault push-omit-identity --reports ${join(dir, 'reruns', failed[0]!.id)} --case ${failed[0]!.id}`);
  }, 120_000);

  it('1 with --bail: stops at the first mandatory failure, the rest is not run and the run incomplete', async () => {
    const dir = tmp();
    const r = await runCli(['run', '--clause', '5.4.2', '--bail', '--fault', 'push-omit-identity', '--reports', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = runJson(dir);
    expect(report.complete).toBe(false);
    expect(report.cases.some((c) => c.verdict === 'not-run')).toBe(true);
  }, 120_000);

  it('2: an invalid profile', async () => {
    const file = join(tmp(), 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', accounts: { users: [] } }));
    const r = await runCli(['run', '--profile', file, '--reports', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/setup error: profile .* is invalid/);
  }, 60_000);

  it('2: an external target on a closed loopback port', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const file = profileWith({ kind: 'external', host: '127.0.0.1', port, tls: 'none' });
    const r = await runCli(['run', '--profile', file, '--reports', tmp()]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/setup error/);
  }, 60_000);

  it('2: validate-profile on an invalid profile; 0 on a shipped one', async () => {
    const file = join(tmp(), 'bad.json');
    writeFileSync(file, '{"name": 5}');
    expect((await runCli(['validate-profile', file])).code).toBe(2);
    expect((await runCli(['validate-profile', 'fixtures/profiles/reference.json'])).code).toBe(0);
  }, 60_000);

  it('3: a --grep that matches no case', async () => {
    const dir = tmp();
    const r = await runCli(['run', '--grep', 'no-such-case-anywhere', '--reports', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(runJson(dir)).toMatchObject({ outcome: 'vacuous', exitCode: 3, cases: [] });
  }, 120_000);

  it('3: every selected case is not applicable to the profile', async () => {
    const r = await runCli(['run', '--profile', 'fixtures/profiles/reference-minimal.json', '--clause', '5.4.2', '--reports', tmp()]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/every selected case was not applicable/);
  }, 120_000);

  it('--repeat N reports every attempt per case', async () => {
    const dir = tmp();
    const r = await runCli(['run', '--case', 'vm.message-body.as-received', '--repeat', '3', '--reports', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = runJson(dir);
    expect(report.repeat).toBe(3);
    expect(report.cases[0]!.attempts).toHaveLength(3);
    expect(report.cases[0]!.verdict).toBe('passed');
  }, 120_000);

  it('--help documents every exit code', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const code of ['0 ', '1 ', '2 ', '3 ', '130 ']) expect(r.stdout).toMatch(new RegExp(`^  ${code}`, 'm'));
  }, 30_000);
});
