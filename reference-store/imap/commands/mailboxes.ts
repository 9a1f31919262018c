// Mailbox commands (RFC 3501 §6.3): SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE,
// LIST, LSUB, STATUS, APPEND (RFC 4315 APPENDUID), with CONDSTORE data (RFC 7162).
import { ParseError, astring, atomUpper, listItems, type Token } from '../parser.js';
import { raw, type Value } from '../encode.js';
import { DELIMITER, canonicalName, type Mailbox } from '../../store/mailstore.js';
import { CommandError, type Session } from '../session.js';
import { parseFlags } from './messages.js';
import { parseImapDateTime } from './fetch.js';

function cmdSelect(s: Session, tag: string, args: Token[], readOnly: boolean): void {
  const name = s.requireMailboxName(args[0]);
  const params = listItems(args[1]);
  if (params?.some((p) => atomUpper(p) === 'CONDSTORE')) s.condstore = true;
  const mb = s.ctx.store.getMailbox(s.user, name);
  if (!mb) {
    s.deselect();
    throw new CommandError('NO', 'NONEXISTENT', 'Mailbox does not exist');
  }
  s.select(mb, readOnly);
  s.writeFlags();
  s.untagged(mb.messages.length, raw('EXISTS'));
  s.untagged(mb.messages.filter((m) => s.isRecent(m)).length, raw('RECENT'));
  const firstUnseen = mb.messages.findIndex((m) => !m.flags.has('\\Seen'));
  if (firstUnseen >= 0) s.write(`* OK [UNSEEN ${firstUnseen + 1}] First unseen`);
  s.write(`* OK [UIDVALIDITY ${mb.uidValidity}] UIDs valid`);
  s.write(`* OK [UIDNEXT ${mb.uidNext}] Predicted next UID`);
  s.write(`* OK [HIGHESTMODSEQ ${mb.highestModseq}] Highest`);
  s.tagged(tag, 'OK', `${readOnly ? 'EXAMINE' : 'SELECT'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

/** LIST pattern matching: `*` matches anything, `%` anything but the hierarchy delimiter. */
export function patternToRegExp(pattern: string): RegExp {
  const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '%' ? '[^/]*' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, /^inbox/i.test(pattern) ? 'i' : '');
}

function listLine(s: Session, verb: 'LIST' | 'LSUB', name: string, attrs: string[]): void {
  s.untagged(raw(verb), attrs.map((a) => raw(a)), DELIMITER, name);
}

export function listAttributes(s: Session, name: string): string[] {
  const u = s.ctx.store.user(s.user);
  const children = [...u.mailboxes.keys()].some((k) => k.startsWith(name + DELIMITER));
  return [children ? '\\HasChildren' : '\\HasNoChildren'];
}

function cmdList(s: Session, tag: string, args: Token[], lsub: boolean): void {
  const ref = astring(args[0]);
  const pat = astring(args[1]);
  if (ref === null || pat === null || args.length !== 2) throw new ParseError('reference and pattern expected');
  const verb = lsub ? 'LSUB' : 'LIST';
  if (pat === '') {
    listLine(s, verb, '', ['\\Noselect']);
    s.tagged(tag, 'OK', `${verb} completed`);
    return;
  }
  const full = ref && !pat.startsWith(DELIMITER) ? (ref.endsWith(DELIMITER) ? ref : ref + DELIMITER) + pat : pat;
  const re = patternToRegExp(full);
  const u = s.ctx.store.user(s.user);
  if (lsub) {
    // RFC 3501 §6.3.9: with `%`, a subscribed child whose parent is not subscribed makes the parent appear, \Noselect.
    const subscribed = [...u.subscriptions].filter((n) => u.mailboxes.has(n));
    const out = new Map<string, string[]>();
    for (const n of subscribed) {
      if (re.test(n)) { out.set(n, []); continue; }
      const parts = n.split(DELIMITER);
      for (let i = parts.length - 1; i >= 1; i--) {
        const parent = parts.slice(0, i).join(DELIMITER);
        if (re.test(parent) && !u.subscriptions.has(parent) && !out.has(parent)) { out.set(parent, ['\\Noselect']); break; }
      }
    }
    for (const n of [...out.keys()].sort()) listLine(s, verb, n, out.get(n)!);
  } else {
    for (const n of [...u.mailboxes.keys()].sort()) if (re.test(n)) listLine(s, verb, n, listAttributes(s, n));
  }
  s.tagged(tag, 'OK', `${verb} completed`);
}

export function statusItems(s: Session, mb: Mailbox, items: string[]): Value[] {
  const out: Value[] = [];
  for (const it of items) {
    switch (it) {
      case 'MESSAGES': out.push(raw(it), mb.messages.length); break;
      case 'RECENT': out.push(raw(it), mb.messages.filter((m) => m.recentFor === null || s.isRecent(m)).length); break;
      case 'UIDNEXT': out.push(raw(it), mb.uidNext); break;
      case 'UIDVALIDITY': out.push(raw(it), mb.uidValidity); break;
      case 'UNSEEN': out.push(raw(it), s.ctx.store.unseenCount(mb)); break;
      case 'HIGHESTMODSEQ': out.push(raw(it), mb.highestModseq); break;
      case 'SIZE': out.push(raw(it), mb.messages.reduce((n, m) => n + m.raw.length, 0)); break;
      default: throw new ParseError(`unknown status item ${it}`);
    }
  }
  return out;
}

function cmdStatus(s: Session, tag: string, args: Token[]): void {
  const name = s.requireMailboxName(args[0]);
  const items = listItems(args[1]);
  if (!items || !items.length) throw new ParseError('status items expected');
  const mb = s.ctx.store.requireMailbox(s.user, name);
  const names = items.map((i) => atomUpper(i) ?? '');
  if (names.includes('HIGHESTMODSEQ')) s.condstore = true;
  s.untagged(raw('STATUS'), mb.name, statusItems(s, mb, names));
  s.tagged(tag, 'OK', 'STATUS completed');
}

function cmdAppend(s: Session, tag: string, args: Token[]): void {
  const name = s.requireMailboxName(args[0]);
  let i = 1;
  let flags: string[] = [];
  let date = new Date();
  if (args[i]?.kind === 'list') { flags = parseFlags(args[i]); i++; }
  const maybeDate = args[i];
  if (maybeDate?.kind === 'string' && args[i + 1]) {
    const d = parseImapDateTime(maybeDate.value.toString('latin1'));
    if (!d) throw new ParseError('invalid date-time');
    date = d;
    i++;
  }
  const msg = args[i];
  if (msg?.kind !== 'string' || args.length !== i + 1) throw new ParseError('message literal expected');
  const mb = s.ctx.store.getMailbox(s.user, name);
  if (!mb) throw new CommandError('NO', 'TRYCREATE', 'Mailbox does not exist');
  if (!msg.value.length) throw new CommandError('NO', null, 'Empty message');
  const stored = s.ctx.store.append(s.user, mb, msg.value, flags, date, s.origin);
  s.flushUpdates(true, false);
  s.tagged(tag, 'OK', 'APPEND completed', `APPENDUID ${mb.uidValidity} ${stored.uid}`);
}

export function mailboxCommands(): Record<string, (s: Session, tag: string, args: Token[]) => void> {
  return {
    SELECT: (s, tag, args) => cmdSelect(s, tag, args, false),
    EXAMINE: (s, tag, args) => cmdSelect(s, tag, args, true),
    CREATE: (s, tag, args) => {
      s.ctx.store.createMailbox(s.user, s.requireMailboxName(args[0]), s.origin);
      s.tagged(tag, 'OK', 'CREATE completed');
    },
    DELETE: (s, tag, args) => {
      const name = s.requireMailboxName(args[0]);
      if (s.selected?.mailbox.name === name) s.deselect();
      s.ctx.store.deleteMailbox(s.user, name, s.origin);
      s.tagged(tag, 'OK', 'DELETE completed');
    },
    RENAME: (s, tag, args) => {
      s.ctx.store.renameMailbox(s.user, s.requireMailboxName(args[0]), s.requireMailboxName(args[1]), s.origin);
      s.tagged(tag, 'OK', 'RENAME completed');
    },
    SUBSCRIBE: (s, tag, args) => {
      s.ctx.store.setSubscribed(s.user, s.requireMailboxName(args[0]), true, s.origin);
      s.tagged(tag, 'OK', 'SUBSCRIBE completed');
    },
    UNSUBSCRIBE: (s, tag, args) => {
      s.ctx.store.setSubscribed(s.user, s.requireMailboxName(args[0]), false, s.origin);
      s.tagged(tag, 'OK', 'UNSUBSCRIBE completed');
    },
    LIST: (s, tag, args) => cmdList(s, tag, args, false),
    LSUB: (s, tag, args) => cmdList(s, tag, args, true),
    STATUS: cmdStatus,
    APPEND: cmdAppend,
  };
}

export { canonicalName };
