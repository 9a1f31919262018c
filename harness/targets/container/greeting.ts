// First contact after the container reports ready. A readiness log line can be printed before the listener is
// bound, so the first connect is retried until the deadline: refused → try again; a greeting → done.
import { createConnection } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TlsMode } from '../../profile/types.js';

export interface GreetingTarget {
  host: string;
  port: number;
  tls: TlsMode;
  ca?: Buffer;
  insecureSkipVerify?: boolean;
}

/** The server answered, but not with an IMAP greeting we can use: retrying will not help. */
export class GreetingError extends Error {
  override name = 'GreetingError';
}

const RETRY_INTERVAL_MS = 50;

/** One attempt: resolves with the greeting line, rejects with the socket error or a GreetingError. */
function readGreeting(t: GreetingTarget, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock =
      t.tls === 'implicit'
        ? tlsConnect({ host: t.host, port: t.port, servername: t.host, rejectUnauthorized: !t.insecureSkipVerify, ...(t.ca ? { ca: t.ca } : {}) })
        : createConnection({ host: t.host, port: t.port });
    let buf = '';
    const timer = setTimeout(() => done(new Error(`no greeting within ${timeoutMs} ms`)), timeoutMs);
    function done(err: Error | null, line?: string): void {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(line!);
    }
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      buf += d;
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      const line = buf.slice(0, eol);
      if (/^\* (OK|PREAUTH)\b/i.test(line)) done(null, line);
      else done(new GreetingError(`unexpected IMAP greeting: ${line}`));
    });
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new Error('connection closed before the greeting')));
  });
}

/** Retries the first connection until a greeting arrives or the deadline (a performance.now() value) passes. */
export async function waitForGreeting(t: GreetingTarget, deadline: number): Promise<string> {
  let last: Error = new Error('no attempt made');
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`no IMAP greeting from ${t.host}:${t.port} before the deadline (last: ${last.message})`);
    try {
      return await readGreeting(t, left);
    } catch (err) {
      if (err instanceof GreetingError) throw err;
      last = err as Error;
    }
    // Nothing to wait on between attempts but time: the listener gives no signal before it is bound.
    await new Promise((r) => setTimeout(r, Math.min(RETRY_INTERVAL_MS, Math.max(0, deadline - performance.now()))));
  }
}
