// `run`: preflight the target (profile, reachability, every device's login) so that setup problems end the run
// with exit 2 before any case; then drive vitest through its Node API with the suite config and reporters that
// write into the reports folder; grade the results and write run.json, the traceability matrix, the conformance
// statement and the Allure HTML report. Ctrl-C cancels the run: the case in flight finishes, afterAll stops the
// target, and the partial reports are written with "complete": false.
import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest, version as vitestVersion, type TestModule, type Vitest } from 'vitest/node';
import pkg from '../../package.json' with { type: 'json' };
import type { CaseMeta } from '../conformance/case.js';
import { selected } from '../conformance/register.js';
import { loadProfile, ProfileError, formatProblem, describeProfile, redact, secretsOf, unknownExpectedCases, type Profile } from '../profile/index.js';
import { generateAllureReport } from '../report/allure.js';
import { cleanReports } from '../report/clean.js';
import { markAllureResults, markJunitFile } from '../report/expectation-marks.js';
import { applyExpectation, applyExpectations } from '../report/expectations.js';
import { htmlPage } from '../report/html.js';
import { countVerdicts, decide, EXIT, latencySummary, type RunReport, type Selection, type TargetDetails } from '../report/model.js';
import { renderRunJson, runReportProblems } from '../report/run-json.js';
import { renderStatement } from '../report/statement.js';
import { renderTraceability } from '../report/traceability.js';
import { loadCatalog, type Catalog } from '../spec/catalog.js';
import { caseCatalog } from './cases.js';
import { gradeCase, notRunResult } from './grade.js';
import { preflight, SetupFailure } from './preflight.js';
import { ProgressReporter } from './progress.js';
import { suiteReporters } from './reporters.js';
import { renderSummary } from './summary.js';

export interface SelectionArgs {
  profile?: string | undefined;
  grep?: string | undefined;
  clause?: string | undefined;
  requirement?: string | undefined;
  /** Exact case IDs (comma-separated). */
  case?: string | undefined;
}

