// Delivery behaviour of the PUSH notifier against a local enabler stub (127.0.0.1, OS-chosen port).
import { afterEach, describe, expect, test } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schema from '../../../fixtures/push/status-notification.schema.json' with { type: 'json' };
import { createPushNotifier, type PushNotifier, type PushNotifierOptions } from '../../../reference-store/push/index.js';
import { parseRetryAfter } from '../../../reference-store/push/http-post.js';
import { startEnabler, type EnablerStub, type Reply, type ReceivedPost } from './enabler-stub.js';
import { EVENT_KINDS, statusEvent } from './events.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

// Fast retry settings so failing paths finish quickly.
const FAST = { requestTimeoutMs: 1000, backoffMs: { initial: 5, max: 20 } };

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(
  reply: (post: ReceivedPost, n: number) => Reply,
  opts: Partial<PushNotifierOptions> = {},
): Promise<{ enabler: EnablerStub; notifier: PushNotifier; logs: string[] }> {
  const enabler = await startEnabler(reply);
  const logs: string[] = [];
  const notifier = createPushNotifier({ url: enabler.url, ...FAST, log: (l) => logs.push(l), ...opts });
  cleanup.push(
    () => notifier.close(),
    () => enabler.close(),
  );
  return { enabler, notifier, logs };
}

const indexes = (posts: ReceivedPost[], user?: string): number[] =>
  posts.filter((p) => user === undefined || p.payload.statusChange.user === user).map((p) => p.payload.nmsEventList.index);

