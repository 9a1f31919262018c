// Runs whole suites of conformance cases against one started target, the way the CLI grades them (executeCase,
// then the profile's expected-failure list), and says what keeps the run from passing.
import type { CaseDefinition } from '../../../harness/conformance/case.js';
import type { Run } from '../../../harness/conformance/context.js';
import { executeCase } from '../../../harness/conformance/execute.js';
import type { ExpectedFailures } from '../../../harness/profile/index.js';
import { expectationVerdict } from '../../../harness/report/expectations.js';
import { failsRun, type CaseVerdict } from '../../../harness/report/model.js';

export interface Graded {
  id: string;
  /** After the expected-failure list. */
  verdict: CaseVerdict;
  /** As executed. */
  observed: CaseVerdict;
  message?: string;
}

export async function runGraded(run: Run, cases: readonly CaseDefinition[], list: ExpectedFailures | undefined): Promise<Graded[]> {
  const listed = new Set(list?.entries.map((e) => e.case));
  const out: Graded[] = [];
  for (const c of cases) {
    const o = await executeCase(run, c);
    out.push({ id: c.meta.id, verdict: expectationVerdict(o.verdict, listed.has(c.meta.id)), observed: o.verdict, ...(o.message ? { message: o.message } : {}) });
  }
  return out;
}

/** One line per case that would fail a run (its verdict and the first lines of why), for an assertion message. */
export function runFailures(graded: readonly Graded[], levelOf: (id: string) => 'MUST' | 'SHOULD' | 'MAY'): string[] {
  return graded
    .filter((g) => failsRun({ verdict: g.verdict, level: levelOf(g.id) }, false))
    .map((g) => `${g.id}: ${g.verdict}${g.verdict === 'unexpected-pass' ? ' (remove it from the expected-failure list)' : ''} — ${(g.message ?? '').split('\n').slice(0, 4).join(' | ')}`);
}
