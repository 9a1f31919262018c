// An IMAP session of one device, over imapflow: imapflow runs the ordinary commands, while a tap on its raw
// socket log records a redacted wire transcript and every untagged response, solicited or not. Raw commands
// (NOTIFY, ID, METADATA, anything the suite must see byte for byte) go through imapflow's `exec`.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Socket } from 'node:net';
import type { Limits } from '../profile/types.js';
import { EventLog, withTimeout, type WaitOptions } from '../wait.js';
import { greetingTimeoutText, judgeGreeting, plural, preview } from './greeting.js';
import { DEFAULT_READER_LIMITS, ReaderError, ResponseReader, parseUntagged, type ServerResponse, type Untagged } from './response-reader.js';
import { reportTargetFault, type TargetFault, type TargetFaultKind } from './target-faults.js';
import { now, redact, type TimelineEntry } from './timeline.js';

export type TlsMode = 'none' | 'starttls' | 'implicit';

export interface SessionSpec {
  /** Label in transcripts, e.g. `alice/dev-A`. */
  label: string;
  host: string;
  port: number;
  tls: TlsMode;
  ca?: string | Buffer;
  insecureSkipVerify?: boolean;
  /** Authentication identity (login name). */
  login: string;
  password?: string;
  /** OAuth bearer token (imapflow picks OAUTHBEARER or XOAUTH2 from the server's capabilities). */
  accessToken?: string;
  /** SASL PLAIN authorization identity: the user a PF acts for. */
  authzid?: string;
  /** ID parameters sent before authentication (e.g. `{ '+sip.instance': '<urn:uuid:…>' }`). */
  idBeforeLogin?: Record<string, string>;
  /** ID parameters sent with an explicit ID command after authentication. */
  idAfterLogin?: Record<string, string>;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Values to mask in the transcript (passwords, tokens). */
  secrets: readonly string[];
  /** Bounds on what the server sends (the profile's `limits`); default: those set by configureSessionLimits(). */
  limits?: Partial<Limits>;
}

let defaultLimits: Limits = { maxLineBytes: DEFAULT_READER_LIMITS.maxLineBytes, maxLiteralBytes: DEFAULT_READER_LIMITS.maxLiteralBytes };

/**
 * The profile's limits for every session this process opens without limits of its own (the case context builds
 * session specs from the profile; the executor and the preflight set the run's limits here).
 */
export function configureSessionLimits(limits: Partial<Limits> | undefined): void {
  defaultLimits = { ...defaultLimits, ...(limits ?? {}) };
}

export function sessionLimits(): Limits {
  return { ...defaultLimits };
}

export type SessionFailureKind = 'unreachable' | 'auth' | 'timeout' | 'protocol';

