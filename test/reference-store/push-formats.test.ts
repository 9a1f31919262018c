// The NMS PUSH formats driven over IMAP: full flag state, deletedObject for expunge, batching of one command's
// changes into one POST, several users in one nms-json POST, one nms-xml POST per triggering device, per-user
// index, the deterministic shuffle, the device fields, and the batch timer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shuffleBySeed, type ReferenceStore } from '../../reference-store/index.js';
import { ALICE_PHONE, ALICE_TABLET, ALICE_WEB, BOB_PHONE, RawClient, chatMessage, startStore } from './helpers.js';
import { NmsRecorder, eventsOf, nmsJsonErrors, objectEvents, type RawPost, type SeenEvent } from './push/nms-recorder.js';

/** Long enough never to fire during a test step: each step ends with pushFlush(), so batches are exact. */
const MANUAL = 60_000;

async function login(store: ReferenceStore, user: string, pass: string): Promise<RawClient> {
  const c = await RawClient.open(store);
  await c.login(user, pass);
  return c;
}

const uidOf = (e: SeenEvent): number => Number(/\/;UID=(\d+)$/.exec(e.resourceURL)![1]);

/** Object events in the order the store produced them (MODSEQ, then UID), then the changedFolder events. */
function canonicalOrder(events: SeenEvent[]): SeenEvent[] {
  const objects = events.filter((e) => e.kind !== 'changedFolder').sort((a, b) => a.lastModSeq - b.lastModSeq || uidOf(a) - uidOf(b));
  return [...objects, ...events.filter((e) => e.kind === 'changedFolder')];
}

/** The events of each list of a post (nms-json: one list per user). */
function listsOf(post: RawPost): SeenEvent[][] {
  const by = new Map<string, SeenEvent[]>();
  for (const e of eventsOf(post)) {
    const k = `${e.user} ${e.index}`;
    by.set(k, [...(by.get(k) ?? []), e]);
  }
  return [...by.values()];
}

