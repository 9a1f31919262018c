// The suite as users run it: the CLI (preflight, vitest, reports) in a child process, timed from outside, with 1
// and 2 vitest workers; peak resident memory of the largest process from GNU time when it is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats.js';

export interface CliFigures {
  workers: number;
  runs: number;
  cases: number;
  medianMs: number;
  peakRssMiB: number | null;
}

export function benchCli(workers: number, runs: number, extraArgs: string[] = []): CliFigures {
  const walls: number[] = [];
  let cases = 0;
  let peak: number | null = null;
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'cpm-bench-'));
    const args = ['--import', 'tsx', 'bin/cpm-conformance.ts', 'run', '--workers', String(workers), '--reports', dir, ...extraArgs];
    const memFile = join(dir, 'maxrss');
    const t0 = performance.now();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', '%M', '-o', memFile, process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } })
      : spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    walls.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`the CLI run failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-2000)}`);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { cases: unknown[] };
    cases = run.cases.length;
    if (timeBin && existsSync(memFile)) peak = Math.max(peak ?? 0, Number(readFileSync(memFile, 'utf8').trim().split('\n').at(-1)) / 1024);
    rmSync(dir, { recursive: true, force: true });
  }
  return { workers, runs, cases, medianMs: median(walls), peakRssMiB: peak };
}
