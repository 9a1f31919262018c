// NOTIFY (RFC 5465): parsing of NOTIFY SET / NONE, the STATUS indicator, and delivery of events for
// mailboxes other than the selected one (STATUS, LIST, METADATA responses pushed at once).
import { ParseError, astring, atomUpper, type Token } from '../parser.js';
import { raw, type Value } from '../encode.js';
import { DELIMITER, canonicalName, type ChangeEvent, type Mailbox } from '../../store/mailstore.js';
import { CommandError, type Session } from '../session.js';
import { parseFetchItems, type FetchItem } from './fetch-items.js';

export const SUPPORTED_EVENTS = ['MessageNew', 'MessageExpunge', 'FlagChange', 'MailboxName', 'SubscriptionChange',
  'MailboxMetadataChange', 'ServerMetadataChange'] as const;
const MESSAGE_EVENTS = new Set(['MessageNew', 'MessageExpunge', 'FlagChange', 'AnnotationChange']);

type Filter =
  | { kind: 'personal' | 'inboxes' | 'subscribed' }
  | { kind: 'subtree' | 'mailboxes'; names: string[] };

export interface NotifyGroup { filter: Filter; events: Set<string> }

export interface NotifySpec {
  selected: { events: Set<string>; fetchAtts: FetchItem[] | null; delayed: boolean } | null;
  groups: NotifyGroup[];
  /** MESSAGES / UIDNEXT at NOTIFY SET time, per mailbox (used by the stale-value fault switches) */
  snapshot: Map<string, { messages: number; uidNext: number }>;
}

function canonicalEvent(name: string): string | null {
  const known = [...SUPPORTED_EVENTS, 'AnnotationChange'].find((e) => e.toLowerCase() === name.toLowerCase());
  return known ?? null;
}

function mailboxList(t: Token | undefined): string[] {
  if (!t) throw new ParseError('mailbox list expected');
  const items = t.kind === 'list' ? t.items : [t];
  return items.map((i) => {
    const n = astring(i);
    if (n === null) throw new ParseError('mailbox name expected');
    return canonicalName(n);
  });
}

interface ParsedGroup { filterName: string; filter: Filter | null; events: string[]; fetchAtts: FetchItem[] | null }

function parseGroup(t: Token, unsupported: Set<string>): ParsedGroup {
  if (t.kind !== 'list') throw new ParseError('event group expected');
  const items = t.items;
  const fname = atomUpper(items[0]);
  let i = 1;
  let filter: Filter | null = null;
  switch (fname) {
    case 'SELECTED': case 'SELECTED-DELAYED': break;
    case 'PERSONAL': filter = { kind: 'personal' }; break;
    case 'INBOXES': filter = { kind: 'inboxes' }; break;
    case 'SUBSCRIBED': filter = { kind: 'subscribed' }; break;
    case 'SUBTREE': case 'MAILBOXES':
      filter = { kind: fname === 'SUBTREE' ? 'subtree' : 'mailboxes', names: mailboxList(items[1]) };
      i = 2;
      break;
    default: throw new ParseError('unknown mailbox filter');
  }
  const evTok = items[i];
  if (items.length !== i + 1 || !evTok) throw new ParseError('events expected');
  const events: string[] = [];
  let fetchAtts: FetchItem[] | null = null;
  if (evTok.kind === 'atom' && evTok.value.toUpperCase() === 'NONE') return { filterName: fname, filter, events, fetchAtts };
  if (evTok.kind !== 'list' || !evTok.items.length) throw new ParseError('event list expected');
  for (let j = 0; j < evTok.items.length; j++) {
    const e = evTok.items[j]!;
    if (e.kind !== 'atom') throw new ParseError('event name expected');
    const name = canonicalEvent(e.value);
    if (name === null || name === 'AnnotationChange') { unsupported.add(e.value); continue; }
    events.push(name);
    if (name === 'MessageNew' && evTok.items[j + 1]?.kind === 'list') {
      fetchAtts = parseFetchItems(evTok.items[j + 1]);
      j++;
    }
  }
  return { filterName: fname, filter, events, fetchAtts };
}

function matches(s: Session, f: Filter, name: string): boolean {
  switch (f.kind) {
    case 'personal': return true;
    case 'inboxes': return name === 'INBOX';
    case 'subscribed': return s.ctx.store.user(s.user).subscriptions.has(name);
    case 'mailboxes': return f.names.includes(name);
    case 'subtree': return f.names.some((n) => name === n || name.startsWith(n + DELIMITER));
  }
}

function groupFor(s: Session, name: string, event: string): NotifyGroup | null {
  const spec = s.notify;
  if (!spec) return null;
  const g = spec.groups.find((x) => matches(s, x.filter, name));
  return g && g.events.has(event) ? g : null;
}

function statusValues(s: Session, mb: Mailbox, withUnseen: boolean): Value[] {
  const f = s.ctx.faults;
  const snap = s.notify?.snapshot.get(mb.name);
  const messages = f.has('notify-stale-messages') && snap ? snap.messages : mb.messages.length;
  const uidNext = f.has('notify-stale-uidnext') && snap ? snap.uidNext : mb.uidNext;
  const out: Value[] = [raw('MESSAGES'), messages, raw('UIDNEXT'), uidNext, raw('UIDVALIDITY'), mb.uidValidity];
  if (withUnseen) out.push(raw('UNSEEN'), s.ctx.store.unseenCount(mb));
  if (s.condstore) out.push(raw('HIGHESTMODSEQ'), mb.highestModseq);
  return out;
}

