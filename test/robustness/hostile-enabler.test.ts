// The PUSH side under hostile peers.
// 1. The reference store's notifier against an "enabler" that answers garbage, resets the connection, never
//    answers, cuts its answer short or answers without end: IMAP keeps answering at once (delivery is
//    asynchronous), every notification is given up within the retry policy's bound and logged with the reason,
//    and the store stops promptly.
// 2. The PUSH Enabler mock flooded with junk requests: it records them and still sees a real notification.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawImapClient } from '../../harness/imap/raw-client.js';
import { uniqueSample } from '../../harness/objects/samples.js';
import { startPushEnabler } from '../../harness/push/index.js';
import { withTimeout } from '../../harness/wait.js';
import { startReferenceStore, type ReferenceStore } from '../../reference-store/index.js';

type Peer = 'garbage' | 'reset' | 'silent' | 'truncated' | 'endless';

const DEVICE = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';

interface HostilePeer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/** An HTTP "enabler" on 127.0.0.1:0 that misbehaves once a request has arrived. */
async function startHostilePeer(kind: Peer): Promise<HostilePeer> {
  const sockets = new Set<Socket>();
  const peer = { requests: 0 } as HostilePeer;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      seen = '';
      peer.requests += 1;
      switch (kind) {
        case 'garbage':
          socket.end(Buffer.from('SSH-2.0-not-http\r\n\u0000\u00ff\u00fe{{{\r\n\r\n', 'latin1'));
          break;
        case 'reset':
          socket.resetAndDestroy();
          break;
        case 'silent':
          break;
        case 'truncated':
          socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort');
          break;
        case 'endless': {
          socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
          // Endless, but paced (64 KiB per timer tick): a tight write loop in this same process would starve the
          // store's IMAP side of CPU, and the test would measure the machine instead of the notifier.
          const chunk = '400\r\n' + 'x'.repeat(1024) + '\r\n';
          const pump = (): void => {
            if (socket.destroyed) return;
            const ok = socket.write(chunk.repeat(64));
            if (ok) setTimeout(pump, 1);
            else socket.once('drain', pump);
          };
          pump();
          break;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  peer.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return peer;
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function device(store: ReferenceStore): Promise<RawImapClient> {
  const c = await RawImapClient.connect({ host: store.host, port: store.port, timeoutMs: 2000 });
  cleanup.push(async () => c.close());
  await c.greeting();
  const r = await c.command(`LOGIN "alice#${DEVICE}" "device-pw"`);
  expect(r.tagged.text).toMatch(/^r\d+ OK/);
  return c;
}

describe("the reference store's notifier against a hostile enabler", () => {
  it.each<Peer>(['garbage', 'reset', 'silent', 'truncated', 'endless'])('%s: IMAP is not held up, every notification is given up with its reason, the store stops promptly', async (kind) => {
    const peer = await startHostilePeer(kind);
    cleanup.push(() => peer.close());
    const logs: string[] = [];
    const store = await startReferenceStore({
      port: 0,
      users: [{ name: 'alice', password: 'alice-pw', devices: [{ id: DEVICE, password: 'device-pw' }] }],
      push: { url: peer.url, requestTimeoutMs: 300, maxAttempts: 2, backoffMs: { initial: 10, max: 20 } },
      log: (line) => logs.push(line),
    });
    cleanup.push(() => store.stop());

    const c = await device(store);
    expect((await c.command('CREATE RCSMessageStore/hostile')).tagged.text).toMatch(/OK/);
    for (let i = 0; i < 4; i++) {
      const body = uniqueSample('standalone', (0xa00000 + i).toString(16)).toString('latin1');
      const started = performance.now();
      expect((await c.command(`APPEND RCSMessageStore/hostile {${Buffer.byteLength(body, 'latin1')}+}\r\n${body}`)).tagged.text).toMatch(/OK/);
      expect((await c.command('SELECT RCSMessageStore/hostile')).tagged.text).toMatch(/OK/);
      expect((await c.command(`UID STORE ${i + 1} +FLAGS (\\Seen)`)).tagged.text).toMatch(/OK/);
      // Three commands, each answered without waiting for the enabler (its timeout alone is 300 ms).
      expect(performance.now() - started).toBeLessThan(300);
    }

    // 8 notifications (4 new, 4 seen), one user, delivered one at a time: each at most 2 × 300 ms + back-off.
    await withTimeout(store.pushIdle(), 15_000, 'the notifier giving up on the hostile enabler');
    expect(peer.requests).toBeGreaterThanOrEqual(8);
    const failures = logs.filter((l) => /^push: .* failed: .*(gave up after 2 attempt|not retried)/.test(l));
    expect(failures, logs.join('\n')).toHaveLength(8);
    const reason = { garbage: /failed: HPE_INVALID_CONSTANT Parse Error/, reset: /failed: ECONNRESET/, silent: /failed: timed out/, truncated: /failed: ECONNRESET aborted/, endless: /failed: timed out/ }[kind];
    expect(failures[0]).toMatch(reason);
    expect(logs.join('\n')).not.toContain('device-pw');

    // The store still serves IMAP, and stops promptly with the enabler still misbehaving.
    expect((await c.command('NOOP')).tagged.text).toMatch(/OK/);
    const stopping = performance.now();
    await withTimeout(store.stop(), 5000, 'stopping the store');
    expect(performance.now() - stopping).toBeLessThan(3000);
  }, 30_000);
});

describe('the PUSH Enabler mock flooded with junk', () => {
  it('records every junk request, answers each, and still matches a real notification afterwards', async () => {
    const mock = await startPushEnabler({ timeoutMs: 2000 });
    cleanup.push(() => mock.close());
    const port = mock.port;
    const raw = (bytes: string, endAfter = true): Promise<string> =>
      new Promise((resolve) => {
        const s = connect(port, '127.0.0.1');
        let answer = '';
        s.on('data', (d: Buffer) => (answer += d.toString('latin1')));
        s.on('error', () => resolve(answer));
        s.on('close', () => resolve(answer));
        s.write(bytes, () => {
          if (endAfter) s.end();
          else s.destroy();
        });
      });
    const junk = [
      ...Array.from({ length: 60 }, (_, i) => `POST /push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot json${i % 10}`),
      ...Array.from({ length: 60 }, () => 'POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'),
      ...Array.from({ length: 40 }, () => 'GET /push HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      ...Array.from({ length: 40 }, () => 'POST /push HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n{'),
      ...Array.from({ length: 40 }, () => '\u0000\u0001 this is not HTTP at all\r\n\r\n'),
    ];
    const cut = Array.from({ length: 40 }, () => raw('POST /push HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"half":', false));
    const answers = await withTimeout(Promise.all([...junk.map((j) => raw(j)), ...cut]), 15_000, 'the mock answering the junk');
    expect(answers.slice(0, 60).every((a) => /^HTTP\/1\.1 400/.test(a))).toBe(true); // recorded, refused: a body that does not decode
    expect(answers.slice(60, 120).every((a) => /^HTTP\/1\.1 404/.test(a))).toBe(true);
    expect(answers.slice(120, 160).every((a) => /^HTTP\/1\.1 405/.test(a))).toBe(true);
    expect(answers.slice(160, 200).every((a) => /^HTTP\/1\.1 413/.test(a))).toBe(true);
    expect(answers.slice(200, 240).every((a) => /^HTTP\/1\.1 400/.test(a))).toBe(true);

    const from = mock.mark();
    const payload = JSON.stringify({ statusChange: { event: 'seen', triggeringDevice: DEVICE, imdnMessageId: 'after-the-flood' } });
    const real = await raw(`POST /push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n${payload}`);
    expect(real).toMatch(/^HTTP\/1\.1 204/);
    const [hit] = await mock.waitForEvents((x) => x.event.refs.imdnMessageId === 'after-the-flood', { from });
    expect(hit!.event).toMatchObject({ kinds: ['seen'], identities: [{ name: 'identity', value: DEVICE }] });
    const recorded = mock.notifications();
    expect(recorded.filter((x) => x.parseError !== undefined && !x.aborted && !x.tooLarge).length).toBeGreaterThanOrEqual(60);
    expect(recorded.filter((x) => x.tooLarge)).toHaveLength(40);
    const closing = performance.now();
    await mock.close();
    expect(performance.now() - closing).toBeLessThan(2500);
  }, 30_000);
});
