// What one conformance run produced, independent of the test framework: the shape of reports/run.json
// (fixtures/report/run.schema.json) and the rules that turn case verdicts into the run's exit code.
import type { CaseLevel, Feature } from '../conformance/case.js';
import type { CaseMetric } from '../conformance/context.js';
import type { Verdict } from '../conformance/execute.js';
import type { Clause } from '../spec/catalog.js';

/**
 * A case's verdict in a run. Besides the verdicts of one execution: `flaky` (repeated, both passed and did not
 * pass), `not-run` (selected, but the run stopped first: --bail or Ctrl-C), and for a case the profile lists as
 * a known deviation (expectations.ts): `expected-failure` (it failed, as listed) and `unexpected-pass` (it passed:
 * the list is out of date).
 */
export type CaseVerdict = Verdict | 'flaky' | 'not-run' | 'expected-failure' | 'unexpected-pass';

export const VERDICTS: readonly CaseVerdict[] = [
  'passed',
  'failed',
  'warning',
  'not-applicable',
  'blocked',
  'error',
  'flaky',
  'not-run',
  'expected-failure',
  'unexpected-pass',
];

/** How a case listed as a known deviation came out (CaseResult.expectation). */
export interface CaseExpectation {
  /** The entry of the profile's expected-failure list. */
  reason: string;
  evidence: string;
  reference?: string;
  /** The verdict before the expectation was applied. */
  observed: CaseVerdict;
  /** met: it failed as listed; contradicted: it passed; undecided: not applicable, blocked, errored, flaky or not run. */
  status: 'met' | 'contradicted' | 'undecided';
}

export interface AttemptResult {
  verdict: Verdict;
  durationMs: number;
  message?: string;
}

export interface CaseResult {
  id: string;
  clause: Clause;
  level: CaseLevel;
  requirements: string[];
  features: Feature[];
  /** Ambiguity records the verdict depends on (the case's own and those of its requirements). */
  interpretations: string[];
  statement: string;
  verdict: CaseVerdict;
  /** Wall time of the case in this run (all attempts). */
  durationMs: number;
  /** Why it did not pass: failure summary, not-applicable reason, warning. */
  message?: string;
  /** For a failed check: the broken requirement, what it demands and what the target did. */
  failure?: { requirement: string; expected: string; actual: string };
  /** Every execution (one unless --repeat). */
  attempts: AttemptResult[];
  metrics: CaseMetric[];
  /** Latency of each PUSH notification the case awaited (metric push-latency-ms), in ms. */
  pushLatencyMs: number[];
  /** The command that reruns just this case. */
  rerun: string;
  /** Present when the profile lists the case as an expected failure. */
  expectation?: CaseExpectation;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export interface TargetDetails {
  kind: string;
  description: string;
  version?: string;
  image?: string;
  imageDigest?: string;
  /** The server's IMAP greeting, as received (before login). */
  greeting?: string;
  /** CAPABILITY after login, upper case, sorted. */
  capabilities: string[];
}

export interface Selection {
  grep?: string;
  clause?: string;
  requirement?: string;
}

export type RunOutcome = 'passed' | 'failed' | 'setup-error' | 'vacuous' | 'interrupted';

export interface RunReport {
  $schema: string;
  /** Version of this report format (fixtures/report/run.schema.json); 2 added the expected-failure verdicts. */
  format: 2;
  suite: { name: string; version: string; node: string; vitest: string };
  specification: { title: string; version: string | null; sourceSha256: string };
  profile: {
    name: string;
    description: string;
    source: string;
    sha256: string;
    /** The profile's known deviations: the file, its SHA-256 and how many cases it lists; null when it names none. */
    expectedFailures: { file: string; sha256: string; entries: number } | null;
  };
  target: TargetDetails;
  startedAt: string;
  finishedAt: string;
  /** False when the run was interrupted (Ctrl-C) or stopped early by --bail: some selected cases did not run. */
  complete: boolean;
  strict: boolean;
  repeat: number;
  bail: boolean;
  selection: Selection;
  outcome: RunOutcome;
  exitCode: number;
  /** Setup problems: suite files that did not load, a target that did not start in a worker. */
  errors: string[];
  totals: Record<CaseVerdict, number>;
  cases: CaseResult[];
  metrics: { pushLatencyMs: LatencySummary | null };
}

export const EXIT = { PASS: 0, FAILED: 1, SETUP: 2, VACUOUS: 3, INTERRUPTED: 130 } as const;

/**
 * Whether the case's verdict fails the run: any non-pass of a MUST case, errors, flaky cases and unexpected passes
 * always, anything but a pass under --strict. An expected failure never does, under --strict neither: the profile
 * lists it in advance, and the reports still show it as a deviation.
 */
export function failsRun(c: Pick<CaseResult, 'verdict' | 'level'>, strict: boolean): boolean {
  switch (c.verdict) {
    case 'passed':
    case 'not-applicable':
    case 'not-run':
    case 'expected-failure':
      return false;
    case 'error':
    case 'flaky':
    case 'failed':
    case 'unexpected-pass':
      return true;
    case 'warning':
      return strict;
    case 'blocked':
      return strict || c.level === 'MUST';
  }
}

/** Exit code and outcome of a run: interrupted, setup error, vacuous, failed, passed (in that precedence). */
export function decide(
  cases: readonly Pick<CaseResult, 'verdict' | 'level'>[],
  opts: { strict: boolean; errors: readonly string[]; interrupted: boolean },
): { outcome: RunOutcome; exitCode: number } {
  if (opts.interrupted) return { outcome: 'interrupted', exitCode: EXIT.INTERRUPTED };
  if (opts.errors.length > 0) return { outcome: 'setup-error', exitCode: EXIT.SETUP };
  if (cases.length === 0 || cases.every((c) => c.verdict === 'not-applicable')) return { outcome: 'vacuous', exitCode: EXIT.VACUOUS };
  if (cases.some((c) => failsRun(c, opts.strict))) return { outcome: 'failed', exitCode: EXIT.FAILED };
  return { outcome: 'passed', exitCode: EXIT.PASS };
}

/** The verdict of a case executed `attempts.length` times: the common verdict, or flaky when passes and non-passes mix. */
export function combineAttempts(attempts: readonly AttemptResult[]): CaseVerdict {
  if (attempts.length === 0) return 'not-run';
  const first = attempts[0]!.verdict;
  if (attempts.every((a) => a.verdict === first)) return first;
  const passing = (v: Verdict): boolean => v === 'passed' || v === 'warning';
  if (attempts.some((a) => passing(a.verdict)) && attempts.some((a) => !passing(a.verdict) && a.verdict !== 'not-applicable')) return 'flaky';
  // Mixed non-passes (failed, then error): the worst one.
  const order: Verdict[] = ['error', 'failed', 'blocked', 'warning', 'passed', 'not-applicable'];
  return order.find((v) => attempts.some((a) => a.verdict === v)) ?? first;
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function latencySummary(values: readonly number[]): LatencySummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.at(-1)!) };
}

export function countVerdicts(cases: readonly Pick<CaseResult, 'verdict'>[]): Record<CaseVerdict, number> {
  const totals = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<CaseVerdict, number>;
  for (const c of cases) totals[c.verdict]++;
  return totals;
}
