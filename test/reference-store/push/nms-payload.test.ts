// The NMS builders and the batching notifier without IMAP: grouping, coalescing, the shuffle, XML escaping, the
// batch timer, idle / flush / close, and that the reference format is untouched by the new options.
import { afterEach, describe, expect, test } from 'vitest';
import {
  buildNmsPosts, buildStatusPayload, createPushNotifier, escapeXml, nmsJsonBody, nmsXmlBody, serializeNmsPost, shuffleBySeed,
  type NmsBatchEvent, type PushNotifier, type PushNotifierOptions,
} from '../../../reference-store/push/index.js';
import { statusEvent } from './events.js';
import { NmsRecorder, eventsOf, nmsJsonErrors, parseXml } from './nms-recorder.js';

const TABLET = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
const PHONE = 'urn:gsma:imei:35000000-000001-0';

function counter(): (user: string) => number {
  const m = new Map<string, number>();
  return (u) => { const n = (m.get(u) ?? 0) + 1; m.set(u, n); return n; };
}

const kindOf = (e: NmsBatchEvent): string => Object.keys(e)[0]!;

describe('buildNmsPosts', () => {
  const batch = [
    statusEvent({ event: 'seen', uid: 5, modseq: 17, sessionDevice: TABLET }),
    statusEvent({ event: 'seen', uid: 6, modseq: 18, triggeringDevice: PHONE, sessionDevice: PHONE }),
    statusEvent({ event: 'seen', user: 'bob', uid: 1, modseq: 3, triggeringDevice: null, sessionDevice: null }),
    statusEvent({ event: 'expunged', uid: 7, modseq: 19, folder: 'INBOX', triggeringDevice: PHONE, sessionDevice: TABLET }),
  ];

  test('nms-json: one POST, one list per user (first-appearance order), each with its own index', () => {
    const [post, ...rest] = buildNmsPosts('nms-json', batch, counter());
    expect(rest).toEqual([]);
    expect(post!.lists.map((l) => [l.user, l.index])).toEqual([['alice', 1], ['bob', 1]]);
    const alice = post!.lists[0]!;
    // three object events and one changedFolder per folder (RCSMessageStore/conv-1 and INBOX)
    expect(alice.nmsEvent.map(kindOf).sort()).toEqual(['changedFolder', 'changedFolder', 'changedObject', 'changedObject', 'deletedObject']);
    const inbox = alice.nmsEvent.find((e) => 'changedFolder' in e && e.changedFolder.name === 'INBOX')!;
    expect(inbox).toEqual({ changedFolder: {
      parentFolder: 'imap://alice@127.0.0.1:14143/',
      resourceURL: 'imap://alice@127.0.0.1:14143/INBOX;UIDVALIDITY=1732500000',
      name: 'INBOX', lastModSeq: 19 } });
    const conv = alice.nmsEvent.find((e) => 'changedFolder' in e && e.changedFolder.name === 'conv-1')!;
    expect(conv).toMatchObject({ changedFolder: { parentFolder: 'imap://alice@127.0.0.1:14143/RCSMessageStore', lastModSeq: 18 } });
    const expunged = alice.nmsEvent.find((e) => 'deletedObject' in e)!;
    expect(expunged).toEqual({ deletedObject: {
      resourceURL: 'imap://alice@127.0.0.1:14143/INBOX;UIDVALIDITY=1732500000/;UID=7', lastModSeq: 19, correlationId: 'Xs3kG2nYk8',
      message: { 'trigger-device': PHONE, 'session-device': TABLET } } });
    // bob's change names no device: no message block
    const bobEv = post!.lists[1]!.nmsEvent.find((e) => 'changedObject' in e)!;
    expect(bobEv).not.toHaveProperty('changedObject.message');
    expect(nmsJsonErrors(nmsJsonBody(post!))).toBe('');
  });

  test('nms-xml: one POST per (user, triggering device), the device at list level, no message block', () => {
    const posts = buildNmsPosts('nms-xml', batch, counter());
    expect(posts.map((p) => [p.lists[0]!.user, p.lists[0]!.triggeringDevice, p.lists[0]!.index])).toEqual([
      ['alice', TABLET, 1], ['alice', PHONE, 2], ['bob', null, 1],
    ]);
    for (const p of posts) {
      expect(p.lists).toHaveLength(1);
      expect(JSON.stringify(p)).not.toContain('trigger-device');
    }
    const bob = nmsXmlBody(posts[2]!);
    expect(bob).not.toContain('triggeringDevice');
    expect(parseXml(bob)['cpm:statusNotification']['cpm:user']).toBe('bob');
  });

  test('changedObject carries every current flag, de-duplicated; identical events of a list are sent once', () => {
    const e = statusEvent({ event: 'seen', flags: ['$MDNSent', '\\Deleted', '\\Seen', '\\Seen'] });
    const [post] = buildNmsPosts('nms-json', [e, { ...e, event: 'deleted' }], counter());
    const objects = post!.lists[0]!.nmsEvent.filter((x) => 'changedObject' in x);
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatchObject({ changedObject: { flags: { flag: ['$MDNSent', '\\Deleted', '\\Seen'] } } });
  });

  test('the order is shuffleBySeed(object events + folder events, index): deterministic, varying with the index', () => {
    const events = [1, 2, 3, 4, 5].map((uid) => statusEvent({ uid, modseq: 10 + uid }));
    const orders = new Set<string>();
    for (let start = 0; start < 6; start++) {
      const next = counter();
      for (let i = 0; i < start; i++) next('alice');
      const a = buildNmsPosts('nms-json', events, next)[0]!.lists[0]!;
      expect(a.index).toBe(start + 1);
      // recompute: the produced order of the events is UID order, then the folder event
      const produced = [...a.nmsEvent].sort((x, y) => order(x) - order(y));
      expect(a.nmsEvent).toEqual(shuffleBySeed(produced, a.index));
      expect(buildNmsPosts('nms-json', events, () => a.index)[0]!.lists[0]!.nmsEvent).toEqual(a.nmsEvent);
      orders.add(a.nmsEvent.map(order).join(','));
    }
    expect(orders.size).toBeGreaterThan(3);
    function order(e: NmsBatchEvent): number {
      return 'changedObject' in e ? Number(/UID=(\d+)$/.exec(e.changedObject.resourceURL)![1]) : 99;
    }
  });

  test('shuffleBySeed is a permutation, the same for the same seed', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    for (const seed of [1, 2, 7, 1000, 2 ** 32 - 1]) {
      const a = shuffleBySeed(items, seed);
      expect([...a].sort((x, y) => x - y)).toEqual(items);
      expect(shuffleBySeed(items, seed)).toEqual(a);
    }
    expect(shuffleBySeed(items, 1)).not.toEqual(shuffleBySeed(items, 2));
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => i)); // input untouched
  });
});

