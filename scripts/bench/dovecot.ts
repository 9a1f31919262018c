// Stock Dovecot figures, as a process (harness/targets/dovecot.ts) and as the offline-built container image
// (fixtures/targets/dovecot-image/, container target): start to IMAP greeting, whole-suite wall time in process
// (executeCase, no test framework), and STORE-to-push latency. Each function returns table rows (figure, value);
// what cannot run here (no Dovecot installed, no Docker engine) gives one row saying why instead.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Run } from '../../harness/conformance/context.js';
import { executeCase } from '../../harness/conformance/execute.js';
import { RawImapClient } from '../../harness/imap/raw-client.js';
import { now } from '../../harness/imap/timeline.js';
import { loadProfile, type Profile } from '../../harness/profile/index.js';
import { pushEnablerOptions } from '../../harness/push/from-profile.js';
import { startPushEnabler } from '../../harness/push/index.js';
import { startContainerTarget } from '../../harness/targets/container.js';
import { probeDocker } from '../../harness/targets/docker.js';
import { DOVECOT_INSTALL_HINT, findDovecotBinary, startDovecotTarget } from '../../harness/targets/dovecot.js';
import type { RunningTarget } from '../../harness/targets/types.js';
import { ALL_CASES } from '../../suites/index.js';
import { median, percentile } from './stats.js';

export type Rows = (string | number)[][];
export type DovecotKind = 'process' | 'container';

const execFileAsync = promisify(execFile);
const PROFILES: Record<DovecotKind, string> = {
  process: fileURLToPath(new URL('../../fixtures/targets/dovecot/profile.json', import.meta.url)),
  container: fileURLToPath(new URL('../../fixtures/targets/dovecot-image/profile.json', import.meta.url)),
};
const BUILD_SCRIPT = fileURLToPath(new URL('../docker/build-dovecot-image.sh', import.meta.url));
/** Cold: debootstrap from the Debian mirror (1.5–2 min); cached: under a second. */
const BUILD_BOUND_MS = 600_000;

const SAMPLE = [
  'From: tel:+33600000001', 'To: tel:+33600000002', 'Date: Mon, 23 Nov 2026 09:15:00 +0100',
  'Conversation-ID: bench-conv', 'Contribution-ID: bench-contrib', 'IMDN-Message-ID: bench-IMDN',
  'Content-Type: Message/CPIM', '', 'From: <tel:+33600000001>', 'To: <tel:+33600000002>',
  'DateTime: 2026-11-23T08:15:00Z', '', 'Content-Type: text/plain', '', 'hello', '',
].join('\r\n');

/** Why this kind cannot run here, or undefined when it can (the container image is built, or found cached). */
export async function dovecotUnavailable(kind: DovecotKind): Promise<string | undefined> {
  if (kind === 'process') return findDovecotBinary() === undefined ? DOVECOT_INSTALL_HINT : undefined;
  const docker = await probeDocker(5000);
  if (!docker.ok) return `no Docker engine (${docker.reason})`;
  try {
    await execFileAsync(BUILD_SCRIPT, [], { timeout: BUILD_BOUND_MS, maxBuffer: 1 << 20 });
    return undefined;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return `the image could not be built: ${(e.stderr ?? '').trim().split('\n').pop() || e.message}`;
  }
}

function profileOf(kind: DovecotKind): Profile {
  return loadProfile(PROFILES[kind]);
}

/** The target alone (no Run): greeting already read when this resolves. */
async function startTarget(kind: DovecotKind, profile: Profile, pushUrl: string): Promise<RunningTarget> {
  return kind === 'process' ? startDovecotTarget({ profile, pushUrl }) : startContainerTarget({ profile, pushUrl });
}

function skipped(figure: string, reason: string): Rows {
  return [[figure, `skipped: ${reason}`]];
}

/**
 * Start to the first IMAP greeting, median of `runs` (default 5): for the process, spawn of `dovecot -F` to the
 * greeting; for the container, testcontainers' create + start to the greeting (image present, no pull).
 */
export async function benchDovecotStart(kind: DovecotKind, opts: { runs?: number } = {}): Promise<Rows> {
  const runs = opts.runs ?? 5;
  const figure = `Dovecot ${kind} start to IMAP greeting, median of ${runs} (ms)`;
  const why = await dovecotUnavailable(kind);
  if (why) return skipped(figure, why);
  const profile = profileOf(kind);
  const push = await startPushEnabler(pushEnablerOptions(profile.push));
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const target = await startTarget(kind, profile, push.url);
      // The container target times create + start to greeting itself (without its engine probe and image lookup).
      times.push('startupMs' in target && typeof target.startupMs === 'number' ? target.startupMs : performance.now() - t0);
      await target.stop();
    }
  } finally {
    await push.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  return [
    [figure, median(times)],
    [`Dovecot ${kind} start to IMAP greeting, min / max (ms)`, `${sorted[0]!.toFixed(0)} / ${sorted[sorted.length - 1]!.toFixed(0)}`],
  ];
}

