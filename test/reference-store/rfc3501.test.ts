// RFC 3501 details the reference store got wrong (issue 16): section numbering below message/rfc822, ENVELOPE
// addresses, address and sent-date SEARCH keys, `[` in atoms, \Recent under EXAMINE, LSUB with `%`, and the
// announcement of new keywords. Each test fails on the store before the fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, startStore } from './helpers.js';
import type { ReferenceStore } from '../../reference-store/index.js';

let store: ReferenceStore;
beforeAll(async () => { store = await startStore({ identityBinding: 'none' }); });
afterAll(async () => { await store.stop(); });

const crlf = (lines: string[]): string => lines.join('\r\n');

/** A message/rfc822 message whose encapsulated message is multipart/mixed with a nested message/rfc822 part. */
const NESTED = crlf([
  'From: a@b', 'Subject: outer', 'MIME-Version: 1.0', 'Content-Type: message/rfc822', '',
  'From: c@d', 'Subject: inner', 'Content-Type: multipart/mixed; boundary=XX', '',
  '--XX', 'Content-Type: text/plain', '', 'first',
  '--XX', 'Content-Type: message/rfc822', '', 'From: e@f', 'Subject: deepest', '', 'deep body',
  '--XX--', '',
]);

const ADDRESSES = crlf([
  'Date: Tue, 24 Nov 2026 23:30:00 -0500',
  'From: "Al (x)" <a.b@c.d> (Comment here), Foo Bar <@r1,@r2:u@h.example>, grp: x@y, (c2) z@w ;',
  'To: undisclosed-recipients:;',
  'Cc: "quoted local"@ex.com, u2@h2 (Just Comment)',
  'Subject: addresses', '', 'hi', '',
]);

/** The literal that follows `NAME {n}` in a FETCH response, read from the raw client's lines. */
function literalAfter(lines: string[], name: string): string {
  const text = lines.join('\r\n');
  const at = text.indexOf(`${name} {`);
  if (at < 0) throw new Error(`${name} not in ${text}`);
  const m = /^\{(\d+)\}\r\n/.exec(text.slice(at + name.length + 1))!;
  const start = at + name.length + 1 + m[0].length;
  return text.slice(start, start + Number(m[1]));
}

async function client(user = 'alice', pass = 'alice-pw'): Promise<RawClient> {
  const c = await RawClient.open(store);
  await c.login(user, pass);
  return c;
}

describe('BODY[section] below message/rfc822 (RFC 3501 §6.4.5)', () => {
  it('numbers the parts of the encapsulated message, also doubly nested, with .MIME / .HEADER / .TEXT', async () => {
    const c = await client();
    await c.cmd('CREATE sections');
    await c.append('sections', NESTED);
    await c.cmd('SELECT sections');
    const r = await c.cmd('FETCH 1 (BODY.PEEK[1] BODY.PEEK[1.1] BODY.PEEK[1.1.MIME] BODY.PEEK[1.2] BODY.PEEK[1.2.1] BODY.PEEK[1.2.HEADER] BODY.PEEK[1.2.1.MIME] BODY.PEEK[1.HEADER] BODY.PEEK[1.MIME] BODY.PEEK[1.3])');
    expect(r.status).toBe('OK');
    expect(literalAfter(r.lines, 'BODY[1]')).toMatch(/^From: c@d\r\nSubject: inner/);
    expect(literalAfter(r.lines, 'BODY[1.1]')).toBe('first');
    expect(literalAfter(r.lines, 'BODY[1.1.MIME]')).toBe('Content-Type: text/plain\r\n\r\n');
    expect(literalAfter(r.lines, 'BODY[1.2]')).toBe('From: e@f\r\nSubject: deepest\r\n\r\ndeep body');
    expect(literalAfter(r.lines, 'BODY[1.2.1]')).toBe('deep body');
    expect(literalAfter(r.lines, 'BODY[1.2.HEADER]')).toBe('From: e@f\r\nSubject: deepest\r\n\r\n');
    expect(literalAfter(r.lines, 'BODY[1.2.1.MIME]')).toBe('From: e@f\r\nSubject: deepest\r\n\r\n');
    expect(literalAfter(r.lines, 'BODY[1.HEADER]')).toMatch(/^From: c@d\r\nSubject: inner\r\nContent-Type: multipart\/mixed; boundary=XX\r\n\r\n$/);
    expect(literalAfter(r.lines, 'BODY[1.MIME]')).toMatch(/^From: a@b\r\nSubject: outer/);
    expect(literalAfter(r.lines, 'BODY[1.3]')).toBe('');
    c.close();
  });
});