describe('nms-xml escaping', () => {
  test('escapeXml: & < > quotes; characters XML cannot carry become U+FFFD', () => {
    expect(escapeXml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f');
    expect(escapeXml('x\u0001y\uD800z')).toBe('x\uFFFDy\uFFFDz');
    expect(escapeXml('😀 tab\tnl\n')).toBe('😀 tab\tnl\n');
  });

  test('hostile user, folder, IMDN-Message-ID and flag values give well-formed XML that parses back to the values', () => {
    const evil = `<x a="1">&amp; ]]> '`;
    const [post] = buildNmsPosts('nms-xml', [statusEvent({
      user: 'al&ce', folder: `RCSMessageStore/${evil}`, imdnMessageId: evil, flags: ['$Weird<&>', '\\Seen'], triggeringDevice: `sip:a@b;gr=urn:uuid:1&2`,
    })], counter());
    const { body } = serializeNmsPost(post!);
    const root = parseXml(body)['cpm:statusNotification'];
    expect(root['cpm:user']).toBe('al&ce');
    expect(root['cpm:triggeringDevice']).toBe('sip:a@b;gr=urn:uuid:1&2');
    const ev = eventsOf({ contentType: 'application/xml', body, xml: parseXml(body) }).find((e) => e.kind === 'changedObject')!;
    expect(ev.correlationId).toBe(evil.trim());
    expect(ev.flags).toEqual(['$Weird<&>', '\\Seen']);
    expect(body).not.toContain(evil);
  });
});

// ----- the notifier ---------------------------------------------------------------------------

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(opts: Partial<PushNotifierOptions>): Promise<{ rec: NmsRecorder; notifier: PushNotifier; logs: string[] }> {
  const rec = await NmsRecorder.start();
  const logs: string[] = [];
  const notifier = createPushNotifier({ url: rec.url, requestTimeoutMs: 1000, backoffMs: { initial: 5, max: 20 }, log: (l) => logs.push(l), ...opts });
  cleanup.push(() => notifier.close(), () => rec.close());
  return { rec, notifier, logs };
}

describe('the batching notifier', () => {
  test('events notified together go out as one POST when the timer fires; idle() waits for the pending batch', async () => {
    const { rec, notifier, logs } = await setup({ format: 'nms-json', batchWindowMs: 20 });
    for (const uid of [1, 2, 3]) notifier.notify(statusEvent({ uid }));
    notifier.notify(statusEvent({ user: 'bob' }));
    expect(notifier.stats()).toMatchObject({ queued: 0, sent: 0 });
    await notifier.idle();
    expect(rec.posts).toHaveLength(1);
    expect(rec.posts[0]!.contentType).toBe('application/json');
    expect(eventsOf(rec.posts[0]!).filter((e) => e.kind === 'changedObject').map((e) => `${e.user} ${e.index}`)).toEqual(
      expect.arrayContaining(['alice 1', 'alice 1', 'alice 1', 'bob 1']));
    expect(notifier.stats()).toMatchObject({ sent: 1, failed: 0 });
    // the next batch continues each user's index
    notifier.notify(statusEvent({ uid: 9 }));
    await notifier.idle();
    expect(rec.posts.map((p) => p.json!.notificationList.map((l) => `${l.nmsEventList.callbackData} ${l.nmsEventList.index}`))).toEqual([
      ['alice 1', 'bob 1'], ['alice 2'],
    ]);
    expect(logs.join('\n')).not.toContain(TABLET); // logs never name a device identity
  });

  test('nms-xml POSTs are application/xml with the same Accept; flush() sends before the window', async () => {
    const { rec, notifier } = await setup({ format: 'nms-xml', batchWindowMs: 60_000 });
    notifier.notify(statusEvent({ uid: 1 }));
    notifier.notify(statusEvent({ uid: 2, triggeringDevice: PHONE }));
    const got = rec.next(2);
    notifier.flush();
    const posts = await got;
    expect(posts.map((p) => p.contentType)).toEqual(['application/xml; charset=utf-8', 'application/xml; charset=utf-8']);
    expect(posts.map((p) => p.xml!['cpm:statusNotification']['cpm:triggeringDevice'])).toEqual([TABLET, PHONE]);
    expect(posts.map((p) => p.xml!['cpm:statusNotification'].nmsEventList.index)).toEqual(['1', '2']);
    notifier.flush(); // nothing pending: no-op
    await notifier.idle();
    expect(rec.posts).toHaveLength(2);
  });

  test('close() discards a pending batch and counts its events as dropped', async () => {
    const { rec, notifier } = await setup({ format: 'nms-json', batchWindowMs: 60_000 });
    notifier.notify(statusEvent({ uid: 1 }));
    notifier.notify(statusEvent({ uid: 2 }));
    await notifier.close();
    expect(notifier.stats()).toMatchObject({ dropped: 2, sent: 0 });
    await notifier.idle();
    expect(rec.posts).toEqual([]);
  });

  test('the nmsTransform hook can drop or duplicate a POST', async () => {
    const { rec, notifier } = await setup({ format: 'nms-json', batchWindowMs: 1, nmsTransform: (p) => (p.lists[0]!.user === 'bob' ? null : [p, p]) });
    notifier.notify(statusEvent({ user: 'bob' }));
    await notifier.idle();
    notifier.notify(statusEvent({}));
    await notifier.idle();
    expect(rec.posts).toHaveLength(2);
    expect(rec.posts[0]!.body).toBe(rec.posts[1]!.body);
    expect(notifier.stats()).toMatchObject({ suppressed: 1, sent: 2 });
  });

  test("format 'reference' (explicit or default) sends today's body, ignoring sessionDevice and the batch window", async () => {
    for (const opts of [{}, { format: 'reference' as const, batchWindowMs: 60_000 }]) {
      const { rec, notifier } = await setup(opts);
      const ev = statusEvent({ sessionDevice: PHONE });
      notifier.notify(ev);
      await notifier.idle();
      expect(rec.posts).toHaveLength(1);
      expect(rec.posts[0]!.contentType).toBe('application/json');
      expect(rec.posts[0]!.body).toBe(JSON.stringify(buildStatusPayload(statusEvent(), 1)));
    }
  });

  test('an unknown format is refused', () => {
    expect(() => createPushNotifier({ url: 'http://127.0.0.1:1/', format: 'soap' as never })).toThrow(/push format/);
  });
});
