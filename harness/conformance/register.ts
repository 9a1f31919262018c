// Registers conformance cases with vitest: one test per case, titled by its stable ID, with the case's metadata
// on the task (for reporters and `list`), Allure labels from clause and requirements, applicability checked at run
// time (a not-applicable case is a visible skip with its reason), and the merged wire timeline attached.
import * as allure from 'allure-js-commons';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { loadCatalog } from '../spec/catalog.js';
import type { CaseDefinition, CaseMeta } from './case.js';
import { Run, runOptionsFromEnv } from './context.js';
import { executeCase } from './execute.js';

declare module 'vitest' {
  interface TaskMeta {
    cpm?: CaseMeta;
    /** Set when a SHOULD/MAY case failed in a non-strict run: reported as a warning, not a failure. */
    cpmWarning?: string;
    cpmNotApplicable?: string;
  }
}

const CLAUSE_TITLES: Record<string, string> = {
  '5.2.1': '5.2.1 Message Object (Table 1)',
  '5.2.x': '5.2.x Voicemail Object (Table 6)',
  '5.4.1': '5.4.1 IMAP Notifications',
  '5.4.2': '5.4.2 Notifications to CPM PUSH Enabler',
};

const SEVERITY = { MUST: 'critical', SHOULD: 'normal', MAY: 'minor' } as const;

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
 * never runs. CPM_GREP matches the ID or statement, CPM_CLAUSE the clause, CPM_REQUIREMENT a requirement ID
 * (prefix match, so `push` selects `push.status-change` and `push.trigger-identity`).
 */
export function selected(meta: CaseMeta, env: NodeJS.ProcessEnv = process.env): boolean {
  const grep = env['CPM_GREP'];
  const clause = env['CPM_CLAUSE'];
  const req = env['CPM_REQUIREMENT'];
  if (grep && !`${meta.id} ${meta.statement}`.toLowerCase().includes(grep.toLowerCase())) return false;
  if (clause && meta.clause !== clause) return false;
  if (req && !meta.requirements.some((r) => r === req || r.startsWith(`${req}.`))) return false;
  return true;
}

export function registerCases(title: string, allCases: readonly CaseDefinition[]): void {
  const cases = allCases.filter((c) => selected(c.meta));
  if (cases.length === 0) {
    // vitest rejects a file without tests; this placeholder carries no case metadata, so no report counts it.
    describe.skip(title, () => test('no case of this file matches the selection', () => {}));
    return;
  }
  describe(title, () => {
    let run: Run | undefined;
    beforeAll(async () => {
      run = await Run.start(runOptionsFromEnv());
    });
    afterAll(async () => {
      await run?.stop();
    });

    for (const c of cases) {
      const meta = c.meta;
      test(meta.id, { meta: { cpm: meta } }, async (t) => {
        if (!run) throw new Error('the target did not start (see the suite setup error)');
        await allure.displayName(`${meta.id} — ${meta.statement}`);
        await allure.epic(CLAUSE_TITLES[meta.clause] ?? meta.clause);
        await allure.feature(meta.requirements[0] ?? meta.clause);
        await allure.story(meta.id);
        await allure.severity(SEVERITY[meta.level]);
        for (const r of meta.requirements) await allure.label('requirement', r);
        for (const a of meta.interpretations ?? []) await allure.label('interpretation', a);
        await allure.description(`${meta.statement}\n\n${requirementBlock(meta)}\n\nPass criteria: ${meta.passCriteria}`);

        const outcome = await executeCase(run, c);
        if (outcome.verdict === 'not-applicable') {
          t.task.meta.cpmNotApplicable = outcome.message;
          t.skip(`not applicable: ${outcome.message}`);
        }
        await allure.attachment('wire timeline', outcome.timeline, 'text/plain');
        if (outcome.verdict === 'passed') return;
        if (outcome.verdict === 'warning') {
          t.task.meta.cpmWarning = outcome.message;
          await t.annotate(`warning (${meta.level}): ${outcome.message}`, 'warning');
          return;
        }
        const logs = run.target.logs().slice(-40).join('\n');
        await t.annotate('wire timeline', { body: outcome.timeline, contentType: 'text/plain' });
        if (logs) await allure.attachment('target log (tail)', logs, 'text/plain');
        const tail = outcome.timeline.split('\n').slice(-80).join('\n');
        throw new Error(
          `${outcome.verdict.toUpperCase()}: ${outcome.message}\n\n${requirementBlock(meta)}\n\n--- wire timeline (last 80 lines; full timeline attached) ---\n${tail}`,
          { cause: outcome.error },
        );
      });
    }
  });
}
