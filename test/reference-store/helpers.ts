// Test helpers: start the reference store on a free loopback port, a raw line client for protocol
// tests, and imapflow clients for the devices of the demo-like account set.
import { connect, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import { startReferenceStore, type ReferenceStore, type ReferenceStoreOptions } from '../../reference-store/index.js';

export const ALICE_PHONE = 'urn:gsma:imei:35000000-000001-0';
export const ALICE_TABLET = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
export const ALICE_WEB = 'urn:uuid:0b4f7a2e-5c1d-4e8f-9a3b-2d6c8e1f4a70';
export const BOB_PHONE = 'urn:gsma:imei:35000000-000002-0';

export function baseOptions(extra: Partial<ReferenceStoreOptions> = {}): ReferenceStoreOptions {
  return {
    port: 0,
    users: [
      { name: 'alice', password: 'alice-pw', devices: [{ id: ALICE_PHONE, password: 'phone-pw' }, { id: ALICE_TABLET, password: 'tablet-pw' }, { id: ALICE_WEB }] },
      { name: 'bob', password: 'bob-pw', devices: [{ id: BOB_PHONE, password: 'bob-phone-pw' }] },
    ],
    pf: { name: 'pf', password: 'pf-pw' },
    ...extra,
  };
}

export async function startStore(extra: Partial<ReferenceStoreOptions> = {}): Promise<ReferenceStore> {
  return startReferenceStore(baseOptions(extra));
}

/** Waits until `pred` holds, polling on a short timer; rejects after `timeoutMs`. */
export async function until<T>(pred: () => T | undefined | null | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw IMAP client: writes lines, records every received line, waits for tagged completions. */
export class RawClient {
  readonly lines: string[] = [];
  private buf = '';
  private tagNo = 0;
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buf.slice(0, i));
        this.buf = this.buf.slice(i + 2);
      }
    });
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => { this.closed = true; });
  }

  static async open(store: { host: string; port: number }): Promise<RawClient> {
    const socket = connect(store.port, store.host);
    await new Promise<void>((res, rej) => { socket.once('connect', () => res()); socket.once('error', rej); });
    const c = new RawClient(socket);
    await c.waitLine(/^\* OK/);
    return c;
  }

  write(data: string | Buffer): void { this.socket.write(data); }

  /** Index of the first line at or after `from` matching `re`. */
  async waitLine(re: RegExp, from = 0, timeoutMs = 3000): Promise<string> {
    const idx = await until(() => { const i = this.lines.findIndex((l, k) => k >= from && re.test(l)); return i >= 0 ? i + 1 : 0; }, timeoutMs, `line ${re}`);
    return this.lines[idx - 1]!;
  }

  /** Sends `tag command` and resolves with all lines up to and including the tagged response. */
  async cmd(command: string, timeoutMs = 3000): Promise<{ lines: string[]; status: string; text: string }> {
    const tag = `t${++this.tagNo}`;
    const from = this.lines.length;
    this.write(`${tag} ${command}\r\n`);
    const done = await this.waitLine(new RegExp(`^${tag} (OK|NO|BAD)`), from, timeoutMs);
    const end = this.lines.indexOf(done, from);
    const m = /^\S+ (OK|NO|BAD) ?(.*)$/.exec(done)!;
    return { lines: this.lines.slice(from, end + 1), status: m[1]!, text: m[2]! };
  }

  async login(user: string, pass: string): Promise<void> {
    const r = await this.cmd(`LOGIN "${user}" "${pass}"`);
    if (r.status !== 'OK') throw new Error(`login failed: ${r.text}`);
  }

  async append(mailbox: string, msg: string, flags = ''): Promise<number> {
    const data = Buffer.from(msg);
    const r = await this.cmd(`APPEND "${mailbox}" ${flags ? `(${flags}) ` : ''}{${data.length}+}\r\n${msg}`);
    const m = /APPENDUID \d+ (\d+)/.exec(r.text);
    if (r.status !== 'OK' || !m) throw new Error(`append failed: ${r.text}`);
    return Number(m[1]);
  }

  close(): void { this.socket.destroy(); }
}

export function imapflowClient(store: { host: string; port: number }, user: string, pass: string): ImapFlow {
  return new ImapFlow({ host: store.host, port: store.port, secure: false, auth: { user, pass }, logger: false, disableAutoIdle: true, verifyOnly: false });
}

export function chatMessage(opts: { imdn: string; conv?: string; body?: string; context?: string; from?: string }): string {
  return [
    `From: ${opts.from ?? '<tel:+15551230001>'}`,
    'To: <tel:+15551230002>',
    'Date: Tue, 24 Nov 2026 10:00:00 +0000',
    `Conversation-ID: ${opts.conv ?? 'Conv-7Fd3'}`,
    'Contribution-ID: Contrib-9aB1',
    `IMDN-Message-ID: ${opts.imdn}`,
    ...(opts.context ? [`Message-Context: ${opts.context}`] : []),
    'Content-Type: Message/CPIM',
    '',
    'From: <tel:+15551230001>',
    'To: <tel:+15551230002>',
    'NS: imdn <urn:ietf:params:imdn>',
    `imdn.Message-ID: ${opts.imdn}`,
    '',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Hello Alice',
    '',
  ].join('\r\n');
}

export function voicemail(imdn: string): string {
  return chatMessage({ imdn, context: 'voice-message', conv: '+15551230001', body: 'voicemail audio placeholder' });
}
