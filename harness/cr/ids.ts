// Requirement IDs for extracted units: a table row is its table-row record (same table, same header); a statement
// is the keyword record of its row or clause whose text it contains (a statement introducing a list contains its
// items' records too), else the most similar one. Also: the catalog ↔ text check that runs in `npm test`.
import type { Requirement } from '../spec/catalog.js';
import { type Keyword, type StatementUnit, type TableRef, type Unit, collapse, extractText, masked, normalize, similarity } from './extract.js';
import type { CatalogData } from './sources.js';

export interface UnitIds {
  /** The record the unit is (null: none, the statement is new to this catalog). */
  readonly id: string | null;
  /** id first, then the records the unit also contains (the items of a list it introduces). */
  readonly ids: readonly string[];
}

export const keywordOfLevel = (level: string): Keyword | undefined =>
  level === 'n/k' || level === 'Mandatory' || level === 'Optional' ? undefined : (level.replace(/^conditional /, '') as Keyword);

export class CatalogIndex {
  readonly cr: readonly Requirement[];
  readonly byId: ReadonlyMap<string, Requirement>;

  constructor(readonly catalog: CatalogData) {
    this.cr = catalog.requirements.filter((r) => r.origin !== 'referenced');
    this.byId = new Map(catalog.requirements.map((r) => [r.id, r]));
  }

  /** The catalog's table ID for a printed table: by caption, else by label. */
  tableId(t: TableRef): string {
    const c = normalize(t.caption);
    return this.catalog.tables.find((x) => c !== '' && normalize(x.caption) === c)?.id ?? t.label;
  }

  rowOf(r: Requirement): Requirement | undefined {
    let p: Requirement | undefined = r;
    while (p && p.kind !== 'table-row') p = p.parent ? this.byId.get(p.parent) : undefined;
    return p;
  }

  isDescendant(r: Requirement, ancestor: string): boolean {
    for (let p = r.parent; p; p = this.byId.get(p)?.parent) if (p === ancestor) return true;
    return false;
  }

  descendants(id: string): Requirement[] {
    return this.cr.filter((r) => this.isDescendant(r, id));
  }

  /** Keyword statement records in the unit's row (table statements) or clause (the others). */
  private candidates(u: StatementUnit): Requirement[] {
    const kw = this.cr.filter((r) => r.kind === 'statement' && !r.deprecated && keywordOfLevel(r.level) !== undefined);
    const here = u.table
      ? kw.filter((r) => r.table === this.tableId(u.table!) && this.rowOf(r)?.header?.toLowerCase() === u.header?.toLowerCase())
      : kw.filter((r) => r.table === undefined && r.clause === u.clause);
    return here.length > 0 ? here : kw;
  }

  map(u: Unit): UnitIds {
    if (u.kind === 'row') {
      const t = this.tableId(u.table);
      const r = this.cr.find((x) => x.kind === 'table-row' && x.table === t && x.header?.toLowerCase() === u.header.toLowerCase() && !x.deprecated);
      return r ? { id: r.id, ids: [r.id] } : { id: null, ids: [] };
    }
    const text = normalize(u.text);
    const mtext = masked(u.text);
    const contained = this.candidates(u).filter((r) => text.includes(normalize(r.text)) || mtext.includes(masked(r.text)));
    if (contained.length > 0) {
      const tops = contained.filter((r) => !contained.some((o) => o !== r && this.isDescendant(r, o.id)));
      tops.sort((a, b) => b.text.length - a.text.length);
      const id = tops[0]!.id;
      return { id, ids: [id, ...contained.map((r) => r.id).filter((x) => x !== id)] };
    }
    let best: { r: Requirement; score: number } | undefined;
    for (const r of this.candidates(u)) {
      const score = similarity(r.text, u.text);
      if (score >= 0.5 && (!best || score > best.score)) best = { r, score };
    }
    return best ? { id: best.r.id, ids: [best.r.id] } : { id: null, ids: [] };
  }
}

/**
 * Every normative statement of the CR text is in the catalog and every catalog requirement of the CR is in the
 * text: rows with the same table, header, status and content; keyword sentences with a record of the same keyword
 * in the same row or clause; records with a keyword inside such a sentence; the other records (no keyword) inside
 * their row's content or their clause's text. One line per mismatch; empty when they agree.
 */
export function checkCatalogAgainstText(catalog: CatalogData, text: string): string[] {
  const problems: string[] = [];
  const ix = new CatalogIndex(catalog);
  const x = extractText(text);
  const rows = x.units.filter((u) => u.kind === 'row');
  const statements = x.units.filter((u): u is StatementUnit => u.kind === 'statement');
  const where = (u: Unit): string => `line ${u.line} (${u.table ? `${u.table.label} ${u.header}` : `§${u.clause}`})`;

  for (const u of rows) {
    const { id } = ix.map(u);
    const r = id ? ix.byId.get(id) : undefined;
    if (!r) problems.push(`text ${where(u)}: row "${u.header}" has no table-row record`);
    else {
      if (r.level !== u.level) problems.push(`${r.id}: status ${r.level}, the text says ${u.level}`);
      if (r.text !== u.text) problems.push(`${r.id}: text differs from the row's content "${u.text}"`);
      if (r.clause !== u.clause) problems.push(`${r.id}: clause ${r.clause}, the text has the table in ${u.clause}`);
    }
  }
  for (const r of ix.cr.filter((r) => r.kind === 'table-row' && !r.deprecated)) {
    if (!rows.some((u) => ix.map(u).id === r.id)) problems.push(`${r.id}: table row "${r.header}" of ${r.table} is not in the text`);
  }

  const covered = new Set<string>();
  for (const u of statements) {
    const m = ix.map(u);
    const r = m.id ? ix.byId.get(m.id) : undefined;
    const exact = r && (normalize(u.text).includes(normalize(r.text)) || masked(u.text).includes(masked(r.text)));
    if (!r || !exact) {
      problems.push(`text ${where(u)}: ${u.level} statement not in the catalog: "${u.text}"${r ? ` (nearest: ${r.id})` : ''}`);
      continue;
    }
    for (const id of m.ids) covered.add(id);
    if (keywordOfLevel(r.level) !== u.level) problems.push(`${r.id}: level ${r.level}, the text says ${u.level}`);
    if (r.clause !== u.clause) problems.push(`${r.id}: clause ${r.clause}, the text has it in ${u.clause}`);
  }
  for (const r of ix.cr.filter((r) => r.kind === 'statement' && !r.deprecated)) {
    if (keywordOfLevel(r.level) !== undefined) {
      if (!covered.has(r.id)) problems.push(`${r.id}: ${r.level} statement not in the text (or not in its row / clause): "${r.text}"`);
      continue;
    }
    // Its row; a statement shared by rows (covers): each of them; else the clause's text.
    const row = ix.rowOf(r);
    const inRows = row ? [row] : (r.covers ?? []).map((id) => ix.byId.get(id)).filter((c): c is Requirement => c !== undefined);
    const bodies = inRows.length > 0 ? inRows.map((c) => x.bodies.get(`row:${c.table}:${c.header}`)) : [x.bodies.get(`clause:${r.clause}`)];
    if (bodies.some((b) => b === undefined || !collapse(b).includes(r.text))) {
      const place = inRows.length > 0 ? inRows.map((c) => `${c.table} row ${c.header}`).join(', ') : `§${r.clause}`;
      problems.push(`${r.id}: not in the text of ${place}: "${r.text}"`);
    }
  }
  return problems;
}
