// What one conformance run produced, independent of the test framework: the shape of reports/run.json
// (fixtures/report/run.schema.json) and the rules that turn case verdicts into the run's exit code.
import type { CaseLevel, Feature } from '../conformance/case.js';
import type { CaseMetric } from '../conformance/context.js';
import type { Verdict } from '../conformance/execute.js';
import type { Clause } from '../spec/catalog.js';

/**
 * A case's verdict in a run. Besides the verdicts of one execution: `not-exercised` (a declared feature the
 * profile lacks the means to exercise: a second device, a PF account; applicability.ts), `flaky` (repeated, both
 * passed and did not pass), `not-run` (selected, but the run stopped first: --bail or Ctrl-C), and for a case the
 * profile lists as a known deviation (expectations.ts): `expected-failure` (it failed, as listed) and
 * `unexpected-pass` (it passed: the list is out of date).
 */
export type CaseVerdict = Verdict | 'not-exercised' | 'flaky' | 'not-run' | 'expected-failure' | 'unexpected-pass';

export const VERDICTS: readonly CaseVerdict[] = [
  'passed',
  'failed',
  'warning',
  'not-applicable',
  'not-exercised',
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

/** How a case result is shown in every report format (harness/report/status.ts). */
export interface CaseStatus {
  /** Allure's status; JUnit's element follows the same split (failed → <failure>, broken → <error>, skipped → <skipped>). */
  status: 'passed' | 'failed' | 'broken' | 'skipped';
  /** The console's word for it: PASS, FAIL, WARN, BROKEN, N/A, NOT EXERCISED, NOT RUN, XFAIL, XPASS, FLAKY. */
  label: string;
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
  /** For a not-exercised case: what to add to the profile so that it runs. */
  remedy?: string[];
  /** For a case that did not pass: the last lines of its merged wire timeline (secrets already masked). */
  wireTail?: string[];
  /** The same status in every report (status.ts); set when the report is assembled. */
  status?: CaseStatus;
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
  p99: number;
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
  /** The server's answer to IMAP ID (RFC 2971), as parameters; null when it does not support ID or answered NIL. */
  imapId?: Record<string, string> | null;
  /** What product the target is: from IMAP ID when the server names itself there, else from the profile. */
  product?: { name: string; version: string | null; source: 'imap-id' | 'profile' };
}

/** The run's selection, exactly as given on the command line; empty: every case. */
export interface Selection {
  grep?: string;
  case?: string;
  clause?: string;
  requirement?: string;
}

/** How a declared device makes itself known to the store (no secret: credentials are never recorded). */
export interface DeviceIdentity {
  user: string;
  device: string;
  /** login: a per-device login name; imap-id-*: IMAP ID `+sip.instance` before / after login. */
  announce: string;
  login: string;
  /** For a device that announces itself with IMAP ID: the field it sends (profile accounts.imapId). */
  imapId?: { key: string; value: string };
}

/** Reference-store fault switches in force, and where they came from. */
export interface FaultSettings {
  names: string[];
  /** --fault: the command line; CPM_FAULTS: the environment; profile: target.faults; none: no fault. */
  source: '--fault' | 'CPM_FAULTS' | 'profile' | 'none';
}

/** Every timeout that can change a verdict, in ms. */
export interface TimeoutSettings {
  connectMs: number;
  commandMs: number;
  notifyMs: number;
  /** A PUSH notification must arrive within this (profile push.timeoutMs). */
  pushMs: number;
  /** vitest's limit for one case and for a suite file's setup (vitest.suite.config.ts). */
  caseMs: number;
  hookMs: number;
}

export type RunOutcome = 'passed' | 'failed' | 'setup-error' | 'vacuous' | 'incomplete' | 'interrupted';

/**
 * What the run lets a reader conclude (statement.ts decides it; run.json, the statement and the console repeat it):
 * `conformant` only when every case of the declared features ran and passed; `incomplete` when a declared feature
 * has cases the profile could not exercise; `partial run: no verdict` when a selection ran only some cases.
 */
export type StatementVerdict =
  | 'conformant'
  | 'conformant except for known deviations'
  | 'not conformant'
  | 'incomplete'
  | 'partial run: no verdict'
  | 'no verdict';

export interface RunVerdict {
  verdict: StatementVerdict;
  /** Why (empty for conformant). */
  reasons: string[];
  /** Cases that failed as the profile's expected-failure list says. */
  deviations: number;
}

export interface RunReport {
  $schema: string;
  /**
   * Version of this report format (fixtures/report/run.schema.json); 2 added the expected-failure verdicts; 3 the
   * verdict, not-exercised cases, case statuses, the exact selection, faults, timeouts, devices and git revision.
   */
  format: 3;
  /** Names the run's reports folder when the CLI chose it (reports/<runId>/). */
  runId: string;
  suite: { name: string; version: string; node: string; vitest: string; git: { revision: string | null; dirty: boolean | null } };
  specification: { title: string; version: string | null; sourceSha256: string };
  profile: {
    name: string;
    description: string;
    source: string;
    /** null when the profile could not be loaded (a setup error). */
    sha256: string | null;
    /** The profile's known deviations: the file, its SHA-256 and how many cases it lists; null when it names none. */
    expectedFailures: { file: string; sha256: string; entries: number } | null;
  };
  target: TargetDetails;
  /** The declared devices and how each announces itself; the PF account's login when there is one. */
  devices: DeviceIdentity[];
  pf: { login: string; authzidFor: string } | null;
  startedAt: string;
  finishedAt: string;
  /** False when the run was interrupted (Ctrl-C) or stopped early by --bail: some selected cases did not run. */
  complete: boolean;
  strict: boolean;
  repeat: number;
  bail: boolean;
  /** Parallel suite files (--workers); null: vitest's default. */
  workers: number | null;
  faults: FaultSettings;
  /** null when the profile could not be loaded. */
  timeouts: TimeoutSettings | null;
  selection: Selection;
  /** True when a selection ran only some of the suite's cases: such a run gives no verdict. */
  partial: boolean;
  outcome: RunOutcome;
  exitCode: number;
  verdict: RunVerdict;
  /** Setup problems: an invalid profile, an unreachable target, suite files that did not load. */
  errors: string[];
  totals: Record<CaseVerdict, number>;
  cases: CaseResult[];
  /** Every requirement of the catalog with its status in this run (traceability.ts). */
  requirements: { id: string; level: string; status: string }[];
  metrics: { pushLatencyMs: LatencySummary | null };
}

/**
 * Exit codes. 3 covers every run that proves too little for a verdict: nothing applicable ran (vacuous) or a
 * declared feature has cases the profile could not exercise (incomplete).
 */
export const EXIT = { PASS: 0, FAILED: 1, SETUP: 2, VACUOUS: 3, INCOMPLETE: 3, INTERRUPTED: 130 } as const;

/**
 * Whether the case's verdict fails the run: any non-pass of a MUST case, errors, flaky cases and unexpected passes
 * always, anything but a pass under --strict. An expected failure never does, under --strict neither: the profile
 * lists it in advance, and the reports still show it as a deviation.
 */
export function failsRun(c: Pick<CaseResult, 'verdict' | 'level'>, strict: boolean): boolean {
  switch (c.verdict) {
    case 'passed':
    case 'not-applicable':
    case 'not-exercised':
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

/**
 * A case of a declared feature that the profile could not exercise and that the verdict needs: a MUST case, or
 * under --strict any case (strict counts SHOULD/MAY too).
 */
export function leftUnexercised(c: Pick<CaseResult, 'verdict' | 'level'>, strict: boolean): boolean {
  return c.verdict === 'not-exercised' && (strict || c.level === 'MUST');
}

/**
 * Exit code and outcome of a run: interrupted, setup error, vacuous, failed, incomplete, passed (in that
 * precedence). Vacuous: no case selected, or none applicable (not applicable or not exercised). Incomplete: nothing
 * failed, but some mandatory case of a declared feature could not be exercised with this profile.
 */
export function decide(
  cases: readonly Pick<CaseResult, 'verdict' | 'level'>[],
  opts: { strict: boolean; errors: readonly string[]; interrupted: boolean },
): { outcome: RunOutcome; exitCode: number } {
  if (opts.interrupted) return { outcome: 'interrupted', exitCode: EXIT.INTERRUPTED };
  if (opts.errors.length > 0) return { outcome: 'setup-error', exitCode: EXIT.SETUP };
  if (cases.length === 0 || cases.every((c) => c.verdict === 'not-applicable' || c.verdict === 'not-exercised')) {
    return { outcome: 'vacuous', exitCode: EXIT.VACUOUS };
  }
  if (cases.some((c) => failsRun(c, opts.strict))) return { outcome: 'failed', exitCode: EXIT.FAILED };
  if (cases.some((c) => leftUnexercised(c, opts.strict))) return { outcome: 'incomplete', exitCode: EXIT.INCOMPLETE };
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
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1)!) };
}

export function countVerdicts(cases: readonly Pick<CaseResult, 'verdict'>[]): Record<CaseVerdict, number> {
  const totals = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<CaseVerdict, number>;
  for (const c of cases) totals[c.verdict]++;
  return totals;
}
