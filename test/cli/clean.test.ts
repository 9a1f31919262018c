// `cpm-conformance clean` and the sweep every run does at its start: only the suite's own leftovers (containers by
// label, Dovecot targets by their owner file), only of dead runs on this host. The decision logic and the Dovecot
// part run anywhere; the container part needs a Docker engine and is skipped loudly without one, unless
// CPM_REQUIRE_DOCKER=1 makes that a failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { sweepAtStart } from '../../harness/cli/clean.js';
import { HOST_LABEL, PID_LABEL, RUN_LABEL, SUITE_LABEL } from '../../harness/targets/container/teardown.js';
import { NO_DOCKER_HINT, probeDocker } from '../../harness/targets/docker.js';
import { cleanLeftovers, decide, DOVECOT_DIR_PREFIX, findDovecotLeftovers, OWNER_FILE, type Here } from '../../harness/targets/leftovers.js';
import { runCli } from './spawn.js';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const here: Here = { host: 'this-host', alive: (pid) => pid === 100 };

describe('which leftovers are removed (decision logic)', () => {
  it('only ours, only on this host, only when the run is gone', () => {
    const ours = (pid: string, host?: string) => ({ [SUITE_LABEL]: '1', [RUN_LABEL]: 'r1', [PID_LABEL]: pid, ...(host ? { [HOST_LABEL]: host } : {}) });
    expect(decide(ours('200', 'this-host'), here)).toEqual({ remove: true, reason: 'its run (pid 200 on this-host) is gone' });
    expect(decide(ours('200'), here)).toEqual({ remove: true, reason: 'its run (pid 200) is gone' });
    expect(decide(ours('100', 'this-host'), here)).toEqual({ remove: false, reason: 'its run (pid 100) is still alive' });
    expect(decide(ours('200', 'other-host'), here)).toEqual({ remove: false, reason: 'started on another host (other-host)' });
    expect(decide({ [RUN_LABEL]: 'r1', [PID_LABEL]: '200' }, here)).toEqual({ remove: false, reason: 'not started by cpm-conformance (no suite label)' });
    expect(decide({ [SUITE_LABEL]: '1' }, here).remove).toBe(false);
    expect(decide(ours('not-a-pid'), here).remove).toBe(false);
  });
});

describe('Dovecot targets of dead runs', () => {
  function dovecotDir(base: string, owner: { pid: number; pgid: number; host?: string }): string {
    const dir = mkdtempSync(join(base, DOVECOT_DIR_PREFIX));
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ suite: 'cpm-conformance', host: hostname(), ...owner }));
    return dir;
  }

  it('removes the run directory of a dead owner, keeps a live one and an unlabelled one', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cpm-clean-'));
    const dead = dovecotDir(base, { pid: deadPid(), pgid: deadPid() });
    const live = dovecotDir(base, { pid: process.pid, pgid: deadPid() });
    const unlabelled = mkdtempSync(join(base, DOVECOT_DIR_PREFIX));
    expect(findDovecotLeftovers(undefined, base).map((l) => [l.id, l.decision.remove]).sort()).toEqual([[dead, true], [live, false]].sort());
    const r = await cleanLeftovers({ docker: false, tmpBase: base });
    expect(r.removed.map((l) => l.id)).toEqual([dead]);
    expect(r.kept.map((l) => l.id)).toEqual([live]);
    expect(r.problems).toEqual([]);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(unlabelled)).toBe(true);
  });

  it('kills the Dovecot process group a dead run left running (identified by its command line)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cpm-clean-'));
    // A stand-in for `dovecot -F`: a process group whose leader's command line names dovecot.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'dovecot'], { detached: true, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const dir = dovecotDir(base, { pid: deadPid(), pgid: child.pid! });
    const r = await cleanLeftovers({ docker: false, tmpBase: base });
    expect(r.removed.map((l) => l.id)).toEqual([dir]);
    await exited;
    expect(existsSync(dir)).toBe(false);
  });

  it('every run sweeps them at its start, and says what it removed', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cpm-clean-run-'));
    const dead = dovecotDir(base, { pid: deadPid(), pgid: deadPid() });
    const reports = mkdtempSync(join(tmpdir(), 'cpm-clean-reports-'));
    const r = await runCli(['run', '--case', 'mo.chat.conversation-id.stored-exactly', '--reports', reports], { env: { TMPDIR: base } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`cpm-conformance: removed a leftover of a dead run: Dovecot target ${dead}`);
    expect(existsSync(dead)).toBe(false);
  }, 120_000);

  it('clean without leftovers says so and exits 0', async () => {
    const base = mkdtempSync(join(tmpdir(), 'cpm-clean-none-'));
    const r = await runCli(['clean'], { env: { TMPDIR: base } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no leftovers of cpm-conformance runs found|leftover\(s\) of dead runs removed/);
  }, 60_000);
});

