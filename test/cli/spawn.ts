// Runs the cpm-conformance CLI as a child process (one node process: no npm/tsx wrapper between the test and it).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Own process group, so that a test can signal the CLI and its workers like a terminal's Ctrl-C does. */
  detached?: boolean;
  onStdout?: (all: string, child: ChildProcess) => void;
  /** Working directory of the CLI (default: the repository); the default reports root is relative to it. */
  cwd?: string;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  // Absolute paths, so that the CLI also starts from another working directory.
  const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return spawnAndCollect(process.execPath, ['--import', tsx, join(ROOT, 'bin', 'cpm-conformance.ts'), ...args], args, opts);
}

/**
 * `npm run conformance -- ARGS` exactly as a user types it (npm, its shell, then the CLI): `args` are what follows
 * `run`. The package.json script must run Node directly so that a signal reaches one CLI process.
 */
export function runNpmConformance(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return spawnAndCollect('npm', ['run', '--silent', 'conformance', '--', ...args], args, opts);
}

function spawnAndCollect(command: string, argv: string[], args: string[], opts: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: opts.detached ?? false,
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      if (opts.detached && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
      reject(new Error(`cpm-conformance ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
