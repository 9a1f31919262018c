// The Dovecot image for the tests: built (or found cached) by scripts/docker/build-dovecot-image.sh, and run
// once with `render` to read the files its entry script writes. Docker missing: the tests skip loudly, unless
// CPM_REQUIRE_DOCKER=1 makes that a failure.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestContext } from 'vitest';
import { NO_DOCKER_HINT, probeDocker } from '../../../harness/targets/docker.js';

const execFileAsync = promisify(execFile);

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PROFILE_PATH = fileURLToPath(new URL('../../../fixtures/targets/dovecot-image/profile.json', import.meta.url));
export const PROCESS_PROFILE_PATH = fileURLToPath(new URL('../../../fixtures/targets/dovecot/profile.json', import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL('../../../scripts/docker/build-dovecot-image.sh', import.meta.url));
/** A cold build (debootstrap from the Debian mirror) takes 1.5–2 minutes; cached, well under a second. */
export const BUILD_BOUND_MS = 600_000;
/** Exit status of the build script when a prerequisite (engine, debootstrap, root) is missing. */
const PREREQUISITE_MISSING = 3;

const required = process.env.CPM_REQUIRE_DOCKER === '1';

export type ImageState = { ok: true; image: string; buildMs: number } | { ok: false; reason: string };

let built: Promise<ImageState> | undefined;

async function build(): Promise<ImageState> {
  const docker = await probeDocker(5000);
  if (!docker.ok) return { ok: false, reason: `${NO_DOCKER_HINT} (${docker.reason})` };
  const t0 = performance.now();
  try {
    const { stdout } = await execFileAsync(BUILD_SCRIPT, [], { cwd: ROOT, timeout: BUILD_BOUND_MS, maxBuffer: 1 << 20 });
    const image = stdout.trim().split('\n').pop() ?? '';
    return { ok: true, image, buildMs: performance.now() - t0 };
  } catch (err) {
    const e = err as { code?: number; stderr?: string; message: string };
    const why = (e.stderr ?? '').trim().split('\n').slice(-5).join(' | ') || e.message;
    // Only a missing prerequisite may be skipped; a build that fails is a failure.
    if (e.code === PREREQUISITE_MISSING && !required) return { ok: false, reason: why };
    throw new Error(`scripts/docker/build-dovecot-image.sh failed (exit ${e.code ?? '?'}): ${why}`, { cause: err });
  }
}

/** Builds once per test file (the script's own cache makes later files fast). */
export function dovecotImage(): Promise<ImageState> {
  return (built ??= build());
}

/** Skips (loudly) when the image cannot exist here; fails instead when CPM_REQUIRE_DOCKER=1. */
export function needImage(state: ImageState, ctx: TestContext): string {
  if (state.ok) return state.image;
  const hint = `Dovecot container tests SKIPPED: ${state.reason} — set CPM_REQUIRE_DOCKER=1 to make this a failure`;
  if (required) throw new Error(`CPM_REQUIRE_DOCKER=1 but ${state.reason}`);
  console.warn(`\n*** ${hint} ***\n`);
  ctx.skip(hint);
  return '';
}

/** The files the entry script renders from `env` (`entry.sh render`: "==> name <==" sections), no network. */
export async function renderInImage(image: string, env: Record<string, string>): Promise<Record<string, string>> {
  const args = ['run', '--rm', '--network', 'none'];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  const { stdout } = await execFileAsync('docker', [...args, image, 'render'], { timeout: 30_000, maxBuffer: 1 << 20 });
  const files: Record<string, string> = {};
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    const m = /^==> (.+) <==$/.exec(line);
    if (m) {
      current = m[1]!;
      files[current] = '';
    } else if (current !== undefined) {
      files[current] += `${line}\n`;
    }
  }
  // The output's final newline is counted twice in the last section.
  if (current !== undefined) files[current] = files[current]!.replace(/\n$/, '');
  return files;
}

/** Containers of the suite's label still present (any state). */
export async function suiteContainers(): Promise<string[]> {
  const { stdout } = await execFileAsync('docker', ['ps', '-aq', '--filter', 'label=cpm-conformance'], { timeout: 15_000 });
  return stdout.split('\n').filter(Boolean);
}
