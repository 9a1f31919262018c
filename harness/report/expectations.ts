// Known deviations: a case the profile lists in its expected-failure list is graded against that expectation.
// It failed → `expected-failure` (reported everywhere, does not fail the run); it passed → `unexpected-pass`
// (fails the run: the entry must go); not applicable, not exercised, blocked, errored, flaky or not run → reported as such,
// the expectation neither met nor contradicted. A SHOULD/MAY case that failed (a warning) meets it too.
import { basename } from 'node:path';
import type { ExpectedFailure, ExpectedFailures } from '../profile/expected-failures.js';
import type { CaseExpectation, CaseResult, CaseVerdict } from './model.js';

/** The verdict of a case given its observed verdict and whether the profile lists it as an expected failure. */
export function expectationVerdict(observed: CaseVerdict, listed: boolean): CaseVerdict {
  if (!listed) return observed;
  if (observed === 'failed' || observed === 'warning') return 'expected-failure';
  if (observed === 'passed') return 'unexpected-pass';
  return observed;
}

function statusOf(observed: CaseVerdict): CaseExpectation['status'] {
  const v = expectationVerdict(observed, true);
  return v === 'expected-failure' ? 'met' : v === 'unexpected-pass' ? 'contradicted' : 'undecided';
}

/** What to do about an unexpected pass, in one line. */
export function unexpectedPassMessage(entry: ExpectedFailure, file: string): string {
  return `UNEXPECTED PASS: the profile lists this case as an expected failure (${entry.reason}; evidence ${entry.evidence}) but it passed: remove its entry from ${basename(file)} (${file})`;
}

/** Why a listed case neither met nor contradicted its expectation. */
function undecidedNote(observed: CaseVerdict): string {
  const what: Partial<Record<CaseVerdict, string>> = {
    'not-applicable': 'it is not applicable to this profile',
    'not-exercised': 'the profile lacks what it takes to exercise it',
    blocked: 'it was blocked',
    error: 'it errored',
    flaky: 'its attempts both passed and failed',
    'not-run': 'it did not run',
  };
  return `listed as an expected failure, but ${what[observed] ?? observed}: the expectation is neither met nor contradicted`;
}

/** Applies the profile's expected-failure list to one case result. */
export function applyExpectation(result: CaseResult, list: ExpectedFailures | undefined): CaseResult {
  const entry = list?.entries.find((e) => e.case === result.id);
  if (!entry || !list || result.expectation) return result;
  const observed = result.verdict;
  const expectation: CaseExpectation = {
    reason: entry.reason,
    evidence: entry.evidence,
    ...(entry.reference !== undefined ? { reference: entry.reference } : {}),
    observed,
    status: statusOf(observed),
  };
  const verdict = expectationVerdict(observed, true);
  let message = result.message;
  if (verdict === 'unexpected-pass') message = unexpectedPassMessage(entry, list.file);
  else if (verdict === 'expected-failure') message = `expected failure (known deviation: ${entry.reason}; evidence ${entry.evidence})${message ? `\n${message}` : ''}`;
  else message = `${undecidedNote(observed)}${message ? `\n${message}` : ''}`;
  return { ...result, verdict, ...(message !== undefined ? { message } : {}), expectation };
}

export function applyExpectations(results: readonly CaseResult[], list: ExpectedFailures | undefined): CaseResult[] {
  return results.map((r) => applyExpectation(r, list));
}
