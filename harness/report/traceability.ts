// reports/traceability.{md,html}: every requirement of the catalog → the cases that check it → their verdicts in
// this run. Spec editors read it for the requirements no case checks, the ones that could not be checked against
// this target (every case not applicable, or not exercised for want of a device or account in the profile), and
// the verdicts that rest on the suite's reading of an ambiguity. Every requirement and every case is listed: the
// Markdown never truncates (the HTML page collapses long cells).
import { combineRemedies } from '../conformance/applicability.js';
import type { CaseMeta } from '../conformance/case.js';
import type { Catalog, Requirement } from '../spec/catalog.js';
import { mdCell } from './html.js';
import type { CaseResult, CaseVerdict, RunReport } from './model.js';

export type RequirementStatus =
  | 'passed'
  | 'warning'
  | 'failed'
  /** Not met, as the profile's expected-failure list says: a deviation listed in advance. */
  | 'known-deviation'
  /** Cases ran but none judged it: they errored, were blocked, or stopped at another requirement's failed assertion. */
  | 'not-judged'
  /** A declared feature the profile lacks the means to exercise (a second device, a PF account): no case of it ran. */
  | 'not-exercised'
  | 'not-applicable'
  | 'not-run'
  | 'not-selected'
  | 'uncovered'
  | 'deprecated';

export const REQUIREMENT_STATUSES: readonly RequirementStatus[] = [
  'passed', 'warning', 'failed', 'known-deviation', 'not-judged', 'not-exercised', 'not-applicable', 'not-run', 'not-selected', 'uncovered', 'deprecated',
];

export interface RequirementTrace {
  requirement: Requirement;
  /** Cases in the suite that check it, directly or through one of its statements. */
  caseIds: string[];
  /** Those cases' results in this run. */
  results: CaseResult[];
  status: RequirementStatus;
}

/** Verdicts that carry the evidence of a failed assertion (CaseResult.failure names its requirement). */
const ASSERTED: readonly CaseVerdict[] = ['failed', 'flaky', 'warning', 'expected-failure'];

function descendants(catalog: Catalog, id: string): string[] {
  const out = [id];
  for (const child of catalog.childrenOf(id)) out.push(...descendants(catalog, child.id));
  return out;
}

/**
 * A requirement's status from its cases' results. Attribution: a case that failed counts against a requirement
 * only when the assertion that failed names that requirement (or one below it); a case that stopped at another
 * requirement's assertion, errored or was blocked judged nothing about it.
 */
function statusOf(req: Requirement, ids: ReadonlySet<string>, caseIds: readonly string[], results: readonly CaseResult[]): RequirementStatus {
  if (req.deprecated) return 'deprecated';
  if (caseIds.length === 0) return 'uncovered';
  if (results.length === 0) return 'not-selected';
  // Without assertion evidence (never for a graded failure), the failure counts against every requirement of the case.
  const own = (r: CaseResult): boolean => ASSERTED.includes(r.verdict) && (r.failure === undefined || ids.has(r.failure.requirement));
  if (results.some((r) => (r.verdict === 'failed' || r.verdict === 'flaky') && own(r))) return 'failed';
  if (results.some((r) => r.verdict === 'expected-failure' && own(r))) return 'known-deviation';
  if (results.some((r) => r.verdict === 'warning' && own(r))) return 'warning';
  // An unexpected pass is a pass of the requirement (it fails the run because the profile's list is out of date).
  if (results.some((r) => r.verdict === 'passed' || r.verdict === 'unexpected-pass')) return 'passed';
  if (results.some((r) => ASSERTED.includes(r.verdict) || r.verdict === 'error' || r.verdict === 'blocked')) return 'not-judged';
  if (results.some((r) => r.verdict === 'not-exercised')) return 'not-exercised';
  if (results.every((r) => r.verdict === 'not-applicable')) return 'not-applicable';
  return 'not-run';
}

/** Traces every catalog requirement; `suiteCases` are all cases of the suite (not only the selection). */
export function traceRequirements(catalog: Catalog, suiteCases: readonly CaseMeta[], report: Pick<RunReport, 'cases'>): RequirementTrace[] {
  const byCase = new Map(report.cases.map((c) => [c.id, c]));
  const metas = new Map<string, CaseMeta>();
  for (const m of suiteCases) metas.set(m.id, m);
  for (const c of report.cases) if (!metas.has(c.id)) metas.set(c.id, { ...c, procedure: [], passCriteria: '' });
  return catalog.requirements.map((requirement) => {
    const ids = new Set(descendants(catalog, requirement.id));
    // A case also checks the requirement its failed assertion names, even one its metadata does not list.
    const caseIds = [...metas.values()]
      .filter((m) => m.requirements.some((r) => ids.has(r)) || (byCase.get(m.id)?.failure && ids.has(byCase.get(m.id)!.failure!.requirement)))
      .map((m) => m.id);
    const results = caseIds.map((id) => byCase.get(id)).filter((r): r is CaseResult => r !== undefined);
    return { requirement, caseIds, results, status: statusOf(requirement, ids, caseIds, results) };
  });
}

