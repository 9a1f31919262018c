// `run` and `list`: preflight the target (profile, reachability, every device's login) so that setup problems
// end the run with exit 2 before any case, then drive vitest through its Node API with the suite config, so the
// configured reporters (JUnit, Allure, JSON) are never lost, and grade the results.
import { fileURLToPath } from 'node:url';
import { createVitest } from 'vitest/node';
import type { TestCase, TestModule } from 'vitest/node';
import type { CaseMeta } from '../conformance/case.js';
import { applicability } from '../conformance/applicability.js';
import { CaseContext, Run } from '../conformance/context.js';
import { SessionError } from '../imap/session.js';
import { loadProfile, ProfileError, formatProblem, type Profile } from '../profile/index.js';
import { TargetSetupError } from '../targets/types.js';

export interface RunArgs {
  profile?: string | undefined;
  strict: boolean;
  grep?: string | undefined;
  clause?: string | undefined;
  requirement?: string | undefined;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITE_CONFIG = fileURLToPath(new URL('../../vitest.suite.config.ts', import.meta.url));

class SetupFailure extends Error {}

function loadOrExplain(path: string | undefined): Profile {
  try {
    return loadProfile(path);
  } catch (err) {
    if (err instanceof ProfileError) {
      throw new SetupFailure(`profile ${path ?? '(reference)'} is invalid:\n${err.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    }
    throw err;
  }
}

/** Starts the target and logs in every declared device and the PF once; any failure is a setup error. */
async function preflight(profile: Profile): Promise<string> {
  let run: Run | undefined;
  try {
    run = await Run.start({ profile, strict: false, faults: [] });
    const probe = new CaseContext(run, { id: 'preflight', requirements: [], clause: '5.2.1', level: 'MUST', features: [], statement: '', procedure: [], passCriteria: '' });
    try {
      for (const user of profile.accounts.users) {
        for (const device of user.devices) await probe.session(user, device, `${user.name}/${device.login}`);
        if (profile.accounts.pf && profile.features.pfPath !== 'none') await probe.pf(user);
      }
    } finally {
      await probe.finish();
    }
    return run.target.info().description;
  } catch (err) {
    if (err instanceof SessionError || err instanceof TargetSetupError) throw new SetupFailure(err.message);
    throw new SetupFailure(`the target could not be started or reached: ${(err as Error).message}`);
  } finally {
    await run?.stop();
  }
}

interface Graded {
  meta: CaseMeta;
  verdict: 'passed' | 'failed' | 'warning' | 'not-applicable' | 'blocked' | 'error';
  message?: string;
  durationMs: number;
}

function grade(t: TestCase): Graded | undefined {
  const meta = t.meta().cpm;
  if (!meta) return undefined;
  const r = t.result();
  const d = t.diagnostic();
  const durationMs = d?.duration ?? 0;
  if (r.state === 'skipped') {
    const na = t.meta().cpmNotApplicable;
    return { meta, verdict: na ? 'not-applicable' : 'blocked', message: na ?? r.note ?? 'skipped', durationMs };
  }
  if (r.state === 'passed') {
    const w = t.meta().cpmWarning;
    return w ? { meta, verdict: 'warning', message: w, durationMs } : { meta, verdict: 'passed', durationMs };
  }
  const message = r.state === 'failed' ? (r.errors?.[0]?.message ?? 'failed') : 'did not finish';
  const verdict = message.startsWith('BLOCKED:') ? 'blocked' : message.startsWith('FAILED:') ? 'failed' : 'error';
  return { meta, verdict, message, durationMs };
}

function setEnv(args: RunArgs): void {
  if (args.profile) process.env['CPM_PROFILE'] = args.profile;
  if (args.strict) process.env['CPM_STRICT'] = '1';
  if (args.grep) process.env['CPM_GREP'] = args.grep;
  if (args.clause) process.env['CPM_CLAUSE'] = args.clause;
  if (args.requirement) process.env['CPM_REQUIREMENT'] = args.requirement;
}

function summarise(graded: Graded[]): string {
  const clauses = [...new Set(graded.map((g) => g.meta.clause))].sort();
  const cols = ['passed', 'failed', 'warning', 'not-applicable', 'blocked', 'error'] as const;
  const lines = [`${'clause'.padEnd(8)} ${cols.map((c) => c.padStart(15)).join('')}`];
  for (const clause of clauses) {
    const of = graded.filter((g) => g.meta.clause === clause);
    lines.push(`${clause.padEnd(8)} ${cols.map((c) => String(of.filter((g) => g.verdict === c).length).padStart(15)).join('')}`);
  }
  lines.push(`${'total'.padEnd(8)} ${cols.map((c) => String(graded.filter((g) => g.verdict === c).length).padStart(15)).join('')}`);
  const slow = [...graded].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5);
  lines.push('', 'slowest cases:', ...slow.map((g) => `  ${g.durationMs.toFixed(0).padStart(6)} ms  ${g.meta.id}`));
  return lines.join('\n');
}

function rerunHint(meta: CaseMeta, args: RunArgs): string {
  return `npm run conformance -- ${args.profile ? `--profile ${args.profile} ` : ''}--grep '${meta.id}'`;
}

export async function runCommand(args: RunArgs): Promise<number> {
  let description: string;
  try {
    const profile = loadOrExplain(args.profile);
    description = await preflight(profile);
  } catch (err) {
    process.stderr.write(`cpm-conformance: setup error: ${(err as Error).message}\n`);
    return 2;
  }
  process.stdout.write(`target: ${description}\n`);
  setEnv(args);
  const vitest = await createVitest('test', { config: SUITE_CONFIG, root: ROOT, run: true, watch: false });
  let modules: TestModule[];
  try {
    const result = await vitest.start();
    modules = result.testModules;
  } finally {
    await vitest.close();
  }
  const moduleErrors = modules.flatMap((m) => m.errors().map((e) => `${m.moduleId}: ${e.message}`));
  const graded = modules.flatMap((m) => [...m.children.allTests()].map(grade).filter((g): g is Graded => g !== undefined));

  process.stdout.write(`\n${summarise(graded)}\n`);
  const failures = graded.filter((g) => g.verdict === 'failed' || g.verdict === 'blocked' || g.verdict === 'error');
  for (const f of failures) {
    process.stdout.write(`\n✗ ${f.meta.id} [${f.meta.level}] ${f.verdict}\n  ${(f.message ?? '').split('\n').slice(0, 8).join('\n  ')}\n  rerun: ${rerunHint(f.meta, args)}\n`);
  }
  if (moduleErrors.length > 0) {
    process.stderr.write(`\ncpm-conformance: suite setup failed:\n  ${moduleErrors.join('\n  ')}\n`);
    return 2;
  }
  if (graded.length === 0) {
    process.stderr.write('cpm-conformance: vacuous run: no case was selected\n');
    return 3;
  }
  if (graded.every((g) => g.verdict === 'not-applicable')) {
    process.stderr.write('cpm-conformance: vacuous run: every selected case was not applicable to the profile\n');
    return 3;
  }
  const failing = failures.filter((g) => args.strict || g.meta.level === 'MUST' || g.verdict !== 'failed');
  return failing.length > 0 ? 1 : 0;
}

export async function listCommand(args: RunArgs): Promise<number> {
  let profile: Profile;
  try {
    profile = loadOrExplain(args.profile);
  } catch (err) {
    process.stderr.write(`cpm-conformance: ${(err as Error).message}\n`);
    return 2;
  }
  setEnv(args);
  const vitest = await createVitest('test', { config: SUITE_CONFIG, root: ROOT, run: true, watch: false });
  let modules: TestModule[];
  try {
    modules = (await vitest.collect()).testModules;
  } finally {
    await vitest.close();
  }
  const metas = modules.flatMap((m) => [...m.children.allTests()].map((t) => t.meta().cpm).filter((x): x is CaseMeta => !!x));
  for (const meta of metas) {
    const a = applicability(meta, profile);
    process.stdout.write(
      `${meta.id}\t${meta.clause}\t${meta.level}\t${meta.features.join(',') || '-'}\t${a.applicable ? 'applicable' : `n/a: ${a.reason}`}\n`,
    );
  }
  process.stderr.write(`${metas.length} case(s)\n`);
  return metas.length === 0 ? 3 : 0;
}
