// The CR impact report: what changed between two versions of the CR (per statement, with its requirement ID),
// which cases cover each change today, what is uncovered (with a catalog record to paste), which cases lost their
// requirement, which ambiguity records to revisit, and what the change does to stored runs.
import type { CaseMeta } from '../conformance/case.js';
import type { Ambiguity } from '../spec/catalog.js';
import type { ObjectKind } from '../spec/types.js';
import { type AlignedChange, type ChangeKind, type ClauseRenumbering, type PresenceChange, align, wordDiffText } from './align.js';
import { type StatementUnit, type Unit, normalize } from './extract.js';
import { CatalogIndex, type UnitIds } from './ids.js';
import { type CaseEffect, type RunImpact, type StoredRun, levelEffect, orphanEffect, rerunEffect, runImpact } from './results.js';
import type { CatalogData, InputKind, SpecVersion } from './sources.js';

export const CR_IMPACT_FORMAT = 1;
export const CR_IMPACT_SCHEMA = 'fixtures/report/cr-impact.schema.json';

export interface SideSummary {
  readonly input: string;
  readonly kind: InputKind;
  readonly sha256: string | null;
  /** Whether the side has its own catalog (IDs come from it) or borrows one. */
  readonly catalog: 'own' | 'base' | 'working-tree';
  readonly rows: number;
  readonly statements: number;
}

export interface ProposedRecord {
  readonly id: string;
  readonly kind: 'table-row' | 'statement';
  readonly clause: string;
  readonly table?: string;
  readonly header?: string;
  readonly parent?: string;
  readonly title: string;
  readonly text: string;
  readonly level: string;
  readonly condition?: { readonly feature?: 'notify' | 'push'; readonly objectKinds?: readonly ObjectKind[] };
  readonly origin: 'cr';
  readonly appliesTo?: readonly ObjectKind[];
  readonly source: string;
  readonly testability: 'testable';
}

export interface ChangeEntry {
  readonly kind: 'row' | 'statement';
  readonly changes: readonly ChangeKind[];
  /** The requirement this statement is (head's catalog first, else base's); null for a new statement. */
  readonly requirement: string | null;
  /** requirement and the records the statement also contains (a list it introduces). */
  readonly requirements: readonly string[];
  /** The ID the base's catalog had, when the head's catalog gives another. */
  readonly requirementBefore: string | null;
  readonly clause: { readonly before: string | null; readonly after: string | null };
  readonly table: string | null;
  readonly header: string | null;
  readonly level: { readonly before: string | null; readonly after: string | null };
  readonly text: { readonly before: string | null; readonly after: string | null };
  readonly line: { readonly before: number | null; readonly after: number | null };
  /** `[-removed-]{+added+}` word diff of a reworded statement. */
  readonly wordDiff: string | null;
  readonly similarity: number | null;
  readonly editorial: boolean;
  readonly presence: readonly PresenceChange[];
  /** A reworded row: its records (statements without a keyword) whose text is no longer in the row. */
  readonly affectedRecords: readonly string[];
  readonly cases: readonly string[];
  readonly coverage: 'covered' | 'uncovered' | 'removed';
  readonly proposedRecord: ProposedRecord | null;
  /** Per stored run: what happens to the cases of this statement. */
  readonly effects: readonly { readonly run: string; readonly cases: readonly CaseEffect[] }[];
}

export interface CrImpactReport {
  readonly $schema: string;
  readonly format: typeof CR_IMPACT_FORMAT;
  readonly generatedAt: string;
  readonly base: SideSummary;
  readonly head: SideSummary;
  readonly summary: {
    readonly line: string;
    readonly changed: number;
    readonly added: number;
    readonly removed: number;
    readonly reworded: number;
    readonly levelChanged: number;
    readonly presenceChanged: number;
    readonly moved: number;
    readonly uncovered: number;
    readonly orphanedCases: number;
    readonly flaggedAmbiguities: number;
  };
  readonly clausesRenumbered: readonly ClauseRenumbering[];
  readonly tablesRenumbered: readonly ClauseRenumbering[];
  readonly changes: readonly ChangeEntry[];
  readonly uncovered: readonly { readonly requirement: string | null; readonly proposedId: string | null; readonly clause: string; readonly level: string; readonly text: string; readonly reason: string }[];
  readonly orphanedCases: readonly { readonly case: string; readonly removed: readonly string[]; readonly remaining: readonly string[] }[];
  readonly ambiguities: readonly { readonly id: string; readonly title: string; readonly clause: string; readonly reasons: readonly string[]; readonly requirements: readonly string[] }[];
  readonly runs: readonly RunImpact[];
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Proposed records

const STOP = new Set('a an the of in to for and or be is are it its this that if as by on with when shall should may must not message storage server cpm'.split(' '));

function slug(text: string, max = 4): string {
  const ws = normalize(text.replace(/\[[^\]]*\]/g, ' ')).replace(/[^a-z0-9 -]/g, ' ').split(/\s+/).filter((w) => w && !STOP.has(w) && !/^-+$/.test(w));
  return ws.slice(0, max).join('-').replace(/-+/g, '-').replace(/^-|-$/g, '') || 'statement';
}

