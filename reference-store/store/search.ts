// SEARCH criteria (RFC 3501 §6.4.4, RFC 7162 MODSEQ): parsing into a predicate tree and evaluation.
import { ParseError, type Token } from '../imap/parser.js';
import { inSet, parseSequenceSet, type SeqRange } from '../imap/sequence.js';
import { decodedValue, fieldValue, searchableAddresses, type MimePart } from './message.js';
import type { StoredMessage } from './mailstore.js';

export interface SearchContext {
  seq: number;
  maxSeq: number;
  maxUid: number;
  recent: boolean;
  view(): { raw: Buffer; root: MimePart };
}

export type Criterion = (m: StoredMessage, c: SearchContext) => boolean;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function parseDate(t: Token | undefined): number {
  const s = t?.kind === 'atom' ? t.value : t?.kind === 'string' ? t.value.toString() : '';
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  const mon = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
  if (!m || mon < 0) throw new ParseError('date expected');
  return Date.UTC(Number(m[3]), mon, Number(m[1]));
}

const day = (d: Date): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

/**
 * The date of the Date: header as written, ignoring time and zone (RFC 3501 §6.4.4: SENTBEFORE/SENTON/SENTSINCE
 * compare "the date of the Date: header (disregarding time and timezone)"). `24 Nov 2026 23:30 -0500` is 24 Nov.
 */
export function sentDay(m: StoredMessage, c: SearchContext): number | null {
  const v = fieldValue(c.view().root.fields, 'date');
  if (!v) return null;
  const r = /(?:^|[\s,])(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})(?=\s|$)/.exec(v.replace(/\([^)]*\)/g, ' '));
  const mon = r ? MONTHS.indexOf(r[2]!.toLowerCase()) : -1;
  if (!r || mon < 0) return null;
  let year = Number(r[3]);
  if (r[3]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 5322 §4.3 obs-year
  else if (r[3]!.length === 3) year += 1900;
  return Date.UTC(year, mon, Number(r[1]));
}

function text(t: Token | undefined): string {
  if (!t || t.kind === 'list') throw new ParseError('string expected');
  return (t.kind === 'atom' ? t.value : t.value.toString('utf8')).toLowerCase();
}

const ADDRESS_FIELDS = new Set(['from', 'to', 'cc', 'bcc', 'sender', 'reply-to']);

/** Address fields are matched without their comments, names decoded (RFC 3501 §6.4.4, RFC 5322 §3.4). */
function headerHas(c: SearchContext, field: string, needle: string, addresses = false): boolean {
  const fields = c.view().root.fields;
  const values = addresses && ADDRESS_FIELDS.has(field)
    ? fields.filter((f) => f.key === field).map((f) => searchableAddresses(f.value))
    : decodedValue(fields, field);
  return needle === '' ? values.length > 0 : values.some((v) => v.toLowerCase().includes(needle));
}

const flag = (f: string, on: boolean): Criterion => (m) => m.flags.has(f) === on;

