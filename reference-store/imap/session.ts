// One IMAP connection: state machine (RFC 3501 §3), command dispatch, and delivery of changes made by
// other sessions — at command end (RFC 3501 §7), during IDLE (RFC 2177), or at once when NOTIFY asks
// for it (RFC 5465). All command handlers are synchronous: the store lives in memory, so a change made
// by one session reaches every other session's listener while that session is between commands.
import type { Socket } from 'node:net';
import { CommandReader, ParseError, splitTag, tokenize, type RawCommand, type Token } from './parser.js';
import { encodeLine, raw, type Value } from './encode.js';
import { StoreError, canonicalName, type ChangeEvent, type Mailbox, type Origin, type StoredMessage } from '../store/mailstore.js';
import type { ServerContext } from './context.js';
import type { Principal } from '../cpm/accounts.js';
import type { FetchItem } from './commands/fetch-items.js';
import { dispatch } from './commands/index.js';
import { deliverNotifyEvent, type NotifySpec } from './commands/notify.js';
import { fetchResponse } from './commands/fetch.js';
import { validMailboxName } from './mailbox-name.js';

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

export type State = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface SelectedState {
  mailbox: Mailbox;
  readOnly: boolean;
  /** this session's message sequence: index + 1 = MSN */
  view: StoredMessage[];
  /** the keywords last announced with FLAGS / PERMANENTFLAGS */
  keywords: string[];
  pendingNew: StoredMessage[];
  /** new messages that another session added (reported with the NOTIFY MessageNew fetch attributes) */
  newFromOthers: Set<StoredMessage>;
  pendingExpunge: Set<StoredMessage>;
  /** flag changes by others; value = flags before the change (used by a fault switch) */
  pendingFlags: Map<StoredMessage, string[]>;
}

/** A continuation the session is waiting for instead of a command. */
type Waiting =
  | { kind: 'idle'; tag: string }
  | { kind: 'sasl'; tag: string; finish: (line: string) => void };

export class CommandError extends Error {
  constructor(readonly status: 'NO' | 'BAD', readonly code: string | null, message: string) { super(message); }
}

