// The CR impact report as one self-contained HTML page (inline stylesheet, no script, no external resource), to
// attach to the CR discussion: the summary at the top, per changed statement old and new text with the word diff,
// level, cases and per stored run the status before → after.
import { changeTitle } from './render.js';
import type { CrImpactReport } from './impact.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function diffHtml(d: string): string {
  return d
    .split(/(\[-[\s\S]*?-\]|\{\+[\s\S]*?\+\})/)
    .map((p) => {
      const del = /^\[-([\s\S]*)-\]$/.exec(p);
      if (del) return `<del>${esc(del[1]!)}</del>`;
      const ins = /^\{\+([\s\S]*)\+\}$/.exec(p);
      if (ins) return `<ins>${esc(ins[1]!)}</ins>`;
      return esc(p);
    })
    .join('');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}code{font-family:ui-monospace,monospace;font-size:.92em;background:#f5f5f5;padding:0 .2em}
.summary{font-size:1.15em;font-weight:600;background:#fff8dc;border:1px solid #e5d38b;padding:.6em .8em}
blockquote{margin:.3em 0;padding:.3em .8em;border-left:4px solid #ccc;background:#fafafa}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.kind{display:inline-block;border-radius:3px;padding:0 .4em;margin-right:.3em;font-size:.85em;background:#e8e8e8}
.added{background:#d4f4d4}.removed{background:#f8d0d0}.level-changed{background:#ffe2b3}.reworded{background:#dde8ff}.moved{background:#eee}
.uncovered{color:#a00;font-weight:600}.would-fail{color:#a00;font-weight:600}.would-pass{color:#070}pre{background:#f5f5f5;padding:.6em;white-space:pre-wrap}`;

export function renderHtml(r: CrImpactReport): string {
  const o: string[] = [];
  const s = r.summary;
  o.push('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CR impact report</title>');
  o.push(`<style>${STYLE}</style></head><body>`);
  o.push('<h1>CR impact report</h1>');
  o.push(`<p class="summary">${esc(s.line)}</p>`);
  o.push(`<p>Base: <code>${esc(r.base.input)}</code> (${r.base.kind}, ${r.base.rows} rows, ${r.base.statements} statements) → head: <code>${esc(r.head.input)}</code> (${r.head.kind}, ${r.head.rows} rows, ${r.head.statements} statements). Generated ${esc(r.generatedAt)}.</p>`);
  o.push('<table><tr><th>added</th><th>removed</th><th>reworded</th><th>level changed</th><th>presence changed</th><th>moved</th><th>uncovered</th><th>cases losing a requirement</th><th>ambiguities to revisit</th></tr>');
  o.push(`<tr><td>${s.added}</td><td>${s.removed}</td><td>${s.reworded}</td><td>${s.levelChanged}</td><td>${s.presenceChanged}</td><td>${s.moved}</td><td>${s.uncovered}</td><td>${s.orphanedCases}</td><td>${s.flaggedAmbiguities}</td></tr></table>`);
  for (const c of r.clausesRenumbered) o.push(`<p>Clause ${esc(c.before)} → ${esc(c.after)} (${esc(c.title)}): its statements keep their IDs.</p>`);

  if (r.runs.length > 0) {
    o.push('<h2>Stored runs</h2><table><tr><th>run</th><th>target</th><th>outcome before → after</th><th>would fail</th><th>would pass</th><th>to re-run</th><th>orphaned</th></tr>');
    for (const x of r.runs) {
      o.push(`<tr><td>${esc(x.label)}</td><td>${esc(x.target)}</td><td>${x.before.outcome} (exit ${x.before.exitCode}) → ${x.after.outcome} (exit ${x.after.exitCode})</td><td class="${x.wouldFail.length > 0 ? 'would-fail' : ''}">${x.wouldFail.length}</td><td>${x.wouldPass.length}</td><td>${x.needsRerun.length}</td><td>${x.orphaned.length}</td></tr>`);
    }
    o.push('</table>');
  }

  o.push('<h2>Changes</h2>');
  if (r.changes.length === 0) o.push('<p>No normative statement changed.</p>');
  r.changes.forEach((e, i) => {
    o.push(`<h3>${i + 1}. ${e.changes.map((k) => `<span class="kind ${k}">${k}</span>`).join('')} ${esc(changeTitle(e).replace(/^[^:]*: /, ''))}</h3>`);
    const clause = e.clause.before && e.clause.after && e.clause.before !== e.clause.after ? `${e.clause.before} → ${e.clause.after}` : (e.clause.after ?? e.clause.before);
    const level = e.level.before === e.level.after ? e.level.after : `${e.level.before ?? '–'} → ${e.level.after ?? '–'}`;
    o.push(`<p>Clause ${esc(clause ?? '')} · level <strong>${esc(level ?? '')}</strong>${e.requirements.length > 1 ? ` · also contains ${e.requirements.slice(1).map((x) => `<code>${esc(x)}</code>`).join(', ')}` : ''}</p>`);
    if (e.text.before !== null && e.text.after !== null && e.text.before !== e.text.after) {
      o.push(`<p>Before:</p><blockquote>${esc(e.text.before)}</blockquote><p>After:</p><blockquote>${esc(e.text.after)}</blockquote>`);
      if (e.wordDiff) o.push(`<p>Word diff:</p><blockquote>${diffHtml(e.wordDiff)}</blockquote>`);
    } else {
      o.push(`<blockquote>${esc((e.text.after ?? e.text.before)!)}</blockquote>`);
    }
    if (e.presence.length > 0) o.push(`<p>Presence: ${e.presence.map((p) => `${esc(p.kind)} ${p.before ?? '–'} → ${p.after ?? '–'}`).join('; ')}</p>`);
    if (e.affectedRecords.length > 0) o.push(`<p>Records whose text is no longer in the row: ${e.affectedRecords.map((x) => `<code>${esc(x)}</code>`).join(', ')}</p>`);
    const caseCodes = e.cases.slice(0, 12).map((x) => `<code>${esc(x)}</code>`).join(', ');
    o.push(e.coverage === 'uncovered'
      ? '<p class="uncovered">Uncovered: no case lists this statement.</p>'
      : `<p>Cases (${e.cases.length}): ${caseCodes}${e.cases.length > 12 ? ` and ${e.cases.length - 12} more` : ''}</p>`);
    if (e.proposedRecord) o.push(`<p>Proposed catalog record:</p><pre>${esc(JSON.stringify(e.proposedRecord, null, 2))}</pre>`);
    for (const eff of e.effects) {
      const computed = eff.cases.filter((c) => c.effect !== 'needs-rerun');
      const rerun = eff.cases.filter((c) => c.effect === 'needs-rerun');
      o.push(`<p>${esc(eff.run)}:</p>`);
      if (computed.length > 0) {
        o.push('<table><tr><th>case</th><th>level</th><th>status before → after</th><th>effect</th></tr>');
        for (const c of computed) {
          o.push(`<tr><td><code>${esc(c.case)}</code></td><td>${c.level.before}${c.level.after !== c.level.before ? ` → ${c.level.after}` : ''}</td><td>${esc(c.status.before)} → ${esc(c.status.after ?? '?')}</td><td class="${c.effect}">${c.effect}${c.note ? `: ${esc(c.note)}` : ''}</td></tr>`);
        }
        o.push('</table>');
      }
      if (rerun.length > 0) {
        const why = [...new Set(rerun.map((c) => c.note ?? ''))].filter(Boolean).map(esc).join('; ');
        o.push(`<details><summary>${rerun.length} case${rerun.length === 1 ? '' : 's'} to re-run (${why})</summary><p>${rerun.map((c) => `<code>${esc(c.case)}</code> (${esc(c.status.before)})`).join(', ')}</p></details>`);
      }
    }
  });

  o.push('<h2>Cases losing a requirement</h2>');
  if (r.orphanedCases.length === 0) o.push('<p>None.</p>');
  else {
    o.push('<table><tr><th>case</th><th>removed requirement</th><th>still covers</th></tr>');
    for (const x of r.orphanedCases) o.push(`<tr><td><code>${esc(x.case)}</code></td><td>${x.removed.map(esc).join(', ')}</td><td>${x.remaining.length > 0 ? x.remaining.map(esc).join(', ') : '<strong>nothing: orphaned</strong>'}</td></tr>`);
    o.push('</table>');
  }
  o.push('<h2>Ambiguity records to revisit</h2>');
  if (r.ambiguities.length === 0) o.push('<p>None.</p>');
  else {
    o.push('<table><tr><th>ambiguity</th><th>clause</th><th>title</th><th>why</th></tr>');
    for (const a of r.ambiguities) o.push(`<tr><td><code>${esc(a.id)}</code></td><td>${esc(a.clause)}</td><td>${esc(a.title)}</td><td>${esc(a.reasons.join('; '))}</td></tr>`);
    o.push('</table>');
  }
  o.push('</body></html>');
  return `${o.join('\n')}\n`;
}
