// The floor: the suite's own IMAP traffic replayed by a bare socket client, no test framework, no client library.
// The suite runs once in process against a fresh reference store, recording every session's client bytes and the
// arrival of every server response and PUSH notification. The replay then sends the same bytes to another fresh
// store in the same order, and before each write waits for what the suite had waited for: the responses that
// session had received, and the notifications the enabler had received, by then. Authentication frames, which
// the client library withholds from its log, are rebuilt from the profile's credentials. The replay does not
// reproduce the suite's quiet windows (fixed-length negative checks): those are pure time and reported apart.
import { createServer, type Server } from 'node:http';
import { Run } from '../../harness/conformance/context.js';
import { executeCase } from '../../harness/conformance/execute.js';
import { RawImapClient } from '../../harness/imap/raw-client.js';
import type { WireRecord } from '../../harness/imap/session.js';
import { loadProfile, type Profile } from '../../harness/profile/index.js';
import { referenceStoreOptions } from '../../harness/targets/reference.js';
import { startReferenceStore } from '../../reference-store/index.js';
import { quietTime } from '../../harness/wait.js';
import { ALL_CASES } from '../../suites/index.js';

const WAIT_MS = 5000;

interface Recording {
  wires: WireRecord[];
  pushTimes: number[];
  suiteMs: number;
  quietMs: number;
}

async function record(profile: Profile): Promise<Recording> {
  const run = await Run.start({ profile, strict: false, faults: [] });
  const wires: WireRecord[] = [];
  const t0 = performance.now();
  const quiet0 = quietTime.ms;
  try {
    for (const def of ALL_CASES) await executeCase(run, def, { onWire: (w) => wires.push(...w) });
    return { wires, pushTimes: run.push.notifications().map((n) => n.t), suiteMs: performance.now() - t0, quietMs: quietTime.ms - quiet0 };
  } finally {
    await run.stop();
  }
}

function passwords(profile: Profile): Map<string, string> {
  const out = new Map<string, string>();
  for (const u of profile.accounts.users) {
    for (const d of u.devices) if ('password' in d.credentials) out.set(d.login, d.credentials.password);
  }
  const pf = profile.accounts.pf;
  if (pf && 'password' in pf.credentials) {
    out.set(pf.login, pf.credentials.password);
    for (const u of profile.accounts.users) out.set(`${u.name}*${pf.login}`, pf.credentials.password);
  }
  return out;
}

function countBefore(times: readonly number[], t: number): number {
  let n = 0;
  for (const x of times) if (x < t) n++;
  return n;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setImmediate(r));
  }
  return true;
}

export interface FloorFigures {
  suiteMs: number;
  /** Quiet windows (fixed-length negative checks) inside suiteMs; the replay has none. */
  quietMs: number;
  /** Tagged responses whose status (OK / NO / BAD) differed between the suite and the replay. */
  statusMismatches: number;
  replayMs: number;
  sessions: number;
  writes: number;
  divergences: number;
}

export async function benchFloor(): Promise<FloorFigures> {
  const profile = loadProfile(undefined);
  const rec = await record(profile);
  const secrets = passwords(profile);

  let pushes = 0;
  const sink: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      pushes++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const pushUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}/push`;
  const store = await startReferenceStore(referenceStoreOptions(profile, pushUrl, []));

  const writes = rec.wires
    .flatMap((w, session) => w.writes.map((x, i) => ({ ...x, session, index: i })))
    .sort((a, b) => a.t - b.t);
  const clients = new Map<number, RawImapClient>();
  let divergences = 0;
  let statusMismatches = 0;
  const t0 = performance.now();
  try {
    for (const w of writes) {
      const wire = rec.wires[w.session]!;
      let c = clients.get(w.session);
      if (!c) {
        c = await RawImapClient.connect({ host: store.host, port: store.port, timeoutMs: WAIT_MS });
        clients.set(w.session, c);
      }
      const client = c;
      const wantResponses = countBefore(wire.responses, w.t);
      const wantPushes = countBefore(rec.pushTimes, w.t);
      if (!(await until(() => client.responses.all().length >= wantResponses && pushes >= wantPushes, WAIT_MS))) divergences++;
      if (w.data) {
        client.write(w.data);
        continue;
      }
      // A withheld authentication frame: AUTHENTICATE PLAIN, in one frame (SASL-IR) or two (command, response).
      const hidden = wire.writes.filter((x) => x.data === undefined);
      const tag = (wire.tagged.find((x) => x.t > w.t)?.text ?? 'a0 ').split(' ')[0]!;
      const ir = Buffer.from(`${wire.authzid ?? ''}\0${wire.login}\0${secrets.get(wire.login) ?? ''}`).toString('base64');
      if (hidden.length === 1) client.write(`${tag} AUTHENTICATE PLAIN ${ir}\r\n`);
      else client.write(hidden.indexOf(wire.writes[w.index]!) === 0 ? `${tag} AUTHENTICATE PLAIN\r\n` : `${ir}\r\n`);
    }
    for (const [session, c] of clients) {
      if (!(await until(() => c.responses.all().length >= rec.wires[session]!.responses.length, WAIT_MS))) divergences++;
    }
    // The replay must have been answered like the suite: same tagged statuses, session by session.
    const status = (text: string): string => text.split(' ')[1] ?? '';
    for (const [session, c] of clients) {
      const replayed = c.responses.all().filter((r) => !r.text.startsWith('*') && !r.text.startsWith('+')).map((r) => status(r.text));
      const original = rec.wires[session]!.tagged.map((r) => status(r.text));
      statusMismatches += original.filter((s, i) => replayed[i] !== s).length;
    }
  } finally {
    for (const c of clients.values()) c.close();
    await store.stop();
    await new Promise<void>((r) => sink.close(() => r()));
  }
  return { suiteMs: rec.suiteMs, quietMs: rec.quietMs, statusMismatches, replayMs: performance.now() - t0, sessions: rec.wires.length, writes: writes.length, divergences };
}