describe('ENVELOPE addresses and address SEARCH (RFC 3501 §7.4.2, §6.4.4; RFC 5322 §3.4)', () => {
  let c: RawClient;
  beforeAll(async () => {
    c = await client();
    await c.cmd('CREATE addresses');
    await c.append('addresses', ADDRESSES);
    await c.cmd('SELECT addresses');
  });
  afterAll(() => c.close());

  it('puts a trailing comment into the name, gives group markers and the source route', async () => {
    const line = (await c.cmd('FETCH 1 ENVELOPE')).lines[0]!;
    const from = '(("Al (x)" NIL "a.b" "c.d")("Foo Bar" "@r1,@r2" "u" "h.example")(NIL NIL "grp" NIL)(NIL NIL "x" "y")(NIL NIL "z" "w")(NIL NIL NIL NIL))';
    expect(line).toContain(`"addresses" ${from} ${from} ${from} ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ((NIL NIL "quoted local" "ex.com")("Just Comment" NIL "u2" "h2")) NIL NIL NIL)`);
  });

  it('SEARCH FROM / CC match names and addresses, not comments', async () => {
    expect((await c.cmd('SEARCH FROM "comment"')).lines[0]).toBe('* SEARCH');
    expect((await c.cmd('SEARCH FROM "a.b@c.d"')).lines[0]).toBe('* SEARCH 1');
    expect((await c.cmd('SEARCH FROM "Al (x)"')).lines[0]).toBe('* SEARCH 1');
    expect((await c.cmd('SEARCH CC "just comment"')).lines[0]).toBe('* SEARCH 1');
    expect((await c.cmd('SEARCH FROM "c2"')).lines[0]).toBe('* SEARCH');
  });

  it('SENTON / SENTBEFORE / SENTSINCE use the Date: header date, not its UTC date', async () => {
    expect((await c.cmd('SEARCH SENTON 24-Nov-2026')).lines[0]).toBe('* SEARCH 1');
    expect((await c.cmd('SEARCH SENTON 25-Nov-2026')).lines[0]).toBe('* SEARCH');
    expect((await c.cmd('SEARCH SENTBEFORE 25-Nov-2026')).lines[0]).toBe('* SEARCH 1');
    expect((await c.cmd('SEARCH SENTSINCE 25-Nov-2026')).lines[0]).toBe('* SEARCH');
    expect((await c.cmd('SEARCH SENTSINCE 24-Nov-2026')).lines[0]).toBe('* SEARCH 1');
  });
});

describe('mailbox commands', () => {
  it('accepts `[` inside an atom (RFC 3501 §9 ATOM-CHAR)', async () => {
    const c = await client();
    expect((await c.cmd('CREATE a[b')).status).toBe('OK');
    await c.append('a[b', 'From: x@y\r\n\r\nz\r\n');
    const sel = await c.cmd('SELECT a[b');
    expect(sel.status).toBe('OK');
    expect((await c.cmd('STATUS a[b (MESSAGES)')).lines[0]).toBe('* STATUS "a[b" (MESSAGES 1)');
    expect((await c.cmd('FETCH 1:* BODY.PEEK[HEADER.FIELDS (FROM)]')).status).toBe('OK');
    c.close();
  });

  it('EXAMINE reports and shows the \\Recent messages STATUS counts, without claiming them (RFC 3501 §2.3.2)', async () => {
    const c = await client();
    await c.cmd('CREATE recent-examine');
    await c.append('recent-examine', 'Subject: 1\r\n\r\none\r\n');
    await c.append('recent-examine', 'Subject: 2\r\n\r\ntwo\r\n');
    const ex = await c.cmd('EXAMINE recent-examine');
    expect(ex.lines).toContain('* 2 RECENT');
    expect((await c.cmd('FETCH 1:* FLAGS')).lines.slice(0, 2)).toEqual(['* 1 FETCH (FLAGS (\\Recent))', '* 2 FETCH (FLAGS (\\Recent))']);
    expect((await c.cmd('SEARCH RECENT')).lines[0]).toBe('* SEARCH 1 2');
    await c.cmd('CLOSE');
    expect((await c.cmd('STATUS recent-examine (RECENT)')).lines[0]).toBe('* STATUS "recent-examine" (RECENT 2)');
    expect((await c.cmd('SELECT recent-examine')).lines).toContain('* 2 RECENT');
    await c.cmd('CLOSE');
    expect((await c.cmd('STATUS recent-examine (RECENT)')).lines[0]).toBe('* STATUS "recent-examine" (RECENT 0)');
    c.close();
  });

  it('LSUB % returns an unsubscribed parent of a subscribed child with \\Noselect (RFC 3501 §6.3.9)', async () => {
    const c = await client('bob', 'bob-pw');
    await c.cmd('CREATE P');
    await c.cmd('CREATE P/c');
    await c.cmd('SUBSCRIBE P/c');
    await c.cmd('UNSUBSCRIBE P');
    expect((await c.cmd('LSUB "" P')).lines).toEqual(['* LSUB (\\Noselect) "/" "P"', expect.stringMatching(/^t\d+ OK/)]);
    expect((await c.cmd('LSUB "" %')).lines).toContain('* LSUB (\\Noselect) "/" "P"');
    expect((await c.cmd('LSUB "" *')).lines).toContain('* LSUB () "/" "P/c"');
    expect((await c.cmd('LSUB "" *')).lines).not.toContain('* LSUB (\\Noselect) "/" "P"');
    await c.cmd('SUBSCRIBE P');
    expect((await c.cmd('LSUB "" %')).lines).toContain('* LSUB () "/" "P"');
    c.close();
  });
});

