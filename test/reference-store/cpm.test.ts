// CR behaviour: device identity per session (login form, IMAP ID), Message-seen-identity /
// Message-delete-identity header binding, PF keyword and rewrite paths, PUSH notifications.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeKeywordId, encodeKeywordId, seenKeyword, deletedKeyword, type ReferenceStore } from '../../reference-store/index.js';
import { ALICE_PHONE, ALICE_TABLET, ALICE_WEB, RawClient, chatMessage, startStore, voicemail } from './helpers.js';
import { PushRecorder } from './push-recorder.js';

let push: PushRecorder;
let store: ReferenceStore;
let n = 0;
let box: string;

beforeAll(async () => {
  push = await PushRecorder.start();
  store = await startStore({ push: { url: push.url } });
});
afterAll(async () => { await store.stop(); await push.close(); });
beforeEach(() => { box = `RCSMessageStore/cpm-${++n}`; });

async function device(user: string, pass: string): Promise<RawClient> {
  const c = await RawClient.open(store);
  await c.login(user, pass);
  return c;
}

async function header(c: RawClient, uid: number): Promise<string> {
  const r = await c.cmd(`UID FETCH ${uid} (RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[])`);
  return r.lines.join('\r\n');
}

function sizeMatches(fetchText: string): boolean {
  const size = Number(/RFC822\.SIZE (\d+)/.exec(fetchText)![1]);
  const body = Number(/BODY\[\] \{(\d+)\}/.exec(fetchText)![1]);
  return size === body;
}