const docker = await probeDocker(5000);
const required = process.env['CPM_REQUIRE_DOCKER'] === '1';
const SKIP = `clean: container tests SKIPPED: ${NO_DOCKER_HINT} — set CPM_REQUIRE_DOCKER=1 to make this a failure`;
if (!docker.ok && !required) console.warn(`\n*** ${SKIP} (${docker.reason}) ***\n`);

function needDocker(ctx: TestContext): NonNullable<Extract<typeof docker, { ok: true }>['engine']> {
  if (docker.ok) return docker.engine;
  if (required) throw new Error(`CPM_REQUIRE_DOCKER=1 but ${NO_DOCKER_HINT} (${docker.reason})`);
  return ctx.skip(SKIP) as never;
}

describe('containers of dead runs (Docker)', () => {
  const created: string[] = [];
  const image = 'cpm-conformance/reference-store:local';
  const testLabel = `cpm-conformance-test.clean=${process.pid}`;
  afterAll(async () => {
    if (!docker.ok) return;
    for (const id of created) await docker.engine.client.container.dockerode.getContainer(id).remove({ force: true }).catch(() => undefined);
  });

  async function create(labels: Record<string, string>): Promise<string> {
    const d = docker.ok ? docker.engine.client.container.dockerode : undefined;
    const c = await d!.createContainer({ Image: image, Labels: { ...labels, [testLabel.split('=')[0]!]: String(process.pid) }, Cmd: ['true'] });
    created.push(c.id);
    return c.id;
  }

  async function exists(id: string): Promise<boolean> {
    const d = docker.ok ? docker.engine.client.container.dockerode : undefined;
    return d!.getContainer(id).inspect().then(() => true, () => false);
  }

  it('clean removes only our containers of dead runs', async (ctx) => {
    const engine = needDocker(ctx);
    const images = await engine.client.container.dockerode.listImages({ filters: { reference: [image] } });
    if (images.length === 0) {
      if (required) throw new Error(`image ${image} is missing: scripts/docker/build-reference-image.sh builds it`);
      ctx.skip(`clean: container tests SKIPPED: image ${image} is missing (scripts/docker/build-reference-image.sh builds it)`);
    }
    const ours = { [SUITE_LABEL]: '1', [RUN_LABEL]: 'clean-test', [HOST_LABEL]: hostname() };
    const dead = await create({ ...ours, [PID_LABEL]: String(deadPid()) });
    const live = await create({ ...ours, [PID_LABEL]: String(process.pid) });
    const elsewhere = await create({ ...ours, [PID_LABEL]: String(deadPid()), [HOST_LABEL]: 'some-other-host' });
    const foreign = await create({ [RUN_LABEL]: 'clean-test', [PID_LABEL]: String(deadPid()) });
    const r = await runCli(['clean'], { timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed container ${dead.slice(0, 12)}`);
    expect(r.stdout).toContain(`kept container ${live.slice(0, 12)}`);
    expect(await exists(dead)).toBe(false);
    expect(await exists(live)).toBe(true);
    expect(await exists(elsewhere)).toBe(true);
    expect(await exists(foreign)).toBe(true);
  }, 90_000);

  it('the sweep at the start of a container run removes them too', async (ctx) => {
    const engine = needDocker(ctx);
    const images = await engine.client.container.dockerode.listImages({ filters: { reference: [image] } });
    if (images.length === 0) ctx.skip(`image ${image} is missing`);
    const dead = await create({ [SUITE_LABEL]: '1', [RUN_LABEL]: 'clean-test', [HOST_LABEL]: hostname(), [PID_LABEL]: String(deadPid()) });
    const lines = await sweepAtStart(true);
    expect(lines.some((l) => l.includes(`container ${dead.slice(0, 12)}`))).toBe(true);
    expect(await exists(dead)).toBe(false);
  }, 60_000);
});

