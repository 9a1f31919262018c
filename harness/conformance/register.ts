// Registers conformance cases with vitest: one test per case, titled by its stable ID, with the case's metadata
// on the task (for reporters and `list`), Allure labels from clause and requirements, applicability checked at run
// time (a not-applicable case is a visible skip with its reason), and the merged wire timeline attached.
import * as allure from 'allure-js-commons';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { Profile } from '../profile/types.js';
import { loadCatalog } from '../spec/catalog.js';
import type { CaseDefinition, CaseMeta } from './case.js';
import { Run, runOptionsFromEnv, type CaseMetric } from './context.js';
import { fileBreaker, type BreakerState } from './breaker.js';
import { executeCase, outcomeWithoutTarget, type Outcome, type Verdict } from './execute.js';

/** One execution of a case (a run with --repeat N executes each case N times). */
export interface Attempt {
  verdict: Verdict;
  message?: string;
  failure?: Outcome['failure'];
  /** The case did not apply only because the profile lacks what a declared feature needs: what to add. */
  notExercised?: { remedy: string[] };
  /** For a case that did not pass: the last lines of its merged wire timeline (IMAP sessions and PUSH bodies). */
  wireTail?: string[];
  durationMs: number;
  metrics: readonly CaseMetric[];
}

declare module 'vitest' {
  interface TaskMeta {
    cpm?: CaseMeta;
    /** Set when a SHOULD/MAY case failed in a non-strict run: reported as a warning, not a failure. */
    cpmWarning?: string;
    cpmNotApplicable?: string;
    /** Every execution of the case in this run, in order: what the CLI grades and run.json records. */
    cpmAttempts?: Attempt[];
  }
}

/** How often each case runs (CPM_REPEAT, set by `--repeat N`): stability runs report passed k/N per case. */
export function repeatCount(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env['CPM_REPEAT'] ?? '1');
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * A Ctrl-C reaches every process of the terminal's process group, this vitest worker included, and the default
 * action would end it before afterAll stops the target (a vendor container or Dovecot would be left running).
 * Under the CLI (CPM_CLI=1) the first SIGINT is left to the CLI, which cancels the run so that the case in flight
 * finishes and afterAll tears down; anywhere else, and on SIGTERM or a second SIGINT, the target is stopped here
 * and the signal re-raised.
 */
let interrupted = false;

function guardTeardown(stop: () => Promise<void>): () => void {
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = true;
    if (signal === 'SIGINT' && process.env['CPM_CLI'] === '1' && ++interrupts === 1) return;
    release();
    void stop().finally(() => process.kill(process.pid, signal));
  };
  const release = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return release;
}

const CLAUSE_TITLES: Record<string, string> = {
  '5.2.1': '5.2.1 Message Object (Table 1)',
  '5.2.x': '5.2.x Voicemail Object (Table 6)',
  '5.4.1': '5.4.1 IMAP Notifications',
  '5.4.2': '5.4.2 Notifications to CPM PUSH Enabler',
};

const SEVERITY = { MUST: 'critical', SHOULD: 'normal', MAY: 'minor' } as const;

/** Lines of the wire timeline the console shows with a failure (the full timeline is in Allure and JUnit). */
const WIRE_TAIL_LINES = 12;
const WIRE_LINE_CHARS = 200;

/** A line of the case's cleanup (folders removed, sessions logged out), which says nothing about the failure. */
const TEARDOWN = /\s(?:C: \S+ (?:LOGOUT|DELETE|UNSELECT|CLOSE)\b|S: (?:\* BYE\b|\S+ OK \S* ?(?:LOGOUT|DELETE|UNSELECT|CLOSE) completed)|\*: connection closed)/;

/**
 * The wire lines a failure is shown with on the console: the last lines before the case's cleanup, and the last
 * PUSH notifications the enabler mock received even when they came earlier (they are the evidence of 5.4.2).
 */
