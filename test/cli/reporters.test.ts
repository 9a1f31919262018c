// The CLI replaces the suite config's reporters (to write into --reports DIR); it must not lose one.
import { describe, expect, it } from 'vitest';
import suiteConfig from '../../vitest.suite.config.js';
import { REPLACED_REPORTERS, reporterNames, suiteReporters } from '../../harness/cli/reporters.js';

describe('CLI reporters', () => {
  it('name every reporter of vitest.suite.config.ts except the console one the CLI replaces', () => {
    const configured = reporterNames((suiteConfig.test?.reporters ?? []) as unknown[]);
    const cli = reporterNames(suiteReporters('/r', {}, {}).reporters);
    expect(configured.filter((n) => !(REPLACED_REPORTERS as readonly string[]).includes(n)).sort()).toEqual(cli.sort());
  });

  it('write every output file into the reports folder', () => {
    const s = suiteReporters('/r', {}, {});
    expect(s.outputFile).toEqual({ junit: '/r/junit.xml', json: '/r/vitest.json' });
    expect(JSON.stringify(s.reporters)).toContain('"resultsDir":"/r/allure-results"');
  });
});
