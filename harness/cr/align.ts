// Aligns the units of two versions of a CR and classifies each difference.
//
// Rows are matched by table (its caption, so a renumbered table still matches) and header. Statements are matched
// in rounds, each on what is left by the one before: (1) same normalised text in the same place (row, or clause by
// its title, so a renumbered clause still matches); (2) same text anywhere (a moved paragraph); (3) same text but
// for the keyword (a level change); (4) the most similar statement in the same place, then anywhere (word-multiset
// Dice coefficient ≥ 0.5, resp. 0.6: a rewording). Normalising drops layout (line breaks, list numbers, quote
// style), so reflowed text aligns exactly. What is left is added or removed. A matched pair is "moved" when its
// place changed or when it is out of the document order of the other pairs (not in their longest increasing
// subsequence).
import { type Change, diffWords } from 'diff';
import type { ObjectKind } from '../spec/types.js';
import { type ClauseInfo, type Presence, type RowUnit, type StatementUnit, type Unit, masked, normalize, similarity } from './extract.js';

export type ChangeKind = 'added' | 'removed' | 'reworded' | 'level-changed' | 'presence-changed' | 'moved';

export interface PresenceChange {
  readonly kind: ObjectKind;
  readonly before: Presence | null;
  readonly after: Presence | null;
}

export interface AlignedChange {
  readonly kind: 'row' | 'statement';
  readonly changes: readonly ChangeKind[];
  readonly base?: Unit;
  readonly head?: Unit;
  /** Word similarity of a reworded pair. */
  readonly similarity?: number;
  /** Word diff of base → head text (the diff library's parts). */
  readonly wordDiff?: readonly Change[];
  readonly presence?: readonly PresenceChange[];
  /** Only layout or punctuation differs (the catalog's verbatim text still needs the update). */
  readonly editorial?: boolean;
}

export interface ClauseRenumbering {
  readonly title: string;
  readonly before: string;
  readonly after: string;
}

export interface Alignment {
  readonly changes: readonly AlignedChange[];
  /** Every matched pair, changed or not (coverage and ID inheritance need them). */
  readonly pairs: readonly { base: Unit; head: Unit }[];
  readonly renumbered: readonly ClauseRenumbering[];
  readonly tablesRenumbered: readonly ClauseRenumbering[];
}

