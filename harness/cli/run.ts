// `run`: preflight the target (profile, reachability, every device's login) so that setup problems end the run
// with exit 2 before any case; then drive vitest through its Node API with the suite config and reporters that
// write into the reports folder; grade the results and write run.json, the traceability matrix, the conformance
// statement and the Allure HTML report. Ctrl-C cancels the run: the case in flight finishes, afterAll stops the
// target, and the partial reports are written with "complete": false. A setup error still writes run.json, the
// statement and a JUnit file naming the cause. Without --reports every run gets its own folder
// (reports/<run-id>/, reports/latest → the newest), so a rerun never overwrites the run it reruns.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest, version as vitestVersion, type TestModule, type Vitest } from 'vitest/node';
import pkg from '../../package.json' with { type: 'json' };
import { BREAKER_PREFIX, describeBreaker, readSharedBreaker, type BreakerState } from '../conformance/breaker.js';
import type { CaseMeta } from '../conformance/case.js';
import { selected } from '../conformance/register.js';
import { loadProfile, ProfileError, formatProblem, describeProfile, redact, secretsOf, unknownExpectedCases, type Profile } from '../profile/index.js';
import { generateAllureReport } from '../report/allure.js';
import { cleanReports } from '../report/clean.js';
import { markAllureResults, markJunitFile } from '../report/marks.js';
import { applyExpectation, applyExpectations } from '../report/expectations.js';
import { statementCharts } from '../report/charts.js';
import { htmlPage } from '../report/html.js';
import {
  countVerdicts,
  decide,
  EXIT,
  latencySummary,
  type CaseResult,
  type DeviceIdentity,
  type FaultSettings,
  type RunOutcome,
  type RunReport,
  type Selection,
  type TargetDetails,
  type TimeoutSettings,
} from '../report/model.js';
import { renderRunJson, runReportProblems } from '../report/run-json.js';
import { checkDeclaredFeatures, renderStatement, statementVerdict } from '../report/statement.js';
import { caseStatus } from '../report/status.js';
import { renderTraceability, traceRequirements } from '../report/traceability.js';
import suiteConfig from '../../vitest.suite.config.js';
import { loadCatalog, type Catalog } from '../spec/catalog.js';
import { caseCatalog } from './cases.js';
import { sweepAtStart } from './clean.js';
import { gradeCase, notRunResult } from './grade.js';
import { preflight, SetupFailure } from './preflight.js';
import { ProgressReporter } from './progress.js';
import { suiteReporters } from './reporters.js';
import { renderSummary, runSummary } from './summary.js';

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
  /** Exactly this reports folder; undefined: reports/<run-id>/ with reports/latest pointing at it. */
  reports?: string | undefined;
  /** Parallel vitest workers (suite files); undefined: vitest's default. */
  workers?: number;
  /** Reference-store fault switches (--fault, repeatable). */
  faults?: string[];
  /** Print the run.json summary as JSON on stdout (everything else goes to stderr). */
  json?: boolean;
}