function commonPrefix(ids: readonly string[]): string {
  if (ids.length === 0) return '';
  const parts = ids.map((id) => id.split('.'));
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const p = parts[0]![i];
    if (p === undefined || !parts.every((x) => x[i] === p && x.length > i + 1)) break;
    out.push(p);
  }
  return out.join('.');
}

function shorten(text: string, words = 9): string {
  const w = text.replace(/^(?:NOTE|Note)\s*:\s*/, '').split(/\s+/);
  return w.length <= words ? text : `${w.slice(0, words).join(' ')} …`;
}

// ---------------------------------------------------------------------------------------------------------------

export interface ImpactInput {
  readonly base: SpecVersion;
  readonly head: SpecVersion;
  /** The working tree's catalog: names the base's statements when the base has no catalog of its own. */
  readonly workingCatalog: CatalogData;
  readonly cases: readonly CaseMeta[];
  readonly runs?: readonly StoredRun[];
  readonly now?: Date;
}

export function buildImpact(input: ImpactInput): CrImpactReport {
  const { base, head, cases } = input;
  const runs = input.runs ?? [];
  const baseCatalog = base.catalog ?? input.workingCatalog;
  const bIx = new CatalogIndex(baseCatalog);
  const hIx = head.catalog ? new CatalogIndex(head.catalog) : null;
  const alignment = align(base.extracted, head.extracted);

  const baseIds = new Map<Unit, UnitIds>(base.extracted.units.map((u) => [u, bIx.map(u)]));
  const headIds = new Map<Unit, UnitIds>();
  for (const u of head.extracted.units) if (hIx) headIds.set(u, hIx.map(u));
  // Without a catalog of its own the head inherits the base's IDs through the alignment.
  if (!hIx) for (const p of alignment.pairs) headIds.set(p.head, baseIds.get(p.base)!);

  const allIds = new Set([...baseCatalog.requirements.map((r) => r.id), ...(head.catalog?.requirements ?? []).map((r) => r.id)]);
  const headCatalog = head.catalog ?? baseCatalog;
  const ixFor = hIx ?? bIx;

  // IDs still named by some head unit; a base ID outside it is removed.
  const headNamed = new Set([...headIds.values()].flatMap((m) => m.ids));
  const removedIds = new Set<string>();
  for (const c of alignment.changes) {
    if (!c.changes.includes('removed')) continue;
    for (const id of baseIds.get(c.base!)?.ids ?? []) if (!headNamed.has(id)) removedIds.add(id);
  }
  if (head.catalog) {
    const headSet = new Set(head.catalog.requirements.filter((r) => !r.deprecated).map((r) => r.id));
    for (const r of baseCatalog.requirements) if (r.origin !== 'referenced' && !headSet.has(r.id)) removedIds.add(r.id);
  }

  const casesOf = (ids: readonly string[]): string[] => cases.filter((c) => c.requirements.some((r) => ids.includes(r))).map((c) => c.id);

  const propose = (c: AlignedChange, taken: Set<string>): ProposedRecord | null => {
    const u = c.head;
    if (!u) return null;
    const unique = (id: string): string => {
      let out = id;
      for (let n = 2; taken.has(out) || allIds.has(out); n++) out = `${id}-${n}`;
      taken.add(out);
      return out;
    };
    const tableId = u.table ? ixFor.tableId(u.table) : undefined;
    const source = u.table ? `CR ${tableId}` : `CR §${u.clause}`;
    if (u.kind === 'row') {
      const siblings = headCatalog.requirements.filter((r) => r.kind === 'table-row' && r.table === tableId).map((r) => r.id);
      const prefix = commonPrefix(siblings) || 'row';
      const appliesTo = (Object.entries(u.presence) as [ObjectKind, string][]).filter(([, p]) => p !== 'absent').map(([k]) => k);
      return {
        id: unique(`${prefix}.${u.header.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`),
        kind: 'table-row', clause: u.clause, ...(tableId ? { table: tableId } : {}), header: u.header,
        title: `${u.header}: ${shorten(u.text, 7)}`, text: u.text, level: u.level, origin: 'cr',
        ...(appliesTo.length > 0 ? { appliesTo } : {}), source, testability: 'testable',
      };
    }
    const s = u as StatementUnit;
    let parent: string | undefined;
    let prefix: string;
    if (s.table && s.header) {
      const rowUnit = head.extracted.units.find((x) => x.kind === 'row' && x.table.label === s.table!.label && x.header === s.header);
      parent = (rowUnit && headIds.get(rowUnit)?.id) ?? undefined;
      if (!parent) {
        const rowChange = rowUnit ? alignment.changes.find((x) => x.head === rowUnit) : undefined;
        parent = rowChange ? proposals.get(rowChange)?.id : undefined;
      }
      prefix = parent ?? `${tableId === 'Table 6' ? 'vm' : 'mo'}.${s.header.toLowerCase()}`;
    } else {
      // The catalog knows the clause by its number before a renumbering.
      const clause = head.catalog ? s.clause : (alignment.renumbered.find((x) => x.after === s.clause)?.before ?? s.clause);
      const tops = headCatalog.requirements.filter((r) => r.origin !== 'referenced' && r.clause === clause && r.kind === 'statement' && !r.parent).map((r) => r.id);
      prefix = commonPrefix(tops) || (tops[0]?.split('.')[0] ?? `cr.${s.clause.replace(/\./g, '-')}`);
    }
    const level = s.conditional && s.level === 'SHALL' ? 'conditional SHALL' : s.level;
    const feature = /IMAP NOTIFY|IMAP notification/i.test(s.text) ? 'notify' : /PUSH/.test(s.text) ? 'push' : undefined;
    const parentRec = parent ? headCatalog.requirements.find((r) => r.id === parent) : undefined;
    const appliesTo = parentRec?.appliesTo;
    return {
      id: unique(`${prefix}.${slug(s.text)}`),
      kind: 'statement', clause: s.clause, ...(tableId ? { table: tableId } : {}), ...(parent ? { parent } : {}),
      title: shorten(s.text), text: s.text, level,
      ...(level === 'conditional SHALL' || (feature && !s.table) ? { condition: { feature: feature ?? (s.clause.startsWith('5.4.1') ? 'notify' : 'push') } } : {}),
      origin: 'cr', ...(appliesTo ? { appliesTo } : {}), source, testability: 'testable',
    };
  };

  const proposals = new Map<AlignedChange, ProposedRecord>();
  const taken = new Set<string>();
  const entries: ChangeEntry[] = [];
  // Rows first, so that a new statement in a new row can name the row's proposed ID as parent.
  const ordered = [...alignment.changes].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'row' ? -1 : 1));
  const entryOf = new Map<AlignedChange, ChangeEntry>();
  for (const c of ordered) {
    const bm = c.base ? baseIds.get(c.base) : undefined;
    const hm = c.head ? headIds.get(c.head) : undefined;
    const requirement = hm?.id ?? bm?.id ?? null;
    const requirements = [...new Set([...(hm?.ids ?? []), ...(c.head && hIx ? [] : (bm?.ids ?? []))])];
    const removed = c.changes.includes('removed');
    const covering = casesOf(removed ? (bm?.ids ?? []) : requirements);
    let proposedRecord: ProposedRecord | null = null;
    if (!removed && requirement === null) {
      proposedRecord = propose(c, taken);
      if (proposedRecord) proposals.set(c, proposedRecord);
    }
    let affectedRecords: string[] = [];
    if (c.kind === 'row' && c.changes.includes('reworded') && c.base && c.head && requirement) {
      const after = normalize(c.head.text);
      affectedRecords = bIx.descendants(bm?.id ?? requirement).filter((r) => !after.includes(normalize(r.text))).map((r) => r.id);
    }
    const entry: ChangeEntry = {
      kind: c.kind,
      changes: c.changes,
      requirement,
      requirements: requirement === null ? [] : [requirement, ...requirements.filter((x) => x !== requirement)],
      requirementBefore: bm?.id && hm?.id && bm.id !== hm.id ? bm.id : null,
      clause: { before: c.base?.clause ?? null, after: c.head?.clause ?? null },
      table: (c.head ?? c.base)!.table?.label ?? null,
      header: (c.head ?? c.base)!.kind === 'row' ? ((c.head ?? c.base) as { header: string }).header : ((c.head ?? c.base) as StatementUnit).header ?? null,
      level: { before: c.base?.level ?? null, after: c.head?.level ?? null },
      text: { before: c.base?.text ?? null, after: c.head?.text ?? null },
      line: { before: c.base?.line || null, after: c.head?.line || null },
      wordDiff: c.wordDiff ? wordDiffText(c.wordDiff) : null,
      similarity: c.similarity ?? null,
      editorial: c.editorial ?? false,
      presence: c.presence ?? [],
      affectedRecords,
      cases: covering,
      coverage: removed ? 'removed' : covering.length > 0 ? 'covered' : 'uncovered',
      proposedRecord,
      effects: [],
    };
    entryOf.set(c, entry);
  }
  // Back in document order.
  for (const c of alignment.changes) entries.push(entryOf.get(c)!);

  // Stored runs: level changes computed, other changes need a re-run, removed requirements orphan their cases.
  const runImpacts: RunImpact[] = [];
  const effectsByEntry = new Map<ChangeEntry, { run: string; cases: CaseEffect[] }[]>();
  for (const run of runs) {
    const all: CaseEffect[] = [];
    for (const e of entries) {
      const ids = e.coverage === 'removed' ? e.requirements.filter((id) => removedIds.has(id)) : e.requirements;
      if (ids.length === 0) continue;
      const stored = run.report.cases.filter((c) => c.requirements.some((r) => ids.includes(r)));
      const strict = run.report.strict;
      const effects = stored.map((c): CaseEffect => {
        if (e.coverage === 'removed') return orphanEffect(c, ids.filter((id) => c.requirements.includes(id)), strict);
        if (e.kind === 'statement' && e.changes.includes('level-changed') && !e.changes.includes('reworded')) {
          return levelEffect(c, e.level.before!, e.level.after!, strict);
        }
        const why = e.changes.includes('reworded') ? 'the statement is reworded' : e.kind === 'row' && e.changes.includes('level-changed')
          ? `the row's status changes ${e.level.before} → ${e.level.after}`
          : e.changes.includes('presence-changed') ? 'the presence per object kind changes' : e.changes.includes('level-changed') ? 'reworded and its level changes' : 'the statement changed';
        return rerunEffect(c, why, strict);
      // A case whose level does not follow the statement's keeps its verdict: not worth a line.
      }).filter((x) => !(x.effect === 'unchanged' && x.level.before === x.level.after));
      if (effects.length === 0 || e.changes.every((k) => k === 'moved')) continue;
      all.push(...effects);
      effectsByEntry.set(e, [...(effectsByEntry.get(e) ?? []), { run: run.label, cases: effects }]);
    }
    runImpacts.push(runImpact(run, all));
  }
  const finalEntries = entries.map((e) => ({ ...e, effects: effectsByEntry.get(e) ?? [] }));

  // Orphaned cases.
  const orphanedCases = cases
    .filter((c) => c.requirements.some((r) => removedIds.has(r)))
    .map((c) => ({ case: c.id, removed: c.requirements.filter((r) => removedIds.has(r)), remaining: c.requirements.filter((r) => !removedIds.has(r)) }));

  // Ambiguities whose text or clause changed.
  const changedIds = new Map<string, Set<string>>();
  const renumbered = new Map(alignment.renumbered.map((r) => [r.before, r.after]));
  for (const e of finalEntries) {
    // Its text changed (reworded, another keyword, removed, other presence) or it is now in another clause.
    const kinds: string[] = e.changes.filter((k) => k !== 'added' && k !== 'moved');
    const renumberedOnly = e.clause.before !== null && renumbered.get(e.clause.before) === e.clause.after;
    if (e.clause.before && e.clause.after && e.clause.before !== e.clause.after && !renumberedOnly) kinds.push(`moved to clause ${e.clause.after}`);
    if (kinds.length === 0) continue;
    for (const id of e.requirements) {
      const s = changedIds.get(id) ?? new Set<string>();
      for (const k of kinds) s.add(k);
      changedIds.set(id, s);
    }
  }
  const headAmb = new Map((head.catalog?.ambiguities ?? []).map((a) => [a.id, a]));
  const ambiguities: CrImpactReport['ambiguities'][number][] = [];
  for (const a of baseCatalog.ambiguities as readonly Ambiguity[]) {
    const reasons: string[] = [];
    const reqs = a.affects.filter((id) => changedIds.has(id));
    for (const id of reqs) reasons.push(`${id}: ${[...changedIds.get(id)!].join(', ')}`);
    const moved = renumbered.get(a.clause);
    if (moved) reasons.push(`clause ${a.clause} is now ${moved}`);
    const h = headAmb.get(a.id);
    if (head.catalog && !h) reasons.push('not in the head catalog');
    if (h && h.clause !== a.clause) reasons.push(`record's clause ${a.clause} → ${h.clause}`);
    if (h && (h.question !== a.question || h.suiteInterpretation !== a.suiteInterpretation)) reasons.push('record text changed');
    if (reasons.length > 0) ambiguities.push({ id: a.id, title: a.title, clause: a.clause, reasons, requirements: reqs });
  }

  const uncovered = finalEntries
    .filter((e) => e.coverage === 'uncovered' && !e.changes.every((k) => k === 'moved') && !e.editorial)
    .map((e) => {
      const rec = e.requirement ? ixFor.byId.get(e.requirement) ?? bIx.byId.get(e.requirement) : undefined;
      const reason = e.requirement === null ? 'new statement: no catalog record, no case'
        : rec?.testability === 'not-testable-at-store' ? `not testable at the store: ${rec.testabilityNote ?? ''}`.trim()
        : rec?.deferred ? `deferred: ${rec.deferred}` : 'no case lists this requirement';
      return { requirement: e.requirement, proposedId: e.proposedRecord?.id ?? null, clause: e.clause.after ?? '', level: e.level.after ?? '', text: e.text.after ?? '', reason };
    });

  const count = (k: ChangeKind): number => finalEntries.filter((e) => e.changes.includes(k)).length;
  const changed = finalEntries.filter((e) => !e.editorial).length;
  const perRun = runImpacts.map((r) => {
    const parts = [`${r.wouldFail.length} case${r.wouldFail.length === 1 ? '' : 's'} would fail`];
    if (r.wouldPass.length > 0) parts.push(`${r.wouldPass.length} would pass`);
    if (r.needsRerun.length > 0) parts.push(`${r.needsRerun.length} to re-run`);
    if (r.orphaned.length > 0) parts.push(`${r.orphaned.length} orphaned`);
    return `${r.label}: ${parts.join(', ')}`;
  });
  const orphaned = orphanedCases.filter((o) => o.remaining.length === 0).length;
  const lost = orphanedCases.length - orphaned;
  const line = [
    `${changed} statement${changed === 1 ? '' : 's'} changed`,
    `${uncovered.length} uncovered`,
    ...(orphaned > 0 ? [`${orphaned} case${orphaned === 1 ? '' : 's'} orphaned`] : []),
    ...(lost > 0 ? [`${lost} case${lost === 1 ? '' : 's'} lost a requirement`] : []),
    ...perRun,
  ].join(', ');

  const side = (v: SpecVersion, catalog: SideSummary['catalog']): SideSummary => ({
    input: v.input, kind: v.kind, sha256: v.sha256, catalog,
    rows: v.extracted.units.filter((u) => u.kind === 'row').length,
    statements: v.extracted.units.filter((u) => u.kind === 'statement').length,
  });
  return {
    $schema: `../${CR_IMPACT_SCHEMA}`,
    format: CR_IMPACT_FORMAT,
    generatedAt: (input.now ?? new Date()).toISOString(),
    base: side(base, base.catalog ? 'own' : 'working-tree'),
    head: side(head, head.catalog ? 'own' : 'base'),
    summary: {
      line, changed,
      added: count('added'), removed: count('removed'), reworded: count('reworded'), levelChanged: count('level-changed'),
      presenceChanged: count('presence-changed'), moved: count('moved'),
      uncovered: uncovered.length, orphanedCases: orphanedCases.length, flaggedAmbiguities: ambiguities.length,
    },
    clausesRenumbered: alignment.renumbered,
    tablesRenumbered: alignment.tablesRenumbered,
    changes: finalEntries,
    uncovered,
    orphanedCases,
    ambiguities,
    runs: runImpacts,
    warnings: [...base.warnings, ...head.warnings],
  };
}

