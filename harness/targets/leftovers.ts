// Leftovers of runs that died without tearing down (kill -9, a crash, a power cut): containers and Dovecot process
// groups. Everything the suite starts outside its own process carries who started it: containers the labels of
// container/teardown.ts (suite, run, pid, host), a Dovecot target an owner file in its run directory. Only ours, and
// only of dead runs, are removed: a run that is still alive (its pid answers on this host) is never touched, nor is
// anything started on another host (a shared Docker engine) or without our labels.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_LABEL, PID_LABEL, RUN_LABEL, SUITE_LABEL } from './container/teardown.js';

export interface Owner {
  pid: number;
  host: string;
}

export interface Decision {
  remove: boolean;
  /** Why, in words: `its run (pid 4242) is gone`, `not started by cpm-conformance`. */
  reason: string;
}

export interface Here {
  host: string;
  /** Whether a process with this pid exists on this host. */
  alive: (pid: number) => boolean;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is someone else's
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const HERE: Here = { host: hostname(), alive: pidAlive };

/**
 * Whether a leftover may be removed: ours (the suite label), started on this host, and its run's process gone. A
 * pid that has been reused by another process makes a dead run look alive: it is left alone (the safe side).
 */
export function decide(labels: Readonly<Record<string, string | undefined>>, here: Here = HERE): Decision {
  if (labels[SUITE_LABEL] !== '1') return { remove: false, reason: 'not started by cpm-conformance (no suite label)' };
  const host = labels[HOST_LABEL];
  if (host !== undefined && host !== here.host) return { remove: false, reason: `started on another host (${host})` };
  const pid = Number(labels[PID_LABEL]);
  if (!Number.isInteger(pid) || pid <= 0) return { remove: false, reason: 'no owner pid recorded: cannot tell whether its run is alive' };
  if (here.alive(pid)) return { remove: false, reason: `its run (pid ${pid}) is still alive` };
  return { remove: true, reason: `its run (pid ${pid}${host === undefined ? '' : ` on ${host}`}) is gone` };
}

export interface Leftover {
  kind: 'container' | 'dovecot';
  /** Container id, or the Dovecot run directory. */
  id: string;
  /** One line for the console: `container 3f2a… (image, run …)`. */
  description: string;
  decision: Decision;
}

export interface CleanResult {
  removed: Leftover[];
  kept: Leftover[];
  problems: string[];
  /** Set when containers could not be checked (no engine): what to say about it. */
  docker?: string;
}

// ---- Dovecot targets -------------------------------------------------------------------------------------------

/** Name of the owner file in a Dovecot target's run directory. */
export const OWNER_FILE = 'cpm-conformance-owner.json';
export const DOVECOT_DIR_PREFIX = 'cpm-dovecot-';

interface DovecotOwnerFile extends Owner {
  suite: 'cpm-conformance';
  /** Process group of the Dovecot master. */
  pgid: number;
}

/** Labels a Dovecot target's run directory with its owner and process group. */
export function writeDovecotOwner(dir: string, pgid: number): void {
  const owner: DovecotOwnerFile = { suite: 'cpm-conformance', pid: process.pid, host: HERE.host, pgid };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o644 });
}

function readOwner(dir: string): DovecotOwnerFile | undefined {
  try {
    const o = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as DovecotOwnerFile;
    return o.suite === 'cpm-conformance' && Number.isInteger(o.pid) && Number.isInteger(o.pgid) ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pgid` still leads a group of Dovecot processes (checked by command line, so a reused pid is spared). */
function dovecotGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pgid}/cmdline`, 'utf8').includes('dovecot');
  } catch {
    return false; // no /proc, or the leader is gone: do not signal a group we cannot identify
  }
}

export function findDovecotLeftovers(here: Here = HERE, base = tmpdir()): Leftover[] {
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => n.startsWith(DOVECOT_DIR_PREFIX));
  } catch {
    return [];
  }
  const out: Leftover[] = [];
  for (const name of names) {
    const dir = join(base, name);
    const owner = readOwner(dir);
    if (!owner) continue; // not labelled: not ours to judge
    const decision = decide({ [SUITE_LABEL]: '1', [PID_LABEL]: String(owner.pid), [HOST_LABEL]: owner.host }, here);
    out.push({ kind: 'dovecot', id: dir, description: `Dovecot target ${dir} (process group ${owner.pgid})`, decision });
  }
  return out;
}

function removeDovecot(l: Leftover): void {
  const owner = readOwner(l.id);
  if (owner && dovecotGroupAlive(owner.pgid)) process.kill(-owner.pgid, 'SIGKILL');
  if (existsSync(l.id)) rmSync(l.id, { recursive: true, force: true });
}

// ---- containers ------------------------------------------------------------------------------------------------

interface ContainerSummary {
  Id: string;
  Image?: string;
  State?: string;
  Labels?: Record<string, string>;
}

/** The engine's containers with the suite label, each with a decision. */
export async function findContainerLeftovers(
  docker: { listContainers(opts: object): Promise<ContainerSummary[]> },
  here: Here = HERE,
): Promise<Leftover[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${SUITE_LABEL}=1`] } });
  return found.map((c) => ({
    kind: 'container' as const,
    id: c.Id,
    description: `container ${c.Id.slice(0, 12)} (${c.Image ?? 'image ?'}, ${c.State ?? 'state ?'}, run ${c.Labels?.[RUN_LABEL] ?? '?'})`,
    decision: decide(c.Labels ?? {}, here),
  }));
}

/**
 * Finds and (unless `dryRun`) removes the leftovers of dead runs. `docker`: false skips containers (a run without
 * a container target does not probe for an engine); true looks for an engine and says so when there is none.
 */
export async function cleanLeftovers(opts: { docker: boolean; dryRun?: boolean; here?: Here; probeTimeoutMs?: number; tmpBase?: string }): Promise<CleanResult> {
  const here = opts.here ?? HERE;
  const result: CleanResult = { removed: [], kept: [], problems: [] };
  const apply = async (l: Leftover, remove: () => Promise<void> | void): Promise<void> => {
    if (!l.decision.remove) return void result.kept.push(l);
    if (opts.dryRun) return void result.removed.push(l);
    try {
      await remove();
      result.removed.push(l);
    } catch (err) {
      result.problems.push(`${l.description}: not removed: ${(err as Error).message}`);
    }
  };
  for (const l of findDovecotLeftovers(here, opts.tmpBase)) await apply(l, () => removeDovecot(l));
  if (opts.docker) {
    const { probeDocker } = await import('./docker.js');
    const probe = await probeDocker(opts.probeTimeoutMs ?? 3_000);
    if (!probe.ok) {
      result.docker = `no Docker engine reachable (${probe.reason}): no containers checked`;
    } else {
      const docker = probe.engine.client.container.dockerode;
      try {
        for (const l of await findContainerLeftovers(docker as never, here)) {
          await apply(l, async () => {
            try {
              await docker.getContainer(l.id).remove({ force: true, v: true });
            } catch (err) {
              const status = (err as { statusCode?: number }).statusCode;
              if (status !== 404 && status !== 409) throw err;
            }
          });
        }
      } catch (err) {
        result.problems.push(`listing containers failed: ${(err as Error).message}`);
      }
    }
  }
  return result;
}