export function cmdNotify(s: Session, tag: string, args: Token[]): void {
  const verb = atomUpper(args[0]);
  if (verb === 'NONE') {
    if (args.length !== 1) throw new ParseError('NOTIFY NONE takes no arguments');
    s.notify = null;
    s.tagged(tag, 'OK', 'NOTIFY completed');
    return;
  }
  if (verb !== 'SET') throw new ParseError('NOTIFY SET or NOTIFY NONE expected');
  let i = 1;
  const statusIndicator = atomUpper(args[1]) === 'STATUS';
  if (statusIndicator) i = 2;
  if (args.length <= i) throw new ParseError('event groups expected');
  const unsupported = new Set<string>();
  const parsed = args.slice(i).map((g) => parseGroup(g, unsupported));
  if (unsupported.size) {
    const code = `BADEVENT (${SUPPORTED_EVENTS.join(' ')})`;
    if (s.ctx.faults.has('notify-badevent-as-bad')) throw new CommandError('BAD', null, 'Unsupported event');
    throw new CommandError('NO', code, `Unsupported event(s): ${[...unsupported].join(' ')}`);
  }
  const f = s.ctx.faults;
  const spec: NotifySpec = { selected: null, groups: [], snapshot: new Map() };
  for (const g of parsed) {
    const ev = new Set(g.events);
    if (!f.has('notify-lenient-event-set')) {
      if (ev.has('FlagChange') && !(ev.has('MessageNew') && ev.has('MessageExpunge'))) {
        throw new CommandError('BAD', null, 'FlagChange requires MessageNew and MessageExpunge');
      }
      if (ev.has('MessageNew') !== ev.has('MessageExpunge')) {
        throw new CommandError('BAD', null, 'MessageNew and MessageExpunge must be given together');
      }
    }
    if (f.has('notify-expensive-as-bad') && g.filter?.kind === 'personal' && ev.has('FlagChange')) {
      throw new CommandError('BAD', null, 'Too many notifications requested');
    }
    if (g.filter === null) {
      if (!f.has('notify-lenient-selected')) {
        if (spec.selected) throw new CommandError('BAD', null, 'Only one SELECTED / SELECTED-DELAYED filter allowed');
        if ([...ev].some((e) => !MESSAGE_EVENTS.has(e))) throw new CommandError('BAD', null, 'Only message events apply to SELECTED');
      }
      const delayed = g.filterName === 'SELECTED-DELAYED' && !f.has('notify-delayed-as-selected');
      spec.selected = { events: ev, fetchAtts: g.fetchAtts, delayed };
    } else {
      spec.groups.push({ filter: g.filter, events: ev });
    }
  }
  const u = s.ctx.store.user(s.user);
  for (const mb of u.mailboxes.values()) spec.snapshot.set(mb.name, { messages: mb.messages.length, uidNext: mb.uidNext });
  s.notify = spec;
  // a successful NOTIFY SET is an implicit NOOP (RFC 5465 §3.1)
  if (!f.has('notify-set-no-noop')) s.flushUpdates(true, false);
  if (statusIndicator && !f.has('notify-no-status-indicator')) {
    for (const mb of [...u.mailboxes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (s.selected?.mailbox === mb) continue;
      const g = spec.groups.find((x) => matches(s, x.filter, mb.name));
      if (!g || ![...g.events].some((e) => MESSAGE_EVENTS.has(e))) continue;
      s.untagged(raw('STATUS'), mb.name, statusValues(s, mb, false));
    }
  }
  s.tagged(tag, 'OK', 'NOTIFY completed');
}

/** Pushes a change outside the selected mailbox to a session with NOTIFY active. */
export function deliverNotifyEvent(s: Session, ev: ChangeEvent): void {
  const f = s.ctx.faults;
  switch (ev.kind) {
    case 'new': case 'expunge': case 'flags': {
      const event = ev.kind === 'new' ? 'MessageNew' : ev.kind === 'expunge' ? 'MessageExpunge' : 'FlagChange';
      if ((event === 'MessageNew' && f.has('notify-drop-messagenew')) || (event === 'MessageExpunge' && f.has('notify-drop-expunge'))
        || (event === 'FlagChange' && f.has('notify-drop-flagchange'))) return;
      if (!groupFor(s, ev.mailbox.name, event)) return;
      s.untagged(raw('STATUS'), ev.mailbox.name, statusValues(s, ev.mailbox, true));
      return;
    }
    case 'mailbox-create':
      if (groupFor(s, ev.name, 'MailboxName')) s.untagged(raw('LIST'), [], DELIMITER, ev.name);
      return;
    case 'mailbox-delete':
      if (groupFor(s, ev.name, 'MailboxName')) s.untagged(raw('LIST'), [raw('\\NonExistent')], DELIMITER, ev.name);
      return;
    case 'mailbox-rename':
      if (groupFor(s, ev.newName, 'MailboxName') || groupFor(s, ev.oldName, 'MailboxName')) {
        s.untagged(raw('LIST'), [], DELIMITER, ev.newName, [raw('"OLDNAME"'), [ev.oldName]]);
      }
      return;
    case 'subscription':
      if (groupFor(s, ev.name, 'SubscriptionChange')) s.untagged(raw('LIST'), ev.subscribed ? [raw('\\Subscribed')] : [], DELIMITER, ev.name);
      return;
    case 'metadata':
      if (ev.mailbox === '') {
        if (s.notify?.groups.some((g) => g.events.has('ServerMetadataChange'))) s.untagged(raw('METADATA'), '', raw(ev.entry));
      } else if (groupFor(s, ev.mailbox, 'MailboxMetadataChange')) {
        s.untagged(raw('METADATA'), ev.mailbox, raw(ev.entry));
      }
      return;
  }
}
