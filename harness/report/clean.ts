// The files and folders a run writes into the reports folder. Each run removes exactly these first (stale results
// must never mix into a new report); anything else there (README.md, the project's own test reports) stays.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const RUN_OUTPUTS = [
  'junit.xml',
  'vitest.json',
  'allure-results',
  'allure-report',
  'run.json',
  'traceability.md',
  'traceability.html',
  'statement.md',
  'statement.html',
] as const;

export function cleanReports(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of RUN_OUTPUTS) rmSync(join(dir, name), { recursive: true, force: true });
}
