// The first contact with an IMAP server, at byte level: connect, read the greeting line, hang up. Every way this
// goes wrong has a name of its own, because a reader of the failure needs to tell a server that never speaks from
// one that speaks too slowly (a drip), one that speaks something else, and one that refuses the session.
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface GreetingEndpoint {
  host: string;
  port: number;
  tls: 'none' | 'starttls' | 'implicit';
  ca?: Buffer | string;
  insecureSkipVerify?: boolean;
}

export type GreetingFailureKind =
  /** The TCP (or TLS) connection could not be made: refused, unreachable, reset, handshake failed. */
  | 'unreachable'
  /** Connected, and nothing at all arrived before the deadline. */
  | 'none'
  /** Some bytes arrived, but no complete line before the deadline (a server dripping its greeting). */
  | 'incomplete'
  /** A complete line arrived that is not an IMAP greeting. */
  | 'not-imap'
  /** The server greeted with BYE: it refuses the session. */
  | 'bye'
  /** The server closed the connection before a complete greeting. */
  | 'closed';

export class GreetingFailure extends Error {
  override name = 'GreetingFailure';
  constructor(
    readonly kind: GreetingFailureKind,
    message: string,
    /** The socket error code (ECONNREFUSED, …) of an unreachable server. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Longest greeting line read before the server is said to send something else. */
export const MAX_GREETING_BYTES = 8192;
const PREVIEW_BYTES = 60;

/** `1 s`, `0.3 s`, `2.5 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** The first bytes of what arrived, as a JSON string literal (control bytes escaped), cut with an ellipsis. */
export function preview(bytes: Buffer | string, max = PREVIEW_BYTES): string {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  return `${JSON.stringify(text.slice(0, max))}${text.length > max ? '…' : ''}`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The words of a greeting that did not come in time. */
export function greetingTimeoutText(afterMs: number, received: Buffer): string {
  return received.length === 0
    ? `no greeting after ${seconds(afterMs)}, 0 bytes received`
    : `greeting incomplete after ${seconds(afterMs)} (${plural(received.length, 'byte')} received: ${preview(received)})`;
}

/** Whether a greeting line is one a client can go on with (`* OK`, `* PREAUTH`); a failure for anything else. */
export function judgeGreeting(line: string): GreetingFailure | undefined {
  if (/^\* (OK|PREAUTH)\b/i.test(line)) return undefined;
  if (/^\* BYE\b/i.test(line)) return new GreetingFailure('bye', `the server refused the session with a BYE greeting: ${preview(line, 120)}`);
  return new GreetingFailure('not-imap', `not an IMAP greeting: ${preview(line, 120)}`);
}

/**
 * Connects, reads the greeting line and closes. Resolves with the line; rejects with a GreetingFailure naming what
 * happened (and, for a timeout, how many bytes did arrive), always within `timeoutMs` of the connect.
 */
export function readGreeting(t: GreetingEndpoint, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket =
      t.tls === 'implicit'
        ? tlsConnect({ host: t.host, port: t.port, servername: t.host, rejectUnauthorized: !t.insecureSkipVerify, ...(t.ca ? { ca: t.ca } : {}) })
        : tcpConnect({ host: t.host, port: t.port });
    let buf = Buffer.alloc(0);
    let settled = false;
    const done = (err: GreetingFailure | undefined, line?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(line!);
    };
    const timer = setTimeout(() => done(new GreetingFailure(buf.length === 0 ? 'none' : 'incomplete', greetingTimeoutText(timeoutMs, buf))), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done(new GreetingFailure('unreachable', err.code ? `${err.code}: ${err.message}` : err.message, err.code)),
    );
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const eol = buf.indexOf('\r\n');
      if (eol < 0) {
        if (buf.length > MAX_GREETING_BYTES) {
          done(new GreetingFailure('not-imap', `the server sent ${MAX_GREETING_BYTES / 1024} KiB without a line end instead of a greeting: ${preview(buf)}`));
        }
        return;
      }
      const line = buf.subarray(0, eol).toString('latin1');
      const failure = judgeGreeting(line);
      if (failure) done(failure);
      else done(undefined, line);
    });
    socket.on('end', () =>
      done(
        new GreetingFailure(
          'closed',
          `the server closed the connection before greeting${buf.length > 0 ? ` (${plural(buf.length, 'byte')} received: ${preview(buf)})` : ', 0 bytes received'}`,
        ),
      ),
    );
    socket.on('close', () => done(new GreetingFailure('closed', 'the connection closed before the greeting')));
  });
}