/** Where runs go when --reports is not given. */
export const DEFAULT_REPORTS_ROOT = 'reports';

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
export function selectionEnv(args: SelectionArgs & { strict?: boolean; repeat?: number }, faults?: FaultSettings): Record<string, string> {
  const env: Record<string, string> = { CPM_CLI: '1' };
  // context.ts reads CPM_FAULTS: set only when the run overrides the profile's own faults (--fault or CPM_FAULTS).
  if (faults && overrides(faults)) env['CPM_FAULTS'] = faults.names.join(',');
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
  for (const k of ['CPM_PROFILE', 'CPM_STRICT', 'CPM_GREP', 'CPM_CLAUSE', 'CPM_REQUIREMENT', 'CPM_CASE', 'CPM_REPEAT', 'CPM_FAULTS', 'CPM_BREAKER_FILE']) delete process.env[k];
  Object.assign(process.env, env);
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The command that reruns one case the way it ran (profile, strict, faults). Its reports never overwrite this
 * run's: without --reports the rerun gets its own reports/<run-id>/; with --reports DIR it writes to
 * DIR/reruns/<case id>/.
 */
export function rerunCommand(meta: Pick<CaseMeta, 'id'>, args: Pick<RunArgs, 'profile' | 'strict' | 'reports'> & { faultNames?: readonly string[] }): string {
  const parts = ['npm', 'run', 'conformance', '--'];
  if (args.profile) parts.push('--profile', shellQuote(args.profile));
  if (args.strict) parts.push('--strict');
  for (const f of args.faultNames ?? []) parts.push('--fault', shellQuote(f));
  if (args.reports !== undefined) parts.push('--reports', shellQuote(join(args.reports, 'reruns', meta.id)));
  parts.push('--case', shellQuote(meta.id));
  return parts.join(' ');
}

/** The selection exactly as given: each option with its value as typed. */
export function selectionOf(args: SelectionArgs): Selection {
  const s: Selection = {};
  if (args.case !== undefined) s.case = args.case;
  if (args.grep !== undefined) s.grep = args.grep;
  if (args.clause !== undefined) s.clause = args.clause;
  if (args.requirement !== undefined) s.requirement = args.requirement;
  return s;
}

/** Whether the faults replace the profile's own (the workers and the preflight must be told). */
const overrides = (f: FaultSettings): boolean => f.source === '--fault' || f.source === 'CPM_FAULTS';

/** Which fault switches the run uses and where they came from: --fault, else CPM_FAULTS, else the profile's. */
export function faultSettings(args: Pick<RunArgs, 'faults'>, env: NodeJS.ProcessEnv, profile: Profile | undefined): FaultSettings {
  const split = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);
  if (args.faults && args.faults.length > 0) return { names: args.faults.flatMap(split), source: '--fault' };
  if (env['CPM_FAULTS'] !== undefined && env['CPM_FAULTS'].trim() !== '') return { names: split(env['CPM_FAULTS']), source: 'CPM_FAULTS' };
  if (profile?.target.kind === 'reference' && profile.target.faults.length > 0) return { names: [...profile.target.faults], source: 'profile' };
  return { names: [], source: 'none' };
}

/** A sortable, unique name for a run's reports folder: 20260101T120000Z-1a2b3c. */
export function newRunId(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** Points <root>/latest at the run's folder (a relative symlink, replaced atomically); a problem is returned, not thrown. */
function pointLatest(root: string, runId: string): string | undefined {
  const link = join(root, 'latest');
  try {
    try {
      if (!lstatSync(link).isSymbolicLink()) return `${link} exists and is not a symbolic link; left as it is`;
    } catch {
      // no link yet
    }
    const tmp = join(root, `.latest-${runId}`);
    symlinkSync(runId, tmp);
    renameSync(tmp, link);
    return undefined;
  } catch (err) {
    return `could not point ${link} at ${runId}: ${(err as Error).message}`;
  }
}

/** The suite's git revision and whether the checkout has uncommitted changes; null outside a git checkout. */
export function gitRevision(root: string): { revision: string | null; dirty: boolean | null } {
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: root, encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const revision = git('rev-parse', 'HEAD');
    let dirty: boolean | null = null;
    try {
      dirty = git('status', '--porcelain', '--untracked-files=no').length > 0;
    } catch {
      // revision known, state unknown
    }
    return { revision, dirty };
  } catch {
    return { revision: null, dirty: null };
  }
}

/** Every declared device and how it makes itself known; the IMAP ID field as CaseContext.session() sends it. */
function deviceIdentities(profile: Profile): DeviceIdentity[] {
  const id = profile.accounts.imapId;
  return profile.accounts.users.flatMap((u) =>
    u.devices.map((d) => ({
      user: u.name,
      device: d.id,
      announce: d.announce,
      login: d.login,
      ...(d.announce.startsWith('imap-id') ? { imapId: { key: id.key, value: id.value.replace(/\{id\}/g, d.id.replace(/^<|>$/g, '')) } } : {}),
    })),
  );
}

function timeoutsOf(profile: Profile): TimeoutSettings {
  const t = suiteConfig.test ?? {};
  return {
    connectMs: profile.timeouts.connectMs,
    commandMs: profile.timeouts.commandMs,
    notifyMs: profile.timeouts.notifyMs,
    pushMs: profile.push.timeoutMs,
    caseMs: t.testTimeout ?? 5_000,
    hookMs: t.hookTimeout ?? 10_000,
  };
}

interface Interrupt {
  requested: boolean;
  vitest?: Vitest;
  onRequest?: () => void;
}

/**
 * One Ctrl-C can arrive twice: the terminal signals the whole process group, and `npm run` forwards the signal it
 * got to its script as well. Signals closer together than this are one interrupt.
 */
export const SAME_INTERRUPT_MS = 500;

/** Marks this process as the one that decides what a signal means (harness/targets/container/teardown.ts reads it). */
const SIGNAL_OWNER = Symbol.for('cpm-conformance.signal-owner');

