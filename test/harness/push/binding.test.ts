// The binding layer without sockets: the shorthand's translation, decoding of OMA NMS JSON and XML event lists
// (kinds by rule, object references from a resource URL, device fields at event or notification level), the
// problems a body can have, the matchers that attribute events to objects, and the profile lint.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../harness/profile/index.js';
import { ProfileError } from '../../../harness/profile/problems.js';
import { bindingFromProfile, describeBinding, shorthandBinding, type ProfileBinding } from '../../../harness/push/binding.js';
import { createDecoder } from '../../../harness/push/decode.js';
import { lintBinding } from '../../../harness/push/lint.js';
import { isAbout, mismatch, namesDevice, namesOther, type ObjectRef } from '../../../harness/push/observe.js';

const fixture = (p: string): string => new URL(`../../../fixtures/${p}`, import.meta.url).pathname;
const nmsJson = loadProfile(fixture('profiles/variants/nms-json.json')).push;
const nmsXml = loadProfile(fixture('profiles/variants/nms-xml.json')).push;
const A = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';

const body = (events: unknown[], extra: Record<string, unknown> = {}): Buffer =>
  Buffer.from(JSON.stringify({ notificationList: [{ nmsEventList: { index: 3, nmsEvent: events, ...extra } }] }));
const url = (user: string, folder: string, uid: number): string =>
  `imap://${encodeURIComponent(user)}@127.0.0.1:1/${encodeURIComponent(folder)};UIDVALIDITY=7/;UID=${uid}`;
const changed = (uid: number, flags: string[], device: string | undefined, imdn = `id-${uid}`, user = 'alice') => ({
  changedObject: { parentFolder: 'x', flags: { flag: flags }, resourceURL: url(user, 'RCS/f', uid), correlationId: imdn, ...(device ? { message: { 'trigger-device': device } } : {}) },
});
const object = (uid: number, user = 'alice'): ObjectRef => ({ imdnMessageId: `id-${uid}`, folder: 'RCS/f', uidValidity: 7, uids: [uid], user });

describe('the shorthand', () => {
  it('is one event per notification, a kind per event name, the pointers as fields', () => {
    const b = shorthandBinding({ pointers: { identity: '/d', event: '/e', uid: '/u', folder: '/f' }, eventNames: { seen: ['Read', 'Seen'] } });
    expect(b).toMatchObject({ form: 'shorthand', events: '$', kinds: { seen: { selector: '/e', equals: ['Read', 'Seen'] }, expunged: { selector: '/e', equals: ['expunged'] } } });
    expect(b.identity).toEqual([{ name: 'identity', selector: '/d', scope: 'event', role: 'actor' }]);
    const [e] = createDecoder(b, false)(Buffer.from(JSON.stringify({ e: 'Read', d: A, u: '42', f: 'F' })), 'application/json').events;
    expect(e).toMatchObject({ kinds: ['seen'], refs: { uid: 42, folder: 'F' }, identities: [{ value: A }] });
  });
});