describe('keywords (RFC 3501 §7.2.6 FLAGS)', () => {
  it('a keyword first set by STORE is announced with FLAGS and PERMANENTFLAGS, to the storing and the other sessions', async () => {
    const a = await client();
    const b = await client();
    await a.cmd('CREATE kw');
    await a.append('kw', 'Subject: k\r\n\r\nk\r\n');
    await a.cmd('SELECT kw');
    await b.cmd('SELECT kw');
    const st = await a.cmd('STORE 1 +FLAGS ($Label1)');
    expect(st.lines.slice(0, 3)).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)] Flags permitted',
      expect.stringMatching(/^\* 1 FETCH \(FLAGS \(.*\$Label1.*\)\)$/),
    ]);
    const noop = await b.cmd('NOOP');
    expect(noop.lines[0]).toBe('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)');
    expect(noop.lines[1]).toMatch(/^\* OK \[PERMANENTFLAGS \(.*\$Label1 \\\*\)\]/);
    expect(noop.lines[2]).toMatch(/^\* 1 FETCH .*\$Label1/);
    // Known keywords are not announced again; the list keeps them after they are removed (as SELECT shows).
    expect((await a.cmd('STORE 1 -FLAGS ($Label1)')).lines[0]).toMatch(/^\* 1 FETCH/);
    expect((await b.cmd('NOOP')).lines[0]).toMatch(/^\* 1 FETCH/);
    expect((await b.cmd('SELECT kw')).lines[0]).toBe('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)');
    a.close();
    b.close();
  });
});

describe('found by the differential tests against Dovecot', () => {
  it('SEARCH TEXT matches decoded header fields; STORE of \\Recent is a syntax error; a text part is its own part 1', async () => {
    const c = await client();
    await c.cmd('CREATE found');
    await c.append('found', 'Sender: =?utf-8?q?Z=C3=BCrich?= <zu@example.ch>\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nleaf\r\n--B--\r\n');
    await c.cmd('SELECT found');
    const from = c.lines.length;
    c.write(Buffer.from('s1 SEARCH CHARSET UTF-8 TEXT {7+}\r\nZürich\r\n'));
    await c.waitLine(/^s1 OK/, from);
    expect(c.lines.slice(from)[0]).toBe('* SEARCH 1');
    expect((await c.cmd('STORE 1 +FLAGS (\\Recent)')).status).toBe('BAD');
    expect(literalAfter((await c.cmd('FETCH 1 BODY.PEEK[1.1]')).lines, 'BODY[1.1]')).toBe('leaf');
    c.close();
  });

  it('keywords set by another session are announced before a FETCH shows them; unsolicited FETCH has no UID without NOTIFY', async () => {
    const a = await client();
    const b = await client();
    await a.cmd('CREATE kw2');
    await a.append('kw2', 'Subject: k\r\n\r\nk\r\n');
    await a.cmd('SELECT kw2');
    await b.cmd('SELECT kw2');
    await a.cmd('STORE 1 +FLAGS.SILENT ($Other)');
    const f = await b.cmd('FETCH 1 FLAGS');
    expect(f.lines[0]).toMatch(/^\* FLAGS \(.*\$Other\)$/);
    expect(f.lines[2]).toBe('* 1 FETCH (FLAGS ($Other))');
    await a.cmd('STORE 1 -FLAGS.SILENT ($Other)');
    expect((await b.cmd('NOOP')).lines[0]).toBe('* 1 FETCH (FLAGS ())');
    a.close();
    b.close();
  });
});
