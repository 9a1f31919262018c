// The small renderers: analytics stripping, Markdown → HTML (long cells collapse), the test specification of every
// case, and the charts of the HTML statement.
import { describe, expect, it } from 'vitest';
import { pushLatencyChart, statementCharts } from '../../harness/report/charts.js';
import { htmlPage, markdownToHtml } from '../../harness/report/html.js';
import { missingFields, renderTestSpecification, specEntry } from '../../harness/report/test-spec.js';
import { loadCatalog } from '../../harness/spec/catalog.js';
import { stripAnalytics } from '../../scripts/strip-analytics.mjs';
import { ALL_CASES } from '../../suites/index.js';
import { caseResult, runReport } from './fixture.js';

const GTAG = `    <script   src="app-1.js"></script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', { "report": "awesome" });
    </script>
    <script async>window.allureReportDataReady = true;</script>`;

describe('strip-analytics', () => {
  it('removes the Google Tag Manager loader and its config script, nothing else', () => {
    const { html, removed } = stripAnalytics(GTAG);
    expect(removed).toBe(1);
    expect(html).not.toMatch(/google|gtag/);
    expect(html).toContain('<script   src="app-1.js"></script>');
    expect(html).toContain('window.allureReportDataReady = true');
  });
});

describe('Markdown → HTML', () => {
  it('renders headings, tables with escaped pipes, lists, code; escapes HTML', () => {
    const html = markdownToHtml('# T <x>\n\n| a | b |\n|---|---|\n| `c\\|d` | **e**<br>f |\n\n- one\n- two\n\ntext & more');
    expect(html).toContain('<h1 id="t-x">T &lt;x&gt;</h1>');
    expect(html).toContain('<td><code>c|d</code></td><td><strong>e</strong><br>f</td>');
    expect(html).toContain('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(html).toContain('<p>text &amp; more</p>');
    expect(htmlPage('x', '# a')).not.toMatch(/<script|https?:\/\//);
  });

  it('collapses a table cell of more than 12 lines into <details>; the Markdown keeps them all', () => {
    const cell = Array.from({ length: 15 }, (_, i) => `\`case.${i}\` passed`).join('<br>');
    const html = markdownToHtml(`| r | cases |\n|---|---|\n| x | ${cell} |`);
    expect(html).toContain('<details><summary>3 more</summary><code>case.12</code> passed<br><code>case.13</code> passed<br><code>case.14</code> passed</details>');
    expect(html).toContain('<code>case.11</code> passed<details>');
  });
});

describe('generated test specification', () => {
  const catalog = loadCatalog();

  it('every case has every field: ID, purpose, reference with verbatim text, applicability, preconditions, procedure, pass criteria, interpretations', () => {
    const incomplete = ALL_CASES.map((c) => ({ id: c.meta.id, missing: missingFields(specEntry(c.meta, catalog)) })).filter((x) => x.missing.length > 0);
    expect(incomplete).toEqual([]);
  });

  it('requirement text is the catalog text, verbatim', () => {
    const c = ALL_CASES[0]!.meta;
    const e = specEntry(c, catalog);
    expect(e.reference[0]!.text).toBe(catalog.byId(c.requirements[0]!).text);
  });

  it('lists every case once, grouped by clause', () => {
    const md = renderTestSpecification(ALL_CASES.map((c) => c.meta), catalog, '0.0.0');
    for (const c of ALL_CASES) expect(md.split(`\n### ${c.meta.id}\n`)).toHaveLength(2);
    const clauses = [...md.matchAll(/^## Clause (\S+)$/gm)].map((m) => m[1]);
    expect(clauses).toEqual([...new Set(ALL_CASES.map((c) => c.meta.clause))].sort());
    expect(htmlPage('spec', md)).toContain('<h3 id=');
  });
});

describe('charts of the HTML statement', () => {
  const must = ALL_CASES.filter((c) => c.meta.level === 'MUST');
  const push = must.filter((c) => c.meta.clause === '5.4.2').slice(0, 3);
  const cases = [
    caseResult(must[0]!.meta.id, 'passed'),
    caseResult(must[1]!.meta.id, 'failed'),
    ...push.map((c, i) => caseResult(c.meta.id, 'passed', { pushLatencyMs: [2 + i, 4 + i, 40 + i] })),
  ];
  const report = runReport(cases);

  it('outcomes per clause as stacked bars with counts, PUSH latency per case against the timeout; inline SVG, nothing fetched', () => {
    const html = statementCharts(report);
    expect(html).toContain('<figcaption>Outcomes per clause</figcaption>');
    for (const clause of new Set(cases.map((c) => c.clause))) expect(html).toContain(`>${clause}</text>`);
    expect(html).toMatch(new RegExp(`<title>${must[1]!.meta.clause.replace(/\./g, '\\.')}: 1 failed</title>`));
    expect(html).toContain('<figcaption>PUSH notification latency per case</figcaption>');
    for (const c of push) expect(html).toContain(`>${c.meta.id}</text>`);
    expect(html).toContain(`${push[0]!.meta.id}: 3 notification(s), p50 4 ms, p95 40 ms, p99 40 ms, max 40 ms`);
    expect(html).not.toMatch(/<script|https?:\/\//);
    const page = htmlPage('Conformance statement', '# Conformance statement', html);
    expect(page).toContain('<svg role="img"');
    expect(page).not.toMatch(/<script|https?:\/\//);
  });

  it('the timeout line shows when a case came near it; no latency chart without PUSH notifications', () => {
    const slow = runReport([caseResult(push[0]!.meta.id, 'passed', { pushLatencyMs: [4000] })]);
    expect(pushLatencyChart(slow)).toContain('timeout 5000 ms');
    expect(pushLatencyChart(runReport([caseResult(must[0]!.meta.id, 'passed')]))).toBe('');
    expect(statementCharts(runReport([]))).toBe('');
  });
});
