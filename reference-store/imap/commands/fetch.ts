// FETCH / UID FETCH (RFC 3501 §6.4.5), with CHANGEDSINCE (RFC 7162) and the implicit \Seen.
import { ParseError, atomUpper, listItems, needNumber, type Token } from '../parser.js';
import { Literal, encodeLine, raw, type Value } from '../encode.js';
import { bodyStructure, envelope, sectionBytes } from '../../store/message.js';
import type { StoredMessage } from '../../store/mailstore.js';
import type { Session } from '../session.js';
import { parseFetchItems, type FetchItem } from './fetch-items.js';
import { selectedMessages } from './messages.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function imapDateTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${day}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function parseImapDateTime(s: string): Date | null {
  const m = /^\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const mon = MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  if (mon < 0) return null;
  const utc = Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const off = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === '-' ? -1 : 1);
  return new Date(utc - off * 60_000);
}

/** Builds one `* n FETCH (...)` line. */
export function fetchResponse(s: Session, m: StoredMessage, seq: number, items: FetchItem[], o: { uid: boolean; markSeen: boolean; withModseq?: boolean }): Buffer {
  const out: Value[] = [];
  const kinds = new Set(items.map((i) => i.kind));
  const view = (): { raw: Buffer; root: ReturnType<Session['ctx']['store']['view']>['root'] } => s.ctx.store.view(m);
  if (o.uid && !kinds.has('UID')) out.push(raw('UID'), m.uid);
  for (const it of items) {
    switch (it.kind) {
      case 'UID': out.push(raw('UID'), m.uid); break;
      case 'FLAGS': out.push(raw('FLAGS'), s.flagList(m).map((f) => raw(f))); break;
      case 'INTERNALDATE': out.push(raw('INTERNALDATE'), imapDateTime(m.internalDate)); break;
      case 'RFC822.SIZE': out.push(raw('RFC822.SIZE'), view().raw.length); break;
      case 'MODSEQ': out.push(raw('MODSEQ'), [m.modseq]); break;
      case 'ENVELOPE': out.push(raw('ENVELOPE'), envelope(view().root.fields)); break;
      case 'BODYSTRUCTURE': out.push(raw('BODYSTRUCTURE'), bodyStructure(view().root, true)); break;
      case 'BODY': out.push(raw('BODY'), bodyStructure(view().root, false)); break;
      case 'RFC822': out.push(raw('RFC822'), new Literal(view().raw)); break;
      case 'RFC822.HEADER': out.push(raw('RFC822.HEADER'), new Literal(view().root.header)); break;
      case 'RFC822.TEXT': out.push(raw('RFC822.TEXT'), new Literal(view().root.body)); break;
      case 'section': {
        const v = view();
        let data = sectionBytes(v.root, v.raw, it.section);
        let name = `BODY[${it.sectionText}]`;
        if (it.partial) {
          data = data.subarray(Math.min(it.partial[0], data.length), Math.min(it.partial[0] + it.partial[1], data.length));
          name += `<${it.partial[0]}>`;
        }
        out.push(raw(name), new Literal(Buffer.from(data)));
        break;
      }
    }
  }
  if (o.withModseq && !kinds.has('MODSEQ')) out.push(raw('MODSEQ'), [m.modseq]);
  return Buffer.concat([Buffer.from(`* ${seq} FETCH `), encodeLine([out])]);
}

export function cmdFetch(s: Session, tag: string, args: Token[], uid: boolean): void {
  const items = parseFetchItems(args[1]);
  let changedSince: number | null = null;
  const mods = listItems(args[2]);
  if (args[2] && !mods) throw new ParseError('fetch modifiers expected');
  if (mods) {
    for (let i = 0; i < mods.length; i += 2) {
      const name = atomUpper(mods[i]);
      if (name === 'CHANGEDSINCE') changedSince = needNumber(mods[i + 1]);
      else throw new ParseError(`unknown fetch modifier ${name ?? ''}`);
    }
    s.condstore = true;
  }
  if (args.length > 3) throw new ParseError('too many arguments');
  s.expungeAllowed = uid;
  const sel = s.selected!;
  const targets = selectedMessages(s, args[0], uid);
  s.announceKeywords(); // the FETCH responses may carry keywords set by another session
  const wantsSeen = !sel.readOnly && items.some((i) => (i.kind === 'section' && !i.peek) || i.kind === 'RFC822' || i.kind === 'RFC822.TEXT');
  for (const [m, seq] of targets) {
    if (changedSince !== null && m.modseq <= changedSince) continue;
    let extra = items;
    if (wantsSeen && !m.flags.has('\\Seen') && !m.expunged) {
      s.ctx.store.storeFlags(s.user, sel.mailbox, m, 'add', ['\\Seen'], s.origin);
      if (!items.some((i) => i.kind === 'FLAGS')) extra = [...items, { kind: 'FLAGS' }];
    }
    s.write(fetchResponse(s, m, seq, extra, { uid, markSeen: wantsSeen, withModseq: s.condstore && (changedSince !== null || extra.some((i) => i.kind === 'FLAGS')) }));
  }
  s.flushUpdates(uid, false);
  s.tagged(tag, 'OK', `${uid ? 'UID ' : ''}FETCH completed`);
}
