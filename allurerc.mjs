// Allure 3 report of a conformance run (`allure generate --config allurerc.mjs`): one self-contained HTML file
// (opens from file://), cases grouped by clause (epic) → requirement (feature) → case (story).
// The CLI passes the results and output folders (<reports>/allure-results → <reports>/allure-report) and then
// removes the analytics snippet Allure adds (scripts/strip-analytics.mjs). Statuses and messages come from
// harness/report/status.ts (applied to the raw results before this report is generated); the categories key on
// the message prefixes it sets, first match wins.
import { defineConfig } from 'allure';

export default defineConfig({
  name: 'CPM Message Storage conformance',
  output: './reports/allure-report',
  categories: [
    { name: 'Conformance failures', matchers: { statuses: ['failed'], message: /^FAILED:/ } },
    { name: 'SHOULD/MAY deviations (warnings)', matchers: { statuses: ['failed'], message: /^WARNING/ } },
    { name: 'Expected failure list out of date (unexpected passes)', matchers: { statuses: ['failed'], message: /^UNEXPECTED PASS/ } },
    { name: 'Blocked: a prerequisite did not hold', matchers: { statuses: ['broken'], message: /^BLOCKED:/ } },
    { name: 'Harness or target errors', matchers: { statuses: ['broken'] } },
    { name: 'Known deviations (expected failures)', matchers: { statuses: ['skipped'], message: /^EXPECTED FAILURE/ } },
    { name: 'Not exercised: add to the profile', matchers: { statuses: ['skipped'], message: /^not exercised:/ } },
    { name: 'Not run', matchers: { statuses: ['skipped'], message: /^not run:/ } },
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
