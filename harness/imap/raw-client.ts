// A bare IMAP client on a socket, for checks at byte level that a full client library would normalise away
// (exact response codes, malformed input, literals). Every read has a deadline.
import { connect, type Socket } from 'node:net';
import { EventLog, withTimeout } from '../wait.js';
import { ResponseReader, type ServerResponse } from './response-reader.js';
import { sessionLimits } from './session.js';
import { now, redact, type TimelineEntry } from './timeline.js';

export interface RawResponse extends ServerResponse {
  at: number;
}

export class RawImapClient {
  readonly responses = new EventLog<RawResponse>((r) => r.text);
  private readonly lines: TimelineEntry[] = [];
  // The profile's line and literal limits (configureSessionLimits); no validation: a raw client reads anything.
  private readonly reader = (() => {
    const l = sessionLimits();
    return new ResponseReader({ ...l, maxResponseBytes: 2 * l.maxLiteralBytes + l.maxLineBytes });
  })();
  private tagCounter = 0;
  private ended = false;

  private constructor(
    private readonly socket: Socket,
    readonly label: string,
    private readonly secrets: readonly string[],
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      const at = now();
      let parsed: ServerResponse[];
      try {
        parsed = this.reader.feed(chunk);
      } catch (err) {
        this.note(`unreadable server data: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const r of parsed) {
        this.lines.push({ t: at, source: label, dir: 'S', text: redact(r.text, secrets) });
        this.responses.push({ ...r, at });
      }
    });
    socket.on('close', () => {
      this.ended = true;
      this.note('connection closed');
    });
    socket.on('error', (err) => this.note(`socket error: ${err.message}`));
  }

  static async connect(opts: { host: string; port: number; label?: string; secrets?: readonly string[]; timeoutMs?: number }): Promise<RawImapClient> {
    const timeoutMs = opts.timeoutMs ?? 5_000;
    const socket = connect({ host: opts.host, port: opts.port });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      timeoutMs,
      `TCP connect to ${opts.host}:${opts.port}`,
      () => socket.destroy(),
    );
    const client = new RawImapClient(socket, opts.label ?? 'raw', opts.secrets ?? [], timeoutMs);
    client.note(`connected to ${opts.host}:${opts.port}`);
    return client;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Waits for the server greeting (`* OK`, `* PREAUTH` or `* BYE`). */
  greeting(): Promise<RawResponse> {
    return this.responses.waitFor((r) => /^\* (OK|PREAUTH|BYE)\b/i.test(r.text), {
      timeoutMs: this.timeoutMs,
      description: 'the server greeting',
    });
  }

  nextTag(): string {
    this.tagCounter += 1;
    return `r${this.tagCounter}`;
  }

  /** Writes bytes as they are (a line must bring its own CRLF). */
  write(data: string | Buffer): void {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    for (const line of text.split('\r\n').filter((l) => l.length > 0)) {
      this.lines.push({ t: now(), source: this.label, dir: 'C', text: redact(line, this.secrets) });
    }
    this.socket.write(data);
  }

  /** Sends `<tag> <command>` and resolves with the tagged completion and the responses before it. */
  async command(command: string): Promise<{ tagged: RawResponse; untagged: RawResponse[] }> {
    const tag = this.nextTag();
    const since = this.responses.mark();
    this.write(`${tag} ${command}\r\n`);
    const tagged = await this.waitTagged(tag, since, command);
    const untagged = this.responses.all().slice(since).filter((r) => r.text.startsWith('* '));
    return { tagged, untagged };
  }

  waitTagged(tag: string, since: number, what: string): Promise<RawResponse> {
    return this.responses.waitFor((r) => r.text.startsWith(`${tag} `), {
      timeoutMs: this.timeoutMs,
      description: `the tagged response to "${what.split(' ').slice(0, 3).join(' ')}"`,
      since,
    });
  }

  /** Resolves once the server has closed the connection, or rejects after the deadline. */
  waitClosed(timeoutMs = this.timeoutMs): Promise<void> {
    if (this.ended) return Promise.resolve();
    return withTimeout(
      new Promise<void>((resolve) => this.socket.once('close', () => resolve())),
      timeoutMs,
      `${this.label}: waiting for the server to close the connection`,
    );
  }

  transcript(): readonly TimelineEntry[] {
    return this.lines;
  }

  note(text: string): void {
    this.lines.push({ t: now(), source: this.label, dir: '*', text });
  }

  close(): void {
    this.socket.destroy();
  }
}