describe('decoding an NMS JSON event list', () => {
  const decode = createDecoder(nmsJson.binding);

  it('finds every event in any order, classifies it by the flag state, and reads the resource URL', () => {
    const d = decode(body([{ changedFolder: { parentFolder: 'p', resourceURL: 'r', name: 'f' } }, changed(2, ['\\Deleted'], A), changed(1, ['$MDNSent', '\\Seen'], A), { deletedObject: { resourceURL: url('alice', 'RCS/f', 5), correlationId: 'id-5' } }]), 'application/json');
    expect(d.parseError).toBeUndefined();
    expect(d.events.map((e) => e.kinds)).toEqual([[], ['unseen', 'deleted'], ['seen'], ['expunged']]);
    expect(d.events[2]!.refs).toEqual({ imdnMessageId: 'id-1', folder: 'RCS/f', uidValidity: 7, uid: 1, user: 'alice' });
    expect(d.events[2]!.path).toBe("$['notificationList'][0]['nmsEventList']['nmsEvent'][2]");
  });

  it('attributes events to objects on every declared reference, and names the problem of the others', () => {
    const [mine, stranger, otherUser, noRef] = decode(
      body([changed(1, ['\\Seen'], A), changed(1, ['\\Seen'], A, 'id-other'), changed(1, ['\\Seen'], A, 'id-1', 'bob'), { changedObject: { flags: { flag: ['\\Seen'] } } }]),
      'application/json',
    ).events;
    expect(isAbout(nmsJson.binding, object(1))(mine!)).toBe(true);
    expect(mismatch(nmsJson.binding, object(1), stranger!)).toMatch(/IMDN-Message-ID "id-other" ≠ "id-1"/);
    expect(mismatch(nmsJson.binding, object(1), otherUser!)).toMatch(/user "bob" ≠ "alice"/);
    expect(mismatch(nmsJson.binding, object(1), noRef!)).toMatch(/carries none of the declared references/);
  });

  it('reads the actor device, tells it from another, and reports a missing one', () => {
    const [named, missing] = decode(body([changed(1, ['\\Seen'], `<${A.toUpperCase().replace('URN:UUID', 'urn:uuid')}>`), changed(2, ['\\Seen'], undefined)]), 'application/json').events;
    expect(namesDevice(named!, A)).toBe(true);
    expect(namesOther(named!, [{ id: 'urn:uuid:00000000-0000-4000-8000-000000000000' }, { id: A }])?.id).toBe(A);
    expect(namesDevice(missing!, A)).toBe(false);
    expect(missing!.identities[0]).toMatchObject({ name: 'trigger-device', problem: expect.stringMatching(/nothing at/) });
  });

  it('a body that is not JSON, or selects no event, is a named problem, never an empty success', () => {
    expect(decode(Buffer.from('{"notificationList": ['), 'application/json').parseError).toMatch(/^not JSON/);
    expect(decode(Buffer.from(''), 'application/json').parseError).toBe('empty body');
    const none = decode(Buffer.from('{"something":"else"}'), 'application/json');
    expect(none.events).toEqual([]);
    expect(none.schemaValid).toBe(false);
    expect(none.problems).toEqual([expect.stringMatching(/selected no event/)]);
  });

  it('a field that selects several different values is ambiguous, not a match', () => {
    const b = bindingFromProfile({ events: '$.ev[*]', kinds: { seen: { selector: '$.k', equals: 's' } }, object: { uid: '$.u' }, identity: '$.ids[*]' });
    const [e] = createDecoder(b, false)(Buffer.from(JSON.stringify({ ev: [{ k: 's', u: 1, ids: [A, 'urn:uuid:00000000-0000-4000-8000-000000000000'] }] })), 'application/json').events;
    expect(e!.identities[0]!.value).toBeUndefined();
    expect(e!.identities[0]!.problem).toMatch(/selected 2 different values/);
    expect(namesDevice(e!, A)).toBe(false);
  });
});

describe('decoding NMS XML', () => {
  const decode = createDecoder(nmsXml.binding);
  it('reads the wrapper-level device and user for every event, one event or several', () => {
    for (const f of ['seen', 'multi-object', 'deleted-expunged']) {
      const d = decode(readFileSync(fixture(`push/nms-xml/examples/${f}.xml`)), 'application/xml; charset=utf-8');
      expect(d.format).toBe('xml');
      expect(d.schemaValid, f).toBe(true);
      const status = d.events.filter((e) => e.kinds.length > 0);
      expect(status.length, f).toBeGreaterThan(0);
      for (const e of status) expect(e.identities[0]!.value, f).toMatch(/^urn:/);
      for (const e of status) expect(e.refs.user, f).toBe('alice');
    }
  });

  it('XML that is not well-formed names the place', () => {
    expect(decode(Buffer.from('<a><b></a>'), 'application/xml').parseError).toMatch(/^not well-formed XML: .*line 1/);
  });
});