describe('device identity and PUSH', () => {
  it('attributes seen / deleted / expunged to the acting device and shows the header fields', async () => {
    const phone = await device(`alice#${ALICE_PHONE}`, 'phone-pw');
    const tablet = await device(`alice#${ALICE_TABLET}`, 'alice-pw'); // the user's password works too
    await phone.cmd(`CREATE "${box}"`);
    const uid = await phone.append(box, chatMessage({ imdn: 'cpm-1' }));
    await push.waitFor((c) => c.imdnMessageId === 'cpm-1' && c.event === 'new');
    await tablet.cmd(`SELECT "${box}"`);
    await tablet.cmd(`UID FETCH ${uid} BODY[]`); // implicit \Seen by the tablet
    const seen = await push.waitFor((c) => c.imdnMessageId === 'cpm-1' && c.event === 'seen');
    expect(seen).toMatchObject({ triggeringDevice: ALICE_TABLET, objectType: 'message', user: 'alice', folder: box, uid });
    let h = await header(tablet, uid);
    expect(h).toContain(`Message-seen-identity: ${ALICE_TABLET}`);
    expect(sizeMatches(h)).toBe(true);
    await phone.cmd(`SELECT "${box}"`);
    await phone.cmd(`UID STORE ${uid} +FLAGS (\\Seen)`); // no-op: first reader stays, nothing pushed
    await phone.cmd(`UID STORE ${uid} +FLAGS (\\Deleted)`);
    const del = await push.waitFor((c) => c.imdnMessageId === 'cpm-1' && c.event === 'deleted');
    expect(del.triggeringDevice).toBe(ALICE_PHONE);
    h = await header(phone, uid);
    expect(h).toContain(`Message-seen-identity: ${ALICE_TABLET}`);
    expect(h).toContain(`Message-delete-identity: ${ALICE_PHONE}`);
    expect(sizeMatches(h)).toBe(true);
    await tablet.cmd('NOOP');
    await tablet.cmd(`UID EXPUNGE ${uid}`); // expunged by the tablet, deleted by the phone
    const exp = await push.waitFor((c) => c.imdnMessageId === 'cpm-1' && c.event === 'expunged');
    expect(exp.triggeringDevice).toBe(ALICE_PHONE);
    await store.pushIdle();
    expect(push.changes((c) => c.imdnMessageId === 'cpm-1').map((c) => c.event)).toEqual(['new', 'seen', 'deleted', 'expunged']);
    expect(push.invalid).toEqual([]);
    phone.close();
    tablet.close();
  });

  it('clears the seen identity on -\\Seen and pushes unseen / undeleted', async () => {
    const web = await device('alice', 'alice-pw');
    await web.cmd(`ID ("name" "web" "+sip.instance" "<${ALICE_WEB}>")`);
    await web.cmd(`CREATE "${box}"`);
    const uid = await web.append(box, chatMessage({ imdn: 'cpm-2' }), '\\Seen');
    await web.cmd(`SELECT "${box}"`);
    expect(await header(web, uid)).toContain(`Message-seen-identity: ${ALICE_WEB}`);
    await web.cmd(`UID STORE ${uid} -FLAGS (\\Seen)`);
    expect(await header(web, uid)).not.toContain('Message-seen-identity');
    await web.cmd(`UID STORE ${uid} +FLAGS (\\Deleted)`);
    await web.cmd(`UID STORE ${uid} -FLAGS (\\Deleted)`);
    await push.waitFor((c) => c.imdnMessageId === 'cpm-2' && c.event === 'undeleted');
    expect(push.changes((c) => c.imdnMessageId === 'cpm-2').map((c) => [c.event, c.triggeringDevice])).toEqual([
      ['new', ALICE_WEB], ['unseen', ALICE_WEB], ['deleted', ALICE_WEB], ['undeleted', ALICE_WEB]]);
    web.close();
  });

  it('learns the device from IMAP ID before or after login; undeclared devices are refused or ignored', async () => {
    const pre = await RawClient.open(store);
    await pre.cmd(`ID ("+sip.instance" "<${ALICE_TABLET}>")`);
    await pre.login('alice', 'alice-pw');
    await pre.cmd(`CREATE "${box}"`);
    await pre.append(box, chatMessage({ imdn: 'cpm-3' }));
    expect((await push.waitFor((c) => c.imdnMessageId === 'cpm-3')).triggeringDevice).toBe(ALICE_TABLET);
    pre.close();

    const unknown = await device('alice', 'alice-pw');
    const id = await unknown.cmd('ID ("+sip.instance" "<urn:uuid:00000000-0000-4000-8000-000000000000>")');
    expect(id.status).toBe('OK');
    expect(id.lines.some((l) => /^\* OK Unknown device/.test(l))).toBe(true);
    await unknown.append(box, chatMessage({ imdn: 'cpm-4' }));
    expect((await push.waitFor((c) => c.imdnMessageId === 'cpm-4')).triggeringDevice).toBeNull();
    unknown.close();

    const refused = await RawClient.open(store);
    expect((await refused.cmd('LOGIN "alice#urn:uuid:00000000-0000-4000-8000-000000000000" "alice-pw"')).status).toBe('NO');
    expect((await refused.cmd(`LOGIN "bob#${ALICE_PHONE}" "bob-pw"`)).status).toBe('NO');
    expect((await refused.cmd(`LOGIN "alice#${ALICE_PHONE}" "tablet-pw"`)).status).toBe('NO');
    refused.close();
  });

  it('classifies voicemail, and sends nothing for session-info objects', async () => {
    const c = await device(`alice#${ALICE_PHONE}`, 'phone-pw');
    await c.append('RCSMessageStore/Voicemail', voicemail('vm-1'));
    expect((await push.waitFor((x) => x.imdnMessageId === 'vm-1')).objectType).toBe('voicemail');
    await c.cmd(`CREATE "${box}"`);
    await c.append(box, 'Content-Type: application/x-cpm-session+xml\r\nIMDN-Message-ID: si-1\r\n\r\n<session-info/>\r\n');
    await c.append(box, chatMessage({ imdn: 'barrier-1' }));
    await push.waitFor((x) => x.imdnMessageId === 'barrier-1');
    expect(push.changes((x) => x.imdnMessageId === 'si-1')).toEqual([]);
    c.close();
  });
});

