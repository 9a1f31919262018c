// From vitest's view of a finished case (its state and the attempts register.ts recorded in the task meta) to the
// case result of the reports.
import type { TestCase } from 'vitest/node';
import type { CaseMeta } from '../conformance/case.js';
import { METRICS } from '../conformance/context.js';
import type { Catalog } from '../spec/catalog.js';
import { combineAttempts, type AttemptResult, type CaseResult, type CaseVerdict } from '../report/model.js';

/** Ambiguities a case's verdict depends on: its own interpretations and those of the requirements it checks. */
export function interpretationsOf(meta: CaseMeta, catalog: Catalog): string[] {
  return [...new Set([...(meta.interpretations ?? []), ...meta.requirements.flatMap((r) => catalog.find(r)?.ambiguities ?? [])])];
}

export function gradeCase(t: TestCase, catalog: Catalog, rerun: (meta: CaseMeta) => string): CaseResult | undefined {
  const meta = t.meta().cpm;
  if (!meta) return undefined;
  const recorded = t.meta().cpmAttempts ?? [];
  const r = t.result();
  const vitestError = r.state === 'failed' ? (r.errors?.[0]?.message ?? 'failed') : undefined;
  const attempts: AttemptResult[] = recorded.map((a) => ({
    verdict: a.verdict,
    durationMs: Math.max(0, a.durationMs),
    ...(a.message !== undefined ? { message: a.message } : {}),
  }));
  let verdict: CaseVerdict = combineAttempts(attempts);
  // Not applicable only because the profile lacks what a declared feature needs (every attempt says the same).
  const notExercised = recorded.find((a) => a.notExercised)?.notExercised;
  if (verdict === 'not-applicable' && notExercised) verdict = 'not-exercised';
  let message = [...recorded].reverse().find((a) => a.verdict !== 'passed')?.message;
  // Ctrl-C cancels the run: vitest fails the case in flight with its abort error whatever the case itself found.
  const aborted = vitestError !== undefined && /aborted by the user/.test(vitestError);
  if (aborted) {
    if (attempts.length === 0) {
      verdict = 'not-run';
      message = 'interrupted before the case finished';
    }
  } else if (attempts.length === 0 && vitestError !== undefined) {
    // The body never graded the case: a hook failed (target did not start in the worker) or vitest timed it out.
    verdict = 'error';
    message = vitestError;
  } else if (vitestError !== undefined && (verdict === 'passed' || verdict === 'warning')) {
    verdict = 'error';
    message = `the case passed but vitest failed it: ${vitestError}`;
  }
  const failure = [...recorded].reverse().find((a) => a.failure)?.failure;
  const wireTail = [...recorded].reverse().find((a) => a.wireTail)?.wireTail;
  const metrics = recorded.flatMap((a) => a.metrics.map((m) => ({ ...m })));
  return {
    id: meta.id,
    clause: meta.clause,
    level: meta.level,
    requirements: [...meta.requirements],
    features: [...meta.features],
    interpretations: interpretationsOf(meta, catalog),
    statement: meta.statement,
    verdict,
    durationMs: Math.max(0, t.diagnostic()?.duration ?? attempts.reduce((s, a) => s + a.durationMs, 0)),
    ...(message !== undefined ? { message } : {}),
    ...(failure && verdict !== 'passed' ? { failure: { ...failure } } : {}),
    ...(verdict === 'not-exercised' && notExercised ? { remedy: [...notExercised.remedy] } : {}),
    ...(wireTail && verdict !== 'passed' ? { wireTail: [...wireTail] } : {}),
    attempts,
    metrics,
    pushLatencyMs: metrics.filter((m) => m.name === METRICS.pushLatency).map((m) => m.value),
    rerun: rerun(meta),
  };
}

/** A selected case the run never reached (--bail stopped it, or Ctrl-C). */
export function notRunResult(meta: CaseMeta, catalog: Catalog, rerun: (meta: CaseMeta) => string): CaseResult {
  return {
    id: meta.id,
    clause: meta.clause,
    level: meta.level,
    requirements: [...meta.requirements],
    features: [...meta.features],
    interpretations: interpretationsOf(meta, catalog),
    statement: meta.statement,
    verdict: 'not-run',
    durationMs: 0,
    message: 'the run stopped before this case',
    attempts: [],
    metrics: [],
    pushLatencyMs: [],
    rerun: rerun(meta),
  };
}
