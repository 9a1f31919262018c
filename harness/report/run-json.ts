// reports/run.json: the machine-readable record of a run, checked against its published schema before it is written.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schema from '../../fixtures/report/run.schema.json' with { type: 'json' };
import type { RunReport } from './model.js';

const addFormats = addFormatsModule.default;

export const RUN_SCHEMA_PATH = 'fixtures/report/run.schema.json';

let validator: ValidateFunction | undefined;

/** Schema problems of `doc` as `<JSON pointer>: <message>` lines; empty when it is a valid run report. */
export function runReportProblems(doc: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  if (validator(doc)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}

export function renderRunJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
