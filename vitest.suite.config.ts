// The conformance suites (suites/**): what vendors and CI run against a target.
// Never collects the project's own tests in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['suites/**/*.spec.ts'],
    reporters: [
      'default',
      ['allure-vitest/reporter', { resultsDir: 'reports/allure-results' }],
      ['junit', { suiteName: 'cpm-conformance' }],
      'json',
    ],
    outputFile: { junit: 'reports/junit.xml', json: 'reports/vitest.json' },
    setupFiles: ['harness/conformance/worker-signals.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      TESTCONTAINERS_RYUK_DISABLED: process.env['TESTCONTAINERS_RYUK_DISABLED'] ?? 'true',
      TESTCONTAINERS_HOST_OVERRIDE: process.env['TESTCONTAINERS_HOST_OVERRIDE'] ?? '127.0.0.1',
    },
  },
});