/** Longest increasing subsequence of `seq` (indices into it). */
function lis(seq: readonly number[]): Set<number> {
  const tails: number[] = [];
  const prev: number[] = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < seq[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const out = new Set<number>();
  for (let i = tails.at(-1) ?? -1; i >= 0; i = prev[i]!) out.add(i);
  return out;
}

const tableKey = (u: Unit): string => (u.table ? normalize(u.table.caption) || u.table.label.toLowerCase() : '');

export function align(
  base: { units: readonly Unit[]; clauses: readonly ClauseInfo[] },
  head: { units: readonly Unit[]; clauses: readonly ClauseInfo[] },
): Alignment {
  // A clause is known by its title; a side without titles (catalog records) borrows them by number.
  const titleOf = (number: string, own: readonly ClauseInfo[], other: readonly ClauseInfo[]): string =>
    normalize(own.find((c) => c.number === number)?.title || other.find((c) => c.number === number)?.title || '') || `§${number}`;
  const place = (u: Unit, own: readonly ClauseInfo[], other: readonly ClauseInfo[]): string =>
    u.table ? `t:${tableKey(u)}:${u.kind === 'row' ? '' : (u.header ?? '').toLowerCase()}` : `c:${titleOf(u.clause, own, other)}`;
  const bPlace = (u: Unit): string => place(u, base.clauses, head.clauses);
  const hPlace = (u: Unit): string => place(u, head.clauses, base.clauses);

  const renumbered: ClauseRenumbering[] = [];
  for (const c of base.clauses) {
    const t = normalize(c.title);
    const h = t ? head.clauses.find((x) => normalize(x.title) === t) : undefined;
    if (h && h.number !== c.number) renumbered.push({ title: c.title, before: c.number, after: h.number });
  }

  const pairs: { base: Unit; head: Unit; similarity?: number }[] = [];

  // Rows: table caption + header.
  const bRows = base.units.filter((u): u is RowUnit => u.kind === 'row');
  const hRows = head.units.filter((u): u is RowUnit => u.kind === 'row');
  const rowKey = (u: RowUnit): string => `${tableKey(u)}|${u.header.toLowerCase()}`;
  const hRowByKey = new Map(hRows.map((u) => [rowKey(u), u]));
  const matchedRows = new Set<Unit>();
  for (const b of bRows) {
    const h = hRowByKey.get(rowKey(b));
    if (h && !matchedRows.has(h)) {
      pairs.push({ base: b, head: h });
      matchedRows.add(b).add(h);
    }
  }
  const tablesRenumbered: ClauseRenumbering[] = [];
  for (const p of pairs) {
    const b = p.base.table!;
    const h = p.head.table!;
    if (b.label !== h.label && !tablesRenumbered.some((t) => t.before === b.label)) tablesRenumbered.push({ title: b.caption, before: b.label, after: h.label });
  }

  // Statements: rounds of matching on what is left.
  let bLeft = base.units.filter((u): u is StatementUnit => u.kind === 'statement');
  let hLeft = head.units.filter((u): u is StatementUnit => u.kind === 'statement');
  const round = (score: (b: StatementUnit, h: StatementUnit) => number, min: number): void => {
    const candidates: { b: StatementUnit; h: StatementUnit; s: number }[] = [];
    for (const b of bLeft) for (const h of hLeft) {
      const s = score(b, h);
      if (s >= min) candidates.push({ b, h, s });
    }
    candidates.sort((x, y) => y.s - x.s || x.b.order - y.b.order || x.h.order - y.h.order);
    const used = new Set<Unit>();
    for (const c of candidates) {
      if (used.has(c.b) || used.has(c.h)) continue;
      used.add(c.b).add(c.h);
      pairs.push({ base: c.b, head: c.h, similarity: c.s });
    }
    bLeft = bLeft.filter((u) => !used.has(u));
    hLeft = hLeft.filter((u) => !used.has(u));
  };
  const samePlace = (b: Unit, h: Unit): boolean => bPlace(b) === hPlace(h);
  round((b, h) => (samePlace(b, h) && normalize(b.text) === normalize(h.text) ? 1 : 0), 1);
  round((b, h) => (normalize(b.text) === normalize(h.text) ? 1 : 0), 1);
  round((b, h) => (masked(b.text) === masked(h.text) ? (samePlace(b, h) ? 1 : 0.99) : 0), 0.99);
  round((b, h) => (samePlace(b, h) ? similarity(b.text, h.text) : 0), 0.5);
  round((b, h) => similarity(b.text, h.text), 0.6);

  // Out of order: not in the longest run of pairs that keeps the base order.
  const outOfOrder = new Set<Unit>();
  for (const kind of ['row', 'statement'] as const) {
    const ps = pairs.filter((p) => p.base.kind === kind).sort((a, b) => a.base.order - b.base.order);
    const keep = lis(ps.map((p) => p.head.order));
    ps.forEach((p, i) => keep.has(i) || outOfOrder.add(p.base));
  }

  const changes: AlignedChange[] = [];
  for (const p of pairs) {
    const kinds: ChangeKind[] = [];
    const b = p.base;
    const h = p.head;
    if (b.level !== h.level) kinds.push('level-changed');
    let presence: PresenceChange[] | undefined;
    let reworded: boolean;
    if (b.kind === 'row' && h.kind === 'row') {
      // A row is reworded when its text outside its keyword statements changed (those are compared on their own).
      const residual = (u: RowUnit, units: readonly Unit[]): string => {
        let t = normalize(u.text);
        for (const s of units) {
          if (s.kind === 'statement' && s.table?.label === u.table.label && s.header === u.header) t = t.replace(normalize(s.text), ' ');
        }
        return t.replace(/\s+/g, ' ').trim();
      };
      reworded = residual(b, base.units) !== residual(h, head.units);
      const kindsSeen = new Set([...Object.keys(b.presence), ...Object.keys(h.presence)] as ObjectKind[]);
      presence = [...kindsSeen]
        .map((k) => ({ kind: k, before: b.presence[k] ?? null, after: h.presence[k] ?? null }))
        .filter((c) => c.before !== c.after);
      if (reworded) kinds.push('reworded');
      if (presence.length > 0) kinds.push('presence-changed');
    } else {
      reworded = masked(b.text) !== masked(h.text);
      if (reworded) kinds.push('reworded');
    }
    if (bPlace(b) !== hPlace(h) || outOfOrder.has(b)) kinds.push('moved');
    // Same words, other layout or punctuation (a row whose only changes are in its statements is not listed).
    const editorial = kinds.length === 0 && b.text !== h.text && b.line > 0 && h.line > 0 && (b.kind === 'statement' || normalize(b.text) === normalize(h.text));
    if (kinds.length === 0 && !editorial) continue;
    changes.push({
      kind: b.kind,
      changes: kinds,
      base: b,
      head: h,
      ...(p.similarity !== undefined && p.similarity < 1 ? { similarity: Math.round(p.similarity * 1000) / 1000 } : {}),
      ...(b.text !== h.text ? { wordDiff: diffWords(b.text, h.text) } : {}),
      ...(presence && presence.length > 0 ? { presence } : {}),
      ...(editorial ? { editorial: true, changes: ['reworded'] as ChangeKind[] } : {}),
    });
  }
  const pairedUnits = new Set(pairs.flatMap((p) => [p.base, p.head]));
  // An added or removed row shows its presence per object kind.
  const presenceOf = (u: Unit, side: 'before' | 'after'): { presence?: PresenceChange[] } =>
    u.kind === 'row'
      ? { presence: (Object.entries(u.presence) as [ObjectKind, Presence][]).map(([kind, p]) => ({ kind, before: side === 'before' ? p : null, after: side === 'after' ? p : null })) }
      : {};
  for (const u of base.units) if (!pairedUnits.has(u)) changes.push({ kind: u.kind, changes: ['removed'], base: u, ...presenceOf(u, 'before') });
  for (const u of head.units) if (!pairedUnits.has(u)) changes.push({ kind: u.kind, changes: ['added'], head: u, ...presenceOf(u, 'after') });
  const at = (c: AlignedChange): number => (c.head ?? c.base)!.order + (c.head ? 0 : 0.5);
  changes.sort((a, b) => at(a) - at(b));
  return { changes, pairs, renumbered, tablesRenumbered };
}

/** The word diff as one line: `[-removed-]{+added+}` around the changed words. */
export function wordDiffText(parts: readonly Change[]): string {
  return parts.map((p) => (p.added ? `{+${p.value}+}` : p.removed ? `[-${p.value}-]` : p.value)).join('');
}
