import http from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { startPushEnabler, type PushEnabler, type PushEnablerOptions } from '../../../harness/push/enabler.js';
import { readFileSync } from 'node:fs';
import { DEFAULT_PUSH_SCHEMA_PATH, defaultPushBinding, shorthandBinding } from '../../../harness/push/binding.js';
import type { PushNotification } from '../../../harness/push/enabler.js';
import { mergeTimelines, now } from '../../../harness/imap/timeline.js';
import { pushEnablerOptions } from '../../../harness/push/from-profile.js';
import { loadProfile } from '../../../harness/profile/index.js';

// A minimal stand-in for fixtures/push/status-notification.schema.json, shaped like the default pointers.
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['statusChange'],
  properties: {
    statusChange: {
      type: 'object',
      required: ['event', 'triggeringDevice', 'imdnMessageId'],
      properties: {
        event: { enum: ['new', 'seen', 'unseen', 'deleted', 'undeleted', 'expunged'] },
        triggeringDevice: { type: 'string', minLength: 1 },
        imdnMessageId: { type: 'string' },
        folder: { type: 'string' },
        uidValidity: { type: 'integer' },
        uid: { type: 'integer' },
        at: { type: 'string', format: 'date-time' },
      },
      additionalProperties: false,
    },
  },
};

const ALICE_A = 'urn:uuid:4d3c8a5e-1f2b-4c6d-8e9f-0a1b2c3d4e5f';

function payload(event: string, identity = ALICE_A, object = 'msg-1', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    statusChange: { event, triggeringDevice: identity, imdnMessageId: object, folder: 'RCSMessageStore/x', uidValidity: 7, uid: 42, ...extra },
  });
}

// The one event of a one-event (shorthand) notification, and its kind.
const ev = (n: PushNotification | undefined) => n?.events[0];
const kind = (n: PushNotification | undefined) => ev(n)?.kinds[0];

let enabler: PushEnabler | undefined;
afterEach(async () => {
  await enabler?.close();
  enabler = undefined;
});

async function start(opts: PushEnablerOptions = {}): Promise<PushEnabler> {
  enabler = await startPushEnabler({ binding: shorthandBinding({ schema }), timeoutMs: 2000, ...opts });
  return enabler;
}

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

