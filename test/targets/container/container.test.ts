// The container target end to end, against the reference store image built offline by
// scripts/docker/build-reference-image.sh: readiness, a device session with a PUSH naming the device, logs and
// image identity, and teardown (stop, failed readiness, SIGINT) leaving no container behind.
// Without a Docker engine the engine tests are skipped loudly, unless CPM_REQUIRE_DOCKER=1 (CI) fails them.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { ENV_VARS, storeOptionsFromEnv, ImageConfigError, READY_LINE } from '../../../fixtures/targets/reference-image/config.js';
import { DeviceSession } from '../../../harness/imap/session.js';
import { loadProfile, type Profile } from '../../../harness/profile/index.js';
import { startPushEnabler, type PushEnabler } from '../../../harness/push/enabler.js';
import { pushEnablerOptions } from '../../../harness/push/from-profile.js';
import { RUN_LABEL, SUITE_LABEL, removeContainersOfRun, startContainerTarget, templateValues, type ContainerRunningTarget } from '../../../harness/targets/container.js';
import { containersWithLabel, trackedRuns } from '../../../harness/targets/container/teardown.js';
import { NO_DOCKER_HINT, probeDocker } from '../../../harness/targets/docker.js';
import { TargetSetupError } from '../../../harness/targets/types.js';
import { DEMO_ACCOUNTS } from '../../../reference-store/demo-accounts.js';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROFILE_PATH = fileURLToPath(new URL('../../../fixtures/targets/reference-image/profile.json', import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL('../../../scripts/docker/build-reference-image.sh', import.meta.url));
const CHILD_START = fileURLToPath(new URL('./child-start.ts', import.meta.url));
const CHILD_PROBE = fileURLToPath(new URL('./child-probe.ts', import.meta.url));
const STANDALONE = readFileSync(fileURLToPath(new URL('../../../fixtures/objects/valid/standalone.eml', import.meta.url)));
const DEVICE = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
const FOLDER = 'RCSMessageStore/conv-container';

const docker = await probeDocker(5000);
const required = process.env.CPM_REQUIRE_DOCKER === '1';
const HOW_TO_ENABLE =
  `container target tests SKIPPED: ${NO_DOCKER_HINT} ` +
  `(apt-get install docker.io; dockerd --bridge=none --iptables=false &) — set CPM_REQUIRE_DOCKER=1 to make this a failure`;
if (!docker.ok && !required) console.warn(`\n*** ${HOW_TO_ENABLE} (${docker.reason}) ***\n`);

function needDocker(ctx: TestContext): void {
  if (docker.ok) return;
  if (required) throw new Error(`CPM_REQUIRE_DOCKER=1 but ${NO_DOCKER_HINT} (${docker.reason})`);
  ctx.skip(HOW_TO_ENABLE);
}

/** The shipped profile, with the IMAP port left to the harness. */
function containerProfile(change?: (t: Extract<Profile['target'], { kind: 'container' }>) => void): Profile {
  const p = loadProfile(PROFILE_PATH);
  if (p.target.kind !== 'container') throw new Error('the shipped profile is not a container profile');
  p.target.imapPort = 0;
  change?.(p.target);
  return p;
}

/** Runs a TypeScript file in a child node (tsx), resolving with its stdout. */
function runChild(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number; timeoutMs: number }) {
  return execFileAsync(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: opts.env ?? process.env,
    timeout: opts.timeoutMs,
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  });
}