/**
 * First Ctrl-C: cancel gracefully (the case in flight finishes, targets are stopped, partial reports). Second: close
 * vitest now (the reports still say what is known). A third: leave at once.
 */
function trapInterrupt(progress: ProgressReporter): { state: Interrupt; release: () => void } {
  const state: Interrupt = { requested: false };
  let interrupts = 0;
  let lastAt = -Infinity;
  const handler = (): void => {
    const at = performance.now();
    if (at - lastAt < SAME_INTERRUPT_MS) return;
    lastAt = at;
    interrupts++;
    if (interrupts === 1) {
      state.requested = true;
      progress.note('cpm-conformance: interrupted; finishing the case in flight and stopping the target (Ctrl-C again to abort now)');
      state.onRequest?.();
      void state.vitest?.cancelCurrentRun('keyboard-input');
    } else if (interrupts === 2) {
      progress.note('cpm-conformance: aborting; writing what is known (Ctrl-C again to leave without reports)');
      void state.vitest?.close();
    } else {
      progress.note('cpm-conformance: leaving without reports');
      process.exit(EXIT.INTERRUPTED);
    }
  };
  (globalThis as Record<symbol, unknown>)[SIGNAL_OWNER] = true;
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    state,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      delete (globalThis as Record<symbol, unknown>)[SIGNAL_OWNER];
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
  // vitest's reporters saw pass / fail / skip only: every case gets its graded status in their files (status.ts).
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
  put('statement.html', htmlPage('Conformance statement', statement, statementCharts(report)));
  files.push(join(dir, 'junit.xml'));
  const allure = await generateAllureReport(dir);
  if (allure.ok && allure.index) files.push(allure.index);
  else problems.push(`Allure HTML report not generated: ${allure.problem}`);
  return { files, problems };
}

const xmlAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** The reports of a run that could not be set up: run.json, the statement and a JUnit file with the cause as an error. */
function writeSetupReports(dir: string, report: RunReport, profile: Profile | undefined): Written {
  const secrets = profile ? secretsOf(profile) : [];
  const files: string[] = [];
  const put = (name: string, text: string): void => {
    const path = join(dir, name);
    writeFileSync(path, redact(text, secrets));
    files.push(path);
  };
  put('run.json', renderRunJson(report));
  const statement = renderStatement(report, profile);
  put('statement.md', statement);
  put('statement.html', htmlPage('Conformance statement', statement));
  const cause = report.errors.join('\n');
  put(
    'junit.xml',
    `<?xml version="1.0" encoding="UTF-8" ?>\n<testsuites name="cpm-conformance" tests="1" failures="0" errors="1">\n    <testsuite name="setup" tests="1" failures="0" errors="1" skipped="0">\n` +
      `        <testcase classname="setup" name="setup">\n            <error message="${xmlAttr(`SETUP ERROR: ${cause.split('\n')[0]}`)}" type="setup">${xmlAttr(cause)}</error>\n        </testcase>\n    </testsuite>\n</testsuites>\n`,
  );
  return { files, problems: runReportProblems(report) };
}

interface RunContext {
  args: RunArgs;
  runId: string;
  startedAt: Date;
  catalog: Catalog;
  faults: FaultSettings;
  git: RunReport['suite']['git'];
}

/** Assembles run.json from what the run knows; `profile` is undefined when it could not be loaded. */
function assembleReport(
  ctx: RunContext,
  profile: Profile | undefined,
  target: TargetDetails,
  cases: CaseResult[],
  decided: { outcome: RunOutcome; exitCode: number },
  extra: { errors: string[]; complete: boolean },
): RunReport {
  const { args, catalog } = ctx;
  const described = profile ? describeProfile(profile) : undefined;
  const selection = selectionOf(args);
  const withStatus = cases.map((c) => ({ ...c, status: caseStatus(c) }));
  const base = {
    $schema: 'https://cpm-conformance.example.invalid/schemas/run.schema.json',
    format: 3 as const,
    runId: ctx.runId,
    suite: { name: 'cpm-conformance', version: pkg.version, node: process.version, vitest: vitestVersion, git: ctx.git },
    specification: { title: catalog.document.title, version: catalog.document.version, sourceSha256: catalog.document.sourceSha256 },
    profile: {
      name: described?.name ?? (args.profile ? args.profile : 'reference'),
      description: described?.description ?? '',
      source: described?.source ?? (args.profile ? resolve(args.profile) : '(reference)'),
      sha256: described?.sha256 ?? null,
      expectedFailures: profile?.expectedFailures
        ? { file: profile.expectedFailures.file, sha256: profile.expectedFailures.sha256, entries: profile.expectedFailures.entries.length }
        : null,
    },
    target,
    devices: profile ? deviceIdentities(profile) : [],
    pf: profile?.accounts.pf ? { login: profile.accounts.pf.login, authzidFor: profile.accounts.pf.authzidFor } : null,
    startedAt: ctx.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    complete: extra.complete,
    strict: args.strict,
    repeat: args.repeat,
    bail: args.bail,
    workers: args.workers ?? null,
    faults: ctx.faults,
    timeouts: profile ? timeoutsOf(profile) : null,
    selection,
    partial: Object.keys(selection).length > 0,
    outcome: decided.outcome,
    exitCode: decided.exitCode,
    errors: extra.errors,
    totals: countVerdicts(withStatus),
    cases: withStatus,
    requirements: traceRequirements(catalog, caseCatalog(), { cases: withStatus }).map((t) => ({ id: t.requirement.id, level: t.requirement.level, status: t.status })),
    metrics: { pushLatencyMs: latencySummary(withStatus.flatMap((c) => c.pushLatencyMs)) },
  };
  const checks = profile ? checkDeclaredFeatures(profile, target.capabilities) : [];
  return { ...base, verdict: statementVerdict(base, checks) };
}

