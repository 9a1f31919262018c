// Input the store must refuse (issue 16): NUL bytes and ill-formed names (no two names may collide after a
// replacement character), and an oversized command line, which gets one error and a resync.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, startStore } from './helpers.js';
import type { ReferenceStore } from '../../reference-store/index.js';
import { mutf7Problem } from '../../reference-store/imap/mailbox-name.js';

let store: ReferenceStore;
beforeAll(async () => { store = await startStore({ maxLineBytes: 4096 }); });
afterAll(async () => { await store.stop(); });

async function client(): Promise<RawClient> {
  const c = await RawClient.open(store);
  await c.login('alice', 'alice-pw');
  return c;
}

/** Sends raw bytes as one command and resolves with its lines (the tag is `tag`). */
async function rawCmd(c: RawClient, tag: string, bytes: Buffer): Promise<string[]> {
  const from = c.lines.length;
  c.write(Buffer.concat([Buffer.from(`${tag} `), bytes, Buffer.from('\r\n')]));
  await c.waitLine(new RegExp(`^${tag} (OK|NO|BAD)`), from);
  return c.lines.slice(from);
}

describe('mailbox names', () => {
  it('refuses NUL in quoted and literal names; neither appears in LIST', async () => {
    const c = await client();
    expect((await rawCmd(c, 'n1', Buffer.from('CREATE "a\0b"'))).at(-1)).toMatch(/^n1 BAD .*NUL/);
    expect((await rawCmd(c, 'n2', Buffer.from('CREATE {3+}\r\nc\0d'))).at(-1)).toMatch(/^n2 BAD .*NUL/);
    expect((await rawCmd(c, 'n3', Buffer.from('SELECT {3+}\r\nc\0d'))).at(-1)).toMatch(/^n3 BAD .*NUL/);
    const list = await c.cmd('LIST "" *');
    expect(list.lines.join('\n')).not.toMatch(/\0/);
    c.close();
  });

  it('refuses ill-formed modified UTF-7 and invalid UTF-8, keeps well-formed names apart', async () => {
    const c = await client();
    for (const bad of ['x&AGE-y', 'x&Jjo', 'x&AGEA-y', 'x&2D3-']) {
      expect((await c.cmd(`CREATE "${bad}"`)).lines.at(-1), bad).toMatch(/^t\d+ NO \[CANNOT\] Mailbox name is not valid modified UTF-7/);
    }
    for (const good of ['x&-y', 'x&ZeVnLIqe-', 'x&2D3cAA-']) expect((await c.cmd(`CREATE "${good}"`)).status, good).toBe('OK');
    expect((await rawCmd(c, 'u1', Buffer.concat([Buffer.from('CREATE "bad'), Buffer.from([0xff]), Buffer.from('"')]))).at(-1)).toMatch(/^u1 NO \[CANNOT\] .*UTF-8/);
    expect((await rawCmd(c, 'u2', Buffer.concat([Buffer.from('CREATE {4+}\r\nbad'), Buffer.from([0xfe])]))).at(-1)).toMatch(/^u2 NO \[CANNOT\] .*UTF-8/);
    expect((await rawCmd(c, 'u3', Buffer.from('CREATE "café"'))).at(-1)).toMatch(/^u3 OK/);
    const list = (await c.cmd('LIST "" *')).lines.join('\n');
    expect(list).not.toMatch(/bad/);
    expect(list).not.toContain('\u00ef\u00bf\u00bd'); // U+FFFD as latin1-decoded UTF-8
    c.close();
  });

  it('mutf7Problem accepts RFC 3501 §5.1.3 forms and names what is wrong otherwise', () => {
    expect(mutf7Problem('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBeNull();
    expect(mutf7Problem('&-&-')).toBeNull();
    expect(mutf7Problem('&U,BTFw-&ZeVnLIqe-')).toMatch(/adjacent/);
    expect(mutf7Problem('&AGE-')).toMatch(/printable/);
    expect(mutf7Problem('&Jjo')).toMatch(/not closed/);
    expect(mutf7Problem('&A.-')).toMatch(/BASE64/);
  });
});

describe('oversized command lines', () => {
  it('one tagged BAD per oversized line however it arrives, then the next command works', async () => {
    const c = await client();
    const from = c.lines.length;
    c.write('big1 LIST "" "');
    for (let i = 0; i < 40; i++) c.write('x'.repeat(8192));
    c.write('"\r\nok1 NOOP\r\n');
    await c.waitLine(/^ok1 OK/, from);
    const got = c.lines.slice(from);
    expect(got.filter((l) => /BAD/.test(l))).toEqual([expect.stringMatching(/^big1 BAD Command line too long/)]);
    c.close();
  });

  it('skips a non-synchronising literal announced by the oversized line, and the rest of its command', async () => {
    const c = await client();
    const from = c.lines.length;
    c.write(`big2 APPEND INBOX (${'\\Seen '.repeat(1000)}) {20+}\r\n${'A'.repeat(18)}\r\n tail of the command\r\nok2 NOOP\r\n`);
    await c.waitLine(/^ok2 OK/, from);
    expect(c.lines.slice(from).filter((l) => !/^ok2 /.test(l))).toEqual([expect.stringMatching(/^big2 BAD Command line too long/)]);
    expect((await c.cmd('STATUS INBOX (MESSAGES)')).lines[0]).toBe('* STATUS "INBOX" (MESSAGES 0)');
    c.close();
  });
});

describe('npm run reference-store -- --help', () => {
  it('has a help line for every option main.ts accepts', () => {
    const src = readFileSync(new URL('../../reference-store/main.ts', import.meta.url), 'utf8');
    const help = /const HELP = `([\s\S]*?)`;/.exec(src)![1]!;
    const options = [...src.matchAll(/^\s+'?([a-z-]+)'?: \{ type: '(?:string|boolean)'/gm)].map((m) => m[1]!);
    expect(options.length).toBeGreaterThan(10);
    for (const o of options) expect(help, o).toMatch(new RegExp(`^\\s+(-\\w, )?--${o}\\b`, 'm'));
  });
});
