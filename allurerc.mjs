// Allure 3 report of a conformance run (`allure generate --config allurerc.mjs`): one self-contained HTML file
// (opens from file://), cases grouped by clause (epic) → requirement (feature) → case (story).
// The CLI passes the results and output folders (<reports>/allure-results → <reports>/allure-report) and then
// removes the analytics snippet Allure adds (scripts/strip-analytics.mjs).
import { defineConfig } from 'allure';

export default defineConfig({
  name: 'CPM Message Storage conformance',
  output: './reports/allure-report',
  categories: [
    { name: 'Conformance failures (MUST)', matchers: { statuses: ['failed'], message: /^FAILED:/ } },
    { name: 'Blocked: a prerequisite did not hold', matchers: { statuses: ['failed', 'broken'], message: /^BLOCKED:/ } },
    { name: 'Harness or target errors', matchers: { statuses: ['failed', 'broken'], message: /^ERROR:/ } },
    { name: 'Not applicable to the profile', matchers: { statuses: ['skipped'] } },
  ],
  plugins: {
    awesome: {
      options: {
        reportName: 'CPM Message Storage conformance',
        singleFile: true,
        groupBy: ['epic', 'feature', 'story'],
      },
    },
  },
});
