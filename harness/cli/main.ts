// cpm-conformance: runs the conformance suites against the target a profile declares, and explains them.
import { parseArgs } from 'node:util';
import { validateProfileFile } from '../profile/cli-validate.js';
import { EXIT } from '../report/model.js';
import { cleanCommand } from './clean.js';
import { explainCommand, listCommand, specCommand } from './inspect.js';
import { gitRevision, ROOT, runCommand } from './run.js';
import { loadCatalog } from '../spec/catalog.js';
import pkg from '../../package.json' with { type: 'json' };
import { loadCommand } from '../load/command.js';
import { caseCatalog, setCaseCatalog } from './cases.js';
import type { CaseMeta } from '../conformance/case.js';

export { EXIT };

export const HELP = `cpm-conformance — conformance suite for OMA CPM Message Storage servers

Usage:
  cpm-conformance run [--profile FILE] [selection] [--strict] [--repeat N] [--bail] [--workers N] [--fault NAME]…
                      [--reports DIR] [--json]
  cpm-conformance list [--profile FILE] [selection]
  cpm-conformance explain CASE [--profile FILE]
  cpm-conformance validate-profile FILE
  cpm-conformance spec [--out DIR]
  cpm-conformance clean [--dry-run]
  cpm-conformance cr diff --base X --head Y [--results DIR]… [--reports DIR] [--json]   (cpm-conformance cr --help)
  cpm-conformance cr check [DIR]
  cpm-conformance --version
  cpm-conformance load --devices N --changes M [--rate R] [--duration S] [--late-window MS] [--profile FILE]
                       [--reports DIR] [--fault NAME]…   (details: cpm-conformance load --help)

Without --profile the suite runs against the embedded reference store (fixtures/profiles/reference.json).

A profile may name the target's known deviations ("expectedFailures": "./expected-failures.json"): a listed
case that fails is an expected failure (reported, does not fail the run); a listed case that passes is an
unexpected pass and fails the run.

Verdict (statement.md, run.json "verdict", the console): "conformant" only when every case of the declared
features ran and passed. A case whose feature the profile does not declare is not applicable; a case of a
declared feature the profile lacks the means to exercise (a second device, a second user, a PF account) is
"not exercised", listed with what to add to the profile, and the verdict is "incomplete" (exit 3). A
selection runs only some cases: "partial run: no verdict" (exit 0 when every selected case passed).

Selection (cases that do not match are not run at all; any selection makes a partial run):
  --grep TEXT         cases whose ID or statement contains TEXT
  --case ID[,ID]      exactly these cases
  --clause C          cases of clause C (5.2.1, 5.2.x, 5.4.1, 5.4.2)
  --requirement ID    cases covering requirement ID or one below it (e.g. "push")

Run options:
  --strict            SHOULD-level failures fail the run (otherwise they are warnings)
  --repeat N          run every selected case N times; reports passed k/N per case; a case that both
                      passed and failed is FLAKY and fails the run
  --workers N         suite files run in N parallel workers (default: vitest's, one per core); each file
                      starts its own target and PUSH enabler mock, so a profile that fixes a port
                      (push.listen.port, a container's imapPort, the reference store's port) runs with
                      one worker, and the run says so
  --bail              stop at the first mandatory failure (the rest is reported as not run)
  --fault NAME        switch on a fault of the embedded reference store (repeatable; see
                      reference-store/README.md); recorded in run.json and the statement. CPM_FAULTS=a,b
                      in the environment does the same (and is recorded as such) when no --fault is given
  --reports DIR       write every report into exactly DIR; the run's own files there are removed first.
                      Default: a folder per run, reports/<run-id>/, with reports/latest pointing at the
                      newest. Files: junit.xml, vitest.json, allure-results/, allure-report/index.html,
                      run.json (schema fixtures/report/run.schema.json), traceability.{md,html},
                      statement.{md,html}. A setup error still writes run.json, statement.{md,html}
                      and junit.xml with the cause
  --json              print the run.json summary (verdict, outcome, exit code, totals) as JSON on
                      stdout; progress and the human summary go to stderr
  --version           print the suite's and the requirement catalog's versions
  --out DIR           spec: where test-specification.{md,html} go (default: reports/)

clean:
  Removes what runs that died without tearing down (kill -9, a crash) left behind: containers carrying the
  suite's labels and Dovecot targets whose owner file names a process that is gone. Only the suite's own, and
  only of dead runs on this host; a running run is never touched. --dry-run lists without removing. Every run
  does the same at its start (containers only when its target is a container).

Exit codes:
  0    every applicable mandatory case passed and was exercised (a partial run: every selected case
       that applies passed; its verdict is still "partial run: no verdict")
  1    a mandatory case failed or was blocked, a case errored, a case was flaky (--repeat),
       a case the profile lists as an expected failure passed (remove its entry),
       or with --strict any case did not pass (expected failures excepted)
  2    setup or profile error: invalid profile (or expected-failure list, e.g. an unknown case ID),
       unreachable target, bad credentials, no Docker for a container target, a fault switch for a
       target without any, a suite file that failed to load
  3    no verdict earned: vacuous (no case selected, or none applicable to the profile) or
       incomplete (nothing failed, but a mandatory case of a declared feature was not exercised:
       the statement says what to add to the profile)
  130  interrupted (Ctrl-C): the target was stopped, partial reports have "complete": false
`;

