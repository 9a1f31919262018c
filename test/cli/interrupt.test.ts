// Ctrl-C in a terminal signals the whole process group: the CLI and its vitest workers. The run must stop
// cleanly: the target torn down (a Dovecot target is a separate process group that would outlive a killed
// worker), partial reports written with "complete": false, exit 130, no process of the run left behind.
// The same through `npm run conformance`, where npm sits between the terminal and the CLI and forwards the signal
// it gets as well: one Ctrl-C must still be one interrupt (not a "second Ctrl-C, abort now"), and a second one
// stops at once but still writes what is known.
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAME_INTERRUPT_MS } from '../../harness/cli/run.js';
import { runCli, runNpmConformance, type CliOptions, type CliResult } from './spawn.js';

/** Pids of processes whose command line mentions `needle` (other than pgrep itself). */
function processesMentioning(needle: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', needle], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function dovecotInstalled(): boolean {
  for (const dir of ['/usr/sbin', '/usr/local/sbin', '/usr/bin']) {
    try {
      accessSync(join(dir, 'dovecot'), constants.X_OK);
      return true;
    } catch {
      // try the next one
    }
  }
  return false;
}

type Runner = (args: string[], opts: CliOptions) => Promise<CliResult>;

/**
 * The exit status a shell reports: npm, interrupted itself, ends by re-raising SIGINT once its script has exited,
 * which a shell shows as 130 like the CLI's own exit code 130 (run.json records the CLI's).
 */
const shellStatus = (r: CliResult): number | string | null => r.code ?? (r.signal === 'SIGINT' ? 130 : r.signal);
const binary: Runner = (args, opts) => runCli(['run', ...args], opts);
const npmScript: Runner = (args, opts) => runNpmConformance(args, opts);

async function interruptAfter(cases: number, args: string[], env: Record<string, string> = {}, runner: Runner = binary) {
  const reports = mkdtempSync(join(tmpdir(), 'cpm-int-'));
  let pgid = 0;
  let sent = false;
  const r = await runner([...args, '--reports', reports], {
    detached: true,
    env,
    onStdout: (all, child) => {
      pgid = child.pid!;
      if (!sent && new RegExp(`^\\[\\s*${cases}/\\d+\\]`, 'm').test(all)) {
        sent = true;
        process.kill(-child.pid!, 'SIGINT');
      }
    },
  });
  return { r, reports, pgid, sent };
}

describe('Ctrl-C during a run', () => {
  it('through npm run conformance: one Ctrl-C is one interrupt (exit 130, partial reports, no abort)', async () => {
    const { r, reports, pgid, sent } = await interruptAfter(3, ['--clause', '5.4.1'], {}, npmScript);
    expect(sent, r.stdout + r.stderr).toBe(true);
    expect(shellStatus(r), r.stdout + r.stderr).toBe(130);
    expect(r.stdout).toMatch(/cpm-conformance: interrupted; finishing the case in flight/);
    expect(r.stdout, 'npm forwards the same Ctrl-C: it must not count as a second one').not.toMatch(/cpm-conformance: aborting/);
    const report = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8'));
    expect(report).toMatchObject({ complete: false, outcome: 'interrupted', exitCode: 130 });
    expect(report.totals.passed).toBeGreaterThanOrEqual(3);
    expect(report.totals['not-run']).toBeGreaterThan(0);
    expect(report.totals.error).toBe(0);
    expect(r.stdout).toMatch(/interrupted: partial results \(exit 130\)/);
    expect(groupAlive(pgid)).toBe(false);
  }, 180_000);

  it('through npm run conformance: a second Ctrl-C stops at once and still writes the reports', async () => {
    // Every PUSH case waits push.timeoutMs (5 s) for a notification the faulty store sends after 10 s: the case in
    // flight when the first Ctrl-C comes would keep the run going for seconds.
    const reports = mkdtempSync(join(tmpdir(), 'cpm-int-'));
    let pgid = 0;
    let first = false;
    let second = 0;
    const r = await runNpmConformance(['--fault', 'push-delayed', '--clause', '5.4.2', '--reports', reports], {
      detached: true,
      onStdout: (all, child) => {
        pgid = child.pid!;
        if (!first && /^\[\s*1\/\d+\]/m.test(all)) {
          first = true;
          process.kill(-pgid, 'SIGINT');
        }
        if (first && second === 0 && /cpm-conformance: interrupted; finishing the case in flight/.test(all)) {
          second = -1;
          // A person's second Ctrl-C: later than the window within which signals are one Ctrl-C (the terminal's
          // and npm's copies of it). The spacing is the behaviour under test, not a wait for a state.
          setTimeout(() => {
            second = Date.now();
            process.kill(-pgid, 'SIGINT');
          }, SAME_INTERRUPT_MS + 300);
        }
      },
    });
    const out = r.stdout + r.stderr;
    expect(second, out).toBeGreaterThan(0);
    expect(shellStatus(r), out).toBe(130);
    expect(r.stdout).toMatch(/cpm-conformance: aborting; writing what is known/);
    const report = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8'));
    expect(report).toMatchObject({ complete: false, outcome: 'interrupted', exitCode: 130 });
    expect(report.totals['not-run']).toBeGreaterThan(0);
    expect(readFileSync(join(reports, 'junit.xml'), 'utf8')).toMatch(/<testsuites/);
    expect(groupAlive(pgid)).toBe(false);
  }, 180_000);

  it('reference store: exit 130, partial reports marked incomplete, no process left', async () => {
    const { r, reports, pgid, sent } = await interruptAfter(3, ['--clause', '5.4.1']);
    expect(sent, r.stdout + r.stderr).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(130);
    const report = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8'));
    expect(report).toMatchObject({ complete: false, outcome: 'interrupted', exitCode: 130 });
    expect(report.totals.passed).toBeGreaterThanOrEqual(3);
    expect(report.totals['not-run']).toBeGreaterThan(0);
    expect(report.totals.error).toBe(0);
    expect(r.stdout).toMatch(/interrupted: partial results \(exit 130\)/);
    expect(groupAlive(pgid)).toBe(false);
  }, 180_000);

  it.skipIf(!dovecotInstalled())('Dovecot target: the Dovecot processes are stopped', async () => {
    // The Dovecot target lives in a temporary folder under TMPDIR; a private TMPDIR finds any leftover by path.
    const tmp = mkdtempSync(join(tmpdir(), 'cpm-int-tmp-'));
    chmodSync(tmp, 0o755); // Dovecot's auth process (another user) reads files below it
    const { r, reports, sent } = await interruptAfter(2, ['--profile', 'fixtures/targets/dovecot/profile.json', '--clause', '5.2.1'], { TMPDIR: tmp });
    expect(sent, r.stdout + r.stderr).toBe(true);
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8')).complete).toBe(false);
    expect(processesMentioning(tmp)).toEqual([]);
  }, 180_000);
});
