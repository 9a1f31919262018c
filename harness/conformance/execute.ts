// Runs one case against a started Run and grades it, without any test framework: the vitest registration, the
// kill matrix and the benchmark all go through here, so a verdict means the same everywhere.
import { configureSessionLimits, type WireRecord } from '../imap/session.js';
import { onTargetFault, type TargetFault } from '../imap/target-faults.js';
import { renderTimeline } from '../imap/timeline.js';
import { BlockedError, ConformanceFailure, NotApplicableError } from '../must/index.js';
import { applicability } from './applicability.js';
import { breakerOf, CircuitBreaker, type BreakerState } from './breaker.js';
import type { Profile } from '../profile/types.js';
import type { CaseDefinition } from './case.js';
import { CaseContext, type CaseMetric, type Run } from './context.js';

export type Verdict = 'passed' | 'failed' | 'warning' | 'not-applicable' | 'blocked' | 'error';

export interface Outcome {
  verdict: Verdict;
  /** Why it did not pass (the failure message, the not-applicable reason, the warning). */
  message?: string;
  error?: unknown;
  /** For a ConformanceFailure: the broken requirement and the evidence. */
  failure?: { requirement: string; expected: string; actual: string };
  /**
   * Set when the case did not apply only because the profile lacks what a declared feature needs (a second device,
   * a PF account): the verdict stays not-applicable here, the reports call it not exercised and say what to add.
   */
  notExercised?: { remedy: string[] };
  /** The merged wire timeline of the case, rendered. */
  timeline: string;
  durationMs: number;
  /** What the case measured (CaseContext.metric). */
  metrics: readonly CaseMetric[];
}

/** The outcome of a case the circuit breaker blocks: not run against a target found unusable (harness/conformance/breaker.ts). */
export function blockedByBreaker(state: BreakerState): Outcome {
  const message = CircuitBreaker.blockedMessage(state);
  return { verdict: 'blocked', message, error: new BlockedError(message), timeline: '', durationMs: 0, metrics: [] };
}

/** A case of a suite file whose target did not start: not applicable as ever, else blocked with the breaker's cause. */
export function outcomeWithoutTarget(profile: Profile, def: CaseDefinition, state: BreakerState): Outcome {
  const app = applicability(def.meta, profile);
  if (!app.applicable) return notApplicable(app);
  return blockedByBreaker(state);
}

function notApplicable(app: Extract<ReturnType<typeof applicability>, { applicable: false }>): Outcome {
  return {
    verdict: 'not-applicable',
    message: app.reason,
    ...(app.unexercised ? { notExercised: { remedy: app.remedy } } : {}),
    timeline: '',
    durationMs: 0,
    metrics: [],
  };
}

export async function executeCase(run: Run, def: CaseDefinition, opts: { onWire?: (wires: WireRecord[]) => void } = {}): Promise<Outcome> {
  const started = performance.now();
  const app = applicability(def.meta, run.profile);
  if (!app.applicable) return notApplicable(app);
  // A target found unusable earlier in the run (here or in another worker): the case is blocked, not attempted.
  const breaker = breakerOf(run);
  const open = breaker.openCause();
  if (open) return blockedByBreaker(open);
  configureSessionLimits(run.profile.limits);
  const faults: TargetFault[] = [];
  const stopListening = onTargetFault((f) => faults.push(f));
  const ctx = new CaseContext(run, def.meta);
  let error: unknown;
  try {
    await def.run(ctx);
  } catch (err) {
    error = err;
  } finally {
    await ctx.finish();
    stopListening();
    opts.onWire?.(ctx.wires());
  }
  // The target itself was at fault in this case: re-probe once, or open the breaker for the cases after it.
  if (faults.length > 0) {
    for (const f of faults) ctx.note(`target fault (${f.kind}) on ${f.session}: ${f.cause}`);
    await breaker.onFaults(run, def.meta.id, faults);
  }
  const timeline = renderTimeline(ctx.timeline());
  const durationMs = performance.now() - started;
  const metrics = ctx.metrics();
  if (error === undefined) return { verdict: 'passed', timeline, durationMs, metrics };
  const message = (error as Error).message ?? String(error);
  if (error instanceof NotApplicableError) return { verdict: 'not-applicable', message, timeline, durationMs, metrics };
  if (error instanceof ConformanceFailure) {
    const soft = def.meta.level !== 'MUST' && !run.options.strict;
    const failure = { requirement: error.requirement, expected: error.expected, actual: error.actual };
    return { verdict: soft ? 'warning' : 'failed', message, error, failure, timeline, durationMs, metrics };
  }
  return { verdict: error instanceof BlockedError ? 'blocked' : 'error', message, error, timeline, durationMs, metrics };
}
