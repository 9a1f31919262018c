// Carries the graded status of every case (status.ts) into the files vitest's reporters wrote while the run went
// on: junit.xml and the raw Allure results, before the Allure HTML report is generated from them. Those reporters
// saw only vitest's pass / fail / skip and guessed failed vs broken from the error's class, so a conformance
// failure could show as broken, a SHOULD warning as passed and a not-applicable case as a bare skip.
//
// An expected failure becomes a *skipped* test with the reason as its message (pytest's xfail does the same in
// JUnit), the original failure text kept in the element body; an unexpected pass becomes a *failure* saying to
// remove the entry. vitest.json is left as vitest wrote it (the raw framework view).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from './model.js';
import { presentStatus } from './status.js';

export { expectedFailureText } from './status.js';

/** The title of the placeholder test a suite file registers when the selection leaves none of its cases. */
export const PLACEHOLDER_TITLE = 'no case of this file matches the selection';

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

const xmlUnescape = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

const TESTCASE = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
const PROBLEM = /<(failure|error)\b[^>]*?(?:\/>|>[\s\S]*?<\/\1>)/g;
const SKIPPED = /<skipped\b[^>]*?(?:\/>|>[\s\S]*?<\/skipped>)/g;

/** The case ID of a vitest junit testcase: its name is "<suite title> > <case id>". */
function caseIdOf(attrs: string): string | undefined {
  const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
  return name === undefined ? undefined : xmlUnescape(name).split(' > ').at(-1);
}

/** The body text of the failure / error / skipped elements of a testcase (the evidence), as plain text. */
function problemText(inner: string): string {
  return [...inner.matchAll(PROBLEM), ...inner.matchAll(SKIPPED)].map((m) => xmlUnescape(m[0].replace(/<[^>]+>/g, '')).trim()).filter(Boolean).join('\n');
}

function testcaseFor(c: CaseResult, attrs: string, inner: string): string {
  const p = presentStatus(c);
  const original = problemText(inner);
  const kept = inner.replace(PROBLEM, '').replace(SKIPPED, '').trimEnd();
  let child = '';
  if (p.junit.element === 'failure' || p.junit.element === 'error') {
    child = `<${p.junit.element} message="${xmlEscape(p.junit.message ?? '')}" type="${xmlEscape(p.junit.type ?? '')}">${xmlEscape(original || c.message || '')}</${p.junit.element}>`;
  } else if (p.junit.element === 'skipped') {
    child = original ? `<skipped message="${xmlEscape(p.junit.message ?? '')}">${xmlEscape(original)}</skipped>` : `<skipped message="${xmlEscape(p.junit.message ?? '')}"/>`;
  }
  return `<testcase${attrs}>${kept}${child ? `\n            ${child}` : ''}\n        </testcase>`;
}

/**
 * Rewrites junit.xml text: every case gets the element of its status (status.ts); the placeholder tests of suite
 * files without a selected case are dropped (they are no case); the counts follow.
 */
export function markJunit(xml: string, cases: readonly CaseResult[]): string {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const rewritten = xml.replace(TESTCASE, (whole, attrs: string, body: string | undefined) => {
    const id = caseIdOf(attrs) ?? '';
    if (id === PLACEHOLDER_TITLE) return '';
    const c = byId.get(id);
    return c ? testcaseFor(c, attrs, body ?? '') : whole;
  });
  return recount(rewritten);
}

/** Sets tests / failures / errors / skipped of every <testsuite> and of <testsuites> from its testcases. */
function recount(xml: string): string {
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const out = xml.replace(/<testsuite\b([^>]*)>([\s\S]*?)<\/testsuite>/g, (whole, attrs: string, body: string) => {
    const n = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const m of body.matchAll(TESTCASE)) {
      n.tests++;
      const inner = m[2] ?? '';
      if (/<failure\b/.test(inner)) n.failures++;
      else if (/<error\b/.test(inner)) n.errors++;
      else if (/<skipped\b/.test(inner)) n.skipped++;
    }
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += n[k];
    // A suite file left with no testcase (only the placeholder) is dropped with it.
    if (n.tests === 0) return '';
    return `<testsuite${setAttrs(attrs, n)}>${body.replace(/\n(\s*\n)+/g, '\n')}</testsuite>`;
  });
  return out
    .replace(/\n(\s*\n)+/g, '\n')
    .replace(/<testsuites\b([^>]*)>/, (_, attrs: string) => `<testsuites${setAttrs(attrs, { tests: total.tests, failures: total.failures, errors: total.errors })}>`);
}

function setAttrs(attrs: string, values: Record<string, number>): string {
  let out = attrs;
  for (const [k, v] of Object.entries(values)) {
    const re = new RegExp(`\\b${k}="[^"]*"`);
    if (re.test(out)) out = out.replace(re, `${k}="${v}"`);
  }
  return out;
}

export function markJunitFile(file: string, cases: readonly CaseResult[]): void {
  if (!existsSync(file)) return;
  writeFileSync(file, markJunit(readFileSync(file, 'utf8'), cases));
}

interface AllureResult {
  name?: string;
  status?: string;
  statusDetails?: { message?: string; trace?: string; known?: boolean; flaky?: boolean };
  labels?: { name: string; value: string }[];
}

/** Applies the status of every case to its raw Allure result (one *-result.json per case; the case ID is its `story` label). */
export function markAllureResults(dir: string, cases: readonly CaseResult[]): void {
  if (!existsSync(dir)) return;
  const byId = new Map(cases.map((c) => [c.id, c]));
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('-result.json')) continue;
    const file = join(dir, name);
    const r = JSON.parse(readFileSync(file, 'utf8')) as AllureResult;
    const id = r.labels?.find((l) => l.name === 'story')?.value;
    if (id === undefined && r.name?.endsWith(PLACEHOLDER_TITLE)) {
      rmSync(file);
      continue;
    }
    const c = id === undefined ? undefined : byId.get(id);
    if (!c) continue;
    const p = presentStatus(c);
    const original = r.statusDetails?.message;
    const details = { ...r.statusDetails };
    if (p.allure.message !== undefined) {
      // An expected failure keeps the failure it was expected to be; other replacements say it all.
      details.message = c.verdict === 'expected-failure' && original ? `${p.allure.message}\n\n${original}` : p.allure.message;
    } else if (p.status !== 'passed' && !original && p.junit.message) {
      details.message = p.junit.message;
    }
    if (p.allure.known) details.known = true;
    if (p.allure.flaky) details.flaky = true;
    r.status = p.status;
    r.statusDetails = p.status === 'passed' && !details.message ? {} : details;
    let labels = [...(r.labels ?? [])];
    if (p.allure.severity) labels = [...labels.filter((l) => l.name !== 'severity'), { name: 'severity', value: p.allure.severity }];
    for (const tag of p.allure.tags) if (!labels.some((l) => l.name === 'tag' && l.value === tag)) labels.push({ name: 'tag', value: tag });
    r.labels = labels;
    writeFileSync(file, JSON.stringify(r));
  }
}
