import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DELETED_BY_PREFIX,
  SEEN_BY_PREFIX,
  decodeKeywordDeviceId,
  encodeKeywordDeviceId,
  identityKeyword,
  parseIdentityKeyword,
} from '../../../harness/cpm/identity-keyword.js';
import { pfExpunge, pfSetStatus, withIdentityField } from '../../../harness/cpm/pf-path.js';
import { CaseContext, Run } from '../../../harness/conformance/context.js';
import type { CaseMeta } from '../../../harness/conformance/case.js';
import { fetchFlags, fetchHeader, select } from '../../../harness/imap/objects.js';
import { uniqueSample } from '../../../harness/objects/samples.js';
import { loadProfile, type Profile } from '../../../harness/profile/index.js';

const UUID_ID = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
const IMEI_ID = 'urn:gsma:imei:35000000-000001-0';
const GRUU_ID = 'sip:alice@example.test;gr=urn:uuid:2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d';

describe('identity keywords (PF keyword path)', () => {
  test('a URN id is kept as it is', () => {
    expect(identityKeyword('seen', UUID_ID)).toBe('$CPMSeenBy_urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    expect(identityKeyword('deleted', IMEI_ID)).toBe('$CPMDeletedBy_urn:gsma:imei:35000000-000001-0');
  });

  test('"=" and every other byte outside the kept set become =XX in upper-case hex', () => {
    expect(encodeKeywordDeviceId(GRUU_ID)).toBe('sip:alice@example.test;gr=3Durn:uuid:2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d');
    expect(encodeKeywordDeviceId('+sip.instance="<urn:uuid:x>"')).toBe('+sip.instance=3D=22=3Curn:uuid:x=3E=22');
    expect(encodeKeywordDeviceId('a b%*()\\')).toBe('a=20b=25=2A=28=29=5C');
    // UTF-8 bytes, not code points
    expect(encodeKeywordDeviceId('dé')).toBe('d=C3=A9');
  });

  test('the encoding is an IMAP atom', () => {
    for (const id of [UUID_ID, IMEI_ID, GRUU_ID, '+sip.instance="<urn:uuid:x>"', 'x y{z}]%*"\\\u0001', 'ü€😀']) {
      expect(identityKeyword('seen', id)).toMatch(/^[^\s(){%*"\\\]\x00-\x1f\x7f]+$/);
    }
  });

  test('round trip', () => {
    for (const id of [UUID_ID, IMEI_ID, GRUU_ID, '+sip.instance="<urn:uuid:x>"', 'a=b==c', 'ü€😀', ' ']) {
      expect(decodeKeywordDeviceId(encodeKeywordDeviceId(id))).toBe(id);
      expect(parseIdentityKeyword(identityKeyword('deleted', id))).toEqual({ status: 'deleted', deviceId: id });
    }
  });

  test('prefixes match case-insensitively; lower-case hex decodes', () => {
    expect(parseIdentityKeyword('$cpmseenby_sip:a@b;gr=3durn:uuid:1')).toEqual({ status: 'seen', deviceId: 'sip:a@b;gr=urn:uuid:1' });
    expect(parseIdentityKeyword(`${DELETED_BY_PREFIX.toUpperCase()}x`)).toEqual({ status: 'deleted', deviceId: 'x' });
    expect(SEEN_BY_PREFIX).toBe('$CPMSeenBy_');
  });

  test('malformed encodings and other flags are rejected', () => {
    expect(decodeKeywordDeviceId('a=2')).toBeUndefined();
    expect(decodeKeywordDeviceId('a=ZZ')).toBeUndefined();
    expect(decodeKeywordDeviceId('a b')).toBeUndefined();
    expect(decodeKeywordDeviceId('=FF')).toBeUndefined(); // not UTF-8
    expect(decodeKeywordDeviceId('')).toBeUndefined();
    expect(parseIdentityKeyword('$CPMSeenBy_')).toBeUndefined();
    expect(parseIdentityKeyword('\\Seen')).toBeUndefined();
    expect(parseIdentityKeyword('$MDNSent')).toBeUndefined();
  });
});

describe('withIdentityField (PF rewrite path)', () => {
  const crlf = Buffer.from('From: a\r\nSubject: x\r\n  folded\r\nMessage-seen-identity: old\r\n\tmore\r\nTo: b\r\n\r\nbody\r\n\r\nline');

  test('replaces existing fields (folded ones whole), appends the new one, keeps the body byte for byte', () => {
    const out = withIdentityField(crlf, 'seen', UUID_ID).toString('latin1');
    expect(out).toBe(`From: a\r\nSubject: x\r\n  folded\r\nTo: b\r\nMessage-seen-identity: ${UUID_ID}\r\n\r\nbody\r\n\r\nline`);
  });

  test('Message-delete-identity leaves Message-seen-identity alone; name match is case-insensitive', () => {
    const once = withIdentityField(crlf, 'deleted', IMEI_ID);
    const twice = withIdentityField(Buffer.from(once.toString('latin1').replace('Message-delete-identity', 'MESSAGE-DELETE-IDENTITY')), 'deleted', GRUU_ID);
    const text = twice.toString('latin1');
    expect(text).toContain('Message-seen-identity: old\r\n\tmore\r\n');
    expect(text.match(/message-delete-identity/gi)).toHaveLength(1);
    expect(text).toContain(`Message-delete-identity: ${GRUU_ID}\r\n\r\nbody`);
  });

  test('LF-only objects stay LF-only; non-ASCII body bytes are kept', () => {
    const raw = Buffer.concat([Buffer.from('From: a\nTo: b\n\n'), Buffer.from([0xff, 0x00, 0xc3, 0xa9])]);
    const out = withIdentityField(raw, 'seen', UUID_ID);
    expect(out.subarray(0, out.length - 4).toString('latin1')).toBe(`From: a\nTo: b\nMessage-seen-identity: ${UUID_ID}\n\n`);
    expect(out.subarray(out.length - 4)).toEqual(Buffer.from([0xff, 0x00, 0xc3, 0xa9]));
  });

  test('refuses an id with a line break', () => {
    expect(() => withIdentityField(crlf, 'seen', 'urn:x\r\nBcc: evil')).toThrow(/line break/);
  });
});

// The steps against the reference store, once per declared PF path: what a Message Storage Client sees afterwards.
const META: CaseMeta = { id: 'test.pf-path', requirements: [], clause: '5.4.2', level: 'MUST', features: [], statement: '', procedure: [], passCriteria: '' };

function profileWith(pfPath: 'keyword' | 'rewrite'): Profile {
  const p = structuredClone(loadProfile(undefined));
  p.features.pfPath = pfPath;
  return p;
}

describe.each(['keyword', 'rewrite'] as const)('PF %s path against the reference store', (path) => {
  let run: Run;
  beforeAll(async () => {
    run = await Run.start({ profile: profileWith(path), strict: false, faults: [] });
  });
  afterAll(async () => {
    await run.stop();
  });

  test('seen, then deleted, then expunged on behalf of a device', async () => {
    const c = new CaseContext(run, META);
    try {
      const user = c.user({ devices: 3 });
      const device = user.devices[1]!;
      const s = await c.session(user, user.devices[0]!);
      const folder = await c.folder(s, user, 'pf');
      const { uid } = await c.append(s, folder, uniqueSample('standalone', c.tag));
      const pf = await c.pf(user);

      const seen = await pfSetStatus(pf, path, { folder, uid }, 'seen', device.id);
      if (path === 'keyword') expect(seen).toEqual({ uid });
      else expect(seen).toEqual({ uid: expect.any(Number), replacedUid: uid });
      expect([...((await fetchFlags(s, folder, seen.uid)) ?? [])]).toContain('\\Seen');
      const header = (await fetchHeader(s, folder, seen.uid))?.toString('latin1') ?? '';
      expect(header).toMatch(new RegExp(`^Message-seen-identity: ${device.id}\\r$`, 'm'));

      const deleted = await pfSetStatus(pf, path, { folder, uid: seen.uid }, 'deleted', device.id);
      expect([...((await fetchFlags(s, folder, deleted.uid)) ?? [])]).toEqual(expect.arrayContaining(['\\Seen', '\\Deleted']));

      const gone = await pfExpunge(pf, path, { folder, uid: deleted.uid }, device.id);
      expect(gone.uid).toBeGreaterThanOrEqual(deleted.uid);
      await select(s, folder);
      const left = await s.run('UID SEARCH ALL', (cl) => cl.search({ all: true }, { uid: true }));
      expect(left).toEqual([]);
    } finally {
      await c.finish();
    }
  });
});