describe.each(['nms-json', 'nms-xml'] as const)('PUSH format %s', (format) => {
  let push: NmsRecorder;
  let store: ReferenceStore;
  let phone: RawClient;
  let tablet: RawClient;
  let n = 0;
  const all: RawPost[] = [];

  beforeAll(async () => {
    push = await NmsRecorder.start();
    store = await startStore({ push: { url: push.url, format, batchWindowMs: MANUAL } });
    phone = await login(store, `alice#${ALICE_PHONE}`, 'phone-pw');
    tablet = await login(store, `alice#${ALICE_TABLET}`, 'tablet-pw');
  });
  afterAll(async () => {
    phone.close();
    tablet.close();
    await store.stop();
    await push.close();
  });

  /** Runs IMAP commands, sends the batch and returns the `posts` POSTs it produced. */
  async function step(posts: number, fn: () => Promise<void>): Promise<RawPost[]> {
    await fn();
    const got = push.next(posts);
    store.pushFlush();
    const out = await got;
    all.push(...out);
    return out;
  }

  async function folderWith(count: number, flags = ''): Promise<{ box: string; uids: number[]; imdns: string[] }> {
    const box = `RCSMessageStore/${format}-${++n}`;
    const imdns = Array.from({ length: count }, (_, i) => `${format}-${n}-${i + 1}`);
    const uids: number[] = [];
    await step(1, async () => {
      await phone.cmd(`CREATE "${box}"`);
      for (const imdn of imdns) uids.push(await phone.append(box, chatMessage({ imdn }), flags));
    });
    await phone.cmd(`SELECT "${box}"`);
    await tablet.cmd(`SELECT "${box}"`);
    return { box, uids, imdns };
  }

  it('seen: one changedObject listing all current flags, the reading device, and the folder event', async () => {
    const { box, uids, imdns } = await folderWith(1, '$MDNSent');
    const [post] = await step(1, async () => { await tablet.cmd(`UID FETCH ${uids[0]} BODY[]`); });
    expect(post!.contentType).toBe(format === 'nms-json' ? 'application/json' : 'application/xml; charset=utf-8');
    const events = eventsOf(post!);
    const objects = events.filter((e) => e.kind !== 'changedFolder');
    expect(objects).toHaveLength(1);
    const enc = encodeURIComponent(box);
    expect(objects[0]).toMatchObject({
      user: 'alice', kind: 'changedObject', flags: ['$MDNSent', '\\Seen'], correlationId: imdns[0], triggerDevice: ALICE_TABLET,
      ...(format === 'nms-json' ? { sessionDevice: ALICE_TABLET } : {}),
    });
    expect(objects[0]!.parentFolder).toMatch(new RegExp(`^imap://alice@127\\.0\\.0\\.1:${store.port}/${enc};UIDVALIDITY=\\d+$`));
    expect(objects[0]!.resourceURL).toBe(`${objects[0]!.parentFolder}/;UID=${uids[0]}`);
    const folder = events.filter((e) => e.kind === 'changedFolder');
    expect(folder).toEqual([expect.objectContaining({ resourceURL: objects[0]!.parentFolder, parentFolder: `imap://alice@127.0.0.1:${store.port}/RCSMessageStore`, lastModSeq: objects[0]!.lastModSeq })]);
  });

  it('-\\Seen: a changedObject whose flags no longer contain \\Seen, naming no flag', async () => {
    const { uids } = await folderWith(1, '$MDNSent \\Seen');
    const [post] = await step(1, async () => { await tablet.cmd(`UID STORE ${uids[0]} -FLAGS (\\Seen)`); });
    const [ev] = objectEvents([post!]);
    expect(ev).toMatchObject({ kind: 'changedObject', flags: ['$MDNSent'], triggerDevice: ALICE_TABLET });
    if (format === 'nms-json') {
      expect(Object.keys(post!.json!.notificationList[0]!.nmsEventList.nmsEvent.find((e) => 'changedObject' in e)!.changedObject as object))
        .toEqual(['parentFolder', 'flags', 'resourceURL', 'lastModSeq', 'correlationId', 'message']);
    } else {
      expect(post!.body).not.toMatch(/unseen|removed/i);
    }
  });

  it('a multi-message STORE gives one POST with one event per object', async () => {
    const { uids, imdns } = await folderWith(3);
    const posts = await step(1, async () => { await phone.cmd(`UID STORE ${uids[0]}:${uids[2]} +FLAGS (\\Seen)`); });
    expect(posts).toHaveLength(1);
    const objects = objectEvents(posts);
    expect(objects.map(uidOf).sort()).toEqual([...uids].sort());
    expect(objects.map((e) => e.correlationId).sort()).toEqual([...imdns].sort());
    for (const e of objects) expect(e).toMatchObject({ kind: 'changedObject', flags: ['\\Seen'], triggerDevice: ALICE_PHONE });
    expect(eventsOf(posts[0]!).filter((e) => e.kind === 'changedFolder')).toHaveLength(1);
  });

  it('deleted and expunged in one POST: changedObject with \\Deleted, then a deletedObject naming the deleting device', async () => {
    const { uids, imdns } = await folderWith(2);
    const posts = await step(1, async () => {
      await phone.cmd(`UID STORE ${uids[0]}:${uids[1]} +FLAGS (\\Deleted)`);
      await tablet.cmd('NOOP');
      await tablet.cmd(`UID EXPUNGE ${uids[0]}:${uids[1]}`); // expunged by the tablet, deleted by the phone
    });
    const objects = objectEvents(posts);
    expect(objects.filter((e) => e.kind === 'changedObject').map((e) => e.flags)).toEqual([['\\Deleted'], ['\\Deleted']]);
    const deleted = objects.filter((e) => e.kind === 'deletedObject');
    expect(deleted.map((e) => e.correlationId).sort()).toEqual([...imdns].sort());
    for (const e of deleted) {
      expect(e.triggerDevice).toBe(ALICE_PHONE);
      if (format === 'nms-json') expect(e.sessionDevice).toBe(ALICE_TABLET);
      else expect(e).not.toHaveProperty('sessionDevice');
    }
  });

  it('the PF keyword path: trigger-device is the device the PF named; the PF session has no device', async () => {
    const { box, uids } = await folderWith(1);
    const pf = await login(store, 'alice*pf', 'pf-pw');
    await pf.cmd(`SELECT "${box}"`);
    const posts = await step(1, async () => { await pf.cmd(`UID STORE ${uids[0]} +FLAGS (\\Seen $CPMSeenBy_${ALICE_WEB})`); });
    pf.close();
    const [ev] = objectEvents(posts);
    expect(ev).toMatchObject({ flags: ['\\Seen'], triggerDevice: ALICE_WEB });
    expect(ev).not.toHaveProperty('sessionDevice');
  });

  it('a change by a session whose device is unknown carries no device identity', async () => {
    const { box, uids } = await folderWith(1);
    const plain = await login(store, 'alice', 'alice-pw');
    await plain.cmd(`SELECT "${box}"`);
    const posts = await step(1, async () => { await plain.cmd(`UID STORE ${uids[0]} +FLAGS (\\Seen)`); });
    plain.close();
    const [ev] = objectEvents(posts);
    expect(ev).not.toHaveProperty('triggerDevice');
    expect(ev).not.toHaveProperty('sessionDevice');
    expect(posts[0]!.body).not.toContain('trigger-device');
    expect(posts[0]!.body).not.toContain('triggeringDevice');
  });

  if (format === 'nms-json') {
    it('changes of two users in one batch: one POST, one nmsEventList per user with its own index', async () => {
      const { uids } = await folderWith(1);
      const bob = await login(store, `bob#${BOB_PHONE}`, 'bob-phone-pw');
      let bobUid = 0;
      await step(1, async () => {
        await bob.cmd('CREATE "RCSMessageStore/b"');
        bobUid = await bob.append('RCSMessageStore/b', chatMessage({ imdn: 'bob-1' }));
      });
      await bob.cmd('SELECT "RCSMessageStore/b"');
      const [post] = await step(1, async () => {
        await phone.cmd(`UID STORE ${uids[0]} +FLAGS (\\Seen)`);
        await bob.cmd(`UID STORE ${bobUid} +FLAGS (\\Seen)`);
      });
      bob.close();
      const lists = post!.json!.notificationList.map((l) => l.nmsEventList);
      expect(lists.map((l) => l.callbackData)).toEqual(['alice', 'bob']);
      expect(lists[1]!.index).toBe(2); // bob's APPEND was bob's first list
      expect(lists[0]!.link).toEqual([{ rel: 'NmsSubscription', href: `imap://127.0.0.1:${store.port}/subscriptions/alice` }]);
      const bobEvents = eventsOf(post!).filter((e) => e.user === 'bob' && e.kind === 'changedObject');
      expect(bobEvents).toEqual([expect.objectContaining({ correlationId: 'bob-1', triggerDevice: BOB_PHONE, flags: ['\\Seen'] })]);
      expect(bobEvents[0]!.resourceURL).toMatch(/^imap:\/\/bob@/);
    });
  } else {
    it('changes by two devices in one batch: one POST per triggering device, the device at notification level', async () => {
      const { uids } = await folderWith(2);
      const posts = await step(2, async () => {
        await phone.cmd(`UID STORE ${uids[0]} +FLAGS (\\Seen)`);
        await tablet.cmd(`UID STORE ${uids[1]} +FLAGS (\\Seen)`);
      });
      const byDevice = posts.map((p) => [p.xml!['cpm:statusNotification']['cpm:triggeringDevice'], objectEvents([p]).map(uidOf)]);
      expect(byDevice).toEqual([[ALICE_PHONE, [uids[0]]], [ALICE_TABLET, [uids[1]]]]);
      const [i1, i2] = posts.map((p) => Number(p.xml!['cpm:statusNotification'].nmsEventList.index));
      expect(i2).toBe(i1! + 1);
    });
  }

  it('index: per user, 1, 2, 3… in the order the lists were sent', () => {
    const perUser = new Map<string, number[]>();
    for (const p of all) for (const l of listsOf(p)) perUser.set(l[0]!.user, [...(perUser.get(l[0]!.user) ?? []), l[0]!.index]);
    expect(perUser.get('alice')!.length).toBeGreaterThan(5);
    for (const [, idx] of perUser) expect(idx).toEqual(idx.map((_, i) => i + 1));
  });

  it('events of a list are in the deterministic order shuffleBySeed(produced order, index); the status event is often not first', () => {
    let notFirst = 0;
    let lists = 0;
    for (const p of all) {
      for (const l of listsOf(p)) {
        lists++;
        expect(l).toEqual(shuffleBySeed(canonicalOrder(l), l[0]!.index));
        if (l[0]!.kind === 'changedFolder') notFirst++;
      }
    }
    expect(lists).toBeGreaterThan(5);
    expect(notFirst).toBeGreaterThan(0);
    expect(notFirst).toBeLessThan(lists);
  });

  it(format === 'nms-json' ? 'every body follows fixtures/push/nms-json/nms-json.schema.json' : 'every body is well-formed NMS XML in XSD element order', () => {
    expect(all.length).toBeGreaterThan(5);
    for (const p of all) {
      expect(p.error).toBeUndefined();
      if (format === 'nms-json') {
        expect(nmsJsonErrors(p.json)).toBe('');
        continue;
      }
      const root = p.xml!['cpm:statusNotification'];
      expect(root['@_xmlns']).toBe('urn:oma:xml:rest:netapi:nms:1');
      expect(root['@_xmlns:cpm']).toBe('urn:cpm-conformance:push:1');
      expect(p.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<cpm:statusNotification ')).toBe(true);
      for (const m of p.body.matchAll(/<changedObject>([\s\S]*?)<\/changedObject>/g)) {
        expect([...m[1]!.matchAll(/^ {8}<(\w+)/gm)].map((x) => x[1])).toEqual(['parentFolder', 'flags', 'resourceURL', 'lastModSeq', 'correlationId']);
      }
      for (const m of p.body.matchAll(/<deletedObject>([\s\S]*?)<\/deletedObject>/g)) {
        expect([...m[1]!.matchAll(/^ {8}<(\w+)/gm)].map((x) => x[1])).toEqual(['resourceURL', 'lastModSeq', 'correlationId']);
      }
      for (const m of p.body.matchAll(/<changedFolder>([\s\S]*?)<\/changedFolder>/g)) {
        expect([...m[1]!.matchAll(/^ {8}<(\w+)/gm)].map((x) => x[1])).toEqual(['parentFolder', 'resourceURL', 'name', 'lastModSeq']);
      }
      // NmsEventList: nmsEvent* before index; the wrapper: user, triggeringDevice?, nmsEventList
      expect([...p.body.matchAll(/^ {2}<([\w:]+)/gm)].map((x) => x[1])).toEqual(
        root['cpm:triggeringDevice'] !== undefined ? ['cpm:user', 'cpm:triggeringDevice', 'nmsEventList'] : ['cpm:user', 'nmsEventList']);
      expect(p.body).toMatch(/<\/nmsEvent>\n {4}<index>\d+<\/index>\n {2}<\/nmsEventList>/);
    }
  });
});

describe('the batch window', () => {
  for (const format of ['nms-json', 'nms-xml'] as const) {
    it(`${format}: the timer armed at the first event sends the batch (default window), IMAP is not held up`, async () => {
      const push = await NmsRecorder.start();
      const store = await startStore({ push: { url: push.url, format } });
      try {
        const c = await login(store, `alice#${ALICE_PHONE}`, 'phone-pw');
        await c.cmd('CREATE "RCSMessageStore/t"');
        const first = push.next(1);
        const uid = await c.append('RCSMessageStore/t', chatMessage({ imdn: 'timer-1' }));
        await first;
        await c.cmd('SELECT "RCSMessageStore/t"');
        const posted = push.next(1);
        const started = Date.now();
        const r = await c.cmd(`UID STORE ${uid} +FLAGS (\\Seen)`);
        expect(r.status).toBe('OK');
        const [post] = await posted;
        expect(Date.now() - started).toBeLessThan(2000);
        expect(objectEvents([post!])).toEqual([expect.objectContaining({ correlationId: 'timer-1', flags: ['\\Seen'] })]);
        await store.pushIdle();
        c.close();
      } finally {
        await store.stop();
        await push.close();
      }
    });
  }

  it('a batch window of 300 ms puts the changes of separate commands into one POST', async () => {
    const push = await NmsRecorder.start();
    const store = await startStore({ push: { url: push.url, format: 'nms-json', batchWindowMs: 300 } });
    try {
      const c = await login(store, `alice#${ALICE_PHONE}`, 'phone-pw');
      await c.cmd('CREATE "RCSMessageStore/w"');
      const posted = push.next(1);
      const a = await c.append('RCSMessageStore/w', chatMessage({ imdn: 'w-1' }));
      await c.cmd('SELECT "RCSMessageStore/w"');
      await c.cmd(`UID STORE ${a} +FLAGS (\\Seen)`);
      const [post] = await posted;
      expect(objectEvents([post!]).map((e) => e.flags)).toEqual(expect.arrayContaining([[], ['\\Seen']]));
      await store.pushIdle();
      expect(push.posts).toHaveLength(1);
      c.close();
    } finally {
      await store.stop();
      await push.close();
    }
  });
});
