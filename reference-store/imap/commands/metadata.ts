// METADATA (RFC 5464): GETMETADATA with MAXSIZE / DEPTH and SETMETADATA for server ("") and mailbox
// entries under /private and /shared; NIL deletes an entry.
import { ParseError, astring, atomUpper, isNil, listItems, type Token } from '../parser.js';
import { raw, type Value } from '../encode.js';
import { CommandError, type Session } from '../session.js';

const MAX_VALUE = 64 * 1024;

function entryName(t: Token | undefined): string {
  const n = astring(t);
  if (n === null) throw new ParseError('entry name expected');
  const lower = n.toLowerCase();
  if (!/^\/(private|shared)(\/[^/*%\s]+)*$/.test(lower)) throw new CommandError('BAD', null, `Invalid entry name ${n}`);
  return lower;
}

function mailboxArg(s: Session, t: Token | undefined): string {
  const n = astring(t);
  if (n === null) throw new ParseError('mailbox expected');
  if (n === '') return '';
  const mb = s.ctx.store.getMailbox(s.user, n);
  if (!mb) throw new CommandError('NO', 'NONEXISTENT', 'Mailbox does not exist');
  return mb.name;
}

function cmdGetMetadata(s: Session, tag: string, args: Token[]): void {
  let i = 0;
  let maxSize = Infinity;
  let depth: 0 | 1 | 'infinity' = 0;
  const opts = listItems(args[0]);
  if (opts) {
    for (let j = 0; j < opts.length; j += 2) {
      const k = atomUpper(opts[j]);
      const v = atomUpper(opts[j + 1]);
      if (k === 'MAXSIZE' && v && /^\d+$/.test(v)) maxSize = Number(v);
      else if (k === 'DEPTH' && (v === '0' || v === '1' || v === 'INFINITY')) depth = v === 'INFINITY' ? 'infinity' : (Number(v) as 0 | 1);
      else throw new ParseError('invalid GETMETADATA option');
    }
    i = 1;
  }
  const mailbox = mailboxArg(s, args[i]);
  const entryTok = args[i + 1];
  if (!entryTok || args.length !== i + 2) throw new ParseError('entries expected');
  const entries = entryTok.kind === 'list' ? entryTok.items.map(entryName) : [entryName(entryTok)];
  const out: Value[] = [];
  let longest = 0;
  for (const e of entries) {
    const map = s.ctx.store.metadataMap(s.user, mailbox, e);
    const keys = [...map.keys()].filter((k) => {
      if (k === e) return true;
      if (!k.startsWith(e + '/')) return false;
      return depth === 'infinity' || (depth === 1 && !k.slice(e.length + 1).includes('/'));
    }).sort();
    if (!keys.includes(e) && !map.has(e) && keys.length === 0) { out.push(raw(e), null); continue; }
    for (const k of keys) {
      const v = map.get(k)!;
      if (v.length > maxSize) { longest = Math.max(longest, v.length); continue; }
      out.push(raw(k), v);
    }
  }
  if (out.length) s.untagged(raw('METADATA'), mailbox, out);
  s.tagged(tag, 'OK', 'GETMETADATA completed', longest ? `METADATA LONGENTRIES ${longest}` : null);
}

function cmdSetMetadata(s: Session, tag: string, args: Token[]): void {
  const mailbox = mailboxArg(s, args[0]);
  const list = listItems(args[1]);
  if (!list || !list.length || list.length % 2 !== 0 || args.length !== 2) throw new ParseError('entry/value pairs expected');
  const pairs: [string, Buffer | null][] = [];
  for (let j = 0; j < list.length; j += 2) {
    const name = entryName(list[j]);
    const v = list[j + 1];
    if (isNil(v)) pairs.push([name, null]);
    else if (v?.kind === 'string') pairs.push([name, v.value]);
    else if (v?.kind === 'atom') pairs.push([name, Buffer.from(v.value)]);
    else throw new ParseError('value expected');
  }
  const big = pairs.find(([, v]) => v !== null && v.length > MAX_VALUE);
  if (big) throw new CommandError('NO', `METADATA MAXSIZE ${MAX_VALUE}`, 'Value too large');
  for (const [k, v] of pairs) s.ctx.store.setMetadata(s.user, mailbox, k, v, s.origin);
  s.tagged(tag, 'OK', 'SETMETADATA completed');
}

export function metadataCommands(): Record<string, (s: Session, tag: string, args: Token[]) => void> {
  return { GETMETADATA: cmdGetMetadata, SETMETADATA: cmdSetMetadata };
}
