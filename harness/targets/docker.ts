// Is a Docker engine reachable? testcontainers decides which socket to use (DOCKER_HOST, ~/.testcontainers.properties,
// /var/run/docker.sock, rootless sockets); this module only bounds the time that takes and words the failure.
import type { ContainerRuntimeClient } from 'testcontainers';
import { TargetSetupError } from './types.js';

export const NO_DOCKER_HINT = 'no Docker engine reachable: install docker.io and start dockerd, or set DOCKER_HOST';
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/**
 * testcontainers settings this harness needs with a local engine and no registry (stack notes §4): no Ryuk
 * (its image cannot be pulled) and the host given outright (inside a container, host detection inspects the
 * "bridge" network, which a dockerd run with --bridge=none lacks). Values the user set are kept.
 */
export function applyTestcontainersDefaults(env: NodeJS.ProcessEnv = process.env): void {
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}

/** testcontainers, loaded only once the environment above is in place (and only by runs that need it). */
export async function loadTestcontainers(): Promise<typeof import('testcontainers')> {
  applyTestcontainersDefaults();
  return import('testcontainers');
}

export interface DockerEngine {
  client: ContainerRuntimeClient;
  /** Where testcontainers connects, e.g. "unix:///var/run/docker.sock". */
  uri: string;
  serverVersion: string;
}

export type DockerProbe = { ok: true; engine: DockerEngine } | { ok: false; reason: string };

/**
 * Looks for an engine, for at most timeoutMs (a DOCKER_HOST naming a host that never answers would otherwise
 * hang). A failure is not cached by testcontainers, so a later probe tries again.
 */
export async function probeDocker(timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<DockerProbe> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    const { getContainerRuntimeClient } = await loadTestcontainers();
    const client = await Promise.race([getContainerRuntimeClient(), timeout]);
    // serverVersion is typed number but holds the engine's version string ("20.10.24+dfsg1").
    return { ok: true, engine: { client, uri: engineUri(client), serverVersion: String(client.info.containerRuntime.serverVersion) } };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

function engineUri(client: ContainerRuntimeClient): string {
  const modem = (client.container.dockerode as unknown as { modem?: { socketPath?: string; protocol?: string; host?: string; port?: string | number } }).modem;
  if (modem?.socketPath) return `unix://${modem.socketPath}`;
  return `${modem?.protocol ?? 'http'}://${modem?.host ?? '?'}:${modem?.port ?? '?'}`;
}

/** The engine, or a TargetSetupError (exit 2) saying what to do. */
export async function requireDocker(timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<DockerEngine> {
  const probe = await probeDocker(timeoutMs);
  if (probe.ok) return probe.engine;
  throw new TargetSetupError(`${NO_DOCKER_HINT} (${probe.reason})`);
}
