// RFC 3501 core of the reference store, driven by imapflow and by a raw socket client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferenceStore } from '../../reference-store/index.js';
import { ALICE_PHONE, RawClient, chatMessage, imapflowClient, startStore, until } from './helpers.js';

let store: ReferenceStore;
beforeAll(async () => { store = await startStore({ idleTimeoutMs: 400, maxLiteralBytes: 4096 }); });
afterAll(async () => { await store.stop(); });

describe('imapflow client', () => {
  it('logs in, lists, appends, fetches, stores, searches, copies, moves and expunges', async () => {
    const c = imapflowClient(store, `alice#${ALICE_PHONE}`, 'phone-pw');
    await c.connect();
    try {
      const boxes = await c.list();
      expect(boxes.map((b) => b.path)).toEqual(expect.arrayContaining(['INBOX', 'RCSMessageStore', 'RCSMessageStore/Voicemail']));
      await c.mailboxCreate('RCSMessageStore/tel:+15551230002');
      const a = await c.append('RCSMessageStore/tel:+15551230002', chatMessage({ imdn: 'core-1' }), ['\\Flagged']);
      expect(a).toMatchObject({ uid: 1 });
      await c.append('RCSMessageStore/tel:+15551230002', chatMessage({ imdn: 'core-2', body: 'second one' }));
      const lock = await c.getMailboxLock('RCSMessageStore/tel:+15551230002');
      try {
        const msgs = await c.fetchAll('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, size: true, source: true, headers: ['imdn-message-id'] });
        expect(msgs).toHaveLength(2);
        expect(msgs[0]!.flags?.has('\\Flagged')).toBe(true);
        expect(msgs[0]!.headers?.toString()).toContain('IMDN-Message-ID: core-1');
        expect(msgs[0]!.size).toBe(msgs[0]!.source!.length);
        expect(new Date(msgs[0]!.envelope!.date!).toISOString()).toBe('2026-11-24T10:00:00.000Z');
        expect(msgs[0]!.bodyStructure?.type).toBe('message/cpim');
        const part = await c.fetchOne('2', { bodyParts: ['TEXT'] }, { uid: true });
        expect(part && part.bodyParts?.get('text')?.toString()).toContain('second one');
        expect(await c.search({ body: 'second one' }, { uid: true })).toEqual([2]);
        expect(await c.search({ header: { 'imdn-message-id': 'core-1' } }, { uid: true })).toEqual([1]);
        await c.messageFlagsAdd('1', ['\\Seen'], { uid: true });
        expect(await c.search({ seen: true }, { uid: true })).toEqual([1]);
        expect(await c.search({ or: [{ uid: '1' }, { keyword: 'nothing' }] }, { uid: true })).toEqual([1]);
        const copied = await c.messageCopy('1', 'INBOX', { uid: true });
        expect(copied && copied.uidMap?.size).toBe(1);
        const moved = await c.messageMove('2', 'INBOX', { uid: true });
        expect(moved && moved.uidMap?.size).toBe(1);
        await c.messageDelete('1', { uid: true });
        const st = await c.status('RCSMessageStore/tel:+15551230002', { messages: true, uidNext: true, unseen: true });
        expect(st).toMatchObject({ messages: 0, uidNext: 3 });
      } finally { lock.release(); }
      const inbox = await c.status('INBOX', { messages: true });
      expect(inbox && inbox.messages).toBeGreaterThanOrEqual(2);
    } finally { await c.logout(); }
  });
});

describe('raw protocol', () => {
  it('AUTHENTICATE PLAIN with SASL-IR, with continuation, and with an authzid', async () => {
    const c = await RawClient.open(store);
    const ir = Buffer.from('\0alice\0alice-pw').toString('base64');
    expect((await c.cmd(`AUTHENTICATE PLAIN ${ir}`)).status).toBe('OK');
    c.close();
    const d = await RawClient.open(store);
    d.write('a1 AUTHENTICATE PLAIN\r\n');
    await d.waitLine(/^\+/);
    d.write(Buffer.from('alice\0alice\0alice-pw').toString('base64') + '\r\n');
    expect(await d.waitLine(/^a1 /)).toMatch(/^a1 OK/);
    d.close();
    const e = await RawClient.open(store);
    expect((await e.cmd(`AUTHENTICATE PLAIN ${Buffer.from('\0alice\0wrong').toString('base64')}`)).text).toMatch(/AUTHENTICATIONFAILED/);
    e.close();
  });

  it('answers malformed input with BAD and keeps the connection', async () => {
    const c = await RawClient.open(store);
    c.write('\r\n');
    c.write('no-command-here\r\n');
    expect((await c.cmd('FROB')).status).toBe('BAD');
    expect((await c.cmd('LOGIN "unterminated')).status).toBe('BAD');
    expect((await c.cmd('SELECT INBOX')).status).toBe('BAD'); // wrong state
    await c.login('alice', 'alice-pw');
    expect((await c.cmd('SELECT INBOX')).status).toBe('OK');
    expect((await c.cmd('FETCH 99999 FLAGS')).status).toBe('BAD');
    expect((await c.cmd('FETCH 1:* (BODY[FOO])')).status).toBe('BAD');
    expect((await c.cmd('STORE x +FLAGS (\\Seen)')).status).toBe('BAD');
    expect((await c.cmd('SEARCH NOSUCHKEY')).status).toBe('BAD');
    expect((await c.cmd('UID BOGUS 1')).status).toBe('BAD');
    expect((await c.cmd('NOOP')).status).toBe('OK');
    c.close();
  });

  it('refuses an oversize synchronising literal without reading it', async () => {
    const c = await RawClient.open(store);
    await c.login('alice', 'alice-pw');
    const r = await c.cmd('APPEND INBOX {999999}');
    expect(r.status).toBe('NO');
    expect(r.text).toMatch(/TOOBIG/);
    expect(r.lines.some((l) => l.startsWith('+'))).toBe(false);
    expect((await c.cmd('NOOP')).status).toBe('OK');
    c.close();
  });

  it('survives random garbage (small fuzz)', async () => {
    let seed = 42;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const alphabet = 'a1 ()[]{}<>"\\*%+-.:\r\n\0SELECTFETCHBODYUID{3}NIL';
    const c = await RawClient.open(store);
    await c.login('alice', 'alice-pw');
    for (let i = 0; i < 200; i++) {
      let s = '';
      const len = rnd(60);
      for (let k = 0; k < len; k++) s += alphabet[rnd(alphabet.length)];
      c.write(`f${i} ${s}\r\n`);
    }
    c.write('\r\n\r\n'); // finish any literal the garbage may have announced
    const r = await c.cmd('NOOP', 5000).catch(async () => c.cmd('NOOP', 5000));
    expect(r.status).toBe('OK');
    const other = await RawClient.open(store);
    await other.login('bob', 'bob-pw');
    other.close();
    c.close();
  });

  it('logs out a silent client after idleTimeoutMs', async () => {
    const c = await RawClient.open(store);
    await c.waitLine(/^\* BYE/, 0, 3000);
    await until(() => c.closed, 2000, 'socket closed');
  });

  it("never lets one user see another user's mailboxes", async () => {
    const a = await RawClient.open(store);
    await a.login('alice', 'alice-pw');
    await a.cmd('CREATE "alice-private"');
    await a.append('alice-private', chatMessage({ imdn: 'secret-1' }));
    const b = await RawClient.open(store);
    await b.login('bob', 'bob-pw');
    expect((await b.cmd('SELECT "alice-private"')).status).toBe('NO');
    expect((await b.cmd('STATUS "alice-private" (MESSAGES)')).status).toBe('NO');
    expect((await b.cmd('LIST "" "*"')).lines.join('\n')).not.toContain('alice-private');
    expect((await b.cmd('SELECT "../alice/alice-private"')).status).toBe('NO');
    expect((await b.cmd('LOGIN alice alice-pw')).status).toBe('BAD');
    a.close();
    b.close();
  });

  it('reports changes of other sessions at the next command and \\Recent to one session only', async () => {
    const a = await RawClient.open(store);
    await a.login('bob', 'bob-pw');
    await a.cmd('CREATE recent-test');
    await a.cmd('SELECT recent-test');
    const b = await RawClient.open(store);
    await b.login('bob', 'bob-pw');
    await b.append('recent-test', chatMessage({ imdn: 'r-1' }));
    const noop = await a.cmd('NOOP');
    expect(noop.lines).toContain('* 1 EXISTS');
    expect(noop.lines).toContain('* 1 RECENT');
    const sel = await b.cmd('SELECT recent-test');
    expect(sel.lines).toContain('* 0 RECENT');
    await b.cmd('STORE 1 +FLAGS (\\Deleted)');
    const f = await a.cmd('FETCH 1 FLAGS');
    expect(f.lines.join('\n')).toMatch(/\\Deleted/);
    await b.cmd('EXPUNGE');
    const fetchDuring = await a.cmd('FETCH 1 FLAGS');
    expect(fetchDuring.lines.some((l) => /EXPUNGE/.test(l))).toBe(false); // not during FETCH
    expect((await a.cmd('NOOP')).lines).toContain('* 1 EXPUNGE');
    a.close();
    b.close();
  });
});
