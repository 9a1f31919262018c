// The two servers a differential script runs against: the reference store and a stock Dovecot 2.3.19 started by
// the Dovecot target (harness/targets/dovecot.ts), with the same accounts. A raw IMAP connection sends one
// command at a time and returns every response line up to the tagged completion, literals included.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { validateProfile, type Profile } from '../../../harness/profile/index.js';
import { findDovecotBinary, startDovecotTarget, type DovecotRunningTarget } from '../../../harness/targets/dovecot.js';
import { startReferenceStore, type ReferenceStore } from '../../../reference-store/index.js';

export const USERS = [
  { name: 'alice', password: 'alice-pw', device: 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6' },
  { name: 'bob', password: 'bob-pw', device: 'urn:gsma:imei:35000000-000002-0' },
] as const;

export interface Endpoint { host: string; port: number }

export interface Oracle {
  name: 'store' | 'dovecot';
  endpoint: Endpoint;
  stop(): Promise<void>;
}

export const dovecotInstalled = (): boolean => findDovecotBinary() !== undefined;

function differentialProfile(): Profile {
  return validateProfile(
    {
      name: 'differential',
      target: { kind: 'dovecot' },
      accounts: {
        users: USERS.map((u) => ({ name: u.name, devices: [{ id: u.device, credentials: { password: u.password }, announce: 'login' }] })),
        pf: { login: 'pf', credentials: { password: 'pf-pw' }, authzidFor: 'login-star' },
      },
      features: {
        notify: true, push: true, voicemail: true, identityBinding: 'none', pfPath: 'keyword',
        objectKinds: ['standalone', 'voicemail'], folders: { root: 'RCSMessageStore', voicemail: '{root}/Voicemail' },
      },
    },
    'differential',
  );
}

/** A PUSH Enabler stand-in that accepts and drops every notification (Dovecot's push.lua needs a peer). */
async function sink(): Promise<{ url: string; close(): Promise<void> }> {
  const srv: Server = createServer((req, res) => { req.resume(); req.on('end', () => { res.statusCode = 204; res.end(); }); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/push`, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

export async function startDovecotOracle(): Promise<Oracle> {
  const push = await sink();
  let target: DovecotRunningTarget;
  try {
    target = await startDovecotTarget({ profile: differentialProfile(), pushUrl: push.url });
  } catch (err) {
    await push.close();
    throw err;
  }
  return {
    name: 'dovecot',
    endpoint: { host: target.imap.host, port: target.imap.port },
    stop: async () => { await target.stop(); await push.close(); },
  };
}

export async function startStoreOracle(): Promise<Oracle> {
  const store: ReferenceStore = await startReferenceStore({
    port: 0,
    users: USERS.map((u) => ({ name: u.name, password: u.password, devices: [{ id: u.device }] })),
    identityBinding: 'none',
  });
  return { name: 'store', endpoint: { host: store.host, port: store.port }, stop: () => store.stop() };
}

/** One IMAP connection that reads whole responses (a line plus the literals it announces). */
export class Conn {
  private buf = Buffer.alloc(0);
  private readonly responses: string[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.parse(); this.wake(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => { this.closed = true; this.wake(); });
  }

  static async open(ep: Endpoint): Promise<{ conn: Conn; greeting: string }> {
    const socket = connect(ep.port, ep.host);
    await new Promise<void>((res, rej) => { socket.once('connect', () => res()); socket.once('error', rej); });
    const conn = new Conn(socket);
    const greeting = await conn.next(5000);
    return { conn, greeting };
  }

  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }

  /** Splits complete responses off the buffer: a line ending in `{n}` continues after n literal bytes. */
  private parse(): void {
    for (;;) {
      let pos = 0;
      let complete = -1;
      for (;;) {
        const lf = this.buf.indexOf('\r\n', pos);
        if (lf < 0) break;
        const m = /\{(\d+)\}$/.exec(this.buf.subarray(Math.max(pos, lf - 24), lf).toString('latin1'));
        if (!m) { complete = lf + 2; break; }
        const after = lf + 2 + Number(m[1]);
        if (this.buf.length < after) break;
        pos = after;
      }
      if (complete < 0) return;
      this.responses.push(this.buf.subarray(0, complete - 2).toString('latin1'));
      this.buf = this.buf.subarray(complete);
    }
  }

  /** The next response, waiting up to `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.responses.length) {
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a response');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
    return this.responses.shift()!;
  }

  write(data: string | Buffer): void { this.socket.write(data); }

  /**
   * Sends `data` (a complete command incl. CRLF; literals as LITERAL+ `{n+}`) and collects responses up to the
   * line starting with `tag ` (or a continuation request when `untilContinuation`).
   */
  async send(tag: string, data: string | Buffer, timeoutMs = 5000): Promise<string[]> {
    this.write(data);
    const out: string[] = [];
    for (;;) {
      const r = await this.next(timeoutMs);
      out.push(r);
      if (r.startsWith(`${tag} `)) return out;
    }
  }

  /** Responses that arrived without being asked for (e.g. during IDLE), waiting until `pred` holds. */
  async collectUntil(pred: (r: string) => boolean, timeoutMs = 5000): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const r = await this.next(timeoutMs);
      out.push(r);
      if (pred(r)) return out;
    }
  }

  close(): void { this.socket.destroy(); }
}
