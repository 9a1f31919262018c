// The vitest reporters of a CLI run, writing into the run's reports folder. Passing `reporters` to createVitest
// replaces every reporter of vitest.suite.config.ts, so this list names each of them again (with paths in the
// reports folder); the console's 'default' reporter gives way to the CLI's own progress line and summary.
// test/cli/reporters.test.ts fails when the config gains a reporter this list lacks.
import { join } from 'node:path';
import type { Reporter } from 'vitest/node';

/** Reporter names of vitest.suite.config.ts that the CLI replaces on purpose. */
export const REPLACED_REPORTERS = ['default'] as const;

export interface ReporterSetup {
  reporters: (string | Reporter | [string, Record<string, unknown>])[];
  outputFile: Record<string, string>;
}

export function suiteReporters(reportsDir: string, environmentInfo: Record<string, string>, console: Reporter): ReporterSetup {
  return {
    reporters: [
      console,
      ['allure-vitest/reporter', { resultsDir: join(reportsDir, 'allure-results'), environmentInfo }],
      ['junit', { suiteName: 'cpm-conformance' }],
      'json',
    ],
    outputFile: { junit: join(reportsDir, 'junit.xml'), json: join(reportsDir, 'vitest.json') },
  };
}

/** Names of the file-writing reporters in a reporter list (for comparing with the suite config). */
export function reporterNames(list: readonly unknown[]): string[] {
  return list
    .map((r) => (typeof r === 'string' ? r : Array.isArray(r) && typeof r[0] === 'string' ? r[0] : undefined))
    .filter((n): n is string => n !== undefined);
}
