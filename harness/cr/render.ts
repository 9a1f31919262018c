// The CR impact report as markdown (to attach to the CR discussion) and as console lines.
import type { ChangeEntry, CrImpactReport, SideSummary } from './impact.js';

const md = (s: string): string => s.replace(/([\\`*_~|<>[\]])/g, '\\$1');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
const quote = (s: string): string => `> ${md(s)}`;

/** The word diff in markdown: removed words struck through, added words bold. */
function mdWordDiff(d: string): string {
  return d
    .split(/(\[-[\s\S]*?-\]|\{\+[\s\S]*?\+\})/)
    .map((p) => {
      const del = /^\[-([\s\S]*)-\]$/.exec(p);
      if (del) return del[1]!.trim() ? `~~${md(del[1]!.trim())}~~${/\s$/.test(del[1]!) ? ' ' : ''}` : '';
      const ins = /^\{\+([\s\S]*)\+\}$/.exec(p);
      if (ins) return ins[1]!.trim() ? `**${md(ins[1]!.trim())}**${/\s$/.test(ins[1]!) ? ' ' : ''}` : '';
      return md(p);
    })
    .join('');
}

const KIND_WORDS: Record<string, string> = {
  added: 'added', removed: 'removed', reworded: 'reworded', 'level-changed': 'level changed',
  'presence-changed': 'presence changed', moved: 'moved',
};

export function changeTitle(e: ChangeEntry): string {
  const what = e.kind === 'row' ? `${e.table} row ${e.header}` : e.table ? `${e.table} ${e.header}` : `§${e.clause.after ?? e.clause.before}`;
  const id = e.requirement ?? (e.proposedRecord ? `${e.proposedRecord.id} (proposed)` : 'no ID');
  return `${e.changes.map((k) => KIND_WORDS[k] ?? k).join(', ')}${e.editorial ? ' (editorial)' : ''}: ${id}, ${what}`;
}

function side(s: SideSummary): string {
  const ids = s.catalog === 'own' ? 'IDs from its catalog' : s.catalog === 'base' ? "IDs carried over from the base" : "IDs from the working tree's catalog";
  return `${code(s.input)} (${s.kind}${s.sha256 ? `, sha256 ${s.sha256.slice(0, 12)}…` : ''}; ${s.rows} table rows, ${s.statements} keyword statements; ${ids})`;
}

function caseList(ids: readonly string[], max = 12): string {
  if (ids.length === 0) return 'none';
  const shown = ids.slice(0, max).map(code).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

export function renderMarkdown(r: CrImpactReport): string {
  const out: string[] = [];
  const s = r.summary;
  out.push('# CR impact report', '');
  out.push(`- Base: ${side(r.base)}`, `- Head: ${side(r.head)}`, `- Generated: ${r.generatedAt}`, '');
  out.push(`**${md(s.line)}**`, '');
  out.push('| added | removed | reworded | level changed | presence changed | moved | uncovered | cases losing a requirement | ambiguities to revisit |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  out.push(`| ${s.added} | ${s.removed} | ${s.reworded} | ${s.levelChanged} | ${s.presenceChanged} | ${s.moved} | ${s.uncovered} | ${s.orphanedCases} | ${s.flaggedAmbiguities} |`, '');

  if (r.clausesRenumbered.length > 0 || r.tablesRenumbered.length > 0) {
    out.push('## Renumbered', '');
    for (const c of r.clausesRenumbered) out.push(`- clause ${c.before} → ${c.after} (${md(c.title)}): its statements keep their IDs`);
    for (const t of r.tablesRenumbered) out.push(`- ${t.before} → ${t.after} (${md(t.title)})`);
    out.push('');
  }

  if (r.runs.length > 0) {
    out.push('## Stored runs', '');
    out.push('| run | target | outcome before → after | would fail | would pass | to re-run | orphaned |', '|---|---|---|---|---|---|---|');
    for (const x of r.runs) {
      out.push(`| ${md(x.label)} | ${md(x.target)} | ${x.before.outcome} (exit ${x.before.exitCode}) → ${x.after.outcome} (exit ${x.after.exitCode}) | ${x.wouldFail.length} | ${x.wouldPass.length} | ${x.needsRerun.length} | ${x.orphaned.length} |`);
    }
    out.push('');
  }

  out.push('## Changes', '');
  if (r.changes.length === 0) out.push('No normative statement changed.', '');
  r.changes.forEach((e, i) => {
    out.push(`### ${i + 1}. ${md(changeTitle(e))}`, '');
    const clause = e.clause.before && e.clause.after && e.clause.before !== e.clause.after ? `${e.clause.before} → ${e.clause.after}` : (e.clause.after ?? e.clause.before);
    out.push(`- Clause: ${clause}${e.line.before || e.line.after ? ` (line ${e.line.before ?? '–'} → ${e.line.after ?? '–'})` : ''}`);
    if (e.level.before !== e.level.after) out.push(`- Level: ${e.level.before ?? '–'} → ${e.level.after ?? '–'}`);
    else out.push(`- Level: ${e.level.after}`);
    if (e.requirementBefore) out.push(`- ID before: ${code(e.requirementBefore)}`);
    if (e.requirements.length > 1) out.push(`- Also contains: ${e.requirements.slice(1).map(code).join(', ')}`);
    if (e.text.before !== null && e.text.after !== null && e.text.before !== e.text.after) {
      out.push('- Before:', '', quote(e.text.before), '', '- After:', '', quote(e.text.after), '');
      if (e.wordDiff) out.push(`- Word diff: ${mdWordDiff(e.wordDiff)}`);
    } else {
      out.push('- Text:', '', quote((e.text.after ?? e.text.before)!), '');
    }
    for (const p of e.presence) out.push(`- Presence in ${p.kind} objects: ${p.before ?? '–'} → ${p.after ?? '–'}`);
    if (e.affectedRecords.length > 0) out.push(`- Records whose text is no longer in the row: ${e.affectedRecords.map(code).join(', ')}`);
    out.push(`- Cases (${e.cases.length}): ${e.coverage === 'uncovered' ? '**uncovered**' : caseList(e.cases)}`);
    if (e.proposedRecord) out.push('- Proposed catalog record:', '', '```json', JSON.stringify(e.proposedRecord, null, 2), '```', '');
    for (const eff of e.effects) {
      const rerun = eff.cases.filter((c) => c.effect === 'needs-rerun');
      const computed = eff.cases.filter((c) => c.effect !== 'needs-rerun');
      out.push('', `- ${md(eff.run)}:`);
      if (computed.length > 0) {
        out.push('', '  | case | level | status before → after | effect |', '  |---|---|---|---|');
        for (const c of computed) {
          out.push(`  | ${code(c.case)} | ${c.level.before}${c.level.after !== c.level.before ? ` → ${c.level.after}` : ''} | ${c.status.before} → ${c.status.after ?? '?'} | ${c.effect}${c.note ? `: ${md(c.note)}` : ''} |`);
        }
        out.push('');
      }
      if (rerun.length > 0) {
        const why = [...new Set(rerun.map((c) => c.note ?? ''))].filter(Boolean).map(md).join('; ');
        out.push(`  - ${rerun.length} case${rerun.length === 1 ? '' : 's'} to re-run (${why}): ${caseList(rerun.map((c) => `${c.case} (${c.status.before})`), 8)}`);
      }
    }
    out.push('');
  });

  out.push('## Uncovered', '');
  if (r.uncovered.length === 0) out.push('Every added or changed statement has a case.', '');
  for (const u of r.uncovered) out.push(`- ${u.requirement ? code(u.requirement) : `${code(u.proposedId ?? '?')} (proposed)`} §${u.clause} ${u.level}: ${md(u.reason)}`);
  if (r.uncovered.length > 0) out.push('');

  out.push('## Orphaned cases', '');
  if (r.orphanedCases.length === 0) out.push('No case lost its requirement.', '');
  else {
    out.push('| case | removed requirement | still covers |', '|---|---|---|');
    for (const o of r.orphanedCases) out.push(`| ${code(o.case)} | ${o.removed.map(code).join(', ')} | ${o.remaining.length > 0 ? o.remaining.map(code).join(', ') : '**nothing: orphaned**'} |`);
    out.push('');
  }

  out.push('## Ambiguity records to revisit', '');
  if (r.ambiguities.length === 0) out.push('None.', '');
  else {
    out.push('| ambiguity | clause | title | why |', '|---|---|---|---|');
    for (const a of r.ambiguities) out.push(`| ${code(a.id)} | ${a.clause} | ${md(a.title)} | ${md(a.reasons.join('; '))} |`);
    out.push('');
  }
  if (r.warnings.length > 0) out.push('## Warnings', '', ...r.warnings.map((w) => `- ${md(w)}`), '');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

/** The console summary: the summary line, one line per change, the stored runs, the report files. */
export function renderConsole(r: CrImpactReport, files: readonly string[]): string {
  const out: string[] = [];
  out.push(`cr diff: ${r.base.input} → ${r.head.input}`);
  out.push(`  ${r.summary.line}`);
  for (const c of r.clausesRenumbered) out.push(`  clause ${c.before} → ${c.after} (${c.title})`);
  for (const e of r.changes) {
    const kinds = e.changes.join(',');
    const id = e.requirement ?? `${e.proposedRecord?.id ?? '?'} (proposed)`;
    let detail = '';
    if (e.changes.includes('level-changed')) detail = ` ${e.level.before} → ${e.level.after}`;
    if (e.changes.includes('reworded') && e.wordDiff) detail += ` ${e.wordDiff.length > 140 ? `${e.wordDiff.slice(0, 137)}...` : e.wordDiff}`;
    if (e.changes.includes('added') || e.changes.includes('removed')) detail += ` ${e.level.after ?? e.level.before} "${(e.text.after ?? e.text.before)!.slice(0, 80)}"`;
    const cov = e.coverage === 'uncovered' ? ' UNCOVERED' : e.coverage === 'covered' ? ` (${e.cases.length} case${e.cases.length === 1 ? '' : 's'})` : '';
    out.push(`  ${kinds.padEnd(15)} ${id}${detail}${cov}`);
  }
  for (const o of r.orphanedCases.filter((x) => x.remaining.length === 0)) out.push(`  orphaned case   ${o.case} (${o.removed.join(', ')})`);
  if (r.ambiguities.length > 0) {
    const ids = r.ambiguities.map((a) => a.id);
    out.push(`  revisit ${ids.length} ambiguity record${ids.length === 1 ? '' : 's'}: ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? `, … (${ids.length - 8} more)` : ''}`);
  }
  for (const x of r.runs) {
    out.push(`  run ${x.label}: ${x.before.outcome} → ${x.after.outcome}; would fail: ${x.wouldFail.join(', ') || 'none'}${x.needsRerun.length > 0 ? `; re-run ${x.needsRerun.length}` : ''}`);
  }
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  if (files.length > 0) out.push(`  reports: ${files.join(', ')}`);
  return `${out.join('\n')}\n`;
}
