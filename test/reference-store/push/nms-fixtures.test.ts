// The example payloads in fixtures/push/nms-json/examples/ and fixtures/push/nms-xml/examples/ are what the store
// sends: each is produced here by driving the store over IMAP, with only the run-specific port (→ 14143) and
// UIDVALIDITY values (→ 1732500000, 1732500001, … in order of appearance) replaced. JSON files hold the body
// pretty-printed (JSON.stringify(body, null, 2)); XML files hold the body's bytes.
// `UPDATE_FIXTURES=1 npx vitest run --config vitest.project.config.ts test/reference-store/push/nms-fixtures.test.ts`
// rewrites the files.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferenceStore } from '../../../reference-store/index.js';
import { ALICE_PHONE, ALICE_TABLET, BOB_PHONE, RawClient, chatMessage, startStore } from '../helpers.js';
import { NmsRecorder, nmsJsonErrors, parseXml, type RawPost } from './nms-recorder.js';

const UPDATE = process.env.UPDATE_FIXTURES === '1';
const dir = (format: string): URL => new URL(`../../../fixtures/push/${format}/examples/`, import.meta.url);

function normalise(text: string, port: number): string {
  const validities = new Map<string, number>();
  return text
    .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:14143')
    .replace(/;UIDVALIDITY=(\d+)/g, (_, v: string) => {
      if (!validities.has(v)) validities.set(v, 1732500000 + validities.size);
      return `;UIDVALIDITY=${validities.get(v)}`;
    });
}

function fileText(format: string, post: RawPost, port: number): string {
  const text = format === 'nms-json' ? `${JSON.stringify(JSON.parse(post.body), null, 2)}\n` : post.body;
  return normalise(text, port);
}

describe.each(['nms-json', 'nms-xml'] as const)('%s examples', (format) => {
  const ext = format === 'nms-json' ? 'json' : 'xml';
  const produced = new Map<string, string>();
  let push: NmsRecorder;
  let store: ReferenceStore;

  beforeAll(async () => {
    push = await NmsRecorder.start();
    store = await startStore({ push: { url: push.url, format, batchWindowMs: 60_000 } });
    const phone = await RawClient.open(store);
    await phone.login(`alice#${ALICE_PHONE}`, 'phone-pw');
    const tablet = await RawClient.open(store);
    await tablet.login(`alice#${ALICE_TABLET}`, 'tablet-pw');
    const bob = await RawClient.open(store);
    await bob.login(`bob#${BOB_PHONE}`, 'bob-phone-pw');
    const step = async (name: string | null, count: number, fn: () => Promise<void>): Promise<void> => {
      await fn();
      const got = push.next(count);
      store.pushFlush();
      const posts = await got;
      if (name === null) return;
      posts.forEach((p, i) => produced.set(posts.length > 1 ? `${name}-${i + 1}` : name, fileText(format, p, store.port)));
    };
    const conv = 'RCSMessageStore/tel:+15551230002';
    const uids: number[] = [];
    await step(null, format === 'nms-json' ? 1 : 2, async () => {
      await phone.cmd(`CREATE "${conv}"`);
      uids.push(await phone.append(conv, chatMessage({ imdn: 'Xs3kG2nYk8' }), '$MDNSent'));
      for (const imdn of ['Ab1', 'Ab2', 'Ab3']) uids.push(await phone.append(conv, chatMessage({ imdn })));
      await bob.cmd('CREATE "RCSMessageStore/tel:+15551230001"');
      await bob.append('RCSMessageStore/tel:+15551230001', chatMessage({ imdn: 'Bo1', from: '<tel:+15551230002>' }));
    });
    await phone.cmd(`SELECT "${conv}"`);
    await tablet.cmd(`SELECT "${conv}"`);
    await bob.cmd('SELECT "RCSMessageStore/tel:+15551230001"');
    // the tablet reads the first message: \Seen next to $MDNSent
    await step('seen', 1, async () => { await tablet.cmd(`UID FETCH ${uids[0]} BODY[]`); });
    // the phone marks it unread again
    await step('unseen', 1, async () => { await phone.cmd(`UID STORE ${uids[0]} -FLAGS (\\Seen)`); });
    // the phone deletes it, the tablet expunges it: one POST
    await step('deleted-expunged', 1, async () => {
      await phone.cmd(`UID STORE ${uids[0]} +FLAGS (\\Deleted)`);
      await tablet.cmd('NOOP');
      await tablet.cmd(`UID EXPUNGE ${uids[0]}`);
    });
    // one STORE over three messages (nms-json: bob reads his message in the same batch)
    await step('multi-object', 1, async () => {
      await phone.cmd(`UID STORE ${uids[1]}:${uids[3]} +FLAGS (\\Seen)`);
      if (format === 'nms-json') await bob.cmd('UID STORE 1 +FLAGS (\\Seen)');
    });
    for (const c of [phone, tablet, bob]) c.close();
  });
  afterAll(async () => {
    await store.stop();
    await push.close();
  });

  for (const name of ['seen', 'unseen', 'deleted-expunged', 'multi-object']) {
    it(`examples/${name}.${ext} is what the store sends`, () => {
      const text = produced.get(name)!;
      expect(text).toBeDefined();
      const file = new URL(`${name}.${ext}`, dir(format));
      if (UPDATE) writeFileSync(file, text);
      expect(readFileSync(file, 'utf8')).toBe(text);
      if (format === 'nms-json') expect(nmsJsonErrors(JSON.parse(text))).toBe('');
      else expect(() => parseXml(text)).not.toThrow();
    });
  }
});
