// Selected-state commands: STORE, SEARCH, COPY, MOVE, EXPUNGE, CLOSE, UNSELECT, CHECK (RFC 3501 §6.4,
// RFC 4315 UIDPLUS, RFC 6851 MOVE, RFC 7162 UNCHANGEDSINCE), and the CPM PF keyword path.
import { ParseError, astring, atomUpper, listItems, needNumber, type Token } from '../parser.js';
import { inSet, maxExplicit, parseSequenceSet, compactSet } from '../sequence.js';
import { raw, type Value } from '../encode.js';
import type { StoredMessage } from '../../store/mailstore.js';
import { SearchParser } from '../../store/search.js';
import { CommandError, type Session } from '../session.js';
import { bareDeviceId, extractIdentityKeywords } from '../../cpm/identity.js';

/** Messages of the selected mailbox addressed by a sequence set, with their MSN. */
export function selectedMessages(s: Session, t: Token | undefined, uid: boolean): [StoredMessage, number][] {
  if (t?.kind !== 'atom') throw new ParseError('sequence set expected');
  const set = parseSequenceSet(t.value);
  const view = s.selected!.view;
  if (!uid && maxExplicit(set) > view.length) throw new CommandError('BAD', null, 'Invalid message sequence number');
  const maxUid = view.length ? view[view.length - 1]!.uid : 0;
  const out: [StoredMessage, number][] = [];
  view.forEach((m, i) => {
    if (uid ? (view.length > 0 && inSet(set, m.uid, maxUid)) : inSet(set, i + 1, view.length)) out.push([m, i + 1]);
  });
  return out;
}