describe('the statement describes the binding', () => {
  it('selectors, kind rules, references, device fields, how absence is concluded and the identity comparison', () => {
    const rows = Object.fromEntries(describeBinding(nmsJson.binding, nmsJson.delivery));
    expect(rows['events']).toBe('$.notificationList[*].nmsEventList.nmsEvent[*]');
    expect(rows['kind seen']).toMatch(/\$\.changedObject present and \$\.changedObject\.flags\.flag\[\*\] = "\\\\Seen"/);
    expect(rows['absence concluded by']).toMatch(/sentinel barrier/);
    expect(rows['identity comparison']).toMatch(/public GRUU/);
    expect(Object.keys(rows)).toContain('identity session-device (recorded only)');
  });
});

describe('the profile lint', () => {
  const general = (over: Partial<ProfileBinding>): ProfileBinding => ({
    events: '$.notificationList[*].nmsEventList.nmsEvent[*]',
    kinds: (nmsJson.binding.kinds as ProfileBinding['kinds'])!,
    object: { imdnMessageId: "$['changedObject','deletedObject'].correlationId" },
    identity: "$['changedObject','deletedObject'].message['trigger-device']",
    examples: [
      { file: fixture('push/nms-json/examples/seen.json'), kinds: ['seen'] },
      { file: fixture('push/nms-json/examples/deleted-expunged.json'), kinds: ['deleted', 'expunged'] },
    ],
    ...over,
  });
  const lint = (b: ProfileBinding) => lintBinding(bindingFromProfile(b), { pushDeclared: true });

  it('accepts the shipped variants', () => {
    expect(lint(general({}))).toEqual([]);
  });

  it('names the field of each problem', () => {
    expect(lint(general({ events: '$.[oops' }))).toEqual([{ path: '/push/binding/events', message: expect.stringMatching(/is not an RFC 9535 JSONPath/) }]);
    expect(lint(general({ object: {} }))).toContainEqual({ path: '/push/binding/object', message: expect.stringMatching(/no reference/) });
    expect(lint(general({ examples: [] }))).toEqual([{ path: '/push/binding/examples', message: expect.stringMatching(/needs example payloads/) }]);
    expect(lint(general({ kinds: { ...general({}).kinds, seen: { selector: '$.changedObject.flags.flag[*]', equals: '\\Flagged' } } }))).toContainEqual({
      path: '/push/binding/kinds/seen',
      message: expect.stringMatching(/recognises no "seen" event in the example/),
    });
    expect(lint(general({ identity: '$.changedObject.nobody' }))).toContainEqual({ path: '/push/binding/identity', message: expect.stringMatching(/selects nothing usable in any example/) });
  });

  it('one vendor event name bound to two kinds is refused', () => {
    const b = shorthandBinding({ eventNames: { seen: 'Changed', deleted: 'Changed' } });
    expect(lintBinding(b, { pushDeclared: true })).toEqual([{ path: '/push/binding/eventNames/deleted', message: expect.stringMatching(/"Changed" .* both "seen" and "deleted"/) }]);
  });

  it('runs when a profile is loaded: a broken binding is a profile error with the JSON path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'binding-lint-'));
    const doc = JSON.parse(readFileSync(fixture('profiles/variants/nms-json.json'), 'utf8')) as { push: { binding: Record<string, unknown> } };
    doc.push.binding['events'] = '$.notificationList[*].nmsEventList.nmsEvnt[*]';
    doc.push.binding['schema'] = fixture('push/nms-json/nms-json.schema.json');
    doc.push.binding['examples'] = (doc.push.binding['examples'] as { file: string }[]).map((e) => ({ ...e, file: fixture(e.file.replace('../../', '')) }));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify(doc));
    let err: unknown;
    try {
      loadProfile(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProfileError);
    expect((err as Error).message).toMatch(/\/push\/binding\/events: selects no event in the example/);
  });
});