describe('PF path', () => {
  it('keyword: UID STORE +FLAGS (\\Seen $CPMSeenBy_<id>) attributes the change to that device', async () => {
    const phone = await device(`alice#${ALICE_PHONE}`, 'phone-pw');
    await phone.cmd(`CREATE "${box}"`);
    const uid = await phone.append(box, chatMessage({ imdn: 'pf-1' }));
    const pf = await RawClient.open(store);
    expect((await pf.cmd(`AUTHENTICATE PLAIN ${Buffer.from('alice\0pf\0pf-pw').toString('base64')}`)).status).toBe('OK');
    await pf.cmd(`SELECT "${box}"`);
    const r = await pf.cmd(`UID STORE ${uid} +FLAGS (\\Seen ${seenKeyword(ALICE_TABLET)})`);
    expect(r.lines[0]).toMatch(/FLAGS \(\\Seen \\Recent\)|FLAGS \(\\Seen\)/);
    expect((await push.waitFor((c) => c.imdnMessageId === 'pf-1' && c.event === 'seen')).triggeringDevice).toBe(ALICE_TABLET);
    await pf.cmd(`UID STORE ${uid} +FLAGS (\\Deleted ${deletedKeyword(`<sip:alice@example.com;gr=${ALICE_WEB}>`)})`);
    expect((await push.waitFor((c) => c.imdnMessageId === 'pf-1' && c.event === 'deleted')).triggeringDevice)
      .toBe(`sip:alice@example.com;gr=${ALICE_WEB}`);
    await pf.cmd(`UID STORE ${uid} -FLAGS (\\Seen)`); // names no device
    expect((await push.waitFor((c) => c.imdnMessageId === 'pf-1' && c.event === 'unseen')).triggeringDevice).toBeNull();
    expect(await header(pf, uid)).toContain(`Message-delete-identity: sip:alice@example.com;gr=${ALICE_WEB}`);
    pf.close();
    phone.close();
  });

  it('rewrite: APPEND of a copy carrying Message-seen-identity, then EXPUNGE of the old copy, yields one seen notification', async () => {
    const phone = await device(`alice#${ALICE_PHONE}`, 'phone-pw');
    await phone.cmd(`CREATE "${box}"`);
    const original = chatMessage({ imdn: 'pf-2' });
    const oldUid = await phone.append(box, original);
    await push.waitFor((c) => c.imdnMessageId === 'pf-2' && c.event === 'new');
    const pf = await device('alice*pf', 'pf-pw');
    const rewritten = original.replace('Content-Type: Message/CPIM', `Content-Type: Message/CPIM\r\nMessage-seen-identity: ${ALICE_TABLET}`);
    const newUid = await pf.append(box, rewritten, '\\Seen');
    await pf.cmd(`SELECT "${box}"`);
    await pf.cmd(`UID STORE ${oldUid} +FLAGS.SILENT (\\Deleted)`);
    await pf.cmd(`UID EXPUNGE ${oldUid}`);
    await pf.append(box, chatMessage({ imdn: 'barrier-2' }));
    await push.waitFor((c) => c.imdnMessageId === 'barrier-2');
    await store.pushIdle();
    const events = push.changes((c) => c.imdnMessageId === 'pf-2');
    expect(events.map((c) => [c.event, c.uid, c.triggeringDevice])).toEqual([['new', oldUid, ALICE_PHONE], ['seen', newUid, ALICE_TABLET]]);
    const h = (await pf.cmd(`UID FETCH ${newUid} BODY.PEEK[HEADER]`)).lines.join('\n');
    expect(h.match(/Message-seen-identity/g)).toHaveLength(1);
    pf.close();
    phone.close();
  });

  it('PF logins: user*pf and AUTHENTICATE authzid; wrong PF password refused', async () => {
    const c = await RawClient.open(store);
    expect((await c.cmd('LOGIN "alice*pf" "wrong"')).status).toBe('NO');
    expect((await c.cmd(`AUTHENTICATE PLAIN ${Buffer.from('nobody\0pf\0pf-pw').toString('base64')}`)).status).toBe('NO');
    expect((await c.cmd('LOGIN "bob*pf" "pf-pw"')).status).toBe('OK');
    c.close();
  });
});

describe('identity binding none and keyword encoding', () => {
  it('does not expose identities with identityBinding none', async () => {
    const s2 = await startStore({ identityBinding: 'none' });
    const c = await RawClient.open(s2);
    await c.login(`alice#${ALICE_PHONE}`, 'phone-pw');
    const uid = await c.append('INBOX', chatMessage({ imdn: 'nb-1' }), '\\Seen \\Deleted');
    await c.cmd('SELECT INBOX');
    expect(await header(c, uid)).not.toMatch(/Message-(seen|delete)-identity/);
    c.close();
    await s2.stop();
  });

  it('maps device ids into keyword atoms reversibly', () => {
    for (const id of [ALICE_PHONE, ALICE_TABLET, '<sip:alice@example.com;gr=urn:uuid:1>', 'a b(c)=%*"\\]é']) {
      const enc = encodeKeywordId(id);
      expect(enc).toMatch(/^[A-Za-z0-9:.\-_@+;/=]+$/);
      expect(decodeKeywordId(enc)).toBe(id);
    }
    expect(encodeKeywordId('<x=y>')).toBe('=3Cx=3Dy=3E');
  });

  it('runs two stores in one process', async () => {
    const s2 = await startStore();
    expect(s2.port).not.toBe(store.port);
    const c = await RawClient.open(s2);
    await c.login('bob', 'bob-pw');
    c.close();
    await s2.stop();
  });
});