/**
 * Ports the profile fixes that every suite file would bind anew: the PUSH enabler mock's, a container's IMAP port,
 * the embedded store's. Each worker runs a suite file with its own target and enabler, so two workers would meet
 * EADDRINUSE on any of them.
 */
export function fixedPorts(profile: Profile): string[] {
  const out: string[] = [];
  if (profile.push.listen.port !== 0) out.push(`push.listen.port ${profile.push.listen.port} (the PUSH enabler mock)`);
  const t = profile.target;
  if (t.kind === 'container' && t.imapPort !== 0) out.push(`target.imapPort ${t.imapPort} (the container's IMAP port)`);
  if (t.kind === 'reference' && t.port !== 0) out.push(`target.port ${t.port} (the embedded store's IMAP port)`);
  return out;
}

/** The workers a run can use with this profile: one when it fixes a port, with the sentence that says so. */
export function workersFor(requested: number | undefined, profile: Profile): { workers: number | undefined; note?: string } {
  const fixed = fixedPorts(profile);
  if (fixed.length === 0 || requested === 1) return { workers: requested };
  const asked = requested === undefined ? 'one per core' : `--workers ${requested}`;
  return {
    workers: 1,
    note:
      `cpm-conformance: running one suite file at a time (--workers 1) instead of ${asked}: the profile fixes ${fixed.join(' and ')}, ` +
      'and every suite file starts its own target and enabler, which cannot share a port (set the port to 0 to let the harness choose one per file)',
  };
}

/** The one message of a run whose target the circuit breaker found unusable. */
export function breakerMessage(state: BreakerState, cases: readonly Pick<CaseResult, 'verdict' | 'message'>[]): string {
  const blocked = cases.filter((c) => c.verdict === 'blocked' && c.message?.startsWith(BREAKER_PREFIX)).length;
  return `cpm-conformance: ${BREAKER_PREFIX}${describeBreaker(state)}; ${blocked} remaining case(s) blocked`;
}