/** `--version`: the suite's version (and git revision) and the requirement catalog's. */
export function versionText(): string {
  const catalog = loadCatalog();
  const git = gitRevision(ROOT);
  const d = catalog.document;
  return [
    `cpm-conformance ${pkg.version}${git.revision ? ` (git ${git.revision.slice(0, 12)}${git.dirty ? ', with uncommitted changes' : ''})` : ''}`,
    `requirement catalog: ${d.title}${d.version ? ` ${d.version}` : ''}, ${catalog.requirements.length} requirements (source sha256 ${d.sourceSha256})`,
    `cases: ${caseCatalog().length}`,
    `run.json format: 3`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  // `load` has options of its own (harness/load/command.ts).
  if (argv[0] === 'load') return loadCommand(argv.slice(1));
  if (argv[0] === 'cr') return (await import('../cr/command.js')).crCommand(argv.slice(1), caseCatalog());
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        grep: { type: 'string' },
        case: { type: 'string' },
        clause: { type: 'string' },
        requirement: { type: 'string' },
        strict: { type: 'boolean', default: false },
        repeat: { type: 'string', default: '1' },
        bail: { type: 'boolean', default: false },
        workers: { type: 'string' },
        fault: { type: 'string', multiple: true },
        reports: { type: 'string' },
        json: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
        out: { type: 'string', default: 'reports' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`cpm-conformance: ${(err as Error).message}\n\n${HELP}`);
    return EXIT.SETUP;
  }
  const { values, positionals } = parsed;
  const [command = 'run', ...rest] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(HELP);
    return EXIT.PASS;
  }
  if (values.version || command === 'version') {
    process.stdout.write(`${versionText()}\n`);
    return EXIT.PASS;
  }
  const selection = { profile: values.profile, grep: values.grep, case: values.case, clause: values.clause, requirement: values.requirement };
  switch (command) {
    case 'run': {
      const repeat = Number(values.repeat);
      if (!Number.isInteger(repeat) || repeat < 1) {
        process.stderr.write(`cpm-conformance: --repeat needs a positive integer, not "${values.repeat}"\n`);
        return EXIT.SETUP;
      }
      const workers = values.workers === undefined ? undefined : Number(values.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
        process.stderr.write(`cpm-conformance: --workers needs a positive integer, not "${values.workers}"\n`);
        return EXIT.SETUP;
      }
      return runCommand({
        ...selection,
        strict: values.strict ?? false,
        repeat,
        bail: values.bail ?? false,
        reports: values.reports,
        faults: values.fault ?? [],
        json: values.json ?? false,
        ...(workers !== undefined ? { workers } : {}),
      });
    }
    case 'list':
      return listCommand(selection);
    case 'explain':
      return explainCommand(rest[0], selection);
    case 'spec':
      return specCommand(values.out ?? 'reports');
    case 'clean':
      return cleanCommand({ dryRun: values['dry-run'] ?? false });
    case 'validate-profile': {
      const file = rest[0] ?? values.profile;
      if (!file) {
        process.stderr.write('cpm-conformance: validate-profile needs a FILE\n');
        return EXIT.SETUP;
      }
      const r = validateProfileFile(file, process.env, caseCatalog().map((m) => m.id));
      (r.ok ? process.stdout : process.stderr).write(`${r.message}\n`);
      return r.ok ? EXIT.PASS : r.exitCode;
    }
    default:
      process.stderr.write(`cpm-conformance: unknown command "${command}"\n\n${HELP}`);
      return EXIT.SETUP;
  }
}

/** Runs the CLI with the suite's cases (the entry point in bin/ passes them, so harness never imports suites). */
export function runCli(cases: readonly CaseMeta[], argv: string[] = process.argv.slice(2)): void {
  setCaseCatalog(cases);
  main(argv).then(
  (code) => {
    process.exitCode = code;
    // Let stdout drain; a target or reporter that keeps a handle open must not keep the CLI alive.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err: unknown) => {
    process.stderr.write(`cpm-conformance: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(EXIT.SETUP);
  },
  );
}
