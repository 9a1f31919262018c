// Runs the cpm-conformance CLI in a process group of its own and reports its pid, so a test can check afterwards
// that nothing the run started (vitest workers, servers) outlived it.
import { spawn } from 'node:child_process';
import { ROOT, type CliResult } from '../cli/spawn.js';

export interface GroupResult extends CliResult {
  pid: number;
  elapsedMs: number;
}

export function runCliInGroup(args: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<GroupResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/cpm-conformance.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`cpm-conformance ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid!, elapsedMs: Date.now() - started });
    });
  });
}

/** Whether any process of the group led by `pgid` is still alive. */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Resolves true once the group led by `pgid` is empty, false if a process is still alive after `timeoutMs`.
 * Processes outside our children give no exit event, so this polls; tsx's esbuild service, for one, leaves only
 * when it reads the end of its stdin after the CLI has exited.
 */
export async function processGroupGone(pgid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processGroupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
