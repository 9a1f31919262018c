// A server already running somewhere (loopback unless the profile explicitly allows otherwise): nothing to
// start or stop. Reachability is checked here with a bounded TCP connect and greeting read, so an unreachable host
// or a server that never greets is a setup error (exit 2) and not two hundred failed cases; logins of every
// device are checked by the CLI's preflight.
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ExternalTarget } from '../profile/types.js';
import { TargetSetupError, type RunningTarget, type TargetStartOptions } from './types.js';

/** Connects and reads the first line the server sends; rejects on refusal, timeout or a non-IMAP greeting. */
export function readGreeting(t: ExternalTarget, timeoutMs: number, ca?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket =
      t.tls === 'implicit'
        ? tlsConnect({ host: t.host, port: t.port, servername: t.host, rejectUnauthorized: !t.ca?.insecureSkipVerify, ...(ca ? { ca } : {}) })
        : tcpConnect({ host: t.host, port: t.port });
    let buf = '';
    const done = (err: Error | undefined, line?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(line!);
    };
    const timer = setTimeout(() => done(new Error(`no IMAP greeting within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => done(new Error(err.code ? `${err.code}: ${err.message}` : err.message)));
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      if (buf.length > 8192 && !buf.includes('\r\n')) return done(new Error('the server sent 8 KiB without a line end instead of a greeting'));
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      const line = buf.slice(0, eol);
      if (!/^\* (OK|PREAUTH)\b/i.test(line)) return done(new Error(`not an IMAP greeting: ${JSON.stringify(line.slice(0, 120))}`));
      done(undefined, line);
    });
    socket.on('end', () => done(new Error('the server closed the connection before greeting')));
  });
}

export async function startExternalTarget(opts: TargetStartOptions): Promise<RunningTarget> {
  const t = opts.profile.target;
  if (t.kind !== 'external') throw new TargetSetupError('startExternalTarget needs an external target');
  let ca: Buffer | undefined;
  if (t.ca?.file) {
    try {
      ca = readFileSync(t.ca.file);
    } catch (err) {
      throw new TargetSetupError(`cannot read the CA file ${t.ca.file}: ${(err as Error).message}`);
    }
  }
  let greeting: string;
  try {
    greeting = await readGreeting(t, opts.profile.timeouts.connectMs, ca);
  } catch (err) {
    throw new TargetSetupError(`IMAP server ${t.host}:${t.port} (tls ${t.tls}) is not usable: ${(err as Error).message}`);
  }
  return {
    imap: { host: t.host, port: t.port, tls: t.tls, ...(ca ? { ca } : {}), ...(t.ca?.insecureSkipVerify ? { insecureSkipVerify: true } : {}) },
    info: () => ({ kind: 'external', description: `external IMAP server ${t.host}:${t.port} (tls ${t.tls}): ${greeting.slice(0, 100)}` }),
    logs: () => [],
    stop: async () => {},
  };
}
