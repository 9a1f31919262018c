// First contact after the container reports ready. A readiness log line can be printed before the listener is
// bound, so the first connect is retried until the deadline: refused → try again; a greeting → done.
import { GreetingFailure, readGreeting as probeGreeting } from '../../imap/greeting.js';
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

/** One attempt: resolves with the greeting line, rejects with the failure, a GreetingError when it is final. */
async function readGreeting(t: GreetingTarget, timeoutMs: number): Promise<string> {
  try {
    return await probeGreeting(t, timeoutMs);
  } catch (err) {
    // A non-IMAP or BYE greeting will not change on the next attempt; a refusal or a slow start may.
    if (err instanceof GreetingFailure && (err.kind === 'not-imap' || err.kind === 'bye')) throw new GreetingError(`unexpected IMAP greeting: ${err.message}`);
    throw err;
  }
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
