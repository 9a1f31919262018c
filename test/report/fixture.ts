// Run reports built without a target, for the tests of the report renderers: case results of real suite cases
// with any verdict, and a run.json around them whose outcome and verdict follow the same rules as the CLI's.
import { ALL_CASES } from '../../suites/index.js';
import { countVerdicts, decide, type CaseResult, type CaseVerdict, type RunReport } from '../../harness/report/model.js';
import { statementVerdict } from '../../harness/report/statement.js';
import { caseStatus } from '../../harness/report/status.js';

export function caseResult(id: string, verdict: CaseVerdict, extra: Partial<CaseResult> = {}): CaseResult {
  const meta = ALL_CASES.find((c) => c.meta.id === id)?.meta;
  if (!meta) throw new Error(`no case ${id}`);
  // What a single execution saw (a case verdict like expected-failure is graded on top of it).
  const attempt: Record<CaseVerdict, string> = {
    passed: 'passed', failed: 'failed', warning: 'warning', 'not-applicable': 'not-applicable', 'not-exercised': 'not-applicable', blocked: 'blocked',
    error: 'error', flaky: 'failed', 'not-run': 'not-run', 'expected-failure': 'failed', 'unexpected-pass': 'passed',
  };
  const attemptVerdict = attempt[verdict];
  return {
    id,
    clause: meta.clause,
    level: meta.level,
    requirements: [...meta.requirements],
    features: [...meta.features],
    interpretations: [],
    statement: meta.statement,
    verdict,
    durationMs: 3,
    ...(verdict === 'failed' ? { message: 'FAILED: tagged OK', failure: { requirement: meta.requirements[0]!, expected: 'tagged BAD', actual: '5 OK' } } : {}),
    attempts: verdict === 'not-run' ? [] : [{ verdict: attemptVerdict as 'passed', durationMs: 3 }],
    metrics: [],
    pushLatencyMs: [],
    rerun: `npm run conformance -- --case ${id}`,
    ...extra,
  };
}

export interface ReportOptions {
  strict?: boolean;
  selection?: RunReport['selection'];
  expectedFailures?: RunReport['profile']['expectedFailures'];
  errors?: string[];
  complete?: boolean;
}

export function runReport(cases: CaseResult[], opts: ReportOptions = {}): RunReport {
  const strict = opts.strict ?? false;
  const errors = opts.errors ?? [];
  const { outcome, exitCode } = decide(cases, { strict, errors, interrupted: false });
  const withStatus = cases.map((c) => ({ ...c, status: caseStatus(c) }));
  const selection = opts.selection ?? {};
  const base = {
    $schema: 'https://cpm-conformance.example.invalid/schemas/run.schema.json',
    format: 3 as const,
    runId: '20260101T000000Z-abcdef',
    suite: { name: 'cpm-conformance', version: '0.0.0', node: process.version, vitest: '4.1.12', git: { revision: 'f'.repeat(40), dirty: false } },
    specification: { title: 'CR', version: null, sourceSha256: 'b'.repeat(64) },
    profile: { name: 'acme', description: '', source: '/profiles/acme/profile.json', sha256: 'c'.repeat(64), expectedFailures: opts.expectedFailures ?? null },
    target: {
      kind: 'external',
      description: 'acme on 127.0.0.1:1143',
      capabilities: ['IMAP4REV1', 'NOTIFY', 'ID', 'IDLE', 'UIDPLUS', 'METADATA'],
      imapId: { name: 'acme-store', version: '4.2' },
      product: { name: 'acme-store', version: '4.2', source: 'imap-id' as const },
    },
    devices: [{ user: 'alice', device: 'urn:uuid:00000000-0000-4000-8000-000000000001', announce: 'login', login: 'alice#urn:uuid:00000000-0000-4000-8000-000000000001' }],
    pf: null,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    complete: opts.complete ?? true,
    strict,
    repeat: 1,
    bail: false,
    workers: null,
    faults: { names: [], source: 'none' as const },
    timeouts: { connectMs: 10_000, commandMs: 10_000, notifyMs: 5_000, pushMs: 5_000, caseMs: 30_000, hookMs: 60_000 },
    selection,
    partial: Object.keys(selection).length > 0,
    outcome,
    exitCode,
    errors,
    totals: countVerdicts(withStatus),
    cases: withStatus,
    requirements: [],
    metrics: { pushLatencyMs: null },
  };
  return { ...base, verdict: statementVerdict(base, []) };
}
