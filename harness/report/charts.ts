// Charts of the HTML conformance statement, as inline SVG (no script, no network, prints as it shows): outcomes
// per clause as one stacked bar each, and the PUSH notification latency of every case that awaited one (p50, p95,
// p99 and max against the declared timeout). The Markdown statement carries the same numbers as tables.
import { latencySummary, VERDICTS, type CaseVerdict, type RunReport } from './model.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One colour per verdict: green passes, red failures, orange warnings, grey what did not run, purple known deviations. */
const COLOUR: Record<CaseVerdict, string> = {
  passed: '#2da44e',
  failed: '#cf222e',
  warning: '#d4a72c',
  'not-applicable': '#afb8c1',
  'not-exercised': '#8c959f',
  blocked: '#bc4c00',
  error: '#953800',
  flaky: '#e16f24',
  'not-run': '#d0d7de',
  'expected-failure': '#8250df',
  'unexpected-pass': '#a40e26',
};

const BAR_W = 560;
const LABEL_W = 70;

/** Outcomes per clause: one horizontal stacked bar per clause, widths proportional to the clause's cases. */
export function clauseOutcomeChart(report: Pick<RunReport, 'cases'>): string {
  const clauses = [...new Set(report.cases.map((c) => c.clause))].sort();
  if (clauses.length === 0) return '';
  const rowH = 22;
  const legendH = 18 * Math.ceil(VERDICTS.length / 4);
  const height = clauses.length * rowH + legendH + 8;
  const parts: string[] = [];
  clauses.forEach((clause, i) => {
    const of = report.cases.filter((c) => c.clause === clause);
    const y = i * rowH;
    parts.push(`<text x="0" y="${y + 15}" font-size="12">${esc(clause)}</text>`);
    let x = LABEL_W;
    for (const v of VERDICTS) {
      const n = of.filter((c) => c.verdict === v).length;
      if (n === 0) continue;
      const w = (n / of.length) * BAR_W;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${COLOUR[v]}"><title>${esc(`${clause}: ${n} ${v}`)}</title></rect>`);
      if (w > 22) parts.push(`<text x="${(x + w / 2).toFixed(1)}" y="${y + 15}" font-size="11" text-anchor="middle" fill="#fff">${n}</text>`);
      x += w;
    }
    parts.push(`<text x="${LABEL_W + BAR_W + 6}" y="${y + 15}" font-size="11">${of.length}</text>`);
  });
  VERDICTS.forEach((v, i) => {
    const x = (i % 4) * 160;
    const y = clauses.length * rowH + 8 + Math.floor(i / 4) * 18;
    parts.push(`<rect x="${x}" y="${y}" width="10" height="10" fill="${COLOUR[v]}"/><text x="${x + 14}" y="${y + 9}" font-size="11">${esc(v)}</text>`);
  });
  return svg('Outcomes per clause', LABEL_W + BAR_W + 40, height, parts);
}

/** PUSH latency per case: a bar to the maximum, ticks at p50 / p95 / p99, and a line at the declared timeout. */
export function pushLatencyChart(report: Pick<RunReport, 'cases' | 'timeouts'>): string {
  const rows = report.cases
    .filter((c) => c.pushLatencyMs.length > 0)
    .map((c) => ({ id: c.id, s: latencySummary(c.pushLatencyMs)! }))
    .sort((a, b) => b.s.max - a.s.max);
  if (rows.length === 0) return '';
  const timeout = report.timeouts?.pushMs;
  // The scale shows the timeout when a case came near it, otherwise the slowest case fills the width.
  const slowest = Math.max(...rows.map((r) => r.s.max));
  const scaleMax = timeout !== undefined && slowest > timeout / 4 ? Math.max(timeout, slowest) : slowest * 1.1;
  const labelW = 430;
  const plotW = 360;
  const rowH = 14;
  const top = 18;
  const xOf = (ms: number): number => labelW + (Math.min(ms, scaleMax) / scaleMax) * plotW;
  const parts: string[] = [
    `<text x="${labelW}" y="12" font-size="11">0 ms</text>`,
    `<text x="${labelW + plotW}" y="12" font-size="11" text-anchor="end">${scaleMax.toFixed(1)} ms</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const tick = (ms: number, colour: string, name: string): string =>
      `<line x1="${xOf(ms).toFixed(1)}" x2="${xOf(ms).toFixed(1)}" y1="${y + 1}" y2="${y + rowH - 1}" stroke="${colour}" stroke-width="2"><title>${name} ${ms} ms</title></line>`;
    parts.push(
      `<text x="${labelW - 6}" y="${y + 10}" font-size="10" text-anchor="end">${esc(r.id)}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${(xOf(r.s.max) - labelW).toFixed(1)}" height="${rowH - 6}" fill="#54aeff"><title>${esc(`${r.id}: ${r.s.count} notification(s), p50 ${r.s.p50} ms, p95 ${r.s.p95} ms, p99 ${r.s.p99} ms, max ${r.s.max} ms`)}</title></rect>`,
      tick(r.s.p50, '#0550ae', 'p50'),
      tick(r.s.p95, '#8250df', 'p95'),
      tick(r.s.p99, '#cf222e', 'p99'),
    );
  });
  const bottom = top + rows.length * rowH;
  if (timeout !== undefined && timeout <= scaleMax) {
    parts.push(
      `<line x1="${xOf(timeout).toFixed(1)}" x2="${xOf(timeout).toFixed(1)}" y1="${top}" y2="${bottom}" stroke="#cf222e" stroke-dasharray="4 3"/>`,
      `<text x="${xOf(timeout).toFixed(1)}" y="${bottom + 12}" font-size="11" text-anchor="end" fill="#cf222e">timeout ${timeout} ms</text>`,
    );
  }
  parts.push(`<text x="${labelW}" y="${bottom + 26}" font-size="11">bar: max; ticks: p50 (blue), p95 (purple), p99 (red)</text>`);
  return svg('PUSH notification latency per case', labelW + plotW + 20, bottom + 34, parts);
}

function svg(title: string, width: number, height: number, parts: readonly string[]): string {
  return `<figure><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,sans-serif">${parts.join('')}</svg></figure>`;
}

/** Both charts, for the HTML statement (empty for a run without cases). */
export function statementCharts(report: Pick<RunReport, 'cases' | 'timeouts'>): string {
  const charts = [clauseOutcomeChart(report), pushLatencyChart(report)].filter(Boolean);
  return charts.length > 0 ? `<h2 id="charts">Charts</h2>\n${charts.join('\n')}` : '';
}
