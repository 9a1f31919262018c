// A vendor store in a container as the target (testcontainers, host networking): the container shares the host's
// network namespace, so the store binds <host>:<imapPort> itself and reaches the PUSH Enabler mock on loopback.
// Readiness is the profile's log line or command, then the first IMAP greeting; no container outlives a run
// (labels + teardown.ts), whether start succeeds, fails or the process is interrupted.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Readable } from 'node:stream';
import { expandTemplates, type TemplateName } from '../profile/load.js';
import type { ContainerTarget } from '../profile/types.js';
import { loadTestcontainers, requireDocker, type DockerEngine } from './docker.js';
import { waitForGreeting } from './container/greeting.js';
import { describeReadiness, readinessStrategy } from './container/readiness.js';
import { RUN_LABEL, removeContainersOfRun, runLabels, trackRun, untrackRun } from './container/teardown.js';
import { TargetSetupError, type RunningTarget, type TargetInfo, type TargetStartOptions } from './types.js';

export { removeAllSuiteContainers, removeContainersOfRun, RUN_LABEL, SUITE_LABEL } from './container/teardown.js';

export interface ContainerRunningTarget extends RunningTarget {
  /** Value of the cpm-conformance.run label on this target's container. */
  readonly runId: string;
  readonly containerId: string;
  /** From start() to the first IMAP greeting, in ms. */
  readonly startupMs: number;
  readonly greeting: string;
}

export interface ContainerStartExtras {
  /** Label value identifying the run (default: <pid>-<random>). */
  runId?: string;
  /** Bound of the engine probe (default 5 s). */
  probeTimeoutMs?: number;
}

const LOG_LINES_KEPT = 2000;
const LOG_TAIL_IN_ERRORS = 20;
/** docker stop: SIGTERM, then SIGKILL after this. */
const STOP_GRACE_MS = 3_000;
/** stop() never takes longer than this. */
const STOP_BOUND_MS = 10_000;
/** After a failed start, how long to let testcontainers finish creating before the label sweep. */
const SETTLE_AFTER_FAILURE_MS = 3_000;