describe('PUSH notifier', () => {
  test('POSTs one schema-valid JSON payload per status change, index 1, 2, 3… per user', async () => {
    const { enabler, notifier } = await setup(() => 204);
    const kinds = [...EVENT_KINDS.map((event) => ({ event, objectType: 'message' as const })),
      ...EVENT_KINDS.map((event) => ({ event, objectType: 'voicemail' as const }))];
    for (const k of kinds) notifier.notify(statusEvent(k));
    notifier.notify(statusEvent({ user: 'bob' }));
    await notifier.idle();

    expect(enabler.posts).toHaveLength(kinds.length + 1);
    for (const p of enabler.posts) {
      expect(p.headers['content-type']).toBe('application/json');
      expect(p.headers.expect).toBeUndefined();
      expect(validate(p.payload), ajv.errorsText(validate.errors)).toBe(true);
    }
    expect(indexes(enabler.posts, 'alice')).toEqual(kinds.map((_, i) => i + 1));
    expect(indexes(enabler.posts, 'bob')).toEqual([1]);
    const alice = enabler.posts.filter((p) => p.payload.statusChange.user === 'alice');
    expect(alice.map((p) => [p.payload.statusChange.event, p.payload.statusChange.objectType])).toEqual(kinds.map((k) => [k.event, k.objectType]));
    const expunged = enabler.posts.find((p) => p.payload.statusChange.event === 'expunged');
    expect(Object.keys(expunged?.payload.nmsEventList.nmsEvent[0] ?? {})).toEqual(['deletedObject']);
    expect(notifier.stats()).toEqual({ sent: kinds.length + 1, failed: 0, retried: 0, dropped: 0, queued: 0, suppressed: 0 });
  });

  test('retries after 503s with back-off, then succeeds', async () => {
    const { enabler, notifier, logs } = await setup((_p, n) => (n <= 2 ? 503 : 200));
    notifier.notify(statusEvent());
    await notifier.idle();
    expect(enabler.posts).toHaveLength(3);
    expect(new Set(enabler.posts.map((p) => p.body)).size).toBe(1); // a retry resends the same payload
    expect(notifier.stats()).toMatchObject({ sent: 1, failed: 0, retried: 2 });
    expect(logs.some((l) => /HTTP 503 \(attempt 1\/5\); retrying/.test(l))).toBe(true);
  });

  test('also retries 408 and 429, honouring Retry-After up to backoff.max', async () => {
    const { enabler, notifier } = await setup((p, n) => {
      if (n === 1) return 408;
      if (n === 2) {
        p.respond(429, { 'Retry-After': '0' });
        return 'hang';
      }
      return 200;
    });
    notifier.notify(statusEvent());
    await notifier.idle();
    expect(enabler.posts).toHaveLength(3);
    expect(notifier.stats()).toMatchObject({ sent: 1, retried: 2 });
  });

  test('gives up after maxAttempts', async () => {
    const { enabler, notifier, logs } = await setup(() => 500, { maxAttempts: 3 });
    notifier.notify(statusEvent());
    await notifier.idle();
    expect(enabler.posts).toHaveLength(3);
    expect(notifier.stats()).toMatchObject({ sent: 0, failed: 1, retried: 2 });
    expect(logs.some((l) => l.includes('gave up after 3 attempt(s)'))).toBe(true);
  });

  test('does not retry a 400; the next payload is still delivered', async () => {
    const { enabler, notifier, logs } = await setup((_p, n) => (n === 1 ? 400 : 204));
    notifier.notify(statusEvent());
    notifier.notify(statusEvent({ event: 'deleted' }));
    await notifier.idle();
    expect(indexes(enabler.posts)).toEqual([1, 2]);
    expect(notifier.stats()).toMatchObject({ sent: 1, failed: 1, retried: 0 });
    expect(logs.some((l) => /index=1 seen .*HTTP 400; not retried/.test(l))).toBe(true);
  });

  test('retries connection errors (nothing listening)', async () => {
    const enabler = await startEnabler();
    const url = enabler.url;
    await enabler.close(); // the port is now closed: ECONNREFUSED
    const logs: string[] = [];
    const notifier = createPushNotifier({ url, ...FAST, maxAttempts: 2, log: (l) => logs.push(l) });
    cleanup.push(() => notifier.close());
    notifier.notify(statusEvent());
    await notifier.idle();
    expect(notifier.stats()).toMatchObject({ sent: 0, failed: 1, retried: 1 });
    expect(logs.some((l) => l.includes('ECONNREFUSED'))).toBe(true);
  });

  test('a hung enabler does not block notify(); the attempt times out', async () => {
    const { enabler, notifier, logs } = await setup(() => 'hang', { requestTimeoutMs: 150, maxAttempts: 2 });
    notifier.notify(statusEvent());
    // notify() only enqueues: nothing has been sent when it returns.
    expect(notifier.stats().queued).toBe(1);
    expect(enabler.posts).toHaveLength(0);

    const p1 = await enabler.waitForPost(1);
    // With a request hanging in flight, further notify() calls still return at once.
    // Synchronous calls cannot wait for the hung request: all 100 are queued when the loop ends.
    for (let i = 0; i < 100; i++) notifier.notify(statusEvent({ uid: 100 + i }));
    expect(notifier.stats().queued).toBe(100);

    await p1.closed; // the notifier gave up on the first attempt and dropped the connection
    await enabler.waitForPost(2);
    expect(logs.some((l) => /index=1 seen .*timed out \(attempt 1\/2\)/.test(l))).toBe(true);
  });

  test('close() resolves promptly with a request in flight and aborts it', async () => {
    const { enabler, notifier } = await setup(() => 'hang', { requestTimeoutMs: 60_000 });
    notifier.notify(statusEvent());
    notifier.notify(statusEvent({ event: 'deleted' }));
    const inFlight = await enabler.waitForPost(1);

    // The request would hang for 60 s: close() resolving within the test timeout proves it aborted it.
    await notifier.close();
    await inFlight.closed;
    expect(notifier.stats()).toMatchObject({ sent: 0, failed: 1, dropped: 1, queued: 0 });
    await notifier.idle(); // resolves once closed

    notifier.notify(statusEvent({ event: 'expunged' })); // after close: counted, never sent, never throws
    expect(notifier.stats().dropped).toBe(2);
    expect(enabler.posts).toHaveLength(1);
  });

  test('close() also cuts a back-off wait short', async () => {
    const { enabler, notifier } = await setup(() => 503, { backoffMs: { initial: 60_000, max: 60_000 } });
    notifier.notify(statusEvent());
    await enabler.waitForPost(1);
    // The back-off is 60 s: close() resolving within the test timeout proves it cut the wait short.
    await notifier.close();
    expect(enabler.posts).toHaveLength(1);
    expect(notifier.stats()).toMatchObject({ failed: 1 });
  });

  test('bounded queue drops the oldest payloads and counts them', async () => {
    const { enabler, notifier, logs } = await setup(() => 'hang', { maxQueue: 3 });
    notifier.notify(statusEvent({ uid: 1 }));
    const first = await enabler.waitForPost(1); // index 1 in flight, not queued
    for (let uid = 2; uid <= 6; uid++) notifier.notify(statusEvent({ uid }));
    expect(notifier.stats()).toMatchObject({ queued: 3, dropped: 2 });
    expect(logs.some((l) => l.includes('queue full (3): dropped oldest user=alice index=2'))).toBe(true);

    first.respond(204);
    for (let n = 2; n <= 4; n++) (await enabler.waitForPost(n)).respond(204);
    await notifier.idle();
    expect(indexes(enabler.posts)).toEqual([1, 4, 5, 6]); // the gap shows the loss
    expect(enabler.posts.map((p) => p.payload.statusChange.uid)).toEqual([1, 4, 5, 6]);
    expect(notifier.stats()).toMatchObject({ sent: 4, dropped: 2, queued: 0 });
  });

  test('overflow drops the globally oldest queued payload, whichever user it belongs to', async () => {
    const { enabler, notifier } = await setup(() => 'hang', { maxQueue: 2 });
    notifier.notify(statusEvent({ user: 'alice' }));
    notifier.notify(statusEvent({ user: 'bob' }));
    await enabler.waitForPost(2); // alice#1 and bob#1 in flight
    notifier.notify(statusEvent({ user: 'bob', uid: 6 })); // bob#2
    notifier.notify(statusEvent({ user: 'alice', uid: 6 })); // alice#2
    notifier.notify(statusEvent({ user: 'alice', uid: 7 })); // alice#3 pushes out bob#2
    expect(notifier.stats()).toMatchObject({ queued: 2, dropped: 1 });
    for (const p of enabler.posts) p.respond(204);
    (await enabler.waitForPost(3)).respond(204);
    (await enabler.waitForPost(4)).respond(204);
    await notifier.idle();
    expect(indexes(enabler.posts, 'bob')).toEqual([1]);
    expect(indexes(enabler.posts, 'alice')).toEqual([1, 2, 3]);
  });

  test('per-user order is kept across retries while users proceed independently', async () => {
    // Every payload's first attempt fails; bob's index 1 fails twice.
    const attempts = new Map<string, number>();
    const { enabler, notifier } = await setup((p) => {
      const key = `${p.payload.statusChange.user}#${p.payload.nmsEventList.index}`;
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      const failures = key === 'bob#1' ? 2 : 1;
      return n <= failures ? 503 : 204;
    });
    for (let i = 0; i < 4; i++) {
      notifier.notify(statusEvent({ user: 'alice', uid: 10 + i }));
      notifier.notify(statusEvent({ user: 'bob', uid: 20 + i }));
    }
    await notifier.idle();

    for (const user of ['alice', 'bob']) {
      const mine = enabler.posts.filter((p) => p.payload.statusChange.user === user);
      // Attempts arrive in index order: every retry of index n comes before the first attempt of n+1.
      const seen = mine.map((p) => p.payload.nmsEventList.index);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect([...new Set(seen)]).toEqual([1, 2, 3, 4]);
    }
    expect(notifier.stats()).toMatchObject({ sent: 8, failed: 0, retried: 9 });
  });

  test('a slow user does not hold up other users', async () => {
    const { enabler, notifier } = await setup((p) => (p.payload.statusChange.user === 'alice' ? 'hang' : 204));
    notifier.notify(statusEvent({ user: 'alice' }));
    notifier.notify(statusEvent({ user: 'alice', uid: 6 }));
    notifier.notify(statusEvent({ user: 'bob' }));
    notifier.notify(statusEvent({ user: 'bob', uid: 6 }));
    await enabler.waitForPost(3);
    expect(enabler.posts.map((p) => p.payload.statusChange.user)).toEqual(['alice', 'bob', 'bob']);
    enabler.posts[0]?.respond(204);
    (await enabler.waitForPost(4)).respond(204);
    await notifier.idle();
    expect(notifier.stats()).toMatchObject({ sent: 4 });
  });

  test('transform can rewrite, drop (null) or duplicate (array) a payload', async () => {
    const { enabler, notifier, logs } = await setup(() => 204, {
      transform: (payload, event) => {
        if (event.uid === 1) return null;
        if (event.uid === 2) return [payload, payload];
        return { ...payload, statusChange: { ...payload.statusChange, triggeringDevice: null } };
      },
    });
    notifier.notify(statusEvent({ uid: 1 }));
    notifier.notify(statusEvent({ uid: 2 }));
    notifier.notify(statusEvent({ uid: 3 }));
    await notifier.idle();
    expect(enabler.posts.map((p) => [p.payload.nmsEventList.index, p.payload.statusChange.uid])).toEqual([
      [2, 2],
      [2, 2],
      [3, 3],
    ]);
    expect(enabler.posts[2]?.payload.statusChange.triggeringDevice).toBeNull();
    expect(notifier.stats()).toMatchObject({ sent: 3, suppressed: 1, dropped: 0 });
    expect(logs.some((l) => l.includes('index=1 seen suppressed by transform'))).toBe(true);
  });

  test('notify() never throws: a throwing transform or a bad event is logged and counted', async () => {
    const { enabler, notifier, logs } = await setup(() => 204, {
      transform: (p, e) => {
        if (e.uid === 1) throw new Error('hook failed');
        return p;
      },
    });
    expect(() => notifier.notify(statusEvent({ uid: 1 }))).not.toThrow();
    expect(() => notifier.notify(statusEvent({ uid: 2, occurredAt: new Date(Number.NaN) }))).not.toThrow();
    notifier.notify(statusEvent({ uid: 3 }));
    await notifier.idle();
    expect(indexes(enabler.posts)).toEqual([3]);
    expect(notifier.stats()).toMatchObject({ sent: 1, failed: 2 });
    expect(logs.filter((l) => l.includes('cannot notify'))).toHaveLength(2);
  });

  test('delayMs holds each delivery back', async () => {
    const { enabler, notifier } = await setup(() => 204, { delayMs: 200 });
    const t0 = performance.now();
    notifier.notify(statusEvent());
    notifier.notify(statusEvent({ uid: 6 }));
    await enabler.waitForPost(1);
    // A lower bound only: the delay was honoured. How long delivery takes is measured by the benchmark.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    await notifier.idle();
    expect(enabler.posts).toHaveLength(2);
  });

  test('credentials in the enabler URL are sent as Basic auth and never logged', async () => {
    const enabler = await startEnabler(() => 500);
    const logs: string[] = [];
    const url = enabler.url.replace('http://', 'http://store:s3cret@') + '?token=t0ps3cret';
    const notifier = createPushNotifier({ url, ...FAST, maxAttempts: 2, log: (l) => logs.push(l) });
    cleanup.push(() => notifier.close(), () => enabler.close());
    notifier.notify(statusEvent());
    await notifier.idle();
    expect(enabler.posts[0]?.headers.authorization).toBe(`Basic ${Buffer.from('store:s3cret').toString('base64')}`);
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) {
      expect(l).not.toMatch(/s3cret|t0ps3cret|urn:uuid/);
    }
  });

  test('Retry-After: delay-seconds or HTTP-date', () => {
    const now = Date.parse('2026-11-25T03:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 03:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 02:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  test('rejects a non-HTTP enabler URL at construction', () => {
    expect(() => createPushNotifier({ url: 'ftp://127.0.0.1/x' })).toThrow(/http/);
  });
});
