// One side of `cr diff`: a CR text, a .docx, a catalog directory or a git revision of this repository's catalog,
// read into the units of extract.ts plus, when the input has one, the catalog that names them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ambiguity, Requirement } from '../spec/catalog.js';
import { docxToText } from './docx.js';
import {
  type ExtractedText, type Keyword, type RowStatus, type RowUnit, type StatementUnit, type TableRef, type Unit,
  collapse, extractText, keywordOf, rowPresence,
} from './extract.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where a git revision's catalog is. */
export const CATALOG_DIR = 'fixtures/spec';

/** Bad input: exit 2, with a message naming the input. */
export class InputError extends Error {
  override name = 'InputError';
}

/** The parts of a catalog `cr diff` uses; read leniently, so an older revision's catalog still loads. */
export interface CatalogData {
  readonly tables: readonly { readonly id: string; readonly caption: string; readonly clause: string }[];
  readonly requirements: readonly Requirement[];
  readonly ambiguities: readonly Ambiguity[];
}

export type InputKind = 'text' | 'docx' | 'catalog' | 'git';

export interface SpecVersion {
  /** As given on the command line. */
  readonly input: string;
  readonly kind: InputKind;
  /** SHA-256 of the CR text the units come from; null when they come from catalog records. */
  readonly sha256: string | null;
  readonly text: string | null;
  readonly extracted: ExtractedText;
  readonly catalog: CatalogData | null;
  readonly warnings: readonly string[];
}

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} is not JSON: ${(err as Error).message}`);
  }
}

function catalogFrom(requirementsText: string, ambiguitiesText: string | null, what: string): CatalogData & { sourceFile?: string } {
  const doc = parseJson(requirementsText, `${what}: requirements.json`) as Record<string, unknown>;
  const reqs = doc['requirements'];
  if (!Array.isArray(reqs) || !reqs.every((r) => typeof r?.id === 'string' && typeof r?.text === 'string' && typeof r?.level === 'string')) {
    throw new InputError(`${what}: requirements.json has no "requirements" list of records with id, text and level`);
  }
  const document = (doc['document'] ?? {}) as { sourceFile?: string; tables?: { id: string; caption: string; clause: string }[] };
  let ambiguities: Ambiguity[] = [];
  if (ambiguitiesText !== null) {
    const a = (parseJson(ambiguitiesText, `${what}: ambiguities.json`) as Record<string, unknown>)['ambiguities'];
    if (!Array.isArray(a)) throw new InputError(`${what}: ambiguities.json has no "ambiguities" list`);
    ambiguities = a as Ambiguity[];
  }
  return {
    tables: document.tables ?? [],
    requirements: reqs as Requirement[],
    ambiguities,
    ...(document.sourceFile ? { sourceFile: document.sourceFile } : {}),
  };
}

/**
 * Units of a catalog without its text: rows from the table-row records, statements from the records with a
 * keyword; a statement's keyword children (a list it introduces) are part of it, as extract.ts joins them.
 */
export function unitsFromCatalog(catalog: CatalogData): ExtractedText {
  const cr = catalog.requirements.filter((r) => r.origin !== 'referenced' && !r.deprecated);
  const byId = new Map(cr.map((r) => [r.id, r]));
  const tableOf = (id: string | undefined): TableRef | undefined => {
    const t = catalog.tables.find((x) => x.id === id);
    return id ? { label: id, caption: t?.caption ?? '' } : undefined;
  };
  const rowOf = (r: Requirement): Requirement | undefined => {
    let p: Requirement | undefined = r;
    while (p && p.kind !== 'table-row') p = p.parent ? byId.get(p.parent) : undefined;
    return p;
  };
  const kw = (r: Requirement): Keyword | undefined => (r.level === 'n/k' || r.level === 'Mandatory' || r.level === 'Optional' ? undefined : (r.level.replace('conditional ', '') as Keyword));
  const units: Unit[] = [];
  const bodies = new Map<string, string>();
  let order = 0;
  for (const r of cr) {
    const table = tableOf(r.table);
    if (r.kind === 'table-row' && table && r.header) {
      const level = r.level as RowStatus;
      const row: RowUnit = {
        kind: 'row', clause: r.clause, clauseTitle: '', table, header: r.header, level, text: r.text, line: 0, order: order++,
        presence: rowPresence(table.caption, level, r.text),
      };
      units.push(row);
      bodies.set(`row:${table.label}:${r.header}`, r.text);
      continue;
    }
    const level = kw(r);
    const parent = r.parent ? byId.get(r.parent) : undefined;
    if (!level || (parent && kw(parent) === level && parent.kind === 'statement')) continue;
    const children = cr.filter((c) => c.parent === r.id && kw(c) === level);
    const text = collapse([r.text, ...children.map((c) => c.text)].join(' '));
    const row = rowOf(r);
    const s: StatementUnit = {
      kind: 'statement', clause: r.clause, clauseTitle: '', ...(table ? { table } : {}), ...(row?.header ? { header: row.header } : {}),
      text, line: 0, order: order++, level: keywordOf(text) ?? level, conditional: r.level.startsWith('conditional'),
    };
    units.push(s);
  }
  const clauses = [...new Set(cr.map((r) => r.clause))].map((number) => ({ number, title: '', line: 0 }));
  const tables = catalog.tables.map((t) => ({ label: t.id, caption: t.caption, clause: t.clause, rows: units.filter((u) => u.kind === 'row' && u.table.label === t.id).length }));
  return { clauses, tables, units, bodies };
}

function fromText(input: string, kind: InputKind, text: string, catalog: CatalogData | null, warnings: string[]): SpecVersion {
  if (text.includes('\u0000')) throw new InputError(`${input}: not a text file (it has NUL bytes); a Word CR must end in .docx`);
  const extracted = extractText(text);
  if (extracted.units.length === 0) {
    throw new InputError(`${input}: no normative statements found (no table rows, no SHALL / SHOULD / MAY / MUST sentence)`);
  }
  return { input, kind, sha256: sha256(text), text, extracted, catalog, warnings };
}

function fromCatalog(input: string, kind: InputKind, catalog: CatalogData, text: string | null, warnings: string[]): SpecVersion {
  if (text !== null) return fromText(input, kind, text, catalog, warnings);
  warnings.push(`${input}: no CR text beside the catalog; statements are read from the catalog records`);
  const extracted = unitsFromCatalog(catalog);
  if (extracted.units.length === 0) throw new InputError(`${input}: the catalog has no CR requirement`);
  return { input, kind, sha256: null, text: null, extracted, catalog, warnings };
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

function gitFile(rev: string, path: string): string | null {
  try {
    return git(['show', `${rev}:${path}`]);
  } catch {
    return null;
  }
}

function isRevision(rev: string): boolean {
  if (rev.startsWith('-')) return false;
  try {
    git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

async function fromFile(input: string, path: string): Promise<SpecVersion> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InputError(`${input}: cannot read: ${(err as Error).message}`);
  }
  const warnings: string[] = [];
  const zip = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  if (/\.docx$/i.test(path) || zip) {
    let text: string;
    try {
      const r = await docxToText(bytes);
      text = r.text;
      warnings.push(...r.messages.map((m) => `${input}: ${m}`));
    } catch (err) {
      throw new InputError(`${input}: not a readable .docx: ${(err as Error).message}`);
    }
    return fromText(input, 'docx', text, null, warnings);
  }
  if (/\.json$/i.test(path)) {
    const amb = join(dirname(path), 'ambiguities.json');
    const catalog = catalogFrom(bytes.toString('utf8'), existsSync(amb) ? readFileSync(amb, 'utf8') : null, input);
    const src = catalog.sourceFile ? join(dirname(path), basename(catalog.sourceFile)) : undefined;
    return fromCatalog(input, 'catalog', catalog, src && existsSync(src) ? readFileSync(src, 'utf8') : null, warnings);
  }
  return fromText(input, 'text', bytes.toString('utf8'), null, warnings);
}

/**
 * Reads one side. A path that exists is a file (CR text, .docx, requirements.json) or a catalog directory
 * (requirements.json, ambiguities.json and the CR text its document.sourceFile names); otherwise `git:REV` or
 * `REV` is a git revision of this repository, whose fixtures/spec catalog and CR text are read with git show.
 */
export async function loadVersion(input: string): Promise<SpecVersion> {
  const explicitGit = input.startsWith('git:');
  if (!explicitGit && existsSync(input)) {
    if (statSync(input).isDirectory()) {
      const req = join(input, 'requirements.json');
      if (!existsSync(req)) throw new InputError(`${input}: a directory without requirements.json is not a catalog`);
      return fromFile(input, req).then((v) => ({ ...v, kind: 'catalog' as const }));
    }
    return fromFile(input, input);
  }
  const rev = explicitGit ? input.slice(4) : input;
  if (!isRevision(rev)) {
    throw new InputError(`${input}: no such file or directory${explicitGit ? '' : ','} and not a git revision of this repository`);
  }
  const reqText = gitFile(rev, `${CATALOG_DIR}/requirements.json`);
  const warnings: string[] = [];
  if (reqText === null) {
    const text = gitFile(rev, `${CATALOG_DIR}/cr-text.txt`);
    if (text === null) throw new InputError(`${input}: revision ${rev} has no ${CATALOG_DIR}/requirements.json or cr-text.txt`);
    return fromText(input, 'git', text, null, warnings);
  }
  const catalog = catalogFrom(reqText, gitFile(rev, `${CATALOG_DIR}/ambiguities.json`), `${input} (${CATALOG_DIR})`);
  const text = gitFile(rev, `${CATALOG_DIR}/${basename(catalog.sourceFile ?? 'cr-text.txt')}`);
  return fromCatalog(input, 'git', catalog, text, warnings);
}