export class Session {
  readonly id: number;
  state: State = 'not-authenticated';
  principal: Principal | null = null;
  /** device acting in this session (login form or IMAP ID), null when unknown */
  device: string | null = null;
  /** `+sip.instance` seen in an ID before login, bound at login */
  idDeviceBeforeLogin: string | null = null;
  selected: SelectedState | null = null;
  condstore = false;
  notify: NotifySpec | null = null;
  /** true while this session's own command executes */
  inCommand = false;
  /** whether the running command allows EXPUNGE responses (RFC 3501 §7.4.1) */
  expungeAllowed = true;
  private waiting: Waiting | null = null;
  private readonly reader: CommandReader;
  private idleTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  constructor(readonly ctx: ServerContext, private readonly socket: Socket) {
    this.id = ctx.nextSessionId();
    this.reader = new CommandReader(
      { maxLineBytes: ctx.opts.maxLineBytes, maxLiteralBytes: ctx.opts.maxLiteralBytes },
      {
        command: (cmd) => this.guard(() => this.onCommand(cmd)),
        continuation: () => this.write('+ Ready for literal data'),
        literalTooBig: (partial, size, sync) => this.guard(() => this.onLiteralTooBig(partial, size, sync)),
        lineTooLong: (head) => {
          const t = splitTag(head);
          this.write(`${t && this.waiting === null ? t.tag : '*'} BAD Command line too long (over ${ctx.opts.maxLineBytes} bytes); skipped to its end`);
        },
      },
    );
    socket.on('data', (chunk: Buffer) => {
      this.touch();
      this.guard(() => this.reader.push(chunk));
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.unsubscribe = ctx.store.subscribe((ev) => this.guard(() => this.onStoreChange(ev)));
    this.touch();
    this.write(`* OK [CAPABILITY ${ctx.capabilities().join(' ')}] CPM reference message store ready`);
  }

  get origin(): Origin {
    return { sessionId: this.id, device: this.device, pf: this.principal?.pf ?? null };
  }

  get user(): string {
    if (!this.principal) throw new CommandError('BAD', null, 'Not authenticated');
    return this.principal.user;
  }

  // ----- output ----------------------------------------------------------------------------

  write(line: string | Buffer): void {
    if (this.closed) return;
    this.socket.write(Buffer.concat([typeof line === 'string' ? Buffer.from(line, 'utf8') : line, Buffer.from('\r\n')]));
  }

  untagged(...values: Value[]): void {
    this.write(Buffer.concat([Buffer.from('* '), encodeLine(values)]));
  }

  tagged(tag: string, status: 'OK' | 'NO' | 'BAD', text: string, code?: string | null): void {
    this.write(`${tag} ${status} ${code ? `[${code}] ` : ''}${text}`);
  }

  // ----- input -----------------------------------------------------------------------------

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.ctx.opts.log(`session ${this.id}: internal error: ${(err as Error).stack ?? String(err)}`);
      this.write('* BAD Internal error');
      this.inCommand = false;
    }
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.write('* BYE Autologout; idle for too long');
      this.end();
    }, this.ctx.opts.idleTimeoutMs);
    this.idleTimer.unref?.();
  }

  private onLiteralTooBig(partial: Buffer, size: number, sync: boolean): void {
    const t = splitTag(partial);
    if (sync) {
      if (t) this.tagged(t.tag, 'NO', `Literal of ${size} bytes exceeds the limit`, 'TOOBIG');
      else this.write('* BAD Literal too big');
      return;
    }
    // RFC 7888: a non-synchronising literal over the limit cannot be refused before it arrives
    this.write(`${t ? t.tag : '*'} BAD [TOOBIG] Literal of ${size} bytes exceeds the limit`);
    this.write('* BYE Literal too big');
    this.end();
  }

  private onCommand(cmd: RawCommand): void {
    if (this.state === 'logout') return;
    if (this.waiting) {
      const w = this.waiting;
      const line = cmd.text.toString('latin1');
      if (w.kind === 'idle') {
        this.waiting = null;
        if (line.toUpperCase() === 'DONE') this.tagged(w.tag, 'OK', 'IDLE terminated');
        else this.tagged(w.tag, 'BAD', 'Expected DONE');
        return;
      }
      this.waiting = null;
      w.finish(line);
      return;
    }
    const t = splitTag(cmd.text);
    if (!t) {
      this.write('* BAD Missing or invalid tag');
      return;
    }
    let tokens: Token[];
    try {
      tokens = tokenize(t.rest, cmd.literals);
    } catch (err) {
      this.tagged(t.tag, 'BAD', `Syntax error: ${(err as Error).message}`);
      return;
    }
    const name = tokens[0]?.kind === 'atom' ? tokens[0].value.toUpperCase() : '';
    this.inCommand = true;
    this.expungeAllowed = true;
    try {
      dispatch(this, t.tag, name, tokens.slice(1));
    } catch (err) {
      if (err instanceof CommandError) this.tagged(t.tag, err.status, err.message, err.code);
      else if (err instanceof ParseError) this.tagged(t.tag, 'BAD', `Syntax error: ${err.message}`);
      else if (err instanceof StoreError) this.tagged(t.tag, 'NO', err.message, err.code);
      else {
        this.ctx.opts.log(`session ${this.id}: ${name} failed: ${(err as Error).stack ?? String(err)}`);
        this.tagged(t.tag, 'BAD', 'Internal error');
      }
    } finally {
      this.inCommand = false;
    }
  }

  /** Starts IDLE (RFC 2177): pending updates go out now and while idling. */
  startIdle(tag: string): void {
    this.write('+ idling');
    this.waiting = { kind: 'idle', tag };
    this.flushUpdates(true, this.notify !== null);
  }

  waitForSasl(tag: string, finish: (line: string) => void): void {
    this.write('+ ');
    this.waiting = { kind: 'sasl', tag, finish };
  }

  get idling(): boolean { return this.waiting?.kind === 'idle'; }

  // ----- selected mailbox ------------------------------------------------------------------

  select(mb: Mailbox, readOnly: boolean): void {
    this.deselect();
    if (!readOnly) {
      mb.writers.push(this.id);
      for (const m of mb.messages) if (m.recentFor === null) m.recentFor = this.id;
    }
    this.selected = { mailbox: mb, readOnly, view: [...mb.messages], keywords: [...mb.keywords], pendingNew: [], newFromOthers: new Set(), pendingExpunge: new Set(), pendingFlags: new Map() };
    this.state = 'selected';
  }

  deselect(): void {
    const sel = this.selected;
    if (!sel) return;
    sel.mailbox.writers = sel.mailbox.writers.filter((id) => id !== this.id);
    for (const m of sel.mailbox.messages) if (m.recentFor === this.id) m.recentFor = 0;
    this.selected = null;
    this.state = 'authenticated';
  }

  /**
   * \Recent (RFC 3501 §2.3.2): the session that claimed the message at SELECT (or when it arrived) sees it. A
   * read-only session (EXAMINE) claims nothing but sees the messages nobody has claimed yet, as STATUS counts them.
   */
  isRecent(m: StoredMessage): boolean {
    return m.recentFor === this.id || (m.recentFor === null && this.selected?.readOnly === true);
  }

  /**
   * Announces keywords that appeared in the selected mailbox since FLAGS was last sent (RFC 3501 §7.2.6): a new
   * untagged FLAGS and PERMANENTFLAGS, before any FETCH that carries the keyword.
   */
  announceKeywords(): void {
    const sel = this.selected;
    if (!sel || sel.keywords.length === sel.mailbox.keywords.length) return;
    sel.keywords = [...sel.mailbox.keywords];
    this.writeFlags();
  }

  /** `* FLAGS (…)` and `* OK [PERMANENTFLAGS (…)]` for the selected mailbox. */
  writeFlags(): void {
    const sel = this.selected!;
    const flags = [...SYSTEM_FLAGS, ...sel.keywords];
    this.untagged(raw('FLAGS'), flags.map((f) => raw(f)));
    this.write(sel.readOnly ? '* OK [PERMANENTFLAGS ()] Read-only mailbox' : `* OK [PERMANENTFLAGS (${[...flags, '\\*'].join(' ')})] Flags permitted`);
  }

  /** Removes messages this session expunged itself from its view, answering `* n EXPUNGE` for each. */
  reportOwnExpunge(gone: StoredMessage[]): void {
    const sel = this.selected;
    if (!sel) return;
    const set = new Set(gone);
    for (let i = sel.view.length - 1; i >= 0; i--) {
      const m = sel.view[i]!;
      if (set.has(m)) {
        this.untagged(i + 1, raw('EXPUNGE'));
        sel.view.splice(i, 1);
        sel.pendingFlags.delete(m);
        sel.pendingExpunge.delete(m);
      }
    }
    sel.pendingNew = sel.pendingNew.filter((m) => !set.has(m));
  }

  /**
   * Sends accumulated changes of the selected mailbox.
   * `allowExpunge` follows RFC 3501 §7.4.1; `notifyMode` restricts output to the events the client
   * asked for with NOTIFY (used for pushes outside a command).
   */
  flushUpdates(allowExpunge: boolean, notifyMode: boolean): void {
    const sel = this.selected;
    if (!sel) return;
    const spec = notifyMode ? this.notify?.selected ?? null : null;
    if (notifyMode && !spec) return;
    const f = this.ctx.faults;
    const wantExpunge = !notifyMode || (spec!.events.has('MessageExpunge') && !spec!.delayed && !f.has('notify-drop-expunge'));
    const wantNew = !notifyMode || (spec!.events.has('MessageNew') && !f.has('notify-drop-messagenew'));
    const wantFlags = !notifyMode || (spec!.events.has('FlagChange') && !f.has('notify-drop-flagchange'));
    if ((wantNew && sel.pendingNew.length) || (wantFlags && sel.pendingFlags.size)) this.announceKeywords();
    if (allowExpunge && wantExpunge && sel.pendingExpunge.size) {
      for (let i = sel.view.length - 1; i >= 0; i--) {
        const m = sel.view[i]!;
        if (sel.pendingExpunge.has(m)) {
          this.untagged(i + 1, raw('EXPUNGE'));
          sel.view.splice(i, 1);
          sel.pendingFlags.delete(m);
        }
      }
      sel.pendingNew = sel.pendingNew.filter((m) => !sel.pendingExpunge.has(m));
      sel.pendingExpunge.clear();
    }
    if (wantNew && sel.pendingNew.length) {
      const added = sel.pendingNew;
      sel.pendingNew = [];
      const first = sel.view.length;
      sel.view.push(...added);
      this.untagged(sel.view.length, raw('EXISTS'));
      this.untagged(sel.view.filter((m) => this.isRecent(m)).length, raw('RECENT'));
      const atts: FetchItem[] | null = this.notify?.selected?.fetchAtts ?? null;
      if (atts && atts.length) {
        added.forEach((m, i) => {
          if (sel.newFromOthers.has(m) && !m.expunged) this.write(fetchResponse(this, m, first + i + 1, atts, { uid: false, markSeen: false }));
        });
      }
      for (const m of added) sel.newFromOthers.delete(m);
    }
    if (wantFlags && sel.pendingFlags.size) {
      const stale = notifyMode && f.has('notify-stale-flags');
      for (const [m, before] of sel.pendingFlags) {
        const seq = sel.view.indexOf(m) + 1;
        if (seq === 0) continue;
        const flags = stale ? before : this.flagList(m);
        // UID only where an extension asks for it in unsolicited FETCH (RFC 5465 §5.2 NOTIFY FlagChange)
        const items: Value[] = [...(this.notify ? [raw('UID'), m.uid] : []), raw('FLAGS'), flags.map((x) => raw(x))];
        if (this.condstore) items.push(raw('MODSEQ'), [m.modseq]);
        this.untagged(seq, raw('FETCH'), items);
      }
      sel.pendingFlags.clear();
    }
  }

  flagList(m: StoredMessage): string[] {
    const out = [...m.flags];
    if (this.isRecent(m)) out.push('\\Recent');
    return out;
  }

  // ----- changes made elsewhere ------------------------------------------------------------

  private onStoreChange(ev: ChangeEvent): void {
    if (!this.principal || ev.user !== this.principal.user || this.state === 'logout') return;
    const own = ev.origin.sessionId === this.id;
    const sel = this.selected;
    if (sel && (ev.kind === 'new' || ev.kind === 'flags' || ev.kind === 'expunge') && ev.mailbox === sel.mailbox) {
      if (ev.kind === 'new') {
        for (const m of ev.messages) {
          sel.pendingNew.push(m);
          if (!own) sel.newFromOthers.add(m);
        }
      } else if (ev.kind === 'flags') {
        if (!own || this.ctx.faults.has('notify-echo-origin')) {
          if (!sel.pendingFlags.has(ev.message)) {
            const before = [...ev.message.flags].filter((x) => !ev.added.includes(x)).concat(ev.removed);
            sel.pendingFlags.set(ev.message, before);
          }
        }
      } else if (!own) {
        for (const m of ev.messages) if (sel.view.includes(m) || sel.pendingNew.includes(m)) sel.pendingExpunge.add(m);
      }
      if (this.idling) this.flushUpdates(true, this.notify !== null);
      else if (!this.inCommand || (own && this.ctx.faults.has('notify-echo-origin'))) {
        if (this.notify && !this.ctx.faults.has('notify-silent')) this.flushUpdates(!this.inCommand, true);
      }
      return;
    }
    if (this.notify && !this.ctx.faults.has('notify-silent') && (!own || this.ctx.faults.has('notify-echo-origin'))) {
      deliverNotifyEvent(this, ev);
    }
  }

  // ----- login / logout --------------------------------------------------------------------

  authenticated(p: Principal): void {
    this.principal = p;
    this.device = p.device;
    this.state = 'authenticated';
  }

  end(): void {
    if (this.closed) return;
    this.state = 'logout';
    this.socket.end();
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state = 'logout';
    this.deselect();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.unsubscribe?.();
    this.ctx.sessions.delete(this);
    this.socket.destroySoon?.();
  }

  requireMailboxName(t: Token | undefined): string {
    if (!t || t.kind === 'list') throw new ParseError('mailbox name expected');
    return canonicalName(validMailboxName(t.kind === 'atom' ? Buffer.from(t.value, 'latin1') : t.value));
  }
}