/** Wall time of every case of the suite against Dovecot, in process, median of `runs` (default 3). */
export async function benchDovecotSuite(kind: DovecotKind, opts: { runs?: number } = {}): Promise<Rows> {
  const runs = opts.runs ?? 3;
  const figure = `suite wall time against Dovecot ${kind}, median of ${runs} (ms)`;
  const why = await dovecotUnavailable(kind);
  if (why) return skipped(figure, why);
  const profile = profileOf(kind);
  const listed = new Set(profile.expectedFailures?.entries.map((e) => e.case));
  const walls: number[] = [];
  let passed = 0;
  let deviations = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const run = await Run.start({ profile, strict: false, faults: [] });
    try {
      passed = 0;
      deviations = 0;
      for (const def of ALL_CASES) {
        const v = (await executeCase(run, def)).verdict;
        if (v === 'passed') passed++;
        else if (listed.has(def.meta.id) && (v === 'failed' || v === 'warning')) deviations++;
      }
    } finally {
      await run.stop();
    }
    walls.push(performance.now() - t0);
  }
  return [
    [figure, median(walls)],
    [`  cases passed / known deviations (last run, of ${ALL_CASES.length})`, `${passed} / ${deviations}`],
  ];
}

async function login(port: number, user: string, pass: string): Promise<RawImapClient> {
  const c = await RawImapClient.connect({ host: '127.0.0.1', port, timeoutMs: 10_000 });
  await c.greeting();
  const r = await c.command(`LOGIN ${JSON.stringify(user)} ${JSON.stringify(pass)}`);
  if (!r.tagged.text.includes(' OK')) throw new Error(`login of ${user} failed: ${r.tagged.text}`);
  return c;
}

async function ok(c: RawImapClient, command: string): Promise<void> {
  const r = await c.command(command);
  if (!r.tagged.text.includes(' OK')) throw new Error(`${command.split('\r\n')[0]} failed: ${r.tagged.text}`);
}

/**
 * STORE-to-push latency on Dovecot: `UID STORE +FLAGS.SILENT (\Seen)` written by a login-bound device to the
 * `seen` notification's arrival at the enabler mock, `samples` times (default 100). Dovecot posts inside the
 * command, so the clock starts when the command is written.
 */
export async function benchDovecotPush(kind: DovecotKind, opts: { samples?: number } = {}): Promise<Rows> {
  const n = opts.samples ?? 100;
  const figure = `Dovecot ${kind} STORE-to-push latency p50 (ms, ${n} samples)`;
  const why = await dovecotUnavailable(kind);
  if (why) return skipped(figure, why);
  const profile = profileOf(kind);
  const user = profile.accounts.users.find((u) => u.devices.some((d) => d.announce === 'login'));
  const device = user?.devices.find((d) => d.announce === 'login');
  if (!user || !device || !('password' in device.credentials)) return skipped(figure, 'the profile has no login-bound device with a password');
  const push = await startPushEnabler(pushEnablerOptions(profile.push));
  const target = await startTarget(kind, profile, push.url).catch(async (err: unknown) => {
    await push.close();
    throw err;
  });
  const folder = `${profile.features.folders.root}/bench-${randomBytes(4).toString('hex')}`;
  const latencies: number[] = [];
  try {
    const c = await login(target.imap.port, device.login, device.credentials.password);
    await ok(c, `CREATE "${folder}"`);
    const objects = 10;
    for (let i = 0; i < objects; i++) await ok(c, `APPEND "${folder}" {${Buffer.byteLength(SAMPLE)}+}\r\n${SAMPLE}`);
    await ok(c, `SELECT "${folder}"`);
    for (let i = 0; i < n; i++) {
      const uid = (i % objects) + 1;
      const from = push.mark();
      const sent = now();
      await ok(c, `UID STORE ${uid} +FLAGS.SILENT (\\Seen)`);
      const [note] = await push.waitForEvents((x) => x.event.kinds.includes('seen') && x.event.refs.uid === uid, { from, timeoutMs: 5000 });
      latencies.push(note!.notification.t - sent);
      await ok(c, `UID STORE ${uid} -FLAGS.SILENT (\\Seen)`);
    }
    c.close();
  } finally {
    await target.stop();
    await push.close();
  }
  latencies.sort((a, b) => a - b);
  return [
    [figure, percentile(latencies, 50)],
    [`Dovecot ${kind} STORE-to-push latency p99 (ms)`, percentile(latencies, 99)],
  ];
}

/** Every Dovecot figure, process and container: the rows of the bench table's Dovecot section. */
export async function benchDovecot(): Promise<Rows> {
  const rows: Rows = [];
  for (const kind of ['process', 'container'] as const) rows.push(...(await benchDovecotStart(kind)));
  for (const kind of ['process', 'container'] as const) rows.push(...(await benchDovecotSuite(kind)));
  for (const kind of ['process', 'container'] as const) rows.push(...(await benchDovecotPush(kind)));
  return rows;
}