export interface RunArgs extends SelectionArgs {
  strict: boolean;
  repeat: number;
  bail: boolean;
  reports: string;
  /** Parallel vitest workers (suite files); undefined: vitest's default. */
  workers?: number;
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SUITE_CONFIG = fileURLToPath(new URL('../../vitest.suite.config.ts', import.meta.url));

/** The profile, or a SetupFailure (exit 2) listing every problem, including expected failures of cases the suite lacks. */
export function loadOrExplain(path: string | undefined): Profile {
  const invalid = (problems: readonly Parameters<typeof formatProblem>[0][]): SetupFailure =>
    new SetupFailure(`profile ${path ?? '(reference)'} is invalid:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  let profile: Profile;
  try {
    profile = loadProfile(path);
  } catch (err) {
    if (err instanceof ProfileError) throw invalid(err.problems);
    throw err;
  }
  const unknown = unknownExpectedCases(profile.expectedFailures, caseCatalog().map((m) => m.id));
  if (unknown.length > 0) throw invalid(unknown);
  return profile;
}

/** The environment registerCases() and runOptionsFromEnv() read in the vitest workers. */
export function selectionEnv(args: SelectionArgs & { strict?: boolean; repeat?: number }): Record<string, string> {
  const env: Record<string, string> = { CPM_CLI: '1' };
  if (args.profile) env['CPM_PROFILE'] = resolve(args.profile);
  if (args.strict) env['CPM_STRICT'] = '1';
  if (args.grep) env['CPM_GREP'] = args.grep;
  if (args.clause) env['CPM_CLAUSE'] = args.clause;
  if (args.requirement) env['CPM_REQUIREMENT'] = args.requirement;
  if (args.case) env['CPM_CASE'] = args.case;
  if (args.repeat && args.repeat > 1) env['CPM_REPEAT'] = String(args.repeat);
  return env;
}

function applyEnv(env: Record<string, string>): void {
  for (const k of ['CPM_PROFILE', 'CPM_STRICT', 'CPM_GREP', 'CPM_CLAUSE', 'CPM_REQUIREMENT', 'CPM_CASE', 'CPM_REPEAT']) delete process.env[k];
  Object.assign(process.env, env);
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function rerunCommand(meta: Pick<CaseMeta, 'id'>, args: Pick<RunArgs, 'profile' | 'strict'>): string {
  const parts = ['npm', 'run', 'conformance', '--'];
  if (args.profile) parts.push('--profile', shellQuote(args.profile));
  if (args.strict) parts.push('--strict');
  parts.push('--case', shellQuote(meta.id));
  return parts.join(' ');
}

function selectionOf(args: RunArgs): Selection {
  const s: Selection = {};
  if (args.grep) s.grep = args.grep;
  if (args.clause) s.clause = args.clause;
  if (args.requirement) s.requirement = args.requirement;
  if (args.case) s.grep = s.grep ?? args.case;
  return s;
}

interface Interrupt {
  requested: boolean;
  vitest?: Vitest;
  onRequest?: () => void;
}

/** First Ctrl-C: cancel gracefully (the case in flight finishes, targets are stopped). Second: close vitest now. */
function trapInterrupt(progress: ProgressReporter): { state: Interrupt; release: () => void } {
  const state: Interrupt = { requested: false };
  const handler = (): void => {
    if (!state.requested) {
      state.requested = true;
      progress.note('cpm-conformance: interrupted; finishing the case in flight and stopping the target (Ctrl-C again to abort now)');
      state.onRequest?.();
      void state.vitest?.cancelCurrentRun('keyboard-input');
    } else {
      progress.note('cpm-conformance: aborting');
      void state.vitest?.close();
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    state,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

function moduleErrors(modules: readonly TestModule[]): string[] {
  const out: string[] = [];
  for (const m of modules) {
    const file = relative(ROOT, m.moduleId);
    for (const e of m.errors()) out.push(`${file}: ${e.message}`);
    for (const s of m.children.allSuites()) for (const e of s.errors()) out.push(`${file} › ${s.name}: ${e.message}`);
  }
  return out;
}

interface Written {
  files: string[];
  problems: string[];
}

/** Writes every report of the run; secrets of the profile are masked in every text file as a last line of defence. */
async function writeReports(dir: string, report: RunReport, profile: Profile, catalog: Catalog, suiteCases: readonly CaseMeta[]): Promise<Written> {
  const secrets = secretsOf(profile);
  const files: string[] = [];
  const problems = runReportProblems(report);
  // vitest's reporters saw pass/fail only: expected failures and unexpected passes are marked in their files.
  markJunitFile(join(dir, 'junit.xml'), report.cases);
  markAllureResults(join(dir, 'allure-results'), report.cases);
  const put = (name: string, text: string): void => {
    const path = join(dir, name);
    writeFileSync(path, redact(text, secrets));
    files.push(path);
  };
  put('run.json', renderRunJson(report));
  const trace = renderTraceability(catalog, suiteCases, report);
  put('traceability.md', trace);
  put('traceability.html', htmlPage('Requirement traceability', trace));
  const statement = renderStatement(report, profile);
  put('statement.md', statement);
  put('statement.html', htmlPage('Conformance statement', statement));
  files.push(join(dir, 'junit.xml'));
  const allure = await generateAllureReport(dir);
  if (allure.ok && allure.index) files.push(allure.index);
  else problems.push(`Allure HTML report not generated: ${allure.problem}`);
  return { files, problems };
}

export async function runCommand(args: RunArgs): Promise<number> {
  const startedAt = new Date();
  const reportsDir = resolve(args.reports);
  const catalog = loadCatalog();
  const rerun = (meta: CaseMeta): string => rerunCommand(meta, args);
  let profile: Profile | undefined;
  const grade = (t: Parameters<typeof gradeCase>[0]) => {
    const r = gradeCase(t, catalog, rerun);
    return r && applyExpectation(r, profile?.expectedFailures);
  };
  const progress = new ProgressReporter({ grade });
  const { state: interrupt, release } = trapInterrupt(progress);
  let target: TargetDetails;
  try {
    profile = loadOrExplain(args.profile);
    cleanReports(reportsDir);
    target = await preflight(profile);
  } catch (err) {
    release();
    process.stderr.write(`cpm-conformance: setup error: ${(err as Error).message}\n`);
    return EXIT.SETUP;
  }
  process.stdout.write(`target: ${target.description}\nprofile: ${profile.name} (sha256 ${profile.sha256.slice(0, 16)}…)\n`);

  let modules: readonly TestModule[] = [];
  let unhandled: string[] = [];
  if (!interrupt.requested) {
    applyEnv(selectionEnv(args));
    const described = describeProfile(profile);
    const setup = suiteReporters(
      reportsDir,
      { suite: `cpm-conformance ${pkg.version}`, profile: described.name, 'profile sha256': described.sha256, target: target.description },
      progress,
    );
    const ours = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const vitest = await createVitest('test', {
      config: SUITE_CONFIG,
      root: ROOT,
      run: true,
      watch: false,
      reporters: setup.reporters as never,
      outputFile: setup.outputFile,
      ...(args.bail ? { bail: 1 } : {}),
      ...(args.workers !== undefined ? { maxWorkers: args.workers, fileParallelism: args.workers > 1 } : {}),
    });
    // vitest's logger exits the process 1 ms after a SIGINT/SIGTERM, before the cancelled run has stopped the
    // targets and before any report is written; the CLI's own handler (trapInterrupt) takes over.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const l of process.listeners(signal)) if (!ours[signal].includes(l)) process.off(signal, l);
    }
    interrupt.vitest = vitest;
    try {
      const result = await vitest.start();
      modules = result.testModules;
      unhandled = result.unhandledErrors.map((e) => (e as { message?: string }).message ?? String(e));
    } catch (err) {
      if (!interrupt.requested) throw err;
      modules = vitest.state.getTestModules();
    } finally {
      await vitest.close();
    }
  }
  release();

  // Selected cases the run did not reach count only when it stopped early; a vacuous selection stays vacuous.
  const expected = interrupt.requested || args.bail ? caseCatalog().filter((m) => selected(m, selectionEnv(args))) : [];
  const cases = applyExpectations(progress.results(modules, expected, (meta) => notRunResult(meta, catalog, rerun)), profile.expectedFailures);
  const errors = [...moduleErrors(modules), ...unhandled.map((e) => `unhandled error: ${e}`)];
  const stoppedEarly = cases.some((c) => c.verdict === 'not-run');
  const { outcome, exitCode } = decide(cases, { strict: args.strict, errors, interrupted: interrupt.requested });
  const described = describeProfile(profile);
  const report: RunReport = {
    $schema: 'https://cpm-conformance.example.invalid/schemas/run.schema.json',
    format: 2,
    suite: { name: 'cpm-conformance', version: pkg.version, node: process.version, vitest: vitestVersion },
    specification: { title: catalog.document.title, version: catalog.document.version, sourceSha256: catalog.document.sourceSha256 },
    profile: {
      name: described.name,
      description: described.description,
      source: described.source,
      sha256: described.sha256,
      expectedFailures: profile.expectedFailures
        ? { file: profile.expectedFailures.file, sha256: profile.expectedFailures.sha256, entries: profile.expectedFailures.entries.length }
        : null,
    },
    target,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    complete: !interrupt.requested && !stoppedEarly,
    strict: args.strict,
    repeat: args.repeat,
    bail: args.bail,
    selection: selectionOf(args),
    outcome,
    exitCode,
    errors,
    totals: countVerdicts(cases),
    cases,
    metrics: { pushLatencyMs: latencySummary(cases.flatMap((c) => c.pushLatencyMs)) },
  };
  const written = await writeReports(reportsDir, report, profile, catalog, caseCatalog());
  process.stdout.write(renderSummary(report, catalog, written.files.map((f) => relative(process.cwd(), f) || f)));
  for (const p of written.problems) process.stderr.write(`cpm-conformance: report problem: ${p}\n`);
  return exitCode;
}