describe('container target without an engine (no Docker needed)', () => {
  test('the shipped profile validates and names the image, the readiness line and the demo accounts', () => {
    const p = loadProfile(PROFILE_PATH);
    expect(p.target).toMatchObject({ kind: 'container', image: 'cpm-conformance/reference-store:local', ready: { logLine: READY_LINE } });
    const users = p.accounts.users.map((u) => ({ name: u.name, devices: u.devices.map((d) => d.id) }));
    expect(users).toEqual(DEMO_ACCOUNTS.users.map((u) => ({ name: u.name, devices: u.devices.map((d) => d.id) })));
    expect(p.accounts.pf?.login).toBe(DEMO_ACCOUNTS.pf?.name);
  });

  test('templates take the enabler URL apart; the IMAP values are the chosen ones', () => {
    expect(templateValues('http://127.0.0.1:4711/cpm/push?x=1', '127.0.0.1', 40001)).toEqual({
      'push.url': 'http://127.0.0.1:4711/cpm/push?x=1',
      'push.host': '127.0.0.1',
      'push.port': '4711',
      'push.path': '/cpm/push?x=1',
      'imap.host': '127.0.0.1',
      'imap.port': 40001,
    });
    expect(templateValues('http://[::1]/p', '::1', 1)['push.host']).toBe('::1');
  });

  test('the image reads its configuration from the environment and names the variable at fault', () => {
    const o = storeOptionsFromEnv({ CPM_IMAP_PORT: '4000', CPM_PUSH_URL: 'http://127.0.0.1:9/push', CPM_PF_PATH: 'keyword', CPM_NOTIFY: '0' });
    expect(o).toMatchObject({ host: '127.0.0.1', port: 4000, push: { url: 'http://127.0.0.1:9/push' }, pfPath: ['keyword'], notify: false, faults: [] });
    expect(o.users).toBe(DEMO_ACCOUNTS.users);
    const accounts = { users: [{ name: 'u', password: 'p', devices: [{ id: 'urn:uuid:1' }] }] };
    expect(storeOptionsFromEnv({ CPM_ACCOUNTS_JSON: JSON.stringify(accounts) }).users).toEqual(accounts.users);
    expect(() => storeOptionsFromEnv({ CPM_IMAP_PORT: 'x' })).toThrow(ImageConfigError);
    expect(() => storeOptionsFromEnv({ CPM_ACCOUNTS_JSON: '{"users":[{"name":1}]}' })).toThrow(/CPM_ACCOUNTS_JSON: users\[0\]/);
    expect(() => storeOptionsFromEnv({ CPM_PF_PATH: 'header' })).toThrow(/CPM_PF_PATH/);
  });

  test('the image README documents every environment variable and the readiness line', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../../fixtures/targets/reference-image/README.md', import.meta.url)), 'utf8');
    for (const name of Object.keys(ENV_VARS)) expect(readme).toContain(`| \`${name}\` |`);
    expect(readme).toContain(READY_LINE);
  });

  test('a DOCKER_HOST that accepts but never answers: setup error with the hint, within the probe bound', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const { stdout } = await runChild(CHILD_PROBE, ['1000'], { env: { ...process.env, DOCKER_HOST: `tcp://127.0.0.1:${port}` }, timeoutMs: 15_000 });
      const r = JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; name: string; message: string; exitCode: number; ms: number };
      expect(r).toMatchObject({ ok: false, name: 'TargetSetupError', exitCode: 2 });
      expect(r.message).toContain(NO_DOCKER_HINT);
      expect(r.message).toContain('no answer within 1000 ms');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  // A bad DOCKER_HOST is not enough: testcontainers falls back to /var/run/docker.sock. A user without access to
  // the socket (nobody) sees no engine at all, the same way a machine without Docker does.
  test('a user who cannot reach any engine socket gets the hint (run as uid 65534)', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip('needs root to run the probe as uid 65534');
    // uid 65534 must be able to reach the checkout (and its node_modules) to run the probe at all.
    const closed = ancestors(fileURLToPath(new URL('../../../', import.meta.url))).find((d) => (statSync(d).mode & 0o001) === 0);
    if (closed) ctx.skip(`uid 65534 cannot enter ${closed} (no execute permission for others), so the probe cannot load`);
    const { stdout } = await runChild(CHILD_PROBE, ['5000'], {
      env: { ...process.env, HOME: '/nonexistent', DOCKER_HOST: 'unix:///nonexistent.sock', XDG_RUNTIME_DIR: '/nonexistent' },
      uid: 65534,
      timeoutMs: 20_000,
    });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; name: string; message: string; exitCode: number };
    expect(r).toMatchObject({ ok: false, name: 'TargetSetupError', exitCode: 2 });
    expect(r.message).toBe(`${NO_DOCKER_HINT} (Could not find a working container runtime strategy)`);
  });
});

