// RFC 5465 NOTIFY and RFC 5464 METADATA across two sessions of one user.
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { ReferenceStore } from '../../reference-store/index.js';
import { ALICE_PHONE, ALICE_TABLET, RawClient, chatMessage, startStore } from './helpers.js';

let store: ReferenceStore;
let a: RawClient; // listener (tablet)
let b: RawClient; // actor (phone)
let n = 0;
let box: string;

beforeAll(async () => { store = await startStore(); });
afterAll(async () => { await store.stop(); });
beforeEach(async () => {
  a = await RawClient.open(store);
  await a.login(`alice#${ALICE_TABLET}`, 'tablet-pw');
  b = await RawClient.open(store);
  await b.login(`alice#${ALICE_PHONE}`, 'phone-pw');
  box = `RCSMessageStore/conv-${++n}`;
  await b.cmd(`CREATE "${box}"`);
});
afterEach(() => { a.close(); b.close(); });

const ALL = '(SELECTED (MessageNew (UID BODY.PEEK[HEADER.FIELDS (IMDN-Message-ID)]) MessageExpunge FlagChange)) '
  + '(PERSONAL (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange))';

describe('NOTIFY for the selected mailbox', () => {
  it('pushes EXISTS + FETCH, FETCH FLAGS and EXPUNGE at once, without a command in flight', async () => {
    await a.cmd(`SELECT "${box}"`);
    expect((await a.cmd(`NOTIFY SET ${ALL}`)).status).toBe('OK');
    const mark = a.lines.length;
    await b.append(box, chatMessage({ imdn: 'n-1' }));
    await a.waitLine(/^\* 1 EXISTS$/, mark);
    await a.waitLine(/^\* 1 FETCH \(UID 1 BODY\[HEADER\.FIELDS \(IMDN-MESSAGE-ID\)\] \{\d+\}$/, mark);
    await b.cmd(`SELECT "${box}"`);
    await b.cmd('UID STORE 1 +FLAGS (\\Seen)');
    expect(await a.waitLine(/^\* 1 FETCH \(UID 1 FLAGS/, mark)).toMatch(/\\Seen/);
    await b.cmd('UID STORE 1 +FLAGS (\\Deleted)');
    await b.cmd('UID EXPUNGE 1');
    await a.waitLine(/^\* 1 EXPUNGE$/, mark);
    // nothing of this was requested by a command of session A
    expect(a.lines.slice(mark).some((l) => /^t\d+ /.test(l))).toBe(false);
  });

  it('does not echo a session its own changes as notifications', async () => {
    await a.cmd(`SELECT "${box}"`);
    await a.cmd(`NOTIFY SET ${ALL}`);
    await b.append(box, chatMessage({ imdn: 'n-2' }));
    await a.waitLine(/^\* 1 EXISTS$/);
    const own = await a.cmd('UID STORE 1 +FLAGS (\\Flagged)');
    expect(own.lines.filter((l) => /FETCH/.test(l))).toHaveLength(1); // the normal STORE response
    // barrier: a change by B reaches A; no extra FETCH for A's own change came before it
    const mark = a.lines.length;
    await b.append(box, chatMessage({ imdn: 'n-3' }));
    await a.waitLine(/^\* 2 EXISTS$/, mark);
    expect(a.lines.slice(mark).filter((l) => /^\* 1 FETCH/.test(l))).toHaveLength(0);
    // and B, who has NOTIFY too, saw A's flag change
    await b.cmd(`SELECT "${box}"`);
    await b.cmd(`NOTIFY SET ${ALL}`);
    const m2 = b.lines.length;
    await a.cmd('UID STORE 1 -FLAGS (\\Flagged)');
    await b.waitLine(/^\* 1 FETCH \(UID 1 FLAGS \(\)\)$/, m2);
  });

  it('SELECTED-DELAYED holds expunges until a command allows them', async () => {
    await b.append(box, chatMessage({ imdn: 'n-4' }));
    await a.cmd(`SELECT "${box}"`);
    await a.cmd('NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge FlagChange))');
    await b.cmd(`SELECT "${box}"`);
    await b.cmd('STORE 1 +FLAGS (\\Deleted)');
    await a.waitLine(/^\* 1 FETCH .*\\Deleted/);
    await b.cmd('EXPUNGE');
    await b.append(box, chatMessage({ imdn: 'n-5' }));
    await a.waitLine(/^\* 2 EXISTS$/);
    expect(a.lines.some((l) => /EXPUNGE/.test(l))).toBe(false);
    expect((await a.cmd('NOOP')).lines).toContain('* 1 EXPUNGE');
  });

  it('sends the same events inside IDLE', async () => {
    await a.cmd(`SELECT "${box}"`);
    await a.cmd(`NOTIFY SET ${ALL}`);
    a.write('i1 IDLE\r\n');
    await a.waitLine(/^\+ /);
    await b.append(box, chatMessage({ imdn: 'n-6' }));
    await a.waitLine(/^\* 1 EXISTS$/);
    a.write('DONE\r\n');
    await a.waitLine(/^i1 OK/);
  });

  it('NOTIFY NONE stops unsolicited responses; NOTIFY SET is an implicit NOOP', async () => {
    await a.cmd(`SELECT "${box}"`);
    await a.cmd(`NOTIFY SET ${ALL}`);
    expect((await a.cmd('NOTIFY NONE')).status).toBe('OK');
    await b.append(box, chatMessage({ imdn: 'n-7' }));
    const set = await a.cmd('NOTIFY SET (SELECTED (MessageNew MessageExpunge))');
    expect(set.lines[0]).toBe('* 1 EXISTS'); // accumulated change returned before the tagged OK
  });
});

describe('NOTIFY for other mailboxes', () => {
  it('STATUS indicator answers with MESSAGES UIDNEXT UIDVALIDITY for each watched non-selected mailbox', async () => {
    await a.cmd('SELECT INBOX');
    const r = await a.cmd('NOTIFY SET STATUS (PERSONAL (MessageNew MessageExpunge))');
    const statuses = r.lines.filter((l) => l.startsWith('* STATUS'));
    expect(statuses.some((l) => l.includes(`"${box}"`))).toBe(true);
    expect(statuses.some((l) => l.includes('"INBOX"'))).toBe(false);
    for (const l of statuses) expect(l).toMatch(/\(MESSAGES \d+ UIDNEXT \d+ UIDVALIDITY \d+\)/);
  });

  it('pushes STATUS immediately for a change in a non-selected mailbox (e.g. by the PF)', async () => {
    await a.cmd('SELECT INBOX');
    await a.cmd('NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (SUBTREE "RCSMessageStore" (MessageNew MessageExpunge FlagChange))');
    const pf = await RawClient.open(store);
    await pf.login('alice*pf', 'pf-pw');
    await pf.append(box, chatMessage({ imdn: 'n-8' }));
    const line = await a.waitLine(new RegExp(`^\\* STATUS "${box}"`));
    expect(line).toMatch(/MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ UNSEEN 1/);
    pf.close();
  });

  it('pushes LIST for created, renamed and deleted mailboxes and for subscription changes', async () => {
    await a.cmd(`NOTIFY SET ${ALL}`);
    await b.cmd('CREATE "RCSMessageStore/new-one"');
    await a.waitLine(/^\* LIST \(\) "\/" "RCSMessageStore\/new-one"$/);
    await b.cmd('RENAME "RCSMessageStore/new-one" "RCSMessageStore/renamed"');
    await a.waitLine(/^\* LIST \(\) "\/" "RCSMessageStore\/renamed" \("OLDNAME" \("RCSMessageStore\/new-one"\)\)$/);
    await b.cmd('SUBSCRIBE "RCSMessageStore/renamed"');
    await a.waitLine(/^\* LIST \(\\Subscribed\) "\/" "RCSMessageStore\/renamed"$/);
    await b.cmd('DELETE "RCSMessageStore/renamed"');
    await a.waitLine(/^\* LIST \(\\NonExistent\) "\/" "RCSMessageStore\/renamed"$/);
  });
});

describe('NOTIFY validation', () => {
  it('refuses unsupported events with NO [BADEVENT (all supported events)]', async () => {
    const r = await a.cmd('NOTIFY SET (PERSONAL (MessageNew MessageExpunge AnnotationChange))');
    expect(r.status).toBe('NO');
    expect(r.text).toMatch(/^\[BADEVENT \(MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange\)\]/);
  });
  it('answers BAD for FlagChange without MessageNew + MessageExpunge, and for only one of them', async () => {
    expect((await a.cmd('NOTIFY SET (SELECTED (FlagChange))')).status).toBe('BAD');
    expect((await a.cmd('NOTIFY SET (SELECTED (MessageNew))')).status).toBe('BAD');
    expect((await a.cmd('NOTIFY SET (PERSONAL (MessageExpunge))')).status).toBe('BAD');
    expect((await a.cmd('NOTIFY SET (SELECTED (MailboxName))')).status).toBe('BAD');
    expect((await a.cmd('NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (SELECTED-DELAYED (MessageNew MessageExpunge))')).status).toBe('BAD');
    expect((await a.cmd('NOTIFY SET (FOO (MessageNew MessageExpunge))')).status).toBe('BAD');
  });
  it('is not advertised and not accepted when disabled', async () => {
    const s2 = await startStore({ notify: false });
    const c = await RawClient.open(s2);
    expect(c.lines[0]).not.toMatch(/NOTIFY/);
    await c.login('alice', 'alice-pw');
    expect((await c.cmd('NOTIFY NONE')).status).toBe('BAD');
    c.close();
    await s2.stop();
  });
});

describe('METADATA', () => {
  it('sets, gets (DEPTH, MAXSIZE), deletes with NIL, and notifies other sessions', async () => {
    await a.cmd(`NOTIFY SET ${ALL}`);
    expect((await b.cmd(`SETMETADATA "${box}" (/private/comment "hello" /shared/vendor/x/y {3+}\r\nabc)`)).status).toBe('OK');
    await a.waitLine(new RegExp(`^\\* METADATA "${box}" /private/comment$`));
    const g = await b.cmd(`GETMETADATA "${box}" (/private/comment /private/missing)`);
    expect(g.lines.join('\n')).toMatch(/\/private\/comment \{5\}\nhello \/private\/missing NIL\)/);
    const deep = await b.cmd(`GETMETADATA (DEPTH infinity) "${box}" /shared`);
    expect(deep.lines.join('\n')).toContain('/shared/vendor/x/y');
    const small = await b.cmd(`GETMETADATA (MAXSIZE 2 DEPTH infinity) "${box}" /shared`);
    expect(small.text).toMatch(/\[METADATA LONGENTRIES 3\]/);
    await b.cmd(`SETMETADATA "${box}" (/private/comment NIL)`);
    expect((await b.cmd(`GETMETADATA "${box}" /private/comment`)).lines.join('\n')).toMatch(/\/private\/comment NIL/);
    expect((await b.cmd('SETMETADATA "" (/private/server-note "x")')).status).toBe('OK');
    await a.waitLine(/^\* METADATA "" \/private\/server-note$/);
    expect((await b.cmd('SETMETADATA "" (/bogus "x")')).status).toBe('BAD');
    expect((await b.cmd('GETMETADATA "nope" /private/x')).text).toMatch(/NONEXISTENT/);
  });
});
