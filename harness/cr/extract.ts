// Normative statements of a CR text: the rows of its tables (header, status, content, presence per object kind)
// and every sentence carrying an RFC 2119 / OMA keyword, each with its clause, table and row. Works on the plain
// text a CR is saved as (fixtures/spec/cr-text.txt: a table cell's first paragraph starts with a tab) and on the
// text docx.ts makes of a .docx. Line breaks inside a paragraph do not matter (reflowed text gives the same units).
import type { ObjectKind } from '../spec/types.js';

export const KEYWORDS = ['SHALL NOT', 'SHALL', 'SHOULD NOT', 'SHOULD', 'MUST NOT', 'MUST', 'MAY'] as const;
export type Keyword = (typeof KEYWORDS)[number];
export type RowStatus = 'Mandatory' | 'Optional';

/** Presence of a table row's header in one object kind: the row status, or what a statement of the row says. */
export type Presence = 'mandatory' | 'optional' | 'required' | 'absent';

export interface TableRef {
  /** As printed: "Table 1". */
  readonly label: string;
  /** The caption after the label: "MIME headers for the Message Object". */
  readonly caption: string;
}

interface UnitBase {
  /** Clause number as printed (5.2.1, 5.2.x, 5.4.2). */
  readonly clause: string;
  readonly clauseTitle: string;
  /** The table the unit is in (statements inside a row too). */
  readonly table?: TableRef;
  /** Verbatim text, whitespace collapsed. */
  readonly text: string;
  /** 1-based line of the source where the unit starts (0 when it comes from a catalog record). */
  readonly line: number;
  /** Position in document order. */
  readonly order: number;
}

export interface RowUnit extends UnitBase {
  readonly kind: 'row';
  readonly table: TableRef;
  readonly header: string;
  readonly level: RowStatus;
  /** Per object kind of the table (and kinds its statements name): the header's presence. */
  readonly presence: Partial<Record<ObjectKind, Presence>>;
}

export interface StatementUnit extends UnitBase {
  readonly kind: 'statement';
  /** The row the statement is in (its header), for statements inside a table. */
  readonly header?: string;
  /** The first keyword of the sentence, upper-cased. */
  readonly level: Keyword;
  /** "If the Message Storage Server supports …, … SHALL …": applies only with an optional feature. */
  readonly conditional: boolean;
}

export type Unit = RowUnit | StatementUnit;

export interface ClauseInfo {
  readonly number: string;
  readonly title: string;
  readonly line: number;
}

export interface ExtractedText {
  readonly clauses: readonly ClauseInfo[];
  readonly tables: readonly (TableRef & { readonly clause: string; readonly rows: number })[];
  readonly units: readonly Unit[];
  /** Collapsed text of every clause's body outside tables and of every row, for containment checks. */
  readonly bodies: ReadonlyMap<string, string>;
}

// ---------------------------------------------------------------------------------------------------------------
// Text helpers

export const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

const KEYWORD_RE = /\b(SHALL NOT|SHALL|SHOULD NOT|SHOULD|MUST NOT|MUST|MAY)\b/i;
const KEYWORD_RE_G = /\b(SHALL NOT|SHALL|SHOULD NOT|SHOULD|MUST NOT|MUST|MAY)\b/gi;

/** The first RFC 2119 keyword of a sentence (any case: the CR writes "may include"), upper-cased. */
export function keywordOf(sentence: string): Keyword | undefined {
  const m = KEYWORD_RE.exec(sentence);
  return m ? (m[1]!.toUpperCase().replace(/\s+/g, ' ') as Keyword) : undefined;
}

/**
 * Comparison form: lower case, quotes and punctuation gone, list markers dropped, whitespace collapsed. Two texts
 * with the same normal form differ only in layout (reflow, list numbering, quote style).
 */
export function normalize(s: string): string {
  return collapse(
    s
      .replace(/(^|\s)(?:\d+\.|[-·•])(?=\s)/g, ' ')
      .toLowerCase()
      .replace(/[“”"‘’'`]/g, '')
      .replace(/[^\p{L}\p{N}\s./@+\\-]/gu, ' ')
      .replace(/(?<=\s|^)[.\-]+(?=\s|$)/g, ' ')
      .replace(/[.]+(?=\s|$)/g, ''),
  );
}

/** The normal form with the keyword masked: equal masked forms differ only in their keyword (a level change). */
export function masked(s: string): string {
  return normalize(s.replace(KEYWORD_RE_G, ' kw '));
}

const words = (s: string): string[] => normalize(s).split(' ').filter(Boolean);

/** Dice coefficient of the two texts' word multisets (0 … 1). */
export function similarity(a: string, b: string): number {
  const wa = words(a.replace(KEYWORD_RE_G, ' '));
  const wb = words(b.replace(KEYWORD_RE_G, ' '));
  if (wa.length === 0 && wb.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const w of wa) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of wb) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      common++;
      counts.set(w, n - 1);
    }
  }
  return (2 * common) / (wa.length + wb.length);
}

