// Device identities: normalisation, comparison and the keyword encoding used on the PF path.

/** Strips `+sip.instance="<…>"` wrappers, quotes and angle brackets: the bare URN (or GRUU) remains. */
export function bareDeviceId(value: string): string {
  let v = value.trim();
  const m = /^\+?sip\.instance\s*=\s*(.*)$/i.exec(v);
  if (m) v = m[1]!.trim();
  v = v.replace(/^"(.*)"$/, '$1').trim();
  v = v.replace(/^<(.*)>$/, '$1').trim();
  return v;
}

/** Comparison key (spec notes §8.5): URN scheme/NID and UUID hex are case-insensitive. */
export function deviceKey(id: string): string {
  const v = bareDeviceId(id);
  if (/^urn:uuid:/i.test(v)) return v.toLowerCase();
  if (/^urn:/i.test(v)) {
    const [, nid, rest] = /^urn:([^:]+):(.*)$/i.exec(v) ?? [];
    return nid !== undefined ? `urn:${nid.toLowerCase()}:${rest}` : v;
  }
  return v;
}

export const SEEN_BY_PREFIX = '$CPMSeenBy_';
export const DELETED_BY_PREFIX = '$CPMDeletedBy_';

// Characters kept as they are inside a keyword: letters, digits and `: . - _ @ + ; /`.
// Every other byte of the UTF-8 form (and '=' itself) becomes '=' followed by two upper-case hex digits.
const KEEP = /[A-Za-z0-9:.\-_@+;/]/;

export function encodeKeywordId(id: string): string {
  let out = '';
  for (const ch of id) {
    if (KEEP.test(ch)) { out += ch; continue; }
    for (const b of Buffer.from(ch, 'utf8')) out += '=' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function decodeKeywordId(s: string): string | null {
  if (!/^(?:[A-Za-z0-9:.\-_@+;/]|=[0-9A-Fa-f]{2})*$/.test(s)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=') { bytes.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; } else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

export function seenKeyword(id: string): string { return SEEN_BY_PREFIX + encodeKeywordId(id); }
export function deletedKeyword(id: string): string { return DELETED_BY_PREFIX + encodeKeywordId(id); }

/** Splits identity keywords off a flag list: what is left, and the devices named for \Seen / \Deleted. */
export function extractIdentityKeywords(flags: string[]): { flags: string[]; seenBy: string | null; deletedBy: string | null } {
  let seenBy: string | null = null;
  let deletedBy: string | null = null;
  const rest: string[] = [];
  for (const f of flags) {
    const lower = f.toLowerCase();
    if (lower.startsWith(SEEN_BY_PREFIX.toLowerCase())) { seenBy = decodeKeywordId(f.slice(SEEN_BY_PREFIX.length)); continue; }
    if (lower.startsWith(DELETED_BY_PREFIX.toLowerCase())) { deletedBy = decodeKeywordId(f.slice(DELETED_BY_PREFIX.length)); continue; }
    rest.push(f);
  }
  return { flags: rest, seenBy, deletedBy };
}
