// Normalisation of IMAP responses before the reference store and Dovecot are compared. Only what RFC 3501 leaves to
// the server is removed here (tags are the same on both sides): the human-readable text after OK/NO/BAD/BYE, the
// UIDVALIDITY value, the capability list and the ID reply, string forms (quoted, literal, atom where an astring is
// allowed), the order of FETCH data items, flags, STATUS items and LIST/LSUB responses and attributes, and the case
// of MIME type and parameter names in BODY / BODYSTRUCTURE.
// Everything else a script sees must match, or be listed in accepted-differences.json with its reason.

export type Tok = { k: 'atom'; v: string } | { k: 'str'; v: string } | { k: 'list'; items: Tok[] };

/** Tokenizes response data: atoms (with `[...]` sections), quoted strings, literals `{n}\r\n…`, lists. */
export function tokens(s: string): Tok[] {
  let i = 0;
  const stack: Tok[][] = [[]];
  const top = (): Tok[] => stack[stack.length - 1]!;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\r' || c === '\n') { i++; continue; }
    if (c === '(') { const l: Tok = { k: 'list', items: [] }; top().push(l); stack.push(l.items); i++; continue; }
    if (c === ')') { if (stack.length > 1) stack.pop(); i++; continue; }
    if (c === '"') {
      let v = '';
      for (i++; i < s.length && s[i] !== '"'; i++) { if (s[i] === '\\') i++; v += s[i]; }
      i++;
      top().push({ k: 'str', v });
      continue;
    }
    const lit = /^\{(\d+)\}\r\n/.exec(s.slice(i, i + 24));
    if (lit) {
      const start = i + lit[0].length;
      top().push({ k: 'str', v: s.slice(start, start + Number(lit[1])) });
      i = start + Number(lit[1]);
      continue;
    }
    let v = '';
    while (i < s.length && !' ()"'.includes(s[i]!)) {
      if (s[i] === '[' && /^(BODY|BODY\.PEEK|BINARY|BINARY\.PEEK|BINARY\.SIZE)$/i.test(v)) { const close = s.indexOf(']', i); const end = close < 0 ? s.length : close + 1; v += s.slice(i, end); i = end; continue; }
      v += s[i++];
    }
    top().push({ k: 'atom', v });
  }
  return stack[0]!;
}

export function serialise(t: Tok, lower = false): string {
  if (t.k === 'list') return `(${t.items.map((x) => serialise(x, lower)).join(' ')})`;
  if (t.k === 'str') return JSON.stringify(lower ? t.v.toLowerCase() : t.v);
  return lower && t.v !== 'NIL' ? t.v.toLowerCase() : t.v;
}

/** BODY / BODYSTRUCTURE: MIME type, subtype, parameter and disposition names are case-insensitive (RFC 2045 §5.1). */
const CASELESS_ITEMS = new Set(['BODY', 'BODYSTRUCTURE']);

function normaliseFetch(prefix: string, rest: string): string {
  const list = tokens(rest)[0];
  if (!list || list.k !== 'list') return `${prefix}${rest}`;
  const pairs: string[] = [];
  for (let i = 0; i < list.items.length; i += 2) {
    const name = list.items[i]!;
    const value = list.items[i + 1];
    const n = name.k === 'atom' ? name.v.toUpperCase() : serialise(name);
    // FLAGS is a set (RFC 3501 §2.3.2): its order is free
    const v = n === 'FLAGS' && value?.k === 'list' ? { k: 'list' as const, items: [...value.items].sort((x, y) => serialise(x).localeCompare(serialise(y))) } : value;
    pairs.push(`${n} ${v ? serialise(v, CASELESS_ITEMS.has(n)) : ''}`);
  }
  pairs.sort();
  return `${prefix}(${pairs.join(' ')})`;
}

/** An astring as a quoted string (mailbox names may be sent as atoms, quoted strings or literals). */
function astring(t: Tok | undefined): string {
  return t ? (t.k === 'list' ? serialise(t) : JSON.stringify(t.v)) : '';
}

/** Normalises one response (a line with its literals). */
export function normaliseResponse(r: string): string {
  let m = /^(\S+) (OK|NO|BAD|BYE|PREAUTH)(?: \[([^\]]*)\])?/i.exec(r);
  if (m) {
    let code = m[3];
    if (code !== undefined) {
      code = code
        .replace(/^CAPABILITY .*/i, 'CAPABILITY <caps>')
        .replace(/^(UIDVALIDITY) \d+/i, '$1 <uidvalidity>')
        .replace(/^(APPENDUID|COPYUID) \d+/i, '$1 <uidvalidity>')
        .replace(/^PERMANENTFLAGS \((.*)\)$/i, (_x, f: string) => `PERMANENTFLAGS (${f})`);
    }
    return `${m[1]} ${m[2]!.toUpperCase()}${code !== undefined ? ` [${code}]` : ''}`;
  }
  if (/^\* CAPABILITY /i.test(r)) return '* CAPABILITY <caps>';
  if (/^\* ID /i.test(r)) return '* ID <server>';
  m = /^(\* \d+ FETCH )([\s\S]*)$/i.exec(r);
  if (m) return normaliseFetch(m[1]!, m[2]!);
  m = /^\* (LIST|LSUB) ([\s\S]*)$/i.exec(r);
  if (m) {
    const t = tokens(m[2]!);
    const attrs = t[0]?.k === 'list' ? t[0].items.map((a) => serialise(a)).sort().join(' ') : '';
    return `* ${m[1]!.toUpperCase()} (${attrs}) ${t[1] ? serialise(t[1]) : ''} ${astring(t[2])}${t.length > 3 ? ` ${t.slice(3).map((x) => serialise(x)).join(' ')}` : ''}`;
  }
  m = /^\* STATUS ([\s\S]*)$/i.exec(r);
  if (m) {
    const t = tokens(m[1]!);
    const items = t[1]?.k === 'list' ? t[1].items.map((x) => serialise(x)) : [];
    const pairs: string[] = [];
    for (let i = 0; i + 1 < items.length; i += 2) {
      pairs.push(`${items[i]!.toUpperCase()} ${items[i]!.toUpperCase() === 'UIDVALIDITY' ? '<uidvalidity>' : items[i + 1]}`);
    }
    // the status items may come in any order (RFC 3501 §7.2.4)
    return `* STATUS ${astring(t[0])} (${pairs.sort().join(' ')})`;
  }
  return r;
}

/** Normalises the responses to one command; LIST and LSUB responses are compared as a set (their order is free). */
export function normaliseStep(responses: string[]): string[] {
  const out = responses.map(normaliseResponse);
  const listy = out.filter((l) => /^\* (LIST|LSUB) /.test(l)).sort();
  let k = 0;
  return out.map((l) => (/^\* (LIST|LSUB) /.test(l) ? listy[k++]! : l));
}