// Abbreviations after which a full stop does not end a sentence ("e.g., ", "sect. 6.3", the CR's "imdn. Message-ID").
const ABBREVIATIONS = /(?:\be\.g|\bi\.e|\bsect|\bcf|\betc|\bvs|\bimdn|\bno|\bfig)\.$/i;

/** Sentences of one paragraph (whitespace already collapsed). */
export function sentences(paragraph: string): string[] {
  const out: string[] = [];
  let start = 0;
  const re = /[.;](?=\s+[A-Z“"[(])/g;
  for (let m = re.exec(paragraph); m; m = re.exec(paragraph)) {
    const candidate = paragraph.slice(start, m.index + 1);
    if (ABBREVIATIONS.test(candidate)) continue;
    out.push(candidate.trim());
    start = m.index + 1;
  }
  const rest = paragraph.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

const LIST_ITEM = /^\s*(?:\d+\.|[-·•])\s/;
const NOTE_START = /^\s*(?:NOTE|Note|Editor(?:’|')s Note|Editorial Note)\s*:/;
const EDITOR_NOTE = /^\s*(?:Editor(?:’|')s Note|Editorial Note)\s*:/;

/**
 * Sentences of a block of lines (a clause body or a row's content): paragraphs end at blank lines, list items and
 * notes start new ones; a sentence ending in ":" takes the list items after it. Editor's notes are left out.
 */
function blockSentences(lines: readonly { text: string; line: number }[]): { text: string; line: number; listItem: boolean }[] {
  const segments: { text: string; line: number; listItem: boolean; editorial: boolean }[] = [];
  let cur: { parts: string[]; line: number; listItem: boolean; editorial: boolean } | undefined;
  const flush = (): void => {
    if (cur && cur.parts.length > 0) {
      segments.push({ text: collapse(cur.parts.join(' ')), line: cur.line, listItem: cur.listItem, editorial: cur.editorial });
    }
    cur = undefined;
  };
  for (const l of lines) {
    if (l.text.trim() === '') {
      flush();
      continue;
    }
    if (LIST_ITEM.test(l.text) || NOTE_START.test(l.text)) flush();
    cur ??= { parts: [], line: l.line, listItem: LIST_ITEM.test(l.text), editorial: EDITOR_NOTE.test(l.text) };
    cur.parts.push(l.text);
  }
  flush();

  const out: { text: string; line: number; listItem: boolean }[] = [];
  for (const seg of segments) {
    if (seg.editorial) continue;
    const last = out.at(-1);
    // A list item continues the sentence that introduced the list ("… containing:", "… as follows:").
    if (seg.listItem && last && (last.text.endsWith(':') || last.listItem)) {
      out[out.length - 1] = { text: `${last.text} ${seg.text}`, line: last.line, listItem: true };
      continue;
    }
    for (const s of sentences(seg.text)) out.push({ text: s, line: seg.line, listItem: false });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Object kinds named in a sentence (for a row's presence per kind)

const KIND_WORDS: readonly [ObjectKind, RegExp][] = [
  ['standalone', /standalone/],
  ['chat', /\bchat message/],
  ['imdn', /\bimdn (?:notification|message)/],
  ['ft-history', /file transfer history/],
  ['group-state', /group state object/],
  ['session-info', /session info object/],
  ['sms', /\bsms\b|legacy message/],
  ['mms', /\bmms\b|legacy message/],
  ['voicemail', /voicemail/],
];

function kindsNamed(sentence: string): ObjectKind[] {
  const s = sentence.toLowerCase().replace(/\([^)]*\)/g, ' ');
  return KIND_WORDS.filter(([, re]) => re.test(s)).map(([k]) => k);
}

/** The object kinds a table's rows apply to, from its caption. */
export function tableKinds(caption: string): ObjectKind[] {
  if (/voicemail/i.test(caption)) return ['voicemail'];
  if (/message object/i.test(caption)) return ['standalone', 'chat', 'imdn', 'sms', 'mms'];
  return [];
}

/** A row's presence per object kind: its status, then "SHALL be present in …" / "not present in …" statements. */
export function rowPresence(caption: string, status: RowStatus, text: string): Partial<Record<ObjectKind, Presence>> {
  const presence: Partial<Record<ObjectKind, Presence>> = {};
  for (const k of tableKinds(caption)) presence[k] = status === 'Mandatory' ? 'mandatory' : 'optional';
  for (const s of blockSentences([{ text, line: 0 }])) {
    if (/\b(?:SHALL|MUST)\s+be\s+present\s+in\b/i.test(s.text)) for (const k of kindsNamed(s.text)) presence[k] = 'required';
    else if (/\bnot\s+present\s+in\b/i.test(s.text)) for (const k of kindsNamed(s.text)) presence[k] = 'absent';
  }
  return presence;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

const CLAUSE_ALONE = /^(\d+(?:\.(?:\d+|x))+)$/;
const CLAUSE_WITH_TITLE = /^(\d+(?:\.(?:\d+|x))+)\s+(\S.{0,80})$/;
const CAPTION = /^(Table\s+\d+)\s*:\s*(.*?)\.?\s*$/;
const STATUS = /^(Mandatory|Optional)$/;
const HEADER = /^[!-~]{1,60}$/;
const CHANGE = /^Change\s+\d+\s*:/i;
const END_OF_CHANGES = /^Change\s+\d+\s*:\s*End of changes/i;

/** Parses a CR text. Only the detailed change proposal counts (from "Change 1:" to "End of changes") when it has one. */
export function extractText(source: string): ExtractedText {
  const all = source.replace(/\r\n?/g, '\n').split('\n');
  let from = all.findIndex((l) => CHANGE.test(l.trim()));
  let to = all.findIndex((l) => END_OF_CHANGES.test(l.trim()));
  if (from < 0) from = 0;
  if (to < 0 || to < from) to = all.length;

  const clauses: ClauseInfo[] = [];
  const tables: (TableRef & { clause: string; rows: number })[] = [];
  const units: Unit[] = [];
  const bodies = new Map<string, string>();
  let clause: ClauseInfo = { number: '', title: '', line: 0 };
  let body: { text: string; line: number }[] = [];
  /** Rows of the table being read: header, status, content lines. */
  let rows: { header: string; status: RowStatus; line: number; content: { text: string; line: number }[] }[] = [];
  let order = 0;

  const nextNonEmpty = (i: number): number => {
    let j = i + 1;
    while (j < to && all[j]!.trim() === '') j++;
    return j;
  };
  const isRowStart = (i: number): boolean => {
    const t = all[i]!.trim();
    if (!HEADER.test(t) || STATUS.test(t)) return false;
    const j = nextNonEmpty(i);
    return j < to && STATUS.test(all[j]!.trim()) && j - i <= 2;
  };

  const flushBody = (): void => {
    for (const s of blockSentences(body)) {
      const kw = keywordOf(s.text);
      if (kw) units.push(statement(s.text, s.line, kw, undefined, undefined));
    }
    const key = `clause:${clause.number}`;
    const text = collapse(body.map((b) => b.text).join(' '));
    bodies.set(key, collapse(`${bodies.get(key) ?? ''} ${text}`));
    body = [];
  };
  const statement = (text: string, line: number, level: Keyword, table: TableRef | undefined, header: string | undefined): StatementUnit => ({
    kind: 'statement',
    clause: clause.number,
    clauseTitle: clause.title,
    ...(table ? { table } : {}),
    ...(header !== undefined ? { header } : {}),
    text,
    line,
    order: order++,
    level,
    conditional: /^If\b[^,]*\bsupports?\b/.test(text),
  });
  const flushTable = (caption: TableRef): void => {
    for (const r of rows) {
      const text = collapse(r.content.map((c) => c.text).join(' '));
      units.push({
        kind: 'row', clause: clause.number, clauseTitle: clause.title, table: caption, header: r.header, level: r.status,
        text, line: r.line, order: order++, presence: rowPresence(caption.caption, r.status, text),
      });
      bodies.set(`row:${caption.label}:${r.header}`, text);
      for (const s of blockSentences(r.content)) {
        const kw = keywordOf(s.text);
        if (kw) units.push(statement(s.text, s.line, kw, caption, r.header));
      }
    }
    tables.push({ ...caption, clause: clause.number, rows: rows.length });
    rows = [];
  };

  for (let i = from; i < to; i++) {
    const raw = all[i]!;
    const t = raw.trim();
    const lineNo = i + 1;
    if (CHANGE.test(t)) continue;
    const caption = CAPTION.exec(t);
    if (caption && rows.length > 0) {
      flushTable({ label: caption[1]!.replace(/\s+/g, ' '), caption: caption[2]!.trim() });
      continue;
    }
    if (rows.length === 0) {
      const alone = CLAUSE_ALONE.exec(t);
      const titled = alone ? undefined : CLAUSE_WITH_TITLE.exec(t);
      if (alone || (titled && !/[.:;,]$/.test(t))) {
        flushBody();
        let title = titled?.[2]?.trim() ?? '';
        if (alone) {
          const j = nextNonEmpty(i);
          if (j < to && !isRowStart(j) && !CLAUSE_ALONE.test(all[j]!.trim())) {
            title = all[j]!.trim();
            i = j;
          }
        }
        clause = { number: (alone ?? titled)![1]!, title, line: lineNo };
        clauses.push(clause);
        continue;
      }
    }
    if (isRowStart(i)) {
      if (rows.length === 0) {
        // The table's column headings: the tab-indented lines just above its first row are not body text.
        while (body.length > 0 && (body.at(-1)!.text.trim() === '' || /^\t/.test(body.at(-1)!.text))) body.pop();
      }
      const j = nextNonEmpty(i);
      rows.push({ header: t, status: all[j]!.trim() as RowStatus, line: lineNo, content: [] });
      i = j;
      continue;
    }
    if (rows.length > 0) rows.at(-1)!.content.push({ text: raw.replace(/^\t/, ''), line: lineNo });
    else body.push({ text: raw, line: lineNo });
  }
  if (rows.length > 0) flushTable({ label: 'Table ?', caption: '' });
  flushBody();
  return { clauses, tables, units, bodies };
}
