// Carries the expected-failure verdicts into the files vitest's reporters wrote while the run went on (they saw
// only pass/fail): junit.xml and the raw Allure results, before the Allure HTML report is generated from them.
//
// An expected failure becomes a *skipped* test with the reason as its message (pytest's xfail does the same in
// JUnit): CI test views (GitHub, GitLab, Jenkins) show skipped tests with their message and do not count them as
// failures, while the original failure text stays in the element body. An unexpected pass becomes a *failure*
// saying to remove the entry, so CI shows red exactly when the run fails. In Allure the expected failure is
// `skipped` with statusDetails.known = true and the tag `expected-failure`; the wire timeline stays attached.
// vitest.json is left as vitest wrote it (the raw framework view).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from './model.js';

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

const xmlUnescape = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The results whose reports need a mark: expected failures and unexpected passes, by case ID. */
function marked(cases: readonly CaseResult[]): Map<string, CaseResult> {
  return new Map(cases.filter((c) => c.verdict === 'expected-failure' || c.verdict === 'unexpected-pass').map((c) => [c.id, c]));
}

export function expectedFailureText(c: CaseResult): string {
  const e = c.expectation;
  return `EXPECTED FAILURE (known deviation listed by the profile): ${e?.reason ?? ''} — evidence: ${e?.evidence ?? ''}${e?.reference ? ` — ${e.reference}` : ''}`;
}

const TESTCASE = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
const PROBLEM = /<(failure|error)\b[^>]*?(?:\/>|>[\s\S]*?<\/\1>)/g;

/** The case ID of a vitest junit testcase: its name is "<suite title> > <case id>". */
function caseIdOf(attrs: string): string | undefined {
  const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
  return name === undefined ? undefined : xmlUnescape(name).split(' > ').at(-1);
}

/** Rewrites junit.xml text: expected failures as skipped with the reason, unexpected passes as failures; counts follow. */
export function markJunit(xml: string, cases: readonly CaseResult[]): string {
  const byId = marked(cases);
  if (byId.size === 0) return xml;
  const rewritten = xml.replace(TESTCASE, (whole, attrs: string, body: string | undefined) => {
    const c = byId.get(caseIdOf(attrs) ?? '');
    if (!c) return whole;
    const inner = body ?? '';
    if (c.verdict === 'expected-failure') {
      const original = [...inner.matchAll(PROBLEM)].map((m) => m[0]).join('\n');
      const kept = inner.replace(PROBLEM, '').replace(/<skipped\b[^>]*?(?:\/>|>[\s\S]*?<\/skipped>)/g, '');
      const detail = original ? xmlEscape(xmlUnescape(original.replace(/<[^>]+>/g, '')).trim()) : '';
      return `<testcase${attrs}>${kept.trimEnd()}\n            <skipped message="${xmlEscape(expectedFailureText(c))}">${detail}</skipped>\n        </testcase>`;
    }
    const failure = `<failure message="${xmlEscape(c.message ?? 'unexpected pass')}" type="UnexpectedPass">${xmlEscape(c.message ?? '')}</failure>`;
    return `<testcase${attrs}>${inner.trimEnd()}\n            ${failure}\n        </testcase>`;
  });
  return recount(rewritten);
}

/** Sets failures / errors / skipped of every <testsuite> (and failures / errors of <testsuites>) from its testcases. */
function recount(xml: string): string {
  const total = { failures: 0, errors: 0, skipped: 0 };
  const out = xml.replace(/<testsuite\b([^>]*)>([\s\S]*?)<\/testsuite>/g, (whole, attrs: string, body: string) => {
    const n = { failures: 0, errors: 0, skipped: 0 };
    for (const m of body.matchAll(TESTCASE)) {
      const inner = m[2] ?? '';
      if (/<failure\b/.test(inner)) n.failures++;
      else if (/<error\b/.test(inner)) n.errors++;
      else if (/<skipped\b/.test(inner)) n.skipped++;
    }
    total.failures += n.failures;
    total.errors += n.errors;
    total.skipped += n.skipped;
    return `<testsuite${setAttrs(attrs, n)}>${body}</testsuite>`;
  });
  return out.replace(/<testsuites\b([^>]*)>/, (_, attrs: string) => `<testsuites${setAttrs(attrs, { failures: total.failures, errors: total.errors })}>`);
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
  if (!existsSync(file) || marked(cases).size === 0) return;
  writeFileSync(file, markJunit(readFileSync(file, 'utf8'), cases));
}

interface AllureResult {
  status?: string;
  statusDetails?: { message?: string; trace?: string; known?: boolean };
  labels?: { name: string; value: string }[];
}

/** Marks the raw Allure results (one *-result.json per executed case; the case ID is its `story` label). */
export function markAllureResults(dir: string, cases: readonly CaseResult[]): void {
  const byId = marked(cases);
  if (byId.size === 0 || !existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('-result.json')) continue;
    const file = join(dir, name);
    const r = JSON.parse(readFileSync(file, 'utf8')) as AllureResult;
    const id = r.labels?.find((l) => l.name === 'story')?.value;
    const c = id === undefined ? undefined : byId.get(id);
    if (!c) continue;
    const original = r.statusDetails?.message;
    if (c.verdict === 'expected-failure') {
      r.status = 'skipped';
      r.statusDetails = { ...r.statusDetails, known: true, message: `${expectedFailureText(c)}${original ? `\n\n${original}` : ''}` };
    } else {
      r.status = 'failed';
      r.statusDetails = { ...r.statusDetails, message: c.message ?? 'unexpected pass' };
    }
    r.labels = [...(r.labels ?? []), { name: 'tag', value: c.verdict }];
    writeFileSync(file, JSON.stringify(r));
  }
}
