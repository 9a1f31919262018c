// Ctrl-C in a terminal signals the whole process group: the CLI and its vitest workers. The run must stop
// cleanly: the target torn down (a Dovecot target is a separate process group that would outlive a killed
// worker), partial reports written with "complete": false, exit 130, no process of the run left behind.
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './spawn.js';

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

async function interruptAfter(cases: number, args: string[], env: Record<string, string> = {}) {
  const reports = mkdtempSync(join(tmpdir(), 'cpm-int-'));
  let pgid = 0;
  let sent = false;
  const r = await runCli(['run', ...args, '--reports', reports], {
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
