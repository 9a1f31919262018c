// FETCH data items (RFC 3501 §6.4.5, RFC 7162 MODSEQ).
import { ParseError, type Token } from '../parser.js';
import { parseSection, type SectionSpec } from '../../store/message.js';

export type FetchItem =
  | { kind: 'FLAGS' | 'UID' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'MODSEQ' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'section'; peek: boolean; section: SectionSpec; sectionText: string; partial: [number, number] | null };

const SIMPLE = new Set(['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'MODSEQ', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);
const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

function parseItem(s: string): FetchItem {
  const up = s.toUpperCase();
  if (SIMPLE.has(up)) return { kind: up as 'FLAGS' };
  const m = /^(BODY(?:\.PEEK)?)\[([^\]]*)\](?:<(\d+)\.(\d+)>)?$/i.exec(s);
  if (!m) throw new ParseError(`unknown fetch attribute ${s}`);
  let section: SectionSpec;
  try { section = parseSection(m[2]!); } catch (e) { throw new ParseError((e as Error).message); }
  const partial: [number, number] | null = m[3] !== undefined ? [Number(m[3]), Number(m[4])] : null;
  return { kind: 'section', peek: m[1]!.toUpperCase() === 'BODY.PEEK', section, sectionText: m[2]!.toUpperCase(), partial };
}

export function parseFetchItems(t: Token | undefined): FetchItem[] {
  if (!t) throw new ParseError('fetch attributes expected');
  if (t.kind === 'atom') {
    const macro = MACROS[t.value.toUpperCase()];
    if (macro) return macro.map(parseItem);
    return [parseItem(t.value)];
  }
  if (t.kind === 'list') {
    return t.items.map((i) => {
      if (i.kind !== 'atom') throw new ParseError('fetch attribute expected');
      return parseItem(i.value);
    });
  }
  throw new ParseError('fetch attributes expected');
}