export class SearchParser {
  private pos = 0;
  usesModseq = false;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Criterion {
    const list: Criterion[] = [];
    while (this.pos < this.tokens.length) list.push(this.one());
    if (!list.length) throw new ParseError('search criteria expected');
    return (m, c) => list.every((k) => k(m, c));
  }

  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new ParseError('search criteria incomplete');
    return t;
  }

  private one(): Criterion {
    const t = this.next();
    if (t.kind === 'list') {
      const inner = new SearchParser(t.items);
      const k = inner.parseAll();
      this.usesModseq ||= inner.usesModseq;
      return k;
    }
    if (t.kind !== 'atom') throw new ParseError('search key expected');
    const key = t.value.toUpperCase();
    if (/^[0-9*:,]+$/.test(key)) {
      const set = parseSequenceSet(key);
      return (_m, c) => inSet(set, c.seq, c.maxSeq);
    }
    switch (key) {
      case 'ALL': return () => true;
      case 'ANSWERED': return flag('\\Answered', true);
      case 'UNANSWERED': return flag('\\Answered', false);
      case 'DELETED': return flag('\\Deleted', true);
      case 'UNDELETED': return flag('\\Deleted', false);
      case 'FLAGGED': return flag('\\Flagged', true);
      case 'UNFLAGGED': return flag('\\Flagged', false);
      case 'SEEN': return flag('\\Seen', true);
      case 'UNSEEN': return flag('\\Seen', false);
      case 'DRAFT': return flag('\\Draft', true);
      case 'UNDRAFT': return flag('\\Draft', false);
      case 'RECENT': return (_m, c) => c.recent;
      case 'OLD': return (_m, c) => !c.recent;
      case 'NEW': return (m, c) => c.recent && !m.flags.has('\\Seen');
      case 'KEYWORD': { const k = text(this.next()); return (m) => [...m.flags].some((f) => f.toLowerCase() === k); }
      case 'UNKEYWORD': { const k = text(this.next()); return (m) => ![...m.flags].some((f) => f.toLowerCase() === k); }
      case 'FROM': case 'TO': case 'CC': case 'BCC': case 'SUBJECT': {
        const needle = text(this.next());
        const field = key.toLowerCase();
        return (_m, c) => headerHas(c, field, needle, true);
      }
      case 'HEADER': {
        const field = text(this.next());
        const needle = text(this.next());
        return (_m, c) => headerHas(c, field, needle);
      }
      case 'BODY': { const needle = text(this.next()); return (_m, c) => c.view().root.body.toString('utf8').toLowerCase().includes(needle); }
      case 'TEXT': {
        // header or body (RFC 3501 §6.4.4): header fields are matched decoded, like HEADER, as well as raw
        const needle = text(this.next());
        return (_m, c) => {
          const v = c.view();
          return v.raw.toString('utf8').toLowerCase().includes(needle)
            || v.root.fields.some((f) => decodedValue([f], f.key).some((d) => d.toLowerCase().includes(needle)));
        };
      }
      case 'SINCE': { const d = parseDate(this.next()); return (m) => day(m.internalDate) >= d; }
      case 'BEFORE': { const d = parseDate(this.next()); return (m) => day(m.internalDate) < d; }
      case 'ON': { const d = parseDate(this.next()); return (m) => day(m.internalDate) === d; }
      case 'SENTSINCE': { const d = parseDate(this.next()); return (m, c) => (sentDay(m, c) ?? -Infinity) >= d; }
      case 'SENTBEFORE': { const d = parseDate(this.next()); return (m, c) => (sentDay(m, c) ?? Infinity) < d; }
      case 'SENTON': { const d = parseDate(this.next()); return (m, c) => sentDay(m, c) === d; }
      case 'LARGER': { const n = this.number(); return (_m, c) => c.view().raw.length > n; }
      case 'SMALLER': { const n = this.number(); return (_m, c) => c.view().raw.length < n; }
      case 'UID': {
        const t2 = this.next();
        if (t2.kind !== 'atom') throw new ParseError('sequence set expected');
        const set: SeqRange[] = parseSequenceSet(t2.value);
        return (m, c) => inSet(set, m.uid, c.maxUid);
      }
      case 'NOT': { const k = this.one(); return (m, c) => !k(m, c); }
      case 'OR': { const a = this.one(); const b = this.one(); return (m, c) => a(m, c) || b(m, c); }
      case 'MODSEQ': {
        // MODSEQ [entry-name entry-type] mod-sequence-valzer
        if (this.tokens[this.pos]?.kind === 'string') this.pos += 2;
        const n = this.number();
        this.usesModseq = true;
        return (m) => m.modseq >= n;
      }
      default: throw new ParseError(`unknown search key ${key}`);
    }
  }

  private number(): number {
    const t = this.next();
    if (t.kind !== 'atom' || !/^\d+$/.test(t.value)) throw new ParseError('number expected');
    return Number(t.value);
  }
}
