// An IMAP session of one device, over imapflow: imapflow runs the ordinary commands, while a tap on its raw
// socket log records a redacted wire transcript and every untagged response, solicited or not. Raw commands
// (NOTIFY, ID, METADATA, anything the suite must see byte for byte) go through imapflow's `exec`.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { EventLog, withTimeout, type WaitOptions } from '../wait.js';
import { ResponseReader, parseUntagged, type Untagged } from './response-reader.js';
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
}

export type SessionFailureKind = 'unreachable' | 'auth' | 'timeout' | 'protocol';

export class SessionError extends Error {
  constructor(
    readonly kind: SessionFailureKind,
    message: string,
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
  private readonly reader = new ResponseReader();
  private lastTagged = '';
  private closed = false;
  /** Why the harness itself dropped the connection (unreadable data, a flood): added to the errors that follow. */
  private dropReason: string | undefined;
  private readonly tail: TimelineEntry[] = [];
  private tailNext = 0;
  private dropped = 0;
  private untaggedCount = 0;
  private readonly wireRecord: WireRecord;

  private constructor(readonly spec: SessionSpec) {
    this.wireRecord = { login: spec.login, ...(spec.authzid ? { authzid: spec.authzid } : {}), writes: [], responses: [], tagged: [], complete: true };
    this.untagged = new EventLog<Untagged>((u) => `* ${u.text}`);
    const tap = (entry: LogEntry) => this.onLog(entry);
    const logger = { trace: tap, debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, fatal: () => {} };
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
      if (session.dropReason !== undefined) {
        throw new SessionError('protocol', `${spec.label}: connecting to ${spec.host}:${spec.port} failed: ${session.dropReason}`);
      }
      throw classifyConnectError(err, spec);
    }
    if (spec.idAfterLogin) {
      const r = await session.exec(`ID (${Object.entries(spec.idAfterLogin).map(([k, v]) => `${quote(k)} ${quote(v)}`).join(' ')})`);
      if (r.status !== 'OK') throw new SessionError('protocol', `${spec.label}: ID after login was refused: ${r.tagged}`);
    }
    return session;
  }

  get capabilities(): ReadonlySet<string> {
    return new Set([...this.client.capabilities.keys()].map((c) => c.toUpperCase()));
  }

  /** Sends one raw command line (without tag). Never throws on NO/BAD: the status is the result. */
  async exec(command: string, attributes?: unknown[]): Promise<CommandResult> {
    const mark = this.untagged.mark();
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
      throw this.explain(err);
    }
    const tagged = this.lastTagged;
    const m = /^\S+ (OK|NO|BAD)\b ?(?:\[([^\]]*)\])?/i.exec(tagged);
    const status = (m?.[1]?.toUpperCase() ?? 'BAD') as CommandResult['status'];
    return { status, tagged, untagged: this.untagged.all().slice(mark) as Untagged[], ...(m?.[2] ? { code: m[2] } : {}) };
  }

  /** Runs an imapflow operation under the session's command timeout. */
  async run<T>(what: string, op: (client: ImapFlow) => Promise<T>): Promise<T> {
    try {
      return await withTimeout(op(this.client), this.spec.commandTimeoutMs, `${this.spec.label}: ${what}`, () => this.client.close());
    } catch (err) {
      throw this.explain(err);
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
  private drop(reason: string): void {
    if (this.dropReason === undefined) this.dropReason = reason;
    this.note(`harness closes the connection: ${reason}`);
    this.client.close();
  }

  private explain(err: unknown): unknown {
    if (this.dropReason === undefined || !(err instanceof Error) || err.message.includes(this.dropReason)) return err;
    return new SessionError('protocol', `${err.message} (the harness closed the connection: ${this.dropReason})`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await withTimeout(this.client.logout(), 2_000, `${this.spec.label}: LOGOUT`);
    } catch {
      this.client.close();
    }
  }

  private onLog(entry: LogEntry): void {
    if (entry.msg === 'read from socket' && entry.data) {
      const at = now();
      let responses;
      try {
        responses = this.reader.feed(Buffer.from(entry.data, 'base64'));
      } catch (err) {
        this.drop(`unreadable server data: ${(err as Error).message}`);
        return;
      }
      for (const r of responses) {
        this.wireRecord.responses.push(at);
        if (!r.text.startsWith('*') && !r.text.startsWith('+')) this.wireRecord.tagged.push({ t: at, text: r.text.slice(0, 80) });
        this.record({ t: at, source: this.spec.label, dir: 'S', text: redact(r.text, this.spec.secrets) });
        const u = parseUntagged(r.text, at);
        if (u && ++this.untaggedCount > MAX_UNTAGGED) {
          this.drop(`the server flooded more than ${MAX_UNTAGGED} untagged responses`);
          return;
        }
        if (u) this.untagged.push(u);
        else if (!r.text.startsWith('+')) this.lastTagged = r.text;
      }
    } else if (entry.msg === 'write to socket') {
      if (this.wireRecord.writes.length < MAX_WIRE_WRITES) {
        this.wireRecord.writes.push({ t: now(), data: entry.hidden ? undefined : Buffer.from(entry.data ?? '', 'base64') });
      } else this.wireRecord.complete = false;
      const text = entry.hidden ? '<authentication data withheld>' : Buffer.from(entry.data ?? '', 'base64').toString('utf8');
      for (const line of text.split('\r\n').filter((l) => l.length > 0)) {
        this.record({ t: now(), source: this.spec.label, dir: 'C', text: redact(line, this.spec.secrets) });
      }
    }
  }
}

function quote(s: string): string {
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

function firstWords(command: string): string {
  return command.split(' ').slice(0, 3).join(' ');
}

function classifyConnectError(err: unknown, spec: SessionSpec): SessionError {
  const e = err as { code?: string; message?: string; authenticationFailed?: boolean; responseText?: string };
  const where = `${spec.host}:${spec.port}`;
  if (e.authenticationFailed) {
    return new SessionError('auth', `${spec.label}: authentication as "${spec.login}" failed at ${where}${e.responseText ? `: ${e.responseText}` : ''}`);
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENOTFOUND' || e.code === 'ECONNRESET') {
    return new SessionError('unreachable', `${spec.label}: IMAP server ${where} is unreachable (${e.code})`);
  }
  if (/timed? ?out|did not complete/i.test(e.message ?? '') || e.code === 'ETIMEOUT' || e.code === 'GreetingTimeout') {
    return new SessionError('timeout', `${spec.label}: no usable IMAP greeting/login from ${where} in time (${e.message})`);
  }
  return new SessionError('protocol', `${spec.label}: connecting to ${where} failed: ${e.message ?? String(err)}`);
}
