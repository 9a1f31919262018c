// Runs the differential scripts against one server and applies the normalisation and the accepted differences.
import { readFileSync } from 'node:fs';
import { Conn, USERS, type Endpoint } from './oracle.js';
import { normaliseStep } from './normalise.js';
import type { Script, SessionName } from './scripts.js';

export interface StepResult { session: SessionName; command: string; responses: string[] }

export interface AcceptedDifference {
  id: string;
  /** which server's responses the rule rewrites */
  side: 'store' | 'dovecot';
  /** scripts the rule applies to (all when absent) */
  scripts?: string[];
  /** only responses to commands matching this (case-insensitive) */
  command?: string;
  /** regular expression over a normalised response */
  match: string;
  /** replacement (JavaScript `String.replace` syntax); absent: the response is dropped */
  replace?: string;
  /** why the difference is legitimate, and the RFC clause that allows it (or that Dovecot deviates from) */
  reason: string;
  rfc: string;
}

export const ACCEPTED: AcceptedDifference[] = JSON.parse(
  readFileSync(new URL('./accepted-differences.json', import.meta.url), 'utf8'),
) as AcceptedDifference[];

/** Sends every step of `script` (tags `<prefix>.<n>`), one session per name, and returns the raw responses. */
export async function runScript(ep: Endpoint, script: Script, prefix: string): Promise<StepResult[]> {
  const conns = new Map<SessionName, Conn>();
  const out: StepResult[] = [];
  try {
    let n = 0;
    for (const step of script.steps) {
      const session = step.s ?? 'a';
      let conn = conns.get(session);
      if (!conn) {
        conn = (await Conn.open(ep)).conn;
        conns.set(session, conn);
        const u = session === 'bob' ? USERS[1] : USERS[0];
        const tag = `${prefix}.login${session}`;
        const r = await conn.send(tag, `${tag} LOGIN ${u.name} ${u.password}\r\n`);
        if (!r.at(-1)!.startsWith(`${tag} OK`)) throw new Error(`login failed: ${r.join(' | ')}`);
      }
      const tag = `${prefix}.${++n}`;
      let responses: string[];
      try {
        responses = await conn.send(tag, `${tag} ${step.c}\r\n`);
      } catch (err) {
        responses = [`(no tagged response: ${(err as Error).message})`];
      }
      out.push({ session, command: step.c, responses });
    }
  } finally {
    for (const c of conns.values()) c.close();
  }
  return out;
}

/** The transcript compared: `session> command` followed by the normalised responses, accepted differences applied. */
export function transcript(script: string, side: 'store' | 'dovecot', steps: StepResult[], used: Set<string>): string[] {
  const rules = ACCEPTED.filter((r) => r.side === side && (!r.scripts || r.scripts.includes(script)));
  const lines: string[] = [];
  for (const st of steps) {
    lines.push(`${st.session}> ${printable(st.command)}`);
    for (let resp of normaliseStep(st.responses)) {
      let dropped = false;
      for (const r of rules) {
        if (r.command && !new RegExp(r.command, 'i').test(st.command)) continue;
        const re = new RegExp(r.match);
        if (!re.test(resp)) continue;
        used.add(r.id);
        if (r.replace === undefined) { dropped = true; break; }
        resp = resp.replace(new RegExp(r.match, 'g'), r.replace);
      }
      if (!dropped) lines.push(`   ${printable(resp)}`);
    }
  }
  return lines;
}

const printable = (s: string): string => JSON.stringify(s.length > 400 ? `${s.slice(0, 400)}…` : s).slice(1, -1);
