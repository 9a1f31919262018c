// No container may outlive a run. Every container the harness starts carries the labels below; teardown removes
// by label (not by handle), because testcontainers leaves a container running when start() fails and, with Ryuk
// disabled, nothing else would remove it. Runs started by this process are also removed on SIGINT, SIGTERM,
// SIGHUP and on process exit.
import { hostname } from 'node:os';
import type { ContainerRuntimeClient } from 'testcontainers';
import { requireDocker } from '../docker.js';
import { sweepSync, type EngineAddress } from './sync-sweep.js';

/** On every container of the suite. */
export const SUITE_LABEL = 'cpm-conformance';
/** Value: the run id; one run = one container target start. */
export const RUN_LABEL = 'cpm-conformance.run';
/** Value: pid of the process that started the container (`cpm-conformance clean` removes it once that is gone). */
export const PID_LABEL = 'cpm-conformance.pid';
/** Value: the host name of that process (a pid means nothing on another host sharing the engine). */
export const HOST_LABEL = 'cpm-conformance.host';

const SIGNAL_CLEANUP_BOUND_MS = 5_000;

export function runLabels(runId: string): Record<string, string> {
  return { [SUITE_LABEL]: '1', [RUN_LABEL]: runId, [PID_LABEL]: String(process.pid), [HOST_LABEL]: hostname() };
}

async function removeByLabel(client: ContainerRuntimeClient, label: string): Promise<number> {
  const docker = client.container.dockerode;
  const found = await docker.listContainers({ all: true, filters: { label: [label] } });
  let removed = 0;
  for (const c of found) {
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed++;
    } catch (err) {
      // 404: already gone; 409: a removal is already in progress.
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) throw err;
    }
  }
  return removed;
}

/** Force-removes the containers of one run; resolves with how many were removed. */
export async function removeContainersOfRun(runId: string, client?: ContainerRuntimeClient): Promise<number> {
  return removeByLabel(client ?? (await requireDocker()).client, `${RUN_LABEL}=${runId}`);
}

/** Force-removes every container any run of the suite left behind (e.g. after a crash or `kill -9`). */
export async function removeAllSuiteContainers(client?: ContainerRuntimeClient): Promise<number> {
  return removeByLabel(client ?? (await requireDocker()).client, `${SUITE_LABEL}=1`);
}

/** Ids of the containers (any state) carrying the label "key=value". */
export async function containersWithLabel(label: string, client?: ContainerRuntimeClient): Promise<string[]> {
  const docker = (client ?? (await requireDocker()).client).container.dockerode;
  return (await docker.listContainers({ all: true, filters: { label: [label] } })).map((c) => c.Id);
}

// Runs of this process that may still have a container, with the client that created it.
const live = new Map<string, ContainerRuntimeClient>();
let exitHookInstalled = false;
const signalHooks = new Set<NodeJS.Signals>();

function engineAddress(client: ContainerRuntimeClient): EngineAddress {
  const modem = (client.container.dockerode as unknown as { modem?: { socketPath?: string; host?: string; port?: string | number } }).modem;
  return {
    ...(modem?.socketPath ? { socketPath: modem.socketPath } : {}),
    ...(modem?.host ? { host: modem.host } : {}),
    ...(modem?.port !== undefined ? { port: Number(modem.port) } : {}),
  };
}

/** Marks a run as live (before its container is created) and makes sure the process hooks are in place. */
export function trackRun(runId: string, client: ContainerRuntimeClient): void {
  live.set(runId, client);
  installHooks();
}

export function untrackRun(runId: string): void {
  live.delete(runId);
}

/** Run ids this process still tracks (for tests). */
export function trackedRuns(): string[] {
  return [...live.keys()];
}

async function removeLiveRuns(): Promise<void> {
  await Promise.all(
    [...live].map(async ([runId, client]) => {
      try {
        await removeContainersOfRun(runId, client);
        live.delete(runId);
      } catch {
        /* left for the exit sweep */
      }
    }),
  );
}

function installHooks(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const [runId, client] of live) sweepSync(engineAddress(client), [`${RUN_LABEL}=${runId}`]);
      live.clear();
    });
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    if (signalHooks.has(sig)) continue;
    signalHooks.add(sig);
    let handling = false;
    const onSignal = (): void => {
      if (handling) return;
      handling = true;
      const bound = new Promise<void>((resolve) => setTimeout(resolve, SIGNAL_CLEANUP_BOUND_MS).unref());
      void Promise.race([removeLiveRuns(), bound]).finally(() => {
        // Re-raise, so that the signal has its usual outcome once the containers are gone. Our listener stays
        // registered until then, so that handlers which re-raise only when alone (the Dovecot target's,
        // signal-exit's inside testcontainers) wait for us; after the re-raise they decide.
        process.removeListener(sig, onSignal);
        signalHooks.delete(sig);
        // The CLI decides what its interrupts mean (one Ctrl-C: finish the case in flight, write the reports): a
        // re-raised signal would count as a second Ctrl-C there.
        if ((globalThis as Record<symbol, unknown>)[Symbol.for('cpm-conformance.signal-owner')] === true) return;
        process.kill(process.pid, sig);
      });
    };
    process.on(sig, onSignal);
  }
}
