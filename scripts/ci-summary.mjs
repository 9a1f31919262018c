#!/usr/bin/env node
// Prints the plain closing line "N passed, N failed[, N skipped]" from a vitest JSON report.
// Exit status: 0 only when the report exists, something ran, and nothing failed.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/project-tests.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`ci-summary: cannot read vitest JSON report ${file}: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A file that fails to load has no failed test, only a failed file: count it, so it is never hidden.
const brokenFiles = (report.testResults ?? []).filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
if (brokenFiles > 0) console.error(`ci-summary: ${brokenFiles} test file(s) failed to load or run`);
if (passed === 0) console.error('ci-summary: no test passed — a run that executed nothing is a failure');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