function wireTail(timeline: string): string[] {
  const lines = timeline.split('\n');
  let end = lines.length;
  while (end > 0 && TEARDOWN.test(lines[end - 1]!)) end--;
  const tail = lines.slice(Math.max(0, end - WIRE_TAIL_LINES), end);
  const push = lines.slice(0, Math.max(0, end - WIRE_TAIL_LINES)).filter((l) => /^\+\s*[\d.]+ ms {2}push\s/.test(l)).slice(-3);
  return [...push, ...(push.length > 0 ? ['…'] : []), ...tail].map((l) => (l.length > WIRE_LINE_CHARS ? `${l.slice(0, WIRE_LINE_CHARS - 1)}…` : l));
}

/** A conformance failure of the target: named so that reporters (allure-vitest) classify it as failed. */
class CaseAssertionError extends Error {
  override name = 'AssertionError';
}

/** The harness could not judge (error, blocked): reporters show it as broken. */
class CaseBrokenError extends Error {
  override name = 'CaseBrokenError';
}

function requirementBlock(meta: CaseMeta): string {
  const catalog = loadCatalog();
  return meta.requirements
    .map((id) => {
      const r = catalog.byId(id);
      return r ? `${id} (${r.clause}${r.table ? `, ${r.table}` : ''}, ${r.level}): ${r.text}` : `${id}: (not in the catalog)`;
    })
    .join('\n');
}

/**
 * The run's selection (set by the CLI): cases that do not match are not registered at all, so an excluded case
 * never runs. CPM_CASE names cases exactly (comma-separated IDs), CPM_GREP matches the ID or statement, CPM_CLAUSE the clause, CPM_REQUIREMENT a requirement ID
 * (prefix match, so `push` selects `push.status-change` and `push.trigger-identity`).
 */
export function selected(meta: CaseMeta, env: NodeJS.ProcessEnv = process.env): boolean {
  const ids = env['CPM_CASE'];
  if (ids && !ids.split(',').map((s) => s.trim()).includes(meta.id)) return false;
  const grep = env['CPM_GREP'];
  const clause = env['CPM_CLAUSE'];
  const req = env['CPM_REQUIREMENT'];
  if (grep && !`${meta.id} ${meta.statement}`.toLowerCase().includes(grep.toLowerCase())) return false;
  if (clause && meta.clause !== clause) return false;
  if (req && !meta.requirements.some((r) => r === req || r.startsWith(`${req}.`))) return false;
  return true;
}

