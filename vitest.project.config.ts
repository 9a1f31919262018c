// The project's own tests (test/**): catalog, validators, reference store, harness.
// Never collects the conformance cases in suites/ — those run through vitest.suite.config.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json', ['junit', { suiteName: 'cpm-conformance project tests' }]],
    outputFile: { json: 'reports/project-tests.json', junit: 'reports/project-tests.junit.xml' },
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Tests bind loopback ports and spawn servers; two workers fit the 2-core machines.
    maxWorkers: 2,
  },
});
