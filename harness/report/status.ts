// How each case verdict is shown, defined once: the console, run.json, JUnit and Allure all take a case's status
// from here, so that a verdict means the same thing in every report.
//
// | verdict          | Allure                         | JUnit                          | console        | count line    |
// |------------------|--------------------------------|--------------------------------|----------------|---------------|
// | passed           | passed                         | (no child)                     | PASS           | passed        |
// | failed           | failed (SHOULD/MAY: tag, minor) | <failure type="must"> (should, may) | FAIL     | failed        |
// | warning          | failed, tag SHOULD, minor      | <failure type="should"> (may)  | WARN           | warnings      |
// | error            | broken                         | <error type="error">           | BROKEN         | broken        |
// | blocked          | broken                         | <error type="blocked">         | BLOCKED        | broken        |
// | not-applicable   | skipped, reason                | <skipped message="not applicable: …"> | N/A     | n/a           |
// | not-exercised    | skipped, reason and remedy     | <skipped message="not exercised: …">  | NOT EXERCISED | not exercised |
// | not-run          | skipped, why                   | <skipped message="not run: …"> | NOT RUN        | not run       |
// | flaky            | failed, flaky                  | <failure type="flaky">         | FLAKY          | failed        |
// | expected-failure | skipped, known, tag            | <skipped message="EXPECTED FAILURE …"> | XFAIL  | expected failures |
// | unexpected-pass  | failed, tag                    | <failure type="UnexpectedPass">| XPASS          | failed        |
//
// Broken means only "the harness could not judge" (an error, a blocked prerequisite); a failure of the target is
// always failed. A SHOULD/MAY deviation is failed in Allure and JUnit even when it does not fail the run (its
// type and tag say SHOULD), because it is a deviation; with --strict its verdict is failed outright.
import type { CaseResult, CaseStatus, CaseVerdict } from './model.js';

export type CountBucket = 'passed' | 'failed' | 'broken' | 'n/a' | 'not exercised' | 'warnings' | 'expected failures' | 'not run';

export interface StatusPresentation extends CaseStatus {
  bucket: CountBucket;
  junit: { element: 'none' | 'failure' | 'error' | 'skipped'; type?: string; message?: string };
  allure: { tags: string[]; severity?: 'minor'; known?: boolean; flaky?: boolean; message?: string };
}

type Input = Pick<CaseResult, 'verdict' | 'level' | 'message' | 'remedy' | 'expectation'>;