/** `dir` and every folder above it. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

describe('container target with the reference store image', () => {
  let enabler: PushEnabler | undefined;
  let target: ContainerRunningTarget | undefined;

  beforeAll(async () => {
    if (!docker.ok) return;
    for (const round of ['first', 'second']) {
      const t0 = performance.now();
      const { stdout, stderr } = await execFileAsync(BUILD_SCRIPT, [], { cwd: ROOT, timeout: 120_000 });
      console.info(`image build (${round} call): ${(performance.now() - t0).toFixed(0)} ms — ${stderr.trim()} → ${stdout.trim()}`);
    }
    const profile = containerProfile();
    enabler = await startPushEnabler(pushEnablerOptions(profile.push));
    target = await startContainerTarget({ profile, pushUrl: enabler.url });
    console.info(`container start to greeting: ${target.startupMs.toFixed(0)} ms (${target.info().description})`);
  }, 180_000);

  afterAll(async () => {
    await target?.stop();
    await enabler?.close();
  });

  test('a device logs in, APPENDs and sets \\Seen; the PUSH names the device; the container logged it', async (ctx) => {
    needDocker(ctx);
    const t = target!;
    expect(t.greeting).toMatch(/^\* OK/);
    const info = t.info();
    expect(info).toMatchObject({ kind: 'container', image: 'cpm-conformance/reference-store:local' });
    expect(info.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const session = await DeviceSession.open({
      label: 'alice/tablet',
      host: t.imap.host,
      port: t.imap.port,
      tls: t.imap.tls,
      login: `alice#${DEVICE}`,
      password: 'alice-tablet',
      connectTimeoutMs: 5000,
      commandTimeoutMs: 5000,
      secrets: ['alice-tablet'],
    });
    try {
      await session.run('CREATE', (c) => c.mailboxCreate(FOLDER));
      const { uid } = (await session.run('APPEND', (c) => c.append(FOLDER, STANDALONE))) as { uid: number };
      const from = enabler!.mark();
      await session.run('SELECT + STORE', async (c) => {
        const lock = await c.getMailboxLock(FOLDER);
        try {
          await c.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        } finally {
          lock.release();
        }
      });
      const [hit] = await enabler!.waitForEvents((x) => x.event.kinds.includes('seen') && x.event.refs.uid === uid, {
        from,
        timeoutMs: 5000,
        description: `a seen notification for UID ${uid}`,
      });
      const n = hit!.notification;
      expect(hit!.event.identities[0]?.value).toBe(DEVICE);
      expect(n.schemaValid).toBe(true);
    } finally {
      await session.close();
    }
    expect(t.logs().some((l) => l.startsWith(`${READY_LINE} on imap://127.0.0.1:${t.imap.port}`))).toBe(true);
    expect(t.logs().some((l) => l.includes(enabler!.url))).toBe(true);
  });

  test('readiness by a command run inside the container (argv, no shell), with {{imap.port}} filled in', async (ctx) => {
    needDocker(ctx);
    const probe = "require('net').connect(Number(process.argv[1]),'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))";
    const profile = containerProfile((t) => {
      t.ready = { command: ['/usr/local/bin/node', '-e', probe, '{{imap.port}}'] };
      t.startupTimeoutMs = 15_000;
    });
    const t = await startContainerTarget({ profile, pushUrl: enabler!.url });
    try {
      expect(t.greeting).toMatch(/^\* OK/);
      console.info(`command readiness, start to greeting: ${t.startupMs.toFixed(0)} ms`);
    } finally {
      await t.stop();
    }
    expect(await containersWithLabel(`${RUN_LABEL}=${t.runId}`)).toEqual([]);
  });

  test('a readiness line that never comes: TargetSetupError within the timeout, and no container left', async (ctx) => {
    needDocker(ctx);
    const profile = containerProfile((t) => {
      t.ready = { logLine: 'this line is never printed' };
      t.startupTimeoutMs = 2000;
    });
    const runId = `test-never-ready-${process.pid}`;
    const t0 = performance.now();
    const err = await startContainerTarget({ profile, pushUrl: enabler!.url }, { runId }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const took = performance.now() - t0;
    expect(err).toBeInstanceOf(TargetSetupError);
    expect((err as TargetSetupError).exitCode).toBe(2);
    expect((err as Error).message).toContain('log line "this line is never printed"');
    expect((err as Error).message).toContain(READY_LINE); // the log tail says what the container did print
    console.info(`failed readiness reported after ${took.toFixed(0)} ms (timeout 2000 ms)`);
    expect(took).toBeLessThan(2000 + 3000 + 2000); // timeout + settle bound + removal
    expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([]);
    expect(trackedRuns()).not.toContain(runId);
  });

  test('a container that exits at once: the error shows its exit status and last log lines', async (ctx) => {
    needDocker(ctx);
    const profile = containerProfile((t) => {
      t.env = { ...t.env, CPM_IMAP_PORT: 'not-a-port' };
      t.startupTimeoutMs = 10_000;
    });
    const runId = `test-exits-${process.pid}`;
    const err = (await startContainerTarget({ profile, pushUrl: enabler!.url }, { runId }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TargetSetupError);
    expect(err.message).toContain('(container exited, exit code 2)');
    expect(err.message).toContain('CPM_IMAP_PORT: "not-a-port" is not a port');
    expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([]);
  });

  /** Starts child-start.ts; resolves once it reports its container. */
  async function childWithContainer(runId: string, mode: 'wait' | 'exit') {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_START, PROFILE_PATH, runId, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let out = '';
    let errText = '';
    child.stderr.on('data', (d: Buffer) => (errText += d.toString()));
    const containerId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child did not start a container within 30 s: ${out} ${errText}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /STARTED (\S+) (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[2]!);
        }
      });
      void exited.then(({ code }) => reject(new Error(`child exited (${code}) before reporting a container: ${out} ${errText}`)));
    });
    return { child, exited, containerId };
  }

  test('a process that started a container and gets SIGINT leaves no container', { timeout: 60_000 }, async (ctx) => {
    needDocker(ctx);
    const runId = `test-sigint-${process.pid}`;
    const { child, exited, containerId } = await childWithContainer(runId, 'wait');
    expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([containerId]);
    child.kill('SIGINT');
    expect((await exited).signal).toBe('SIGINT'); // re-raised after the cleanup: the usual outcome is kept
    expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([]);
  });

  test('a process that exits without stopping its target leaves no container (exit sweep)', { timeout: 60_000 }, async (ctx) => {
    needDocker(ctx);
    const runId = `test-exit-${process.pid}`;
    const { exited, containerId } = await childWithContainer(runId, 'exit');
    expect(containerId).toMatch(/^[0-9a-f]{64}$/);
    expect((await exited).code).toBe(0);
    expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([]);
  });

  test('stop() removes the container, is idempotent and bounded', async (ctx) => {
    needDocker(ctx);
    const t = target!;
    const t0 = performance.now();
    await t.stop();
    await t.stop();
    console.info(`container stop: ${(performance.now() - t0).toFixed(0)} ms`);
    // Only this run's label: other test files (whole-suite runs) may have containers of their own right now.
    expect(await containersWithLabel(`${RUN_LABEL}=${t.runId}`)).toEqual([]);
  });

  // removeAllSuiteContainers() sweeps every container with the suite label, those of other test files running in
  // parallel included, so the shared test run exercises the same sweep on this crashed run's label only.
  test('removeContainersOfRun() removes what a crashed run left (any state)', async (ctx) => {
    needDocker(ctx);
    const runId = `test-crashed-${process.pid}`;
    if (!docker.ok) return;
    const created = await docker.engine.client.container.dockerode.createContainer({
      Image: 'cpm-conformance/reference-store:local',
      Labels: { [SUITE_LABEL]: '1', [RUN_LABEL]: runId },
      HostConfig: { NetworkMode: 'none' },
    });
    expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([created.id]);
    expect(await removeContainersOfRun(runId)).toBe(1);
    expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([]);
  });
});
