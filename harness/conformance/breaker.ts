// The circuit breaker: when the target itself is at fault (unreachable, no greeting, a line or literal over the
// profile's limits, data that is not IMAP, a flood; harness/imap/target-faults.ts), the run stops talking to it.
//
//   closed ──first target fault──▶ re-probe (a fresh connection, greeting and login of the first device)
//                                    ├─ fails ───────────────▶ open
//                                    └─ succeeds ──▶ armed ──next target fault──▶ open
//   open: every case that has not started is blocked at once with the one cause, in every worker of the run
//
// A correct target never produces a target fault, so it never trips the breaker. The workers of one CLI run share
// the open state through a file (CPM_BREAKER_FILE, set by the CLI): the first worker that opens it blocks the
// cases of the others too.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { TargetFault } from '../imap/target-faults.js';
import type { CaseMeta } from './case.js';
import { CaseContext, type Run } from './context.js';

/** How a blocked case's message begins when the breaker blocked it (the console groups these under one cause). */
export const BREAKER_PREFIX = 'the target is unusable: ';

export interface BreakerState {
  /** The finding that opened the breaker, in words. */
  cause: string;
  /** The case in which it was seen first (undefined: the target did not start for a suite file). */
  caseId?: string;
  /** Why the breaker did not stop at the re-probe: `a fresh connection and login failed too: …`. */
  persisted?: string;
  at: string;
}

const PROBE_META: CaseMeta = {
  id: 'breaker.re-probe',
  requirements: [],
  clause: '5.2.1',
  level: 'MUST',
  features: [],
  statement: 're-probe of the target after a target fault',
  procedure: [],
  passCriteria: '',
};

/** The open state shared by the workers of a run, or undefined while it is closed (or no file is configured). */
export function readSharedBreaker(file = process.env['CPM_BREAKER_FILE']): BreakerState | undefined {
  if (!file) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as BreakerState;
    return typeof s.cause === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

function writeShared(state: BreakerState, file = process.env['CPM_BREAKER_FILE']): void {
  if (!file) return;
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, file);
  } catch {
    // the other workers find the cause themselves
  }
}

export class CircuitBreaker {
  private state: 'closed' | 'armed' | 'open' = 'closed';
  private opened: BreakerState | undefined;
  private firstFault: { fault: TargetFault; caseId: string } | undefined;

  /** Why cases are blocked, or undefined while the target is worth talking to. */
  openCause(): BreakerState | undefined {
    if (this.opened) return this.opened;
    const shared = readSharedBreaker();
    if (shared) {
      this.state = 'open';
      this.opened = shared;
    }
    return this.opened;
  }

  /** The blocked message of a case: the one cause, and where it was seen. */
  static blockedMessage(s: BreakerState): string {
    return `${BREAKER_PREFIX}${describeBreaker(s)}; the remaining cases are blocked`;
  }

  open(cause: string, caseId?: string, persisted?: string): BreakerState {
    if (this.opened) return this.opened;
    this.state = 'open';
    this.opened = { cause, ...(caseId ? { caseId } : {}), ...(persisted ? { persisted } : {}), at: new Date().toISOString() };
    writeShared(this.opened);
    return this.opened;
  }

  /**
   * A case saw target faults: re-probe once (first time), or open (a fault again after a successful re-probe, or a
   * failed re-probe). Resolves once the state is decided.
   */
  async onFaults(run: Run, caseId: string, faults: readonly TargetFault[]): Promise<void> {
    const fault = faults[0];
    if (!fault || this.openCause()) return;
    if (this.state === 'armed' && this.firstFault) {
      const first = this.firstFault;
      this.open(first.fault.cause, first.caseId, `a re-probe connected and logged in, then case ${caseId} met ${fault.kind === first.fault.kind ? 'it' : `this too: ${fault.cause}`} again`);
      return;
    }
    this.firstFault = { fault, caseId };
    const failure = await reprobe(run);
    if (failure === undefined) {
      this.state = 'armed';
      return;
    }
    this.open(fault.cause, caseId, `a fresh connection and login failed too: ${failure}`);
  }
}

/** A fresh connection, greeting and login of the profile's first device; the failure in words, undefined when it worked. */
export async function reprobe(run: Run): Promise<string | undefined> {
  const user = run.profile.accounts.users[0];
  const device = user?.devices[0];
  if (!user || !device) return undefined;
  const probe = new CaseContext(run, PROBE_META);
  try {
    await probe.session(user, device, `${user.name}/re-probe`);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await probe.finish().catch(() => undefined);
  }
}

/** `<cause> (in case <id>; <why it persisted>)`. */
export function describeBreaker(s: BreakerState): string {
  const where = [s.caseId ? `in case ${s.caseId}` : '', s.persisted ?? ''].filter(Boolean).join('; ');
  return `${s.cause}${where ? ` (${where})` : ''}`;
}

const breakers = new WeakMap<Run, CircuitBreaker>();

/** The breaker of a started run (one per suite file; the open state is shared across the run's workers). */
export function breakerOf(run: Run): CircuitBreaker {
  let b = breakers.get(run);
  if (!b) breakers.set(run, (b = new CircuitBreaker()));
  return b;
}

/** For a suite file whose target did not start: the breaker without a run. */
export const fileBreaker = new CircuitBreaker();
