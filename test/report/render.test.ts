// The small renderers: analytics stripping, Markdown → HTML, and the test specification of every case.
import { describe, expect, it } from 'vitest';
import { htmlPage, markdownToHtml } from '../../harness/report/html.js';
import { missingFields, renderTestSpecification, specEntry } from '../../harness/report/test-spec.js';
import { loadCatalog } from '../../harness/spec/catalog.js';
import { stripAnalytics } from '../../scripts/strip-analytics.mjs';
import { ALL_CASES } from '../../suites/index.js';

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
