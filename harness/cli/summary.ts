// The console summary after a run: results per clause, the slowest cases, and for each case that did not pass
// the requirement (ID and text), expected vs actual, and the command that reruns just that case; the cases the
// profile could not exercise with what to add; then the verdict (the statement's) and, last, a one-line count.
import { BREAKER_PREFIX } from '../conformance/breaker.js';
import type { Catalog } from '../spec/catalog.js';
import { failsRun, type CaseResult, type CaseVerdict, type RunReport } from '../report/model.js';
import { selectionText, verdictText } from '../report/statement.js';
import { countLine, presentStatus } from '../report/status.js';

const COLUMNS: readonly [CaseVerdict, string][] = [
  ['passed', 'passed'],
  ['failed', 'failed'],
  ['warning', 'warnings'],
  ['not-applicable', 'not applicable'],
  ['not-exercised', 'not exercised'],
  ['blocked', 'blocked'],
  ['error', 'error'],
  ['flaky', 'flaky'],
  ['not-run', 'not run'],
  ['expected-failure', 'expected failures'],
  ['unexpected-pass', 'unexpected passes'],
];

/** Columns shown only when some case has that verdict (--repeat, --bail, Ctrl-C, an expected-failure list). */
const OCCASIONAL: readonly CaseVerdict[] = ['not-exercised', 'flaky', 'not-run', 'expected-failure', 'unexpected-pass'];

export function clauseTable(cases: readonly CaseResult[]): string {
  const cols = COLUMNS.filter(([v]) => !OCCASIONAL.includes(v) || cases.some((c) => c.verdict === v));
  const w = 8;
  const row = (label: string, of: readonly CaseResult[]): string =>
    `${label.padEnd(w)}${cols.map(([v, title]) => String(of.filter((c) => c.verdict === v).length).padStart(title.length + 2)).join('')}`;
  const clauses = [...new Set(cases.map((c) => c.clause))].sort();
  return [
    `${'clause'.padEnd(w)}${cols.map(([, title]) => `  ${title}`).join('')}`,
    ...clauses.map((cl) => row(cl, cases.filter((c) => c.clause === cl))),
    row('total', cases),
  ].join('\n');
}

function indent(text: string, prefix = '    '): string {
  return text.split('\n').map((l) => `${prefix}${l}`).join('\n');
}

function describeFailure(c: CaseResult, catalog: Catalog): string {
  // WARN: a SHOULD/MAY deviation that does not fail the run (without --strict); ✗: everything that fails it or could not be judged.
  const lines = [`${presentStatus(c).label === 'WARN' ? 'WARN' : '✗'} ${c.id} [${c.level}] ${c.verdict}${c.attempts.length > 1 ? ` (passed ${c.attempts.filter((a) => a.verdict === 'passed' || a.verdict === 'warning').length}/${c.attempts.length})` : ''}`];
  const reqIds = c.failure ? [c.failure.requirement] : c.requirements.slice(0, 3);
  for (const id of reqIds) {
    const r = catalog.find(id);
    lines.push(`  requirement ${id}${r ? ` (${r.clause}${r.table ? `, ${r.table}` : ''}, ${r.level}): ${r.text}` : ''}`);
  }
  if (!c.failure && c.requirements.length > 3) lines.push(`  … and ${c.requirements.length - 3} more requirement(s)`);
  if (c.failure) {
    lines.push(`  expected: ${c.failure.expected.trim()}`, `  actual:   ${c.failure.actual.trim()}`);
    const summary = (c.message ?? '').split('\n')[0];
    if (summary) lines.push(`  check:    ${summary}`);
  } else if (c.message) {
    lines.push(indent(c.message.split('\n').slice(0, 8).join('\n'), '  '));
  }
  if (c.wireTail && c.wireTail.length > 0) lines.push('  last wire lines (full timeline in the Allure report and junit.xml):', ...c.wireTail.map((l) => `    ${l}`));
  lines.push(`  rerun:    ${c.rerun}`);
  return lines.join('\n');
}

