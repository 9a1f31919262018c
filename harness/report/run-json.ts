// reports/run.json: the machine-readable record of a run, checked against its published schema before it is written.
import schema from '../../fixtures/report/run.schema.json' with { type: 'json' };
import type { RunReport } from './model.js';
import { schemaChecker } from './schema-check.js';

export const RUN_SCHEMA_PATH = 'fixtures/report/run.schema.json';

/** Schema problems of `doc` as `<JSON pointer>: <message>` lines; empty when it is a valid run report. */
export const runReportProblems: (doc: unknown) => string[] = schemaChecker(schema);

export function renderRunJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
