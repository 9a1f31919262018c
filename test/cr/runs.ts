// Stored runs for the cr diff tests: a format-3 run.json of every case of the suite, all passed unless told
// otherwise, against the reference store or a Dovecot target; checked against fixtures/report/run.schema.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CaseResult, type CaseVerdict, type RunReport, countVerdicts, decide } from '../../harness/report/model.js';
import { runReportProblems } from '../../harness/report/run-json.js';
import { presentStatus } from '../../harness/report/status.js';
import { ALL_CASES } from '../../suites/index.js';

export function makeRun(target: 'reference' | 'dovecot', verdicts: Record<string, CaseVerdict> = {}, strict = false): RunReport {
  const cases: CaseResult[] = ALL_CASES.map(({ meta }) => {
    const verdict = verdicts[meta.id] ?? 'passed';
    const c: CaseResult = {
      id: meta.id, clause: meta.clause, level: meta.level, requirements: [...meta.requirements], features: [...meta.features],
      interpretations: [...(meta.interpretations ?? [])], statement: meta.statement, verdict, durationMs: 12,
      ...(verdict === 'warning' || verdict === 'failed'
        ? { message: 'a second notification for the same change', failure: { requirement: meta.requirements[0]!, expected: 'exactly one notification', actual: 'two' } }
        : {}),
      attempts: [{ verdict: verdict === 'warning' || verdict === 'failed' ? verdict : 'passed', durationMs: 12 }],
      metrics: [], pushLatencyMs: [], rerun: `npx cpm-conformance run --case ${meta.id}`,
    };
    return { ...c, status: { status: presentStatus(c).status, label: presentStatus(c).label } };
  });
  const d = decide(cases, { strict, errors: [], interrupted: false });
  const dovecot = target === 'dovecot';
  const run: RunReport = {
    $schema: '../../fixtures/report/run.schema.json',
    format: 3,
    runId: `20260101T000000Z-${dovecot ? 'd0ec07' : 're7e4e'}`,
    suite: { name: 'cpm-conformance', version: '0.1.0', node: 'v20.20.2', vitest: '4.1.12', git: { revision: null, dirty: null } },
    specification: { title: 'CR', version: null, sourceSha256: 'd390da5eefd49b9375da73a80b4e94e5669a403abaa2f30794344252b4f4e7f1' },
    profile: { name: dovecot ? 'dovecot' : 'reference', description: '', source: `fixtures/profiles/${dovecot ? 'dovecot' : 'reference'}.json`, sha256: 'a'.repeat(64), expectedFailures: null },
    target: dovecot
      ? { kind: 'dovecot', description: 'Dovecot 2.3 with the push Lua script', capabilities: ['IMAP4REV1', 'NOTIFY'], product: { name: 'Dovecot', version: '2.3.21', source: 'imap-id' } }
      : { kind: 'reference', description: 'embedded reference store', capabilities: ['IMAP4REV1', 'NOTIFY'], product: { name: 'cpm-reference-store', version: '0.1.0', source: 'imap-id' } },
    devices: [], pf: null,
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:05:00.000Z',
    complete: true, strict, repeat: 1, bail: false, workers: null,
    faults: { names: [], source: 'none' }, timeouts: null, selection: {}, partial: false,
    outcome: d.outcome, exitCode: d.exitCode,
    verdict: { verdict: d.outcome === 'passed' ? 'conformant' : 'not conformant', reasons: [], deviations: 0 },
    errors: [], totals: countVerdicts(cases), cases, requirements: [], metrics: { pushLatencyMs: null },
  };
  const problems = runReportProblems(run);
  if (problems.length > 0) throw new Error(`test run is not a valid run.json: ${problems.join('; ')}`);
  return run;
}

/** Writes the run as DIR/<name>/run.json and returns that folder. */
export function storeRun(dir: string, name: string, run: RunReport): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  return folder;
}

/** Dovecot's stored run: conformant, with three SHOULD warnings on push.status-change (duplicate notifications). */
export const DOVECOT_WARNINGS = [
  'push.message.seen.direct.exactly-one',
  'push.voicemail.deleted.direct.exactly-one',
  'push.message.unseen.direct.device-b.notified-with-identity',
];
