// A server already running somewhere (loopback unless the profile explicitly allows otherwise): nothing to
// start or stop. Reachability is checked here with a bounded TCP connect and greeting read, so an unreachable host
// or a server that never greets is a setup error (exit 2) and not two hundred failed cases; logins of every
// device are checked by the CLI's preflight.
import { readFileSync } from 'node:fs';
import { readGreeting as probeGreeting } from '../imap/greeting.js';
import type { ExternalTarget } from '../profile/types.js';
import { TargetSetupError, type RunningTarget, type TargetStartOptions } from './types.js';

/**
 * Connects and reads the first line the server sends; rejects (a GreetingFailure) on refusal, a server that never
 * greets or drips its greeting, a non-IMAP or BYE greeting.
 */
export function readGreeting(t: ExternalTarget, timeoutMs: number, ca?: Buffer): Promise<string> {
  return probeGreeting({ host: t.host, port: t.port, tls: t.tls, ...(ca ? { ca } : {}), ...(t.ca?.insecureSkipVerify ? { insecureSkipVerify: true } : {}) }, timeoutMs);
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
    throw new TargetSetupError(`IMAP server ${t.host}:${t.port} (tls ${t.tls}) is not usable: ${(err as Error).message}`, { cause: err });
  }
  return {
    imap: { host: t.host, port: t.port, tls: t.tls, ...(ca ? { ca } : {}), ...(t.ca?.insecureSkipVerify ? { insecureSkipVerify: true } : {}) },
    info: () => ({ kind: 'external', description: `external IMAP server ${t.host}:${t.port} (tls ${t.tls}): ${greeting.slice(0, 100)}` }),
    logs: () => [],
    stop: async () => {},
  };
}
