// Stored runs for `cr diff --results`: run.json files (a file, a run's reports folder, or a folder of them such as
// reports/), schema-checked, and what a CR change does to their verdicts.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseLevel } from '../conformance/case.js';
import { type CaseResult, type CaseVerdict, type RunReport, decide, failsRun } from '../report/model.js';
import { runReportProblems } from '../report/run-json.js';
import { presentStatus } from '../report/status.js';
import { InputError } from './sources.js';

export interface StoredRun {
  /** The run.json file. */
  readonly file: string;
  /** Who the run was against: the product its IMAP ID names, else the profile. */
  readonly label: string;
  readonly report: RunReport;
}

/** The run.json files an argument names: itself, DIR/run.json, or DIR/<run>/run.json for each run folder. */
function runFiles(arg: string): string[] {
  if (!existsSync(arg)) throw new InputError(`--results ${arg}: no such file or directory`);
  if (statSync(arg).isFile()) return [arg];
  if (existsSync(join(arg, 'run.json'))) return [join(arg, 'run.json')];
  const files = readdirSync(arg, { withFileTypes: true })
    .filter((d) => d.isDirectory() || d.isSymbolicLink())
    .map((d) => join(arg, d.name, 'run.json'))
    .filter((f) => existsSync(f));
  if (files.length === 0) throw new InputError(`--results ${arg}: no run.json in it or in its sub-folders`);
  return files;
}

export function loadRuns(args: readonly string[]): StoredRun[] {
  const seen = new Set<string>();
  const runs: StoredRun[] = [];
  for (const arg of args) {
    for (const file of runFiles(arg)) {
      const real = realpathSync(file);
      if (seen.has(real)) continue;
      seen.add(real);
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new InputError(`--results ${file}: not JSON: ${(err as Error).message}`);
      }
      const format = (doc as { format?: unknown } | null)?.format;
      if (format !== 3) throw new InputError(`--results ${file}: run.json format ${JSON.stringify(format)}, this suite reads format 3`);
      const problems = runReportProblems(doc);
      if (problems.length > 0) {
        throw new InputError(`--results ${file}: not a valid run.json (fixtures/report/run.schema.json):\n  ${problems.slice(0, 8).join('\n  ')}`);
      }
      const report = doc as RunReport;
      const label = report.target.product?.name ?? report.profile.name ?? report.target.kind;
      runs.push({ file, label, report });
    }
  }
  // Two runs against the same product: tell them apart by profile.
  for (const r of runs) {
    if (runs.filter((o) => o.label === r.label).length > 1) {
      (r as { label: string }).label = `${r.label} (${r.report.profile.name}, ${r.report.runId})`;
    }
  }
  return runs;
}

/** The case level a statement of this level gives its cases. */
export function caseLevelOf(level: string): CaseLevel | null {
  if (/^(?:conditional )?(?:SHALL|MUST)(?: NOT)?$/.test(level) || level === 'Mandatory') return 'MUST';
  if (/^SHOULD(?: NOT)?$/.test(level)) return 'SHOULD';
  if (level === 'MAY' || level === 'Optional') return 'MAY';
  return null;
}

export type EffectKind = 'would-fail' | 'would-pass' | 'unchanged' | 'needs-rerun' | 'orphaned';

export interface CaseEffect {
  readonly case: string;
  readonly level: { readonly before: CaseLevel; readonly after: CaseLevel };
  readonly verdict: { readonly before: CaseVerdict; readonly after: CaseVerdict | null };
  /** The console's word for the verdict (PASS, WARN, FAIL …); after: null when only a re-run can tell. */
  readonly status: { readonly before: string; readonly after: string | null };
  readonly failsRun: { readonly before: boolean; readonly after: boolean | null };
  readonly effect: EffectKind;
  readonly note?: string;
}

const label = (c: Pick<CaseResult, 'verdict' | 'level' | 'message' | 'remedy' | 'expectation'>): string => presentStatus(c).label;

/**
 * A statement's level changes from `before` to `after`: each stored case of it whose level follows the statement's
 * takes the new level, and its stored outcome the verdict it gets at that level (a SHOULD case's warning is a
 * failure when the statement becomes SHALL, a MUST case's failure a warning when it becomes SHOULD).
 */
