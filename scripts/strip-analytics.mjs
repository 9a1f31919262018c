#!/usr/bin/env node
// Removes the Google Tag Manager snippet that Allure 3 (plugin-awesome) hard-codes into every generated
// index.html (`analyticsEnable: true`), so that opening a conformance report sends nothing anywhere.
// Usage: node scripts/strip-analytics.mjs <reports>/allure-report/index.html [...more files]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const GTAG =
  /<script\s+async\s+src="https:\/\/www\.googletagmanager\.com\/gtag\/js[^"]*"\s*><\/script>\s*<script>(?:(?!<\/script>)[\s\S])*?gtag\(\s*'config'(?:(?!<\/script>)[\s\S])*<\/script>/g;

/** The page without the analytics snippet; `removed` counts the snippets taken out. */
export function stripAnalytics(html) {
  let removed = 0;
  const out = html.replace(GTAG, () => {
    removed++;
    return '';
  });
  return { html: out, removed };
}

/** Strips the file in place; throws when a reference to an analytics host is left (the page format changed). */
export function stripAnalyticsFile(path) {
  const { html, removed } = stripAnalytics(readFileSync(path, 'utf8'));
  if (/googletagmanager\.com|google-analytics\.com/.test(html)) {
    throw new Error(`${path}: an analytics reference is left after stripping; the report format changed, update scripts/strip-analytics.mjs`);
  }
  writeFileSync(path, html);
  return removed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: node scripts/strip-analytics.mjs FILE.html [...]\n');
    process.exit(2);
  }
  for (const f of files) process.stdout.write(`${f}: removed ${stripAnalyticsFile(f)} analytics snippet(s)\n`);
}