export function renderSummary(report: RunReport, catalog: Catalog, files: readonly string[]): string {
  const out: string[] = ['', clauseTable(report.cases)];
  const timed = report.cases.filter((c) => c.verdict !== 'not-applicable' && c.verdict !== 'not-run');
  if (timed.length > 0) {
    out.push('', 'slowest cases:');
    for (const c of [...timed].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5)) out.push(`  ${c.durationMs.toFixed(0).padStart(6)} ms  ${c.id}`);
  }
  const p = report.metrics.pushLatencyMs;
  if (p) out.push('', `PUSH latency: ${p.count} notification(s), p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms, max ${p.max} ms`);
  // Cases the circuit breaker blocked share one cause: it is shown once, not once per case.
  const byBreaker = report.cases.filter((c) => c.verdict === 'blocked' && c.message?.startsWith(BREAKER_PREFIX));
  const shown = report.cases.filter(
    (c) => (failsRun(c, report.strict) || c.verdict === 'warning' || c.verdict === 'blocked' || c.verdict === 'error') && !byBreaker.includes(c),
  );
  for (const c of shown) out.push('', describeFailure(c, catalog));
  if (byBreaker.length > 0) {
    out.push('', `✗ ${byBreaker.length} case(s) blocked, not attempted: ${byBreaker[0]!.message!.split('\n')[0]}`, '  (run.json lists each of them)');
  }
  const known = report.cases.filter((c) => c.verdict === 'expected-failure');
  if (known.length > 0) {
    out.push('', `known deviations (expected failures listed by the profile; still failures of the target): ${known.length}`);
    for (const c of known) {
      out.push(`  ≈ ${c.id} [${c.level}] ${c.failure ? `breaks ${c.failure.requirement}: ` : ''}${c.expectation?.reason ?? ''} (${c.expectation?.evidence ?? ''})`);
    }
  }
  const undecided = report.cases.filter((c) => c.expectation?.status === 'undecided');
  if (undecided.length > 0) {
    out.push('', 'listed as expected failures, neither met nor contradicted:');
    for (const c of undecided) out.push(`  ? ${c.id}: ${c.verdict}`);
  }
  if (report.errors.length > 0) out.push('', 'setup errors:', ...report.errors.map((e) => indent(e, '  ')));
  if (files.length > 0) out.push('', 'reports:', ...files.map((f) => `  ${f}`));
  const na = report.cases.filter((c) => c.verdict === 'not-applicable');
  if (na.length > 0) {
    out.push('', `not applicable (features the profile does not declare, or rules the server's capabilities make optional): ${na.length}`);
    const byReason = new Map<string, number>();
    for (const c of na) byReason.set(c.message?.split('\n')[0] ?? '', (byReason.get(c.message?.split('\n')[0] ?? '') ?? 0) + 1);
    for (const [why, n] of byReason) out.push(`  - ${n} case(s): ${why}`);
  }
  const gaps = report.cases.filter((c) => c.verdict === 'not-exercised');
  if (gaps.length > 0) {
    out.push('', `not exercised (declared features the profile lacks the means to exercise): ${gaps.length}`);
    const byRemedy = new Map<string, string[]>();
    for (const c of gaps) {
      const key = `${c.message ?? ''} → add to the profile: ${(c.remedy ?? []).join('; ')}`;
      byRemedy.set(key, [...(byRemedy.get(key) ?? []), c.id]);
    }
    for (const [why, ids] of byRemedy) out.push(`  - ${ids.length} case(s): ${why}`);
  }
  const onlyUnexpected = report.cases.filter((c) => failsRun(c, report.strict)).every((c) => c.verdict === 'unexpected-pass');
  const passedLine = report.partial ? 'every selected case that applies passed' : 'every applicable mandatory case passed';
  const verdictLine: Record<RunReport['outcome'], string> = {
    passed: known.length > 0 ? `${passedLine} except ${known.length} known deviation(s) the profile lists as expected failures` : passedLine,
    failed: onlyUnexpected
      ? 'a case listed as an expected failure passed: remove its entry from the expected-failure list'
      : report.strict
        ? 'a case did not pass (strict)'
        : 'a mandatory case failed',
    'setup-error': 'setup error',
    vacuous: report.cases.length === 0 ? 'vacuous run: no case was selected' : 'vacuous run: every selected case was not applicable to the profile',
    incomplete: 'incomplete: the profile could not exercise every mandatory case of the features it declares',
    interrupted: 'interrupted: partial results',
  };
  out.push('', `verdict: ${verdictText(report.verdict)}${report.verdict.reasons.length > 0 ? ` (${report.verdict.reasons[0]})` : ''}`);
  out.push(`${verdictLine[report.outcome]} (exit ${report.exitCode})`);
  out.push(countLine(report.cases));
  return `${out.join('\n')}\n`;
}

/** What `run --json` prints: the run.json summary for CI scripts (no case list; run.json has it). */
export function runSummary(report: RunReport, reportsDir: string) {
  return {
    format: report.format,
    runId: report.runId,
    reports: reportsDir,
    outcome: report.outcome,
    exitCode: report.exitCode,
    verdict: report.verdict.verdict,
    reasons: report.verdict.reasons,
    complete: report.complete,
    partial: report.partial,
    selection: report.selection,
    selectionText: selectionText(report.selection),
    strict: report.strict,
    repeat: report.repeat,
    faults: report.faults,
    suite: { version: report.suite.version, git: report.suite.git },
    profile: { name: report.profile.name, sha256: report.profile.sha256 },
    target: { kind: report.target.kind, description: report.target.description, product: report.target.product ?? null },
    totals: report.totals,
    counts: countLine(report.cases),
    errors: report.errors,
    metrics: report.metrics,
  };
}