/** Every case with its verdict (the files list them all; the HTML page collapses long lists, html.ts). */
const verdictList = (results: readonly CaseResult[]): string =>
  results.map((r) => `\`${r.id}\` ${r.verdict}${r.failure && ASSERTED.includes(r.verdict) ? ` (assertion of \`${r.failure.requirement}\`)` : ''}`).join('<br>');

export function renderTraceability(catalog: Catalog, suiteCases: readonly CaseMeta[], report: RunReport): string {
  const traces = traceRequirements(catalog, suiteCases, report);
  const count = (s: RequirementStatus): number => traces.filter((t) => t.status === s).length;
  const lines: string[] = [
    '# Requirement traceability',
    '',
    `Specification: ${catalog.document.title}${catalog.document.version ? ` (${catalog.document.version})` : ''}. ` +
      `Run of ${report.startedAt} against ${report.target.description} (profile \`${report.profile.name}\`, sha256 \`${report.profile.sha256?.slice(0, 16) ?? '—'}…\`), ` +
      `suite ${report.suite.version}${report.complete ? '' : ' — **incomplete run**'}.`,
    '',
    'A requirement is failed only when an assertion that names it failed; a case that stopped at another requirement\'s assertion, errored or was blocked leaves it *not judged*.',
    '',
    '| requirements | passed | warning | failed | known deviation | not judged | not exercised | not applicable | not selected / not run | uncovered | deprecated |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${traces.length} | ${count('passed')} | ${count('warning')} | ${count('failed')} | ${count('known-deviation')} | ${count('not-judged')} | ${count('not-exercised')} | ${count('not-applicable')} | ${count('not-selected') + count('not-run')} | ${count('uncovered')} | ${count('deprecated')} |`,
    '',
    '## Requirements no case checks (uncovered)',
    '',
  ];
  const uncovered = traces.filter((t) => t.status === 'uncovered');
  if (uncovered.length === 0) lines.push('None.');
  else {
    lines.push('| requirement | clause | level | title | testability |', '|---|---|---|---|---|');
    for (const t of uncovered) {
      const r = t.requirement;
      lines.push(`| \`${r.id}\` | ${r.clause} | ${r.level} | ${mdCell(r.title)} | ${r.testability}${r.testabilityNote ? `: ${mdCell(r.testabilityNote)}` : ''} |`);
    }
  }
  lines.push('', '## Requirements the profile could not exercise', '');
  const gaps = traces.filter((t) => t.results.some((r) => r.verdict === 'not-exercised'));
  if (gaps.length === 0) lines.push('None.');
  else {
    lines.push(
      'Declared features whose cases need more than the profile provides. Add what the last column says and run again.',
      '',
      '| requirement | clause | level | status | cases not exercised | why | add to the profile |',
      '|---|---|---|---|---|---|---|',
    );
    for (const t of gaps) {
      const missing = t.results.filter((r) => r.verdict === 'not-exercised');
      const why = [...new Set(missing.map((r) => r.message ?? ''))];
      const remedy = combineRemedies(missing.flatMap((r) => r.remedy ?? []));
      lines.push(
        `| \`${t.requirement.id}\` | ${t.requirement.clause} | ${t.requirement.level} | ${t.status} | ${missing.map((r) => `\`${r.id}\``).join('<br>')} | ${mdCell(why.join('; '))} | ${mdCell(remedy.join('; '))} |`,
      );
    }
  }
  lines.push('', '## Requirements whose cases were all not applicable to this target', '');
  const na = traces.filter((t) => t.status === 'not-applicable');
  if (na.length === 0) lines.push('None.');
  else {
    lines.push('| requirement | clause | why (first case) |', '|---|---|---|');
    for (const t of na) lines.push(`| \`${t.requirement.id}\` | ${t.requirement.clause} | ${mdCell(t.results[0]?.message ?? '')} |`);
  }

  lines.push('', '## Known deviations (expected failures the profile lists)', '');
  const known = report.cases.filter((c) => c.verdict === 'expected-failure');
  if (known.length === 0) lines.push(report.profile.expectedFailures ? 'None failed as listed.' : 'The profile lists none.');
  else {
    lines.push('A known deviation is a failure the profile declared in advance: the requirement is not met by this target.', '');
    lines.push('| requirement | case | reason (from the profile) | evidence |', '|---|---|---|---|');
    for (const c of known) {
      lines.push(`| ${c.failure ? `\`${c.failure.requirement}\`` : c.requirements.map((r) => `\`${r}\``).join(', ')} | \`${c.id}\` | ${mdCell(c.expectation?.reason ?? '')} | ${mdCell(c.expectation?.evidence ?? '')} |`);
    }
  }

  lines.push('', '## Requirement → cases → verdicts', '');
  for (const clause of [...new Set(traces.map((t) => t.requirement.clause))]) {
    lines.push(`### Clause ${clause}`, '', '| requirement | level | title | status | cases (verdict) | ambiguities |', '|---|---|---|---|---|---|');
    for (const t of traces.filter((x) => x.requirement.clause === clause)) {
      const r = t.requirement;
      const cases = t.results.length > 0 ? verdictList(t.results) : t.caseIds.length > 0 ? `${t.caseIds.length} case(s), none ran` : '—';
      lines.push(
        `| \`${r.id}\` | ${r.level} | ${mdCell(r.title)} | **${t.status}** | ${cases} | ${(r.ambiguities ?? []).map((a) => `\`${a}\``).join(', ') || '—'} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Verdicts that depend on an interpretation', '');
  lines.push(
    'Each ambiguity below is a question the CR leaves open; the verdicts listed rest on the suite\'s interpretation. A changed ruling changes these verdicts.',
    '',
    '| ambiguity | question | suite interpretation | verdicts in this run |',
    '|---|---|---|---|',
  );
  for (const a of catalog.ambiguities) {
    const dependent = report.cases.filter((c) => c.interpretations.includes(a.id));
    if (dependent.length === 0) continue;
    lines.push(`| \`${a.id}\`${a.notesRef ? ` (${a.notesRef})` : ''} ${mdCell(a.title)} | ${mdCell(a.question)} | ${mdCell(a.suiteInterpretation)} | ${verdictList(dependent)} |`);
  }
  return `${lines.join('\n')}\n`;
}