export class SessionError extends Error {
  constructor(
    readonly kind: SessionFailureKind,
    message: string,
    /** Set when the failure is the target's own (unreachable, no greeting, a limit, garbage, a flood). */
    readonly fault?: TargetFault,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

export interface CommandResult {
  status: 'OK' | 'NO' | 'BAD';
  /** Response code inside brackets, e.g. `BADEVENT (MessageNew MessageExpunge)`, if any. */
  code?: string;
  /** The tagged response line. */
  tagged: string;
  /** Untagged responses received while the command ran. */
  untagged: Untagged[];
}

// imapflow's exec is internal (absent from its typings) but is the documented way to send a raw command.
interface ExecCapable {
  exec(
    command: string,
    attributes?: unknown[],
    options?: { untagged?: Record<string, (u: unknown) => unknown> },
  ): Promise<{ response: unknown; next: () => void }>;
}

type LogEntry = { src?: string; msg?: string; data?: string; hidden?: boolean };

/** Transcript lines kept per session: the first ones and the most recent ones; a flood is summarised in between. */
const TRANSCRIPT_HEAD = 1000;
const TRANSCRIPT_TAIL = 4000;
/** Untagged responses a session accepts before it calls the server a flood and disconnects. */
const MAX_UNTAGGED = 200_000;
/** Client writes kept for a replay (the benchmark's floor); beyond this the wire record is incomplete. */
const MAX_WIRE_WRITES = 20_000;
/** Untagged responses during one command that time out that make the timeout a flood of the server's. */
const FLOOD_MIN_UNTAGGED = 1_000;
/** Bytes of a greeting kept for the message of a greeting that did not complete. */
const GREETING_KEPT = 512;

/** What the client wrote, byte for byte, and when each server response arrived: enough to replay the session. */
export interface WireRecord {
  login: string;
  authzid?: string;
  /** Client writes in order; `data` undefined for authentication frames, which imapflow withholds. */
  writes: { t: number; data: Buffer | undefined }[];
  /** Arrival time of every complete server response (tagged, untagged, continuation). */
  responses: number[];
  /** Text of the tagged responses, to find the tag of a withheld authentication command. */
  tagged: { t: number; text: string }[];
  complete: boolean;
}

export class DeviceSession {
  readonly client: ImapFlow;
  /** Every untagged response from the server, in arrival order. */
  readonly untagged: EventLog<Untagged>;
  private readonly lines: TimelineEntry[] = [];
  private lastTagged = '';
  private closed = false;
  /** Why the harness itself dropped the connection (unreadable data, a flood): added to the errors that follow. */
  private dropReason: string | undefined;
  private readonly tail: TimelineEntry[] = [];
  private tailNext = 0;
  private dropped = 0;
  private untaggedCount = 0;
  private readonly wireRecord: WireRecord;
  private readonly reader: ResponseReader;
  /** The greeting (the first complete response) has arrived. */
  private greeted = false;
  /** Bytes received before the greeting was complete. */
  private preGreeting: Buffer = Buffer.alloc(0);
  /** The text of an untagged BYE that did not answer our LOGOUT. */
  private bye: string | undefined;
  /** The server ended its sending side (FIN). */
  private peerEnded = false;
  /** The socket error code when the server reset the connection. */
  private peerReset: string | undefined;
  /** A target fault found on this connection, reported once. */
  private fault: TargetFault | undefined;
  /** Commands written and not yet completed, by tag. */
  private readonly pendingTags = new Map<string, string>();
  /** An authentication command (imapflow withholds its bytes, tag included) awaits its completion. */
  private authPending = false;
  private lastTagNumber = 0;
  private loggingOut = false;

  private constructor(readonly spec: SessionSpec) {
    this.wireRecord = { login: spec.login, ...(spec.authzid ? { authzid: spec.authzid } : {}), writes: [], responses: [], tagged: [], complete: true };
    this.untagged = new EventLog<Untagged>((u) => `* ${u.text}`);
    const limits = { ...defaultLimits, ...(spec.limits ?? {}) };
    this.reader = new ResponseReader({ ...limits, maxResponseBytes: 2 * limits.maxLiteralBytes + limits.maxLineBytes }, true);
    const tap = (entry: LogEntry) => this.onLog(entry);
    // imapflow logs "Established … connection" right before it installs its own socket handlers: ours come first, so
    // the server's FIN or reset is known before imapflow fails the command in flight.
    const info = (entry: LogEntry) => {
      if (typeof entry.msg === 'string' && entry.msg.startsWith('Established')) this.watchSocket();
    };
    const logger = { trace: tap, debug: () => {}, info, warn: () => {}, error: () => {}, fatal: () => {} };
    const options: ImapFlowOptions = {
      host: spec.host,
      port: spec.port,
      secure: spec.tls === 'implicit',
      doSTARTTLS: spec.tls === 'starttls' ? true : spec.tls === 'none' ? false : undefined,
      auth: spec.accessToken
        ? { user: spec.login, accessToken: spec.accessToken }
        : { user: spec.login, pass: spec.password ?? '', ...(spec.authzid ? { authzid: spec.authzid } : {}) },
      logger: logger as unknown as ImapFlowOptions['logger'],
      logRaw: true,
      disableAutoIdle: true,
      disableAutoEnable: true,
      clientInfo: { name: 'cpm-conformance', ...(spec.idBeforeLogin ?? {}) },
      connectionTimeout: spec.connectTimeoutMs,
      greetingTimeout: spec.connectTimeoutMs,
      socketTimeout: Math.max(spec.commandTimeoutMs * 4, 30_000),
      // imapflow's own bounds, above the harness's (which end the connection first and say why).
      maxLineLength: limits.maxLineBytes * 2,
      maxLiteralSize: limits.maxLiteralBytes * 2,
      tls: { rejectUnauthorized: !spec.insecureSkipVerify, ...(spec.ca ? { ca: spec.ca } : {}) },
    } as ImapFlowOptions;
    this.client = new ImapFlow(options);
    // A dropped connection must surface as a failed command, never as an unhandled 'error' event.
    this.client.on('error', (err: Error) => this.note(`connection error: ${err.message}`));
    this.client.on('close', () => this.note('connection closed'));
  }

  static async open(spec: SessionSpec): Promise<DeviceSession> {
    const session = new DeviceSession(spec);
    session.note(`connect ${spec.host}:${spec.port} (tls ${spec.tls}) as ${spec.login}${spec.authzid ? ` for ${spec.authzid}` : ''}`);
    try {
      await withTimeout(session.client.connect(), spec.connectTimeoutMs * 2, `connecting to ${spec.host}:${spec.port}`, () =>
        session.client.close(),
      );
    } catch (err) {
      session.closed = true;
      session.client.close();
      throw session.connectError(err);
    }
    if (spec.idAfterLogin) {
      const r = await session.exec(`ID (${Object.entries(spec.idAfterLogin).map(([k, v]) => `${quote(k)} ${quote(v)}`).join(' ')})`);
      if (r.status !== 'OK') throw new SessionError('protocol', `${spec.label}: ID after login was refused: ${r.tagged}`);
    }
    return session;
  }

  /** Why connecting (greeting and login) failed, in words that name the cause and who ended the connection. */
  private connectError(err: unknown): SessionError {
    const spec = this.spec;
    const where = `${spec.host}:${spec.port}`;
    const failed = (cause: string, kind: SessionFailureKind = 'protocol'): SessionError =>
      new SessionError(kind, `${spec.label}: connecting to ${where} failed: ${cause}`, this.fault);
    if (this.dropReason !== undefined) return failed(this.dropReason);
    const e = err as { code?: string; message?: string; authenticationFailed?: boolean; responseText?: string };
    if (e.authenticationFailed) {
      return new SessionError('auth', `${spec.label}: authentication as "${spec.login}" failed at ${where}${e.responseText ? `: ${e.responseText}` : ''}`);
    }
    const timedOut = /timed? ?out|did not complete|required time/i.test(e.message ?? '') || e.code === 'ETIMEOUT' || e.code === 'GREETING_TIMEOUT';
    if (!this.greeted) {
      if (e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' || e.code === 'ENOTFOUND') {
        const cause = `IMAP server ${where} is unreachable (${e.code})`;
        this.markFault('unreachable', cause);
        return new SessionError('unreachable', `${spec.label}: ${cause}`, this.fault);
      }
      if (timedOut) {
        const cause = greetingTimeoutText(spec.connectTimeoutMs, this.preGreeting);
        this.markFault('greeting', cause);
        return new SessionError('timeout', `${spec.label}: ${cause} from ${where}`, this.fault);
      }
      const closed = this.closeCause();
      if (closed) {
        this.markFault('greeting', closed);
        return failed(closed, this.peerReset ? 'unreachable' : 'protocol');
      }
    }
    const closed = this.closeCause();
    if (closed) return failed(closed);
    if (timedOut) {
      const flood = this.untaggedCount >= FLOOD_MIN_UNTAGGED ? this.floodCause(this.untaggedCount, 'logging in') : undefined;
      if (flood) return new SessionError('protocol', `${spec.label}: connecting to ${where} failed: ${flood}`, this.fault);
      const waiting = this.awaiting();
      return new SessionError(
        'timeout',
        `${spec.label}: no usable IMAP greeting/login from ${where} in time (${e.message})${waiting ? ` while the client was waiting for ${waiting}` : ''}`,
      );
    }
    if (e.code === 'ECONNRESET') return new SessionError('unreachable', `${spec.label}: IMAP server ${where} is unreachable (${e.code})`);
    return failed(e.message ?? String(err));
  }

  /** Listens on the TCP socket for the server's FIN and reset (imapflow reports both as a plain close). */
  private watchSocket(): void {
    const socket = (this.client as unknown as { socket?: Socket }).socket;
    if (!socket || typeof socket.once !== 'function') return;
    socket.once('end', () => {
      this.peerEnded = true;
      if (!this.loggingOut) this.note('the server ended the connection (FIN)');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') this.peerReset ??= err.code;
    });
  }

  /** What the client was waiting for when the connection ended: the greeting, or the completion of a command. */
  private awaiting(): string | undefined {
    if (!this.greeted) return 'the greeting';
    const last = [...this.pendingTags.values()].at(-1);
    if (last) return `the response to ${last}`;
    if (this.authPending) return 'the response to the login (authentication)';
    return undefined;
  }

  /**
   * Who ended the connection and how, when it was the server: a BYE (and its text), a reset, a FIN in the middle of
   * a response, or a FIN while a command waited (a half-close). Undefined while the connection is up or when the
   * client closed it.
   */
  private closeCause(): string | undefined {
    const waiting = this.awaiting();
    const during = waiting ? ` while the client was waiting for ${waiting}` : '';
    if (this.bye !== undefined) return `the server closed the connection after sending BYE ${JSON.stringify(this.bye)}${during}`;
    if (this.peerReset) return `the server reset the connection (${this.peerReset})${during}`;
    if (!this.peerEnded) return undefined;
    const pending = this.reader.pending();
    if (!this.greeted) {
      return `the server closed the connection (FIN) before greeting${this.preGreeting.length > 0 ? ` (${plural(this.preGreeting.length, 'byte')} received: ${preview(this.preGreeting)})` : ', 0 bytes received'}`;
    }
    if (pending) {
      return `the server closed the connection (FIN) in the middle of a response${waiting ? ` to ${waiting.replace(/^the response to /, '')}` : ''} (${plural(pending.bytes, 'byte')} of an unfinished response received: ${pending.preview})`;
    }
    return `the server half-closed the connection (FIN)${during}`;
  }

  private floodCause(count: number, during: string): string {
    const cause = `the server flooded ${count} untagged responses while ${during} without completing it`;
    this.markFault('flood', cause);
    return cause;
  }

  /** Records (and reports, once per session) a fault of the target. */
  private markFault(kind: TargetFaultKind, cause: string): void {
    if (this.fault) return;
    this.fault = reportTargetFault({ kind, cause, session: this.spec.label });
  }

  get capabilities(): ReadonlySet<string> {
    return new Set([...this.client.capabilities.keys()].map((c) => c.toUpperCase()));
  }

  /** Sends one raw command line (without tag). Never throws on NO/BAD: the status is the result. */
  async exec(command: string, attributes?: unknown[]): Promise<CommandResult> {
    const mark = this.untagged.mark();
    const before = this.untaggedCount;
    const run = async (): Promise<void> => {
      try {
        const r = await (this.client as unknown as ExecCapable).exec(command, attributes);
        r.next();
      } catch (err) {
        const status = (err as { responseStatus?: string }).responseStatus;
        if (status !== 'NO' && status !== 'BAD') throw err;
      }
    };
    try {
      await withTimeout(run(), this.spec.commandTimeoutMs, `${this.spec.label}: command "${firstWords(command)}"`, () =>
        this.client.close(),
      );
    } catch (err) {
      throw this.explain(err, `"${firstWords(command)}"`, before);
    }
    const tagged = this.lastTagged;
    const m = /^\S+ (OK|NO|BAD)\b ?(?:\[([^\]]*)\])?/i.exec(tagged);
    const status = (m?.[1]?.toUpperCase() ?? 'BAD') as CommandResult['status'];
    return { status, tagged, untagged: this.untagged.all().slice(mark) as Untagged[], ...(m?.[2] ? { code: m[2] } : {}) };
  }

  /** Runs an imapflow operation under the session's command timeout. */
  async run<T>(what: string, op: (client: ImapFlow) => Promise<T>): Promise<T> {
    const before = this.untaggedCount;
    try {
      return await withTimeout(op(this.client), this.spec.commandTimeoutMs, `${this.spec.label}: ${what}`, () => this.client.close());
    } catch (err) {
      throw this.explain(err, what, before);
    }
  }

  waitForUntagged(pred: (u: Untagged) => boolean, opts: WaitOptions & { since?: number }): Promise<Untagged> {
    return this.untagged.waitFor(pred, { ...opts, description: `${opts.description} on ${this.spec.label}` });
  }

  /** The session's wire record (client bytes and response arrivals) for a replay. */
  wire(): WireRecord {
    return this.wireRecord;
  }

  transcript(): readonly TimelineEntry[] {
    if (this.tail.length === 0) return this.lines;
    const ordered = [...this.tail.slice(this.tailNext), ...this.tail.slice(0, this.tailNext)];
    const gap: TimelineEntry[] = this.dropped
      ? [{ t: ordered[0]!.t, source: this.spec.label, dir: '*', text: `… ${this.dropped} line(s) not kept …` }]
      : [];
    return [...this.lines, ...gap, ...ordered];
  }

  note(text: string): void {
    this.record({ t: now(), source: this.spec.label, dir: '*', text });
  }

  /** Keeps the first TRANSCRIPT_HEAD lines and the last TRANSCRIPT_TAIL ones, so a flood cannot exhaust memory. */
  private record(e: TimelineEntry): void {
    if (this.lines.length < TRANSCRIPT_HEAD) {
      this.lines.push(e);
      return;
    }
    if (this.tail.length < TRANSCRIPT_TAIL) this.tail.push(e);
    else {
      this.tail[this.tailNext] = e;
      this.tailNext = (this.tailNext + 1) % TRANSCRIPT_TAIL;
      this.dropped += 1;
    }
  }

  /** Ends the connection because of what the server sent; the reason is added to the errors that follow. */
  private drop(reason: string, fault?: TargetFaultKind): void {
    if (this.dropReason === undefined) this.dropReason = reason;
    if (fault) this.markFault(fault, reason);
    this.note(`harness closes the connection: ${reason}`);
    this.client.close();
  }

  /**
   * The error of a command that did not complete, with its cause: the harness dropped the connection (and why), the
   * server flooded it, or the server ended the connection (BYE, reset, FIN).
   */
  private explain(err: unknown, what?: string, untaggedBefore = this.untaggedCount): unknown {
    if (!(err instanceof Error)) return err;
    if (this.dropReason !== undefined) {
      if (err.message.includes(this.dropReason)) return err;
      const failed = /did not complete within/.test(err.message) ? err.message : `${this.spec.label}: ${what ?? 'the command'} failed`;
      return new SessionError('protocol', `${failed}: the harness closed the connection: ${this.dropReason}`, this.fault);
    }
    const during = this.untaggedCount - untaggedBefore;
    if (/did not complete within/.test(err.message) && during >= FLOOD_MIN_UNTAGGED) {
      const cause = this.floodCause(during, `the client waited for ${what ?? 'a command'}`);
      return new SessionError('protocol', `${err.message}: ${cause}`, this.fault);
    }
    const closed = this.closeCause();
    if (closed && !this.closed) return new SessionError('protocol', `${this.spec.label}: ${what ?? 'the command'} failed: ${closed}`, this.fault);
    return err;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loggingOut = true;
    try {
      await withTimeout(this.client.logout(), 2_000, `${this.spec.label}: LOGOUT`);
    } catch {
      this.client.close();
    }
  }

  private onLog(entry: LogEntry): void {
    if (entry.msg === 'read from socket' && entry.data) {
      const at = now();
      const chunk = Buffer.from(entry.data, 'base64');
      if (!this.greeted && this.preGreeting.length < GREETING_KEPT) this.preGreeting = Buffer.concat([this.preGreeting, chunk]).subarray(0, GREETING_KEPT);
      let responses;
      try {
        responses = this.reader.feed(chunk);
      } catch (err) {
        // The responses before the bad bytes (a greeting followed by garbage) count as received.
        if (err instanceof ReaderError && !this.onResponses(err.completed, at)) return;
        if (!this.greeted && err instanceof ReaderError && err.kind === 'malformed') {
          const eol = this.preGreeting.indexOf('\r\n');
          this.drop(`not an IMAP greeting: ${preview(this.preGreeting.subarray(0, eol >= 0 ? eol : undefined), 120)}`, 'greeting');
        } else {
          if (err instanceof ReaderError) this.drop(err.message, err.kind === 'malformed' ? 'garbage' : 'limit');
          else this.drop(`unreadable server data: ${(err as Error).message}`);
        }
        return;
      }
      this.onResponses(responses, at);
    } else if (entry.msg === 'write to socket') {
      if (this.wireRecord.writes.length < MAX_WIRE_WRITES) {
        this.wireRecord.writes.push({ t: now(), data: entry.hidden ? undefined : Buffer.from(entry.data ?? '', 'base64') });
      } else this.wireRecord.complete = false;
      if (entry.hidden) this.authPending = true;
      const text = entry.hidden ? '<authentication data withheld>' : Buffer.from(entry.data ?? '', 'base64').toString('utf8');
      for (const line of text.split('\r\n').filter((l) => l.length > 0)) {
        if (!entry.hidden) this.notePending(line);
        this.record({ t: now(), source: this.spec.label, dir: 'C', text: redact(line, this.spec.secrets) });
      }
    }
  }

  /** Records complete server responses; false once the session dropped the connection (a flood). */
  private onResponses(responses: readonly ServerResponse[], at: number): boolean {
    for (const r of responses) {
      this.wireRecord.responses.push(at);
      if (!r.text.startsWith('*') && !r.text.startsWith('+')) this.wireRecord.tagged.push({ t: at, text: r.text.slice(0, 80) });
      this.record({ t: at, source: this.spec.label, dir: 'S', text: redact(r.text, this.spec.secrets) });
      if (!this.greeted) {
        this.greeted = true;
        const failure = judgeGreeting(r.text);
        if (failure && failure.kind === 'bye') this.markFault('greeting', failure.message);
      }
      const u = parseUntagged(r.text, at);
      if (u && ++this.untaggedCount > MAX_UNTAGGED) {
        this.drop(`the server flooded more than ${MAX_UNTAGGED} untagged responses`, 'flood');
        return false;
      }
      if (u) {
        if (u.type === 'BYE' && !this.loggingOut) this.bye ??= u.text.replace(/^BYE ?/i, '');
        this.untagged.push(u);
      } else if (!r.text.startsWith('+')) {
        this.lastTagged = r.text;
        const tag = r.text.split(' ', 1)[0]!;
        if (this.pendingTags.has(tag)) this.pendingTags.delete(tag);
        else this.authPending = false;
      }
    }
    return true;
  }

  /** Remembers a command line the client wrote (`7 UID FETCH …` → tag 7 awaits "UID FETCH"). */
  private notePending(line: string): void {
    // imapflow's tags count up in hex (1, 2, … A, B); a withheld authentication command takes one too. Anything else
    // is a literal's content.
    const m = /^([0-9A-F]+) ([A-Za-z]+)(?: ([A-Za-z]+))?/.exec(line);
    if (!m || this.pendingTags.size > 1000) return;
    const n = parseInt(m[1]!, 16);
    if (n <= this.lastTagNumber || n > this.lastTagNumber + 8) return;
    this.lastTagNumber = n;
    const word = m[2]!.toUpperCase();
    const name = word === 'UID' && m[3] ? `UID ${m[3].toUpperCase()}` : word;
    if (name === 'LOGOUT') this.loggingOut = true;
    this.pendingTags.set(m[1]!, name);
  }
}

function quote(s: string): string {
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

function firstWords(command: string): string {
  return command.split(' ').slice(0, 3).join(' ');
}