export async function runCommand(requested: RunArgs): Promise<number> {
  let args = requested;
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const reportsRoot = args.reports === undefined ? resolve(DEFAULT_REPORTS_ROOT) : undefined;
  const reportsDir = args.reports === undefined ? join(reportsRoot!, runId) : resolve(args.reports);
  // With --json, stdout carries only the JSON summary; the progress and the human summary go to stderr.
  const human = args.json ? process.stderr : process.stdout;
  const catalog = loadCatalog();
  const ctx: RunContext = { args, runId, startedAt, catalog, faults: faultSettings(args, process.env, undefined), git: gitRevision(ROOT) };
  const rerun = (meta: CaseMeta): string =>
    rerunCommand(meta, { ...args, faultNames: overrides(ctx.faults) ? ctx.faults.names : [] });
  let profile: Profile | undefined;
  const grade = (t: Parameters<typeof gradeCase>[0]) => {
    const r = gradeCase(t, catalog, rerun);
    return r && applyExpectation(r, profile?.expectedFailures);
  };
  const expectedTotal = caseCatalog().filter((m) => selected(m, selectionEnv(args))).length;
  const progress = new ProgressReporter({ grade, out: human, total: expectedTotal });
  const { state: interrupt, release } = trapInterrupt(progress);
  const finish = (report: RunReport, written: Written): number => {
    if (reportsRoot) {
      const problem = pointLatest(reportsRoot, runId);
      if (problem) written.problems.push(problem);
    }
    // The wire lines of failures are already masked; the whole text is masked again as a last line of defence.
    human.write(redact(renderSummary(report, catalog, written.files.map((f) => relative(process.cwd(), f) || f)), profile ? secretsOf(profile) : []));
    for (const p of written.problems) process.stderr.write(`cpm-conformance: report problem: ${p}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify(runSummary(report, reportsDir), null, 2)}\n`);
    return report.exitCode;
  };
  let target: TargetDetails;
  try {
    profile = loadOrExplain(args.profile);
    ctx.faults = faultSettings(args, process.env, profile);
    const w = workersFor(args.workers, profile);
    if (w.note) {
      args = { ...args, workers: 1 };
      ctx.args = args;
      human.write(`${w.note}\n`);
    }
    cleanReports(reportsDir);
    for (const line of await sweepAtStart(profile.target.kind === 'container')) human.write(`cpm-conformance: ${line}\n`);
    target = await preflight(profile, overrides(ctx.faults) ? ctx.faults.names : undefined);
  } catch (err) {
    release();
    const cause = (err as Error).message;
    process.stderr.write(`cpm-conformance: setup error: ${cause}\n`);
    // The cause is recorded too: a CI job that keeps only the reports must still see why nothing ran.
    try {
      mkdirSync(reportsDir, { recursive: true });
      const kind = profile?.target.kind ?? 'unknown';
      const report = assembleReport(
        ctx,
        profile,
        { kind, description: profile ? `${describeProfile(profile).target} (not started)` : 'not started: the profile could not be loaded', capabilities: [] },
        [],
        { outcome: 'setup-error', exitCode: EXIT.SETUP },
        { errors: [cause], complete: false },
      );
      finish(report, writeSetupReports(reportsDir, report, profile));
    } catch (writeErr) {
      process.stderr.write(`cpm-conformance: report problem: the setup-error reports could not be written: ${(writeErr as Error).message}\n`);
    }
    return EXIT.SETUP;
  }
  human.write(
    `target: ${target.description}\nprofile: ${profile.name} (sha256 ${profile.sha256.slice(0, 16)}…)\n` +
      (ctx.faults.names.length > 0 ? `faults: ${ctx.faults.names.join(', ')} (from ${ctx.faults.source})\n` : '') +
      `reports: ${relative(process.cwd(), reportsDir) || reportsDir}\n`,
  );
  let modules: readonly TestModule[] = [];
  let unhandled: string[] = [];
  // Where the workers' circuit breaker records that the target is unusable (harness/conformance/breaker.ts).
  const breakerFile = join(tmpdir(), `cpm-conformance-breaker-${runId}.json`);
  if (!interrupt.requested) {
    applyEnv({ ...selectionEnv(args, ctx.faults), CPM_BREAKER_FILE: breakerFile });
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
    }, undefined, args.json ? { stdout: process.stderr } : undefined);
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
  // Selected cases the run did not reach count only when it stopped early; a vacuous selection stays vacuous.
  const expected = interrupt.requested || args.bail ? caseCatalog().filter((m) => selected(m, selectionEnv(args))) : [];
  const cases = applyExpectations(progress.results(modules, expected, (meta) => notRunResult(meta, catalog, rerun)), profile.expectedFailures);
  const errors = [...moduleErrors(modules), ...unhandled.map((e) => `unhandled error: ${e}`)];
  const stoppedEarly = cases.some((c) => c.verdict === 'not-run');
  const breaker = readSharedBreaker(breakerFile);
  rmSync(breakerFile, { force: true });
  let decided = decide(cases, { strict: args.strict, errors, interrupted: interrupt.requested });
  if (breaker) {
    // A target found unusable never passes a run, whatever the levels of the cases it blocked.
    if (decided.exitCode === EXIT.PASS || decided.exitCode === EXIT.INCOMPLETE) decided = { outcome: 'failed', exitCode: EXIT.FAILED };
    process.stderr.write(`${breakerMessage(breaker, cases)}\n`);
  }
  const report = assembleReport(ctx, profile, target, cases, decided, { errors, complete: !interrupt.requested && !stoppedEarly });
  // The interrupt handler stays until the reports are written: a Ctrl-C meanwhile must not end the process without them.
  const written = await writeReports(reportsDir, report, profile, catalog, caseCatalog());
  release();
  return finish(report, written);
}
