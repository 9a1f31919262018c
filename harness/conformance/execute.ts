// Runs one case against a started Run and grades it, without any test framework: the vitest registration, the
// kill matrix and the benchmark all go through here, so a verdict means the same everywhere.
import type { WireRecord } from '../imap/session.js';
import { renderTimeline } from '../imap/timeline.js';
import { BlockedError, ConformanceFailure, NotApplicableError } from '../must/index.js';
import { applicability } from './applicability.js';
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

export async function executeCase(run: Run, def: CaseDefinition, opts: { onWire?: (wires: WireRecord[]) => void } = {}): Promise<Outcome> {
  const started = performance.now();
  const app = applicability(def.meta, run.profile);
  if (!app.applicable) {
    return {
      verdict: 'not-applicable',
      message: app.reason,
      ...(app.unexercised ? { notExercised: { remedy: app.remedy } } : {}),
      timeline: '',
      durationMs: 0,
      metrics: [],
    };
  }
  const ctx = new CaseContext(run, def.meta);
  let error: unknown;
  try {
    await def.run(ctx);
  } catch (err) {
    error = err;
  } finally {
    await ctx.finish();
    opts.onWire?.(ctx.wires());
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