async function freeLoopbackPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Values for {{push.url}}, {{imap.port}}, … in the profile's env and command. */
export function templateValues(pushUrl: string, imapHost: string, imapPort: number): Record<TemplateName, string | number> {
  const u = new URL(pushUrl);
  return {
    'push.url': pushUrl,
    'push.host': u.hostname.replace(/^\[|\]$/g, ''),
    'push.port': u.port || (u.protocol === 'https:' ? 443 : 80),
    'push.path': `${u.pathname}${u.search}`,
    'imap.host': imapHost,
    'imap.port': imapPort,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

class LogCollector {
  readonly lines: string[] = [];
  private partial = '';
  constructor(private readonly echo?: (line: string) => void) {}

  consume = (stream: Readable): void => {
    stream.on('data', (chunk: string | Buffer) => this.feed(String(chunk)));
    stream.on('end', () => this.flush());
    stream.on('error', () => this.flush());
  };

  private feed(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.add(p);
  }

  private flush(): void {
    if (this.partial !== '') this.add(this.partial);
    this.partial = '';
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_LINES_KEPT) this.lines.splice(0, this.lines.length - LOG_LINES_KEPT);
    this.echo?.(line);
  }

  tail(n: number): string {
    const t = this.lines.slice(-n);
    return t.length === 0 ? '(the container logged nothing)' : t.map((l) => `  | ${l}`).join('\n');
  }
}

async function imageIdentity(engine: DockerEngine, image: string): Promise<{ digest?: string; version?: string } | undefined> {
  try {
    const info = await engine.client.container.dockerode.getImage(image).inspect();
    const repoDigest = info.RepoDigests?.[0]?.split('@')[1];
    const version = info.Config?.Labels?.['org.opencontainers.image.version'];
    return { digest: repoDigest ?? info.Id, ...(version ? { version } : {}) };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

export async function startContainerTarget(opts: TargetStartOptions, extras: ContainerStartExtras = {}): Promise<ContainerRunningTarget> {
  const { profile } = opts;
  if (profile.target.kind !== 'container') throw new TargetSetupError(`profile target kind is "${profile.target.kind}", not "container"`);
  if (opts.faults && opts.faults.length > 0) throw new TargetSetupError('fault switches exist only in the embedded reference store');
  const t: ContainerTarget = profile.target;

  const engine = await requireDocker(extras.probeTimeoutMs);
  const { GenericContainer, Wait } = await loadTestcontainers();

  let ca: Buffer | undefined;
  if (t.ca?.file !== undefined) {
    try {
      ca = readFileSync(t.ca.file);
    } catch (err) {
      throw new TargetSetupError(`cannot read target.ca.file ${t.ca.file}: ${(err as Error).message}`, { cause: err });
    }
  }
  const identity = await imageIdentity(engine, t.image);
  const imapPort = t.imapPort === 0 ? await freeLoopbackPort(t.host) : t.imapPort;
  const vars = templateValues(opts.pushUrl, t.host, imapPort);
  const env = Object.fromEntries(Object.entries(t.env).map(([k, v]) => [k, expandTemplates(v, vars)]));
  const runId = extras.runId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  const logs = new LogCollector(opts.log);

  let container = new GenericContainer(t.image)
    .withNetworkMode('host')
    .withEnvironment(env)
    .withLabels(runLabels(runId))
    .withWaitStrategy(readinessStrategy(t.ready, engine.client, Wait, (a) => expandTemplates(a, vars)))
    .withStartupTimeout(t.startupTimeoutMs)
    .withLogConsumer(logs.consume);
  if (t.command) container = container.withCommand(t.command.map((a) => expandTemplates(a, vars)));

  trackRun(runId, engine.client);
  const t0 = performance.now();
  const deadline = t0 + t.startupTimeoutMs;
  const starting = container.start();
  let started: Awaited<typeof starting>;
  let greeting: string;
  try {
    started = await withTimeout(starting, t.startupTimeoutMs, 'container start');
    greeting = await waitForGreeting({ host: t.host, port: imapPort, tls: t.tls, ...(ca ? { ca } : {}), insecureSkipVerify: t.ca?.insecureSkipVerify ?? false }, deadline);
  } catch (err) {
    // A start still in flight could create the container after the sweep: give it a moment, and sweep again
    // whenever it does settle.
    const settled = await Promise.race([starting.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), SETTLE_AFTER_FAILURE_MS).unref())]);
    await removeContainersOfRun(runId, engine.client).catch(() => 0);
    if (settled) untrackRun(runId);
    else void starting.catch(() => undefined).finally(() => removeContainersOfRun(runId, engine.client).catch(() => 0).finally(() => untrackRun(runId)));
    const pulled = identity === undefined ? ` (image ${t.image} is not present locally and testcontainers tried to pull it)` : '';
    throw new TargetSetupError(
      `container ${t.image} did not become ready (${describeReadiness(t.ready)}, then an IMAP greeting on ${t.host}:${imapPort}) ` +
        `within ${t.startupTimeoutMs} ms${pulled}: ${(err as Error).message}` +
        `\nlast container log lines:\n${logs.tail(LOG_TAIL_IN_ERRORS)}`,
      { cause: err },
    );
  }
  const startupMs = performance.now() - t0;
  const running = started;
  const image = identity ?? (await imageIdentity(engine, t.image).catch(() => undefined));

  let stopped: Promise<void> | undefined;
  const info = (): TargetInfo => ({
    kind: 'container',
    description: `container ${t.image}${image?.digest ? ` (${image.digest.slice(0, 19)})` : ''} on ${t.host}:${imapPort}`,
    image: t.image,
    ...(image?.digest ? { imageDigest: image.digest } : {}),
    ...(image?.version ? { version: image.version } : {}),
  });
  return {
    imap: { host: t.host, port: imapPort, tls: t.tls, ...(ca ? { ca } : {}), ...(t.ca?.insecureSkipVerify ? { insecureSkipVerify: true } : {}) },
    runId,
    containerId: running.getId(),
    startupMs,
    greeting,
    info,
    logs: () => [...logs.lines],
    stop: () =>
      (stopped ??= (async () => {
        try {
          await withTimeout(running.stop({ timeout: STOP_GRACE_MS, remove: true }), STOP_BOUND_MS, 'container stop');
        } catch {
          /* the label sweep below removes it */
        }
        try {
          await withTimeout(removeContainersOfRun(runId, engine.client), STOP_BOUND_MS, 'container removal');
          untrackRun(runId);
        } catch {
          /* still tracked: the signal / exit sweep tries again */
        }
      })()),
  };
}