/** A public link for a requirement whose source is an RFC section (the CR itself has no public address). */
function requirementLink(id: string): { url: string; name: string } | undefined {
  const r = loadCatalog().find(id);
  const m = r ? /^RFC (\d+)(?: §([\d.]+))?/.exec(r.source) : null;
  if (!m) return undefined;
  return { url: `https://www.rfc-editor.org/rfc/rfc${m[1]}${m[2] ? `#section-${m[2]}` : ''}`, name: `${id}: RFC ${m[1]}${m[2] ? ` §${m[2]}` : ''}` };
}

export function registerCases(title: string, allCases: readonly CaseDefinition[]): void {
  const cases = allCases.filter((c) => selected(c.meta));
  if (cases.length === 0) {
    // vitest rejects a file without tests; this placeholder carries no case metadata, so no report counts it.
    describe.skip(title, () => test('no case of this file matches the selection', () => {}));
    return;
  }
  const repeats = repeatCount() - 1;
  describe(title, () => {
    let run: Run | undefined;
    let release = (): void => {};
    // A cancelled run (Ctrl-C) moves on to afterAll while the case in flight still talks to the target: the
    // target is stopped only once that case has finished.
    let inFlight: Promise<unknown> | undefined;
    // Under the CLI the preflight has already reached the target: a target that then fails to start for this file
    // is retried once (the re-probe), and if it fails again the file's cases are blocked with that one cause.
    let blocked: { state: BreakerState; profile: Profile } | undefined;
    beforeAll(async () => {
      const options = runOptionsFromEnv();
      let started: Run;
      try {
        started = await Run.start(options);
      } catch (err) {
        if (process.env['CPM_CLI'] !== '1') throw err;
        try {
          started = await Run.start(options);
        } catch (again) {
          blocked = { state: fileBreaker.open(`the target did not start for ${title}, twice: ${(again as Error).message}`), profile: options.profile };
          return;
        }
      }
      run = started;
      release = guardTeardown(() => started.stop());
    });
    afterAll(async () => {
      release();
      await inFlight?.catch(() => undefined);
      await run?.stop();
    });

    for (const c of cases) {
      const meta = c.meta;
      test(meta.id, { meta: { cpm: meta }, ...(repeats > 0 ? { repeats } : {}) }, async (t) => {
        if (!run && !blocked) throw new Error('the target did not start (see the suite setup error)');
        await allure.displayName(`${meta.id} — ${meta.statement}`);
        await allure.epic(CLAUSE_TITLES[meta.clause] ?? meta.clause);
        await allure.feature(meta.requirements[0] ?? meta.clause);
        await allure.story(meta.id);
        await allure.severity(SEVERITY[meta.level]);
        for (const r of meta.requirements) {
          await allure.label('requirement', r);
          const link = requirementLink(r);
          if (link) await allure.link(link.url, link.name, 'requirement');
        }
        for (const a of meta.interpretations ?? []) await allure.label('interpretation', a);
        await allure.description(`${meta.statement}\n\n${requirementBlock(meta)}\n\nPass criteria: ${meta.passCriteria}`);

        const execution = run ? executeCase(run, c) : Promise.resolve(outcomeWithoutTarget(blocked!.profile, c, blocked!.state));
        inFlight = execution;
        const outcome = await execution;
        if (interrupted && outcome.verdict !== 'passed' && outcome.verdict !== 'not-applicable') {
          // The target was being stopped under the case: its verdict says nothing about the target.
          t.skip('not run: the run was interrupted while this case ran');
        }
        const attempt: Attempt = { verdict: outcome.verdict, durationMs: outcome.durationMs, metrics: outcome.metrics };
        if (outcome.message !== undefined) attempt.message = outcome.message;
        if (outcome.failure) attempt.failure = outcome.failure;
        if (outcome.notExercised) attempt.notExercised = { remedy: [...outcome.notExercised.remedy] };
        if (outcome.verdict !== 'passed' && outcome.verdict !== 'not-applicable' && outcome.timeline) attempt.wireTail = wireTail(outcome.timeline);
        (t.task.meta.cpmAttempts ??= []).push(attempt);
        for (const [i, m] of outcome.metrics.entries()) await allure.parameter(`${m.name} #${i + 1}`, `${m.value} ${m.unit}`.trim(), { excluded: true });
        if (outcome.verdict === 'not-applicable') {
          t.task.meta.cpmNotApplicable = outcome.message;
          t.skip(
            outcome.notExercised
              ? `not exercised: ${outcome.message}; add to the profile: ${outcome.notExercised.remedy.join('; ')}`
              : `not applicable: ${outcome.message}`,
          );
        }
        await allure.attachment('wire timeline', outcome.timeline, 'text/plain');
        if (outcome.verdict === 'passed') return;
        if (outcome.verdict === 'warning') {
          t.task.meta.cpmWarning = outcome.message;
          await t.annotate(`warning (${meta.level}): ${outcome.message}`, 'warning');
          return;
        }
        const logs = (run?.target.logs() ?? []).slice(-40).join('\n');
        await t.annotate('wire timeline', { body: outcome.timeline, contentType: 'text/plain' });
        if (logs) await allure.attachment('target log (tail)', logs, 'text/plain');
        const tail = outcome.timeline.split('\n').slice(-80).join('\n');
        const text = `${outcome.verdict.toUpperCase()}: ${outcome.message}\n\n${requirementBlock(meta)}\n\n--- wire timeline (last 80 lines; full timeline attached) ---\n${tail}`;
        // Reporters guess failed vs broken from the error's class and text; the class says which it is (the CLI
        // then sets every status from the graded verdict, harness/report/status.ts).
        throw outcome.verdict === 'failed' ? new CaseAssertionError(text, { cause: outcome.error }) : new CaseBrokenError(text, { cause: outcome.error });
      });
    }
  });
}