export function parseFlags(t: Token | undefined, rest: Token[] = []): string[] {
  const items = t?.kind === 'list' ? t.items : [t, ...rest].filter((x): x is Token => x !== undefined);
  return items.map((i) => {
    if (i.kind !== 'atom' || !/^\\?[^\s()\\{%*"\]]+$|^\\\*$/.test(i.value)) throw new ParseError('flag expected');
    if (i.value.startsWith('\\')) {
      // flag-list holds `flag`, which has no \Recent (RFC 3501 §9: \Recent is only a flag-fetch; §2.3.2)
      if (i.value.toLowerCase() === '\\recent') throw new ParseError('\\Recent cannot be stored');
      const sys = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'].find((f) => f.toLowerCase() === i.value.toLowerCase());
      return sys ?? i.value;
    }
    return i.value;
  });
}

export function cmdStore(s: Session, tag: string, args: Token[], uid: boolean): void {
  const sel = s.selected!;
  let i = 1;
  let unchangedSince: number | null = null;
  const mods = listItems(args[1]);
  if (mods) {
    if (atomUpper(mods[0]) !== 'UNCHANGEDSINCE') throw new ParseError('unknown STORE modifier');
    unchangedSince = needNumber(mods[1]);
    s.condstore = true;
    i = 2;
  }
  const item = atomUpper(args[i]);
  const m = item ? /^([+-]?)FLAGS(\.SILENT)?$/.exec(item) : null;
  if (!m) throw new ParseError('FLAGS, +FLAGS or -FLAGS expected');
  const op = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set';
  const silent = m[2] !== undefined;
  let flags = parseFlags(args[i + 1], args.slice(i + 2));
  if (sel.readOnly) throw new CommandError('NO', null, 'Mailbox is read-only');
  s.expungeAllowed = uid;
  // CPM PF keyword path: `$CPMSeenBy_<id>` / `$CPMDeletedBy_<id>` name the device the PF acts for.
  // The keywords are instructions, not state: they are never stored.
  const ids = extractIdentityKeywords(flags);
  flags = ids.flags;
  let origin = s.origin;
  const p = s.principal!;
  if (p.pf !== null && s.ctx.opts.pfPath.has('keyword')) {
    const named = ids.seenBy ?? ids.deletedBy;
    if (named !== null) origin = { ...origin, device: s.ctx.accounts.declaredDevice(p.user, named) ?? bareDeviceId(named) };
  }
  const targets = selectedMessages(s, args[0], uid);
  s.announceKeywords();
  const modified: number[] = [];
  for (const [msg, seq] of targets) {
    if (unchangedSince !== null && msg.modseq > unchangedSince) { modified.push(uid ? msg.uid : seq); continue; }
    s.ctx.store.storeFlags(p.user, sel.mailbox, msg, op, flags, origin);
    s.announceKeywords();
    if (!silent || (unchangedSince !== null)) {
      const items: Value[] = [raw('FLAGS'), s.flagList(msg).map((f) => raw(f))];
      if (uid) items.unshift(raw('UID'), msg.uid);
      if (s.condstore) items.push(raw('MODSEQ'), [msg.modseq]);
      s.untagged(seq, raw('FETCH'), items);
    }
  }
  s.flushUpdates(uid, false);
  s.tagged(tag, 'OK', `${uid ? 'UID ' : ''}STORE completed`, modified.length ? `MODIFIED ${compactSet(modified.sort((a, b) => a - b))}` : null);
}

export function cmdSearch(s: Session, tag: string, args: Token[], uid: boolean): void {
  let tokens = args;
  if (atomUpper(tokens[0]) === 'CHARSET') {
    const cs = (astring(tokens[1]) ?? '').toUpperCase();
    if (!['UTF-8', 'US-ASCII'].includes(cs)) throw new CommandError('NO', 'BADCHARSET (UTF-8 US-ASCII)', 'Unsupported charset');
    tokens = tokens.slice(2);
  }
  const parser = new SearchParser(tokens);
  const crit = parser.parseAll();
  const sel = s.selected!;
  const view = sel.view;
  const maxUid = view.length ? view[view.length - 1]!.uid : 0;
  s.expungeAllowed = uid;
  const hits: number[] = [];
  let highest = 0;
  view.forEach((m, i) => {
    const ctx = { seq: i + 1, maxSeq: view.length, maxUid, recent: s.isRecent(m), view: () => s.ctx.store.view(m) };
    if (crit(m, ctx)) { hits.push(uid ? m.uid : i + 1); highest = Math.max(highest, m.modseq); }
  });
  const line: Value[] = [raw('SEARCH'), ...hits];
  if (parser.usesModseq && hits.length) line.push(raw(`(MODSEQ ${highest})`));
  s.untagged(...line);
  s.flushUpdates(uid, false);
  s.tagged(tag, 'OK', `${uid ? 'UID ' : ''}SEARCH completed`);
}

function copyOrMove(s: Session, tag: string, args: Token[], uid: boolean, move: boolean): void {
  const sel = s.selected!;
  const name = s.requireMailboxName(args[1]);
  if (args.length !== 2) throw new ParseError('sequence set and mailbox expected');
  const target = s.ctx.store.getMailbox(s.user, name);
  if (!target) throw new CommandError('NO', 'TRYCREATE', 'Mailbox does not exist');
  if (move && sel.readOnly) throw new CommandError('NO', null, 'Mailbox is read-only');
  const src = selectedMessages(s, args[0], uid).map(([m]) => m).filter((m) => !m.expunged);
  const copies = s.ctx.store.copy(s.user, src, target, s.origin);
  const code = copies.length ? `COPYUID ${target.uidValidity} ${compactSet(src.map((m) => m.uid))} ${compactSet(copies.map((m) => m.uid))}` : null;
  const verb = `${uid ? 'UID ' : ''}${move ? 'MOVE' : 'COPY'}`;
  if (move) {
    if (code) s.write(`* OK [${code}] Moved`);
    const gone = s.ctx.store.expunge(s.user, sel.mailbox, src, s.origin);
    s.reportOwnExpunge(gone);
    s.flushUpdates(true, false);
    s.tagged(tag, 'OK', `${verb} completed`);
    return;
  }
  s.flushUpdates(true, false);
  s.tagged(tag, 'OK', `${verb} completed`, code);
}

export function cmdExpunge(s: Session, tag: string, args: Token[], uid: boolean): void {
  const sel = s.selected!;
  if (sel.readOnly) throw new CommandError('NO', null, 'Mailbox is read-only');
  let candidates = sel.mailbox.messages.filter((m) => m.flags.has('\\Deleted'));
  if (uid) {
    const set = args[0];
    if (set?.kind !== 'atom') throw new ParseError('sequence set expected');
    const ranges = parseSequenceSet(set.value);
    const maxUid = sel.view.length ? sel.view[sel.view.length - 1]!.uid : 0;
    candidates = candidates.filter((m) => sel.view.includes(m) && inSet(ranges, m.uid, maxUid));
  } else if (args.length) throw new ParseError('no arguments expected');
  const gone = s.ctx.store.expunge(s.user, sel.mailbox, candidates, s.origin);
  s.reportOwnExpunge(gone);
  s.flushUpdates(true, false);
  s.tagged(tag, 'OK', `${uid ? 'UID ' : ''}EXPUNGE completed`);
}

export function selectedCommands(): Record<string, (s: Session, tag: string, args: Token[], uid: boolean) => void> {
  return {
    CHECK: (s, tag) => { s.flushUpdates(true, false); s.tagged(tag, 'OK', 'CHECK completed'); },
    CLOSE: (s, tag) => {
      const sel = s.selected!;
      if (!sel.readOnly) {
        // CLOSE expunges silently (RFC 3501 §6.4.2)
        s.ctx.store.expunge(s.user, sel.mailbox, sel.mailbox.messages.filter((m) => m.flags.has('\\Deleted')), s.origin);
      }
      s.deselect();
      s.tagged(tag, 'OK', 'CLOSE completed');
    },
    UNSELECT: (s, tag) => { s.deselect(); s.tagged(tag, 'OK', 'UNSELECT completed'); },
    EXPUNGE: (s, tag, args) => cmdExpunge(s, tag, args, false),
    STORE: (s, tag, args) => cmdStore(s, tag, args, false),
    SEARCH: (s, tag, args) => cmdSearch(s, tag, args, false),
    COPY: (s, tag, args) => copyOrMove(s, tag, args, false, false),
    MOVE: (s, tag, args) => copyOrMove(s, tag, args, false, true),
  };
}

export { copyOrMove };
