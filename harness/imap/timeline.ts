// One timeline for everything a case observes: IMAP sessions (client and server lines) and the PUSH enabler.
// Entries carry an absolute time so that transcripts of several sessions merge in the order things happened.
import { performance } from 'node:perf_hooks';

export interface TimelineEntry {
  /** Milliseconds since the Unix epoch, sub-millisecond precision (performance.timeOrigin + now()). */
  t: number;
  /** Who produced the line: a session label such as `alice/dev-A`, or `push`. */
  source: string;
  /** `C` client to server, `S` server to client, `*` a note of the harness. */
  dir: 'C' | 'S' | '*';
  text: string;
}

export const now = (): number => performance.timeOrigin + performance.now();

const SECRET_MASK = '***';

/** Replaces every occurrence of each secret (and its base64 form, as SASL PLAIN carries it) with a mask. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 3) continue; // masking one or two characters would shred the transcript, not protect it
    for (const form of [secret, Buffer.from(secret).toString('base64').replace(/=+$/, '')]) {
      out = out.split(form).join(SECRET_MASK);
    }
  }
  return out;
}

export function mergeTimelines(...lists: readonly (readonly TimelineEntry[])[]): TimelineEntry[] {
  return lists.flat().sort((a, b) => a.t - b.t);
}

/** Renders `+   12.345 ms  alice/dev-A  C: a3 UID STORE 5 +FLAGS (\Seen)`, relative to the first entry or `t0`. */
export function renderTimeline(entries: readonly TimelineEntry[], t0?: number): string {
  const origin = t0 ?? entries[0]?.t ?? 0;
  const width = Math.max(4, ...entries.map((e) => e.source.length));
  return entries
    .map((e) => {
      const rel = (e.t - origin).toFixed(3).padStart(10);
      return `+${rel} ms  ${e.source.padEnd(width)}  ${e.dir}: ${e.text}`;
    })
    .join('\n');
}