export function levelEffect(c: CaseResult, before: string, after: string, strict: boolean): CaseEffect {
  const from = caseLevelOf(before);
  const to = caseLevelOf(after);
  const follows = from !== null && to !== null && c.level === from;
  const level = follows ? to : c.level;
  let verdict: CaseVerdict = c.verdict;
  const soft = level !== 'MUST' && !strict;
  if (c.verdict === 'warning' && !soft) verdict = 'failed';
  else if (c.verdict === 'failed' && soft && c.failure !== undefined) verdict = 'warning';
  const after_ = { ...c, level, verdict };
  const fb = failsRun(c, strict);
  const fa = failsRun(after_, strict);
  return {
    case: c.id,
    level: { before: c.level, after: level },
    verdict: { before: c.verdict, after: verdict },
    status: { before: label(c), after: label(after_) },
    failsRun: { before: fb, after: fa },
    effect: fa && !fb ? 'would-fail' : fb && !fa ? 'would-pass' : 'unchanged',
    ...(!follows && from !== null && to !== null && from !== to
      ? { note: `the case is ${c.level} while the statement was ${before}: its level stays` }
      : {}),
  };
}

/** The stored outcome says nothing about the new text: the case has to run again. */
export function rerunEffect(c: CaseResult, why: string, strict: boolean): CaseEffect {
  return {
    case: c.id,
    level: { before: c.level, after: c.level },
    verdict: { before: c.verdict, after: null },
    status: { before: label(c), after: null },
    failsRun: { before: failsRun(c, strict), after: null },
    effect: 'needs-rerun',
    note: why,
  };
}

/**
 * The case's requirement is gone: a case with nothing else to cover is orphaned (its outcome no longer counts); one
 * that still covers other requirements has to run again without the removed check.
 */
export function orphanEffect(c: CaseResult, removed: readonly string[], strict: boolean): CaseEffect {
  const remaining = c.requirements.filter((r) => !removed.includes(r));
  if (remaining.length > 0) {
    return rerunEffect(c, `covers ${removed.join(', ')}, which the new text removes; still covers ${remaining.join(', ')}`, strict);
  }
  return {
    case: c.id,
    level: { before: c.level, after: c.level },
    verdict: { before: c.verdict, after: null },
    status: { before: label(c), after: null },
    failsRun: { before: failsRun(c, strict), after: false },
    effect: 'orphaned',
    note: `covers only ${removed.join(', ')}, which the new text removes`,
  };
}

export interface RunImpact {
  readonly file: string;
  readonly label: string;
  readonly target: string;
  readonly strict: boolean;
  readonly partial: boolean;
  readonly before: { readonly outcome: string; readonly exitCode: number; readonly verdict: string };
  /** Outcome with the computed verdicts (cases that need a re-run keep their stored verdict). */
  readonly after: { readonly outcome: string; readonly exitCode: number };
  readonly wouldFail: readonly string[];
  readonly wouldPass: readonly string[];
  readonly needsRerun: readonly string[];
  readonly orphaned: readonly string[];
}

/** The run's outcome once every computed effect is applied. */
export function runImpact(run: StoredRun, effects: readonly CaseEffect[]): RunImpact {
  const r = run.report;
  const byCase = new Map<string, CaseEffect[]>();
  for (const e of effects) byCase.set(e.case, [...(byCase.get(e.case) ?? []), e]);
  const cases = r.cases
    .filter((c) => !(byCase.get(c.id) ?? []).some((e) => e.effect === 'orphaned'))
    .map((c) => {
      const es = (byCase.get(c.id) ?? []).filter((e) => e.verdict.after !== null);
      // Several level changes on one case: the strictest outcome.
      const worst = es.find((e) => e.effect === 'would-fail') ?? es.find((e) => e.effect !== 'unchanged') ?? es[0];
      return worst ? { ...c, level: worst.level.after, verdict: worst.verdict.after! } : c;
    });
  const d = decide(cases, { strict: r.strict, errors: r.errors, interrupted: r.outcome === 'interrupted' });
  const ids = (k: EffectKind): string[] => [...new Set(effects.filter((e) => e.effect === k).map((e) => e.case))];
  const wouldFail = ids('would-fail');
  return {
    file: run.file,
    label: run.label,
    target: r.target.description,
    strict: r.strict,
    partial: r.partial,
    before: { outcome: r.outcome, exitCode: r.exitCode, verdict: r.verdict.verdict },
    after: { outcome: d.outcome, exitCode: d.exitCode },
    wouldFail,
    wouldPass: ids('would-pass').filter((id) => !wouldFail.includes(id)),
    needsRerun: ids('needs-rerun'),
    orphaned: ids('orphaned'),
  };
}