describe('PUSH Enabler mock', () => {
  test('listens on loopback with an OS-chosen port and records a valid notification', async () => {
    const push = await start();
    expect(push.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/push$/);
    expect(push.port).toBeGreaterThan(0);
    const res = await post(push.url, payload('seen'), { authorization: 'Basic YWxpY2U6c2VjcmV0' });
    expect(res.status).toBe(204);
    const [n] = push.notifications();
    expect(n).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/push',
      httpVersion: '1.1',
      schemaValid: true,
      schemaErrors: [],
      status: 204,
      format: 'json',
      problems: [],
      events: [
        {
          position: 0,
          kinds: ['seen'],
          label: 'seen',
          refs: { imdnMessageId: 'msg-1', folder: 'RCSMessageStore/x', uidValidity: 7, uid: 42 },
          identities: [{ name: 'identity', role: 'actor', value: ALICE_A }],
          problems: [],
        },
      ],
    });
    expect(n?.headers['authorization']).toBe('Basic [REDACTED]');
    expect(JSON.stringify(n)).not.toContain('YWxpY2U6c2VjcmV0');
    expect(n?.wallClock).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test('invalid payloads are recorded with their schema errors, not dropped', async () => {
    const push = await start();
    await post(push.url, JSON.stringify({ statusChange: { event: 'read', triggeringDevice: '', bogus: 1 } }));
    const [n] = push.notifications();
    expect(n?.schemaValid).toBe(false);
    const messages = n?.schemaErrors.map((e) => `${e.path}: ${e.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/statusChange: must have required property 'imdnMessageId'/),
        expect.stringMatching(/^\/statusChange\/event: must be equal to one of the allowed values/),
        expect.stringMatching(/^\/statusChange: must NOT have additional properties "bogus"/),
      ]),
    );
    expect(ev(n)?.label).toBe('read');
    expect(kind(n)).toBeUndefined();
    expect(ev(n)?.problems).toContain('IMDN-Message-ID: nothing at /statusChange/imdnMessageId');
  });

  test('waitFor resolves on a later arrival and on an earlier one', async () => {
    const push = await start();
    await post(push.url, payload('seen', ALICE_A, 'early'));
    const early = await push.waitFor((n) => ev(n)?.refs.imdnMessageId === 'early');
    expect(early.seq).toBe(1);

    const later = push.waitFor((n) => kind(n) === 'deleted', { description: 'deleted notification' });
    await post(push.url, payload('seen', ALICE_A, 'noise'));
    await post(push.url, payload('deleted', ALICE_A, 'late'));
    expect(ev(await later)?.refs.imdnMessageId).toBe('late');

    const mark = push.mark();
    const fresh = push.waitFor((n) => ev(n)?.refs.imdnMessageId === 'early', { from: mark });
    await post(push.url, payload('unseen', ALICE_A, 'early'));
    expect((await fresh).seq).toBe(mark);
  });

  test('waitForCount collects n matches in arrival order', async () => {
    const push = await start();
    const both = push.waitForCount(2, (n) => kind(n) === 'seen');
    await post(push.url, payload('seen', ALICE_A, 'a'));
    await post(push.url, payload('deleted', ALICE_A, 'b'));
    await post(push.url, payload('seen', ALICE_A, 'c'));
    expect((await both).map((n) => ev(n)?.refs.imdnMessageId)).toEqual(['a', 'c']);
  });

  test('a timeout lists everything that did arrive', async () => {
    const push = await start();
    await post(push.url, payload('seen', ALICE_A, 'one'));
    await post(push.url, 'not json at all');
    const err = await push
      .waitFor((n) => kind(n) === 'expunged', { timeoutMs: 100, description: 'expunge of msg-9' })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toMatch(/^timed out after 100 ms waiting for expunge of msg-9 \(0\/1 matched\); 2 request\(s\) arrived:/);
    expect(message).toMatch(/#1 \+[\d.]+ms POST \/push → 204 json 1 event\(s\) schema=valid \{ \[0\] seen \(seen\) imdn=one folder=RCSMessageStore\/x uidvalidity=7 uid=42 identity=urn:uuid:4d3c8a5e-1f2b-4c6d-8e9f-0a1b2c3d4e5f \}/);
    expect(message).toMatch(/#2 .* → 400 undecodable: not JSON: .*; body "not json at all"/);
  });

  test('expectNone passes on a quiet window and fails fast on a match', async () => {
    const push = await start();
    await post(push.url, payload('seen', ALICE_A, 'm1'));
    await push.expectNone((n) => kind(n) === 'deleted', { forMs: 50 });
    await expect(push.expectNone((n) => ev(n)?.refs.imdnMessageId === 'm1', { forMs: 50 })).rejects.toThrow(/unexpected .*imdn=m1/);

    const from = push.mark();
    const started = performance.now();
    const quiet = push.expectNone((n) => ev(n)?.refs.imdnMessageId === 'm2', { forMs: 5000, from, description: 'notification for m2' });
    const verdict = expect(quiet).rejects.toThrow(/unexpected notification for m2 within the 5000 ms quiet window/);
    await post(push.url, payload('seen', ALICE_A, 'm2'));
    await verdict;
    expect(performance.now() - started).toBeLessThan(4000);
  });

  test('Expect: 100-continue gets 100 Continue before the body is sent', async () => {
    const push = await start();
    const body = payload('seen');
    const result = await new Promise<{ continued: boolean; status: number | undefined }>((resolve, reject) => {
      let continued = false;
      const req = http.request(push.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
      });
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ continued, status: res.statusCode }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(result).toEqual({ continued: true, status: 204 });
    expect(ev(push.notifications()[0])?.label).toBe('seen');
    expect(push.notifications()[0]?.headers['expect']).toBe('100-continue');
  });

  test('an oversized declared body is refused with 413 instead of 100 Continue, and recorded', async () => {
    const push = await start();
    const result = await new Promise<{ continued: boolean; status: number | undefined }>((resolve, reject) => {
      let continued = false;
      const req = http.request(push.url, {
        method: 'POST',
        headers: { 'content-length': 2 * 1024 * 1024, expect: '100-continue' },
      });
      req.on('continue', () => (continued = true));
      req.on('response', (res) => {
        res.resume();
        resolve({ continued, status: res.statusCode });
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(result).toEqual({ continued: false, status: 413 });
    expect(push.notifications()[0]).toMatchObject({ tooLarge: true, status: 413, bodyBytes: 2 * 1024 * 1024 });
  });

  test('a chunked body over 1 MiB is answered 413 and recorded', async () => {
    const push = await start();
    const big = new Uint8Array(1024 * 1024 + 10).fill(0x61);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(big);
        controller.close();
      },
    });
    const res = await fetch(push.url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    const [n] = push.notifications();
    expect(n).toMatchObject({ tooLarge: true, status: 413, bodyBytes: big.length });
    expect(n?.body.length).toBe(0);
  });

  test('behave: error status, failFirst and delay', async () => {
    const push = await start();
    push.behave({ status: 503 });
    expect((await post(push.url, payload('seen'))).status).toBe(503);
    push.behave({ failFirst: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(push.url, payload('seen'))).status);
    expect(statuses).toEqual([503, 503, 204]);
    push.behave({ failFirst: 1, status: 500 });
    expect([(await post(push.url, payload('seen'))).status, (await post(push.url, payload('seen'))).status]).toEqual([500, 204]);

    push.behave({ delayMs: 150 });
    const t0 = performance.now();
    const pending = post(push.url, payload('deleted', ALICE_A, 'slow'));
    // The notification is recorded on arrival, before the delayed answer.
    await push.waitFor((n) => ev(n)?.refs.imdnMessageId === 'slow');
    const res = await pending;
    expect(res.status).toBe(204);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(push.notifications().map((n) => n.status)).toEqual([503, 503, 503, 204, 500, 204, 204]);
  });

  test('wrong path and wrong method are recorded and answered 404/405', async () => {
    const push = await start();
    expect((await post(push.url.replace('/push', '/other'), payload('seen'))).status).toBe(404);
    expect((await fetch(push.url)).status).toBe(405);
    expect(push.notifications().map((n) => [n.method, n.path, n.status])).toEqual([
      ['POST', '/other', 404],
      ['GET', '/push', 405],
    ]);
  });

  test('a flood of 200 junk POSTs is recorded, refused with 400, without crashing', async () => {
    const push = await start();
    const junk = Array.from({ length: 200 }, (_, i) => post(push.url, `junk ${i} {{{`, { 'content-type': 'text/plain' }));
    const statuses = (await Promise.all(junk)).map((r) => r.status);
    expect(statuses.every((s) => s === 400)).toBe(true);
    expect(push.notifications()).toHaveLength(200);
    expect(push.notifications().every((n) => n.parseError !== undefined && n.schemaValid === undefined)).toBe(true);
    await post(push.url, payload('seen', ALICE_A, 'after-flood'));
    await push.waitFor((n) => ev(n)?.refs.imdnMessageId === 'after-flood');
    const err = await push.waitFor(() => false, { timeoutMs: 20 }).catch((e: Error) => e.message);
    expect(err).toMatch(/… 101 earlier not shown/);
  });

  test('clear, timeline and eventNames mapping', async () => {
    const push = await start({ binding: shorthandBinding({ schema, eventNames: { seen: ['READ', 'SEEN'], deleted: 'DELETE' } }), validate: false });
    await post(push.url, payload('READ'));
    await post(push.url, payload('DELETE'));
    expect(push.notifications().map((n) => kind(n))).toEqual(['seen', 'deleted']);
    expect(push.notifications()[0]?.schemaValid).toBeUndefined();
    const timeline = push.timeline();
    expect(timeline).toHaveLength(2);
    expect(timeline[0]).toMatchObject({ source: 'push', summary: expect.stringContaining('seen (READ)') });
    expect(timeline[0]!.t).toBeLessThanOrEqual(timeline[1]!.t);
    expect(Math.abs(timeline[1]!.t - now())).toBeLessThan(5000);
    const merged = mergeTimelines([{ t: timeline[0]!.t + 0.001, source: 'alice/dev-A', dir: 'C', text: 'a1 NOOP' }], timeline);
    expect(merged.map((e) => e.source)).toEqual(['push', 'alice/dev-A', 'push']);
    push.clear();
    expect(push.notifications()).toEqual([]);
  });

  test('close is prompt with an open keep-alive socket and a delayed answer pending, and fails pending waits', async () => {
    const push = await start();
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http
        .request(push.url, { method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject)
        .end(payload('seen'));
    });
    push.behave({ delayMs: 10_000 });
    const slow = post(push.url, payload('seen')).catch((e: Error) => e);
    await push.waitForCount(2, () => true);
    const waiting = push.waitFor(() => false, { timeoutMs: 10_000, description: 'never' }).catch((e: Error) => e.message);
    const quiet = push.expectNone(() => true, { forMs: 10_000, from: push.mark(), description: 'anything' }).catch((e: Error) => e.message);
    const t0 = performance.now();
    await push.close();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await waiting).toMatch(/^push enabler closed while waiting for never/);
    expect(await quiet).toBe('push enabler closed while observing the quiet window for anything');
    await expect(push.expectNone(() => true, { forMs: 1, from: push.mark() })).rejects.toThrow(/closed; cannot observe/);
    expect(await slow).toBeInstanceOf(Error);
    agent.destroy();
    enabler = undefined;
  });

  test('refuses a non-loopback listen address', async () => {
    await expect(startPushEnabler({ host: '0.0.0.0', binding: shorthandBinding({ schema }) })).rejects.toThrow(/not a loopback address/);
  });

  test('listens on ::1 when asked', async (ctx) => {
    const push = await start({ host: '::1' }).catch(() => undefined);
    if (!push) return ctx.skip('no IPv6 loopback on this host');
    expect(push.url).toMatch(/^http:\/\/\[::1\]:\d+\/push$/);
    expect((await post(push.url, payload('seen'))).status).toBe(204);
  });

  test('the default binding points at the shared payload schema', () => {
    expect(defaultPushBinding().schema).toBe(DEFAULT_PUSH_SCHEMA_PATH);
    expect(DEFAULT_PUSH_SCHEMA_PATH).toMatch(/fixtures\/push\/status-notification\.schema\.json$/);
    const b = defaultPushBinding();
    expect(b).toMatchObject({ form: 'shorthand', events: '$', format: 'json' });
    expect(b.identity).toEqual([{ name: 'identity', selector: '/statusChange/triggeringDevice', scope: 'event', role: 'actor' }]);
    expect(b.kinds.seen).toEqual({ selector: '/statusChange/event', equals: ['seen'] });
    expect(b.object).toEqual({
      imdnMessageId: { selector: '/statusChange/imdnMessageId', scope: 'event' },
      folder: { selector: '/statusChange/folder', scope: 'event' },
      uidValidity: { selector: '/statusChange/uidValidity', scope: 'event' },
      uid: { selector: '/statusChange/uid', scope: 'event' },
    });
  });

  test('with the default binding, the shared sample payloads are schema-valid and fully bound', async () => {
    enabler = await startPushEnabler();
    const sample = readFileSync(new URL('../../../fixtures/push/examples/seen.json', import.meta.url), 'utf8');
    expect((await post(enabler.url, sample)).status).toBe(204);
    const [n] = enabler.notifications();
    expect(n?.schemaErrors).toEqual([]);
    expect(n?.schemaValid).toBe(true);
    expect(ev(n)?.problems).toEqual([]);
    expect(kind(n)).toBe('seen');
  });

  test('a throwing predicate fails its own wait and the server keeps going', async () => {
    const push = await start();
    const boom = push.waitFor((n) => (ev(n)?.refs.imdnMessageId === 'x' ? (undefined as unknown as { a: number }).a === 1 : false));
    const verdict = expect(boom).rejects.toThrow(/predicate threw: Cannot read properties of undefined/);
    expect((await post(push.url, payload('seen', ALICE_A, 'x'))).status).toBe(204);
    await verdict;
    expect((await post(push.url, payload('seen', ALICE_A, 'y'))).status).toBe(204);
    await expect(push.expectNone(() => { throw new Error('bad'); }, { forMs: 10 })).rejects.toThrow(/predicate threw: bad/);
  });

  test('starts as the reference profile declares it', async () => {
    enabler = await startPushEnabler(pushEnablerOptions(loadProfile(undefined, {}).push));
    expect(enabler.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/push$/);
    expect(enabler.binding.identity[0]?.selector).toBe('/statusChange/triggeringDevice');
    const sample = readFileSync(new URL('../../../fixtures/push/examples/expunged.json', import.meta.url), 'utf8');
    await post(enabler.url, sample);
    expect((await enabler.waitFor((n) => kind(n) === 'expunged')).schemaValid).toBe(true);
  });

  test('an unreadable schema file is a clear start-up error', async () => {
    await expect(startPushEnabler({ binding: shorthandBinding({ schema: '/nonexistent/schema.json' }) })).rejects.toThrow(
      /push payload schema \/nonexistent\/schema\.json cannot be read \(ENOENT\)/,
    );
  });
});