const firstLine = (s: string | undefined): string => (s ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '';

/** `PREFIX: first line of the message`, without doubling a prefix the message already has. */
const prefixed = (prefix: string, message: string | undefined): string => {
  const line = firstLine(message);
  return line.startsWith(`${prefix}:`) ? line : `${prefix}: ${line}`;
};

/** Why a skipped case did not run, for the skipped element and the Allure message. */
export function skipReason(c: Input): string {
  switch (c.verdict) {
    case 'not-applicable':
      return `not applicable: ${firstLine(c.message) || 'the profile does not declare what the case needs'}`;
    case 'not-exercised':
      return `not exercised: ${firstLine(c.message)}${c.remedy && c.remedy.length > 0 ? `; add to the profile: ${c.remedy.join('; ')}` : ''}`;
    case 'not-run':
      return `not run: ${firstLine(c.message) || 'the run stopped before this case'}`;
    default:
      return firstLine(c.message);
  }
}

export function expectedFailureText(c: Pick<CaseResult, 'expectation'>): string {
  const e = c.expectation;
  return `EXPECTED FAILURE (known deviation listed by the profile): ${e?.reason ?? ''} — evidence: ${e?.evidence ?? ''}${e?.reference ? ` — ${e.reference}` : ''}`;
}

export function presentStatus(c: Input): StatusPresentation {
  const v: CaseVerdict = c.verdict;
  const level = c.level.toLowerCase();
  switch (v) {
    case 'passed':
      return { status: 'passed', label: 'PASS', bucket: 'passed', junit: { element: 'none' }, allure: { tags: [] } };
    case 'failed':
      return {
        status: 'failed',
        label: 'FAIL',
        bucket: 'failed',
        junit: { element: 'failure', type: level, message: prefixed('FAILED', c.message) },
        // A SHOULD/MAY case fails only under --strict; it is still a SHOULD/MAY deviation, of minor severity.
        allure: c.level === 'MUST' ? { tags: [] } : { tags: [c.level], severity: 'minor' },
      };
    case 'warning': {
      const message = `WARNING (${c.level} deviation, does not fail the run without --strict): ${firstLine(c.message)}`;
      return {
        status: 'failed',
        label: 'WARN',
        bucket: 'warnings',
        junit: { element: 'failure', type: level, message },
        allure: { tags: [c.level, 'warning'], severity: 'minor', message },
      };
    }
    case 'error':
      return { status: 'broken', label: 'BROKEN', bucket: 'broken', junit: { element: 'error', type: 'error', message: prefixed('ERROR', c.message) }, allure: { tags: [] } };
    case 'blocked':
      return { status: 'broken', label: 'BLOCKED', bucket: 'broken', junit: { element: 'error', type: 'blocked', message: prefixed('BLOCKED', c.message) }, allure: { tags: ['blocked'] } };
    case 'not-applicable':
    case 'not-exercised':
    case 'not-run': {
      const message = skipReason(c);
      const label = v === 'not-applicable' ? 'N/A' : v === 'not-exercised' ? 'NOT EXERCISED' : 'NOT RUN';
      const bucket: CountBucket = v === 'not-applicable' ? 'n/a' : v === 'not-exercised' ? 'not exercised' : 'not run';
      return { status: 'skipped', label, bucket, junit: { element: 'skipped', message }, allure: { tags: v === 'not-applicable' ? [] : [v], message } };
    }
    case 'flaky':
      return {
        status: 'failed',
        label: 'FLAKY',
        bucket: 'failed',
        junit: { element: 'failure', type: 'flaky', message: prefixed('FLAKY', c.message) },
        allure: { tags: ['flaky'], flaky: true },
      };
    case 'expected-failure': {
      const message = expectedFailureText(c);
      return { status: 'skipped', label: 'XFAIL', bucket: 'expected failures', junit: { element: 'skipped', message }, allure: { tags: ['expected-failure'], known: true, message } };
    }
    case 'unexpected-pass':
      return {
        status: 'failed',
        label: 'XPASS',
        bucket: 'failed',
        junit: { element: 'failure', type: 'UnexpectedPass', message: c.message ?? 'unexpected pass' },
        allure: { tags: ['unexpected-pass'], message: c.message ?? 'unexpected pass' },
      };
  }
}

/** The part of the presentation run.json records with each case. */
export function caseStatus(c: Input): CaseStatus {
  const p = presentStatus(c);
  return { status: p.status, label: p.label };
}

export const COUNT_BUCKETS: readonly CountBucket[] = ['passed', 'failed', 'broken', 'n/a', 'warnings', 'not exercised', 'expected failures', 'not run'];

/** Buckets the count line always shows, even at 0; the others only when some case is in them. */
const ALWAYS: readonly CountBucket[] = ['passed', 'failed', 'broken', 'n/a', 'warnings'];

/** The console's last line: `220 passed, 2 failed, 0 broken, 24 n/a, 3 warnings` (then any other bucket in use). */
export function countLine(cases: readonly Input[]): string {
  const n = new Map<CountBucket, number>(COUNT_BUCKETS.map((b) => [b, 0]));
  for (const c of cases) {
    const b = presentStatus(c).bucket;
    n.set(b, n.get(b)! + 1);
  }
  return COUNT_BUCKETS.filter((b) => ALWAYS.includes(b) || n.get(b)! > 0)
    .map((b) => `${n.get(b)} ${b}`)
    .join(', ');
}
