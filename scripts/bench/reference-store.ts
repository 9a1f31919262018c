// Reference store figures: start-up, IMAP throughput of a FETCH/STORE mix from 20 concurrent sessions, and the
// latency from sending a STORE to the PUSH notification arriving at the enabler mock (the push may arrive before
// the client has read the tagged OK, so the clock starts when the command is written).
import { RawImapClient } from '../../harness/imap/raw-client.js';
import { now } from '../../harness/imap/timeline.js';
import { startPushEnabler } from '../../harness/push/index.js';
import { startReferenceStore } from '../../reference-store/index.js';
import { percentile } from './stats.js';

const SAMPLE = [
  'From: tel:+33600000001', 'To: tel:+33600000002', 'Date: Mon, 23 Nov 2026 09:15:00 +0100',
  'Conversation-ID: bench-conv', 'Contribution-ID: bench-contrib', 'IMDN-Message-ID: bench-IMDN',
  'Content-Type: Message/CPIM', '', 'From: <tel:+33600000001>', 'To: <tel:+33600000002>',
  'DateTime: 2026-11-23T08:15:00Z', '', 'Content-Type: text/plain', '', 'hello', '',
].join('\r\n');

async function login(port: number, user: string, pass: string): Promise<RawImapClient> {
  const c = await RawImapClient.connect({ host: '127.0.0.1', port, timeoutMs: 10_000 });
  await c.greeting();
  const r = await c.command(`LOGIN ${user} ${pass}`);
  if (!r.tagged.text.includes(' OK')) throw new Error(`login failed: ${r.tagged.text}`);
  return c;
}

async function append(c: RawImapClient, folder: string, id: string): Promise<void> {
  const body = SAMPLE.replace('bench-IMDN', id);
  const r = await c.command(`APPEND ${folder} {${Buffer.byteLength(body)}+}\r\n${body}`);
  if (!r.tagged.text.includes(' OK')) throw new Error(`APPEND failed: ${r.tagged.text}`);
}

export interface ReferenceFigures {
  startMs: number;
  sessions: number;
  commands: number;
  commandsPerSecond: number;
  pushSamples: number;
  pushP50Ms: number;
  pushP99Ms: number;
}

export async function benchReferenceStore(opts: { sessions?: number; opsPerSession?: number; pushSamples?: number } = {}): Promise<ReferenceFigures> {
  const sessions = opts.sessions ?? 20;
  const ops = opts.opsPerSession ?? 200;
  const push = await startPushEnabler({ timeoutMs: 5000 });
  const t0 = performance.now();
  const store = await startReferenceStore({
    users: [{ name: 'alice', password: 'pw', devices: [{ id: 'urn:uuid:00000000-0000-4000-8000-000000000001', password: 'pw' }] }],
    push: { url: push.url },
  });
  const startMs = performance.now() - t0;
  try {
    const setup = await login(store.port, 'alice', 'pw');
    await setup.command('CREATE bench');
    for (let i = 0; i < 50; i++) await append(setup, 'bench', `bench-${i}`);
    setup.close();

    // Throughput: each session alternates UID FETCH of a header and UID STORE of a keyword.
    const clients = await Promise.all(Array.from({ length: sessions }, () => login(store.port, 'alice', 'pw')));
    await Promise.all(clients.map((c) => c.command('SELECT bench')));
    const t1 = performance.now();
    await Promise.all(
      clients.map(async (c, k) => {
        for (let i = 0; i < ops; i++) {
          const uid = ((i + k) % 50) + 1;
          await c.command(i % 2 ? `UID FETCH ${uid} (FLAGS BODY.PEEK[HEADER.FIELDS (IMDN-Message-ID)])` : `UID STORE ${uid} ${i % 4 ? '-' : '+'}FLAGS.SILENT ($Bench)`);
        }
      }),
    );
    const seconds = (performance.now() - t1) / 1000;
    for (const c of clients) c.close();

    // STORE-to-push latency: `+FLAGS (\Seen)` written to the notification's arrival.
    const dev = await login(store.port, 'alice#urn:uuid:00000000-0000-4000-8000-000000000001', 'pw');
    await dev.command('SELECT bench');
    const n = opts.pushSamples ?? 100;
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const uid = (i % 50) + 1;
      const from = push.mark();
      const sent = now();
      await dev.command(`UID STORE ${uid} +FLAGS.SILENT (\\Seen)`);
      const [note] = await push.waitForEvents((x) => x.event.kinds.includes('seen') && x.event.refs.uid === uid, { from, timeoutMs: 5000 });
      latencies.push(note!.notification.t - sent);
      await dev.command(`UID STORE ${uid} -FLAGS.SILENT (\\Seen)`);
    }
    dev.close();
    latencies.sort((a, b) => a - b);
    return {
      startMs,
      sessions,
      commands: sessions * ops,
      commandsPerSecond: (sessions * ops) / seconds,
      pushSamples: n,
      pushP50Ms: percentile(latencies, 50),
      pushP99Ms: percentile(latencies, 99),
    };
  } finally {
    await store.stop();
    await push.close();
  }
}
