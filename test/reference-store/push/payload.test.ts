// The reference PUSH payload against its published schema (fixtures/push/status-notification.schema.json).
import { describe, expect, test } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schema from '../../../fixtures/push/status-notification.schema.json' with { type: 'json' };
import seenExample from '../../../fixtures/push/examples/seen.json' with { type: 'json' };
import expungedExample from '../../../fixtures/push/examples/expunged.json' with { type: 'json' };
import voicemailExample from '../../../fixtures/push/examples/new-voicemail.json' with { type: 'json' };
import { bareDeviceIdentity, buildStatusPayload } from '../../../reference-store/push/index.js';
import { EVENT_KINDS, statusEvent } from './events.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

function errorsOf(value: unknown): string {
  return validate(value) ? '' : ajv.errorsText(validate.errors);
}

describe('buildStatusPayload', () => {
  for (const objectType of ['message', 'voicemail'] as const) {
    for (const kind of EVENT_KINDS) {
      test(`${objectType} ${kind}: valid against the schema`, () => {
        const payload = buildStatusPayload(statusEvent({ event: kind, objectType }), 3);
        expect(errorsOf(payload)).toBe('');
        expect(payload.statusChange).toMatchObject({ event: kind, objectType, uid: 5, uidValidity: 1732500000 });
        expect(payload.nmsEventList.index).toBe(3);
      });
    }
  }

  test('expunged is an NMS deletedObject with resourceURL, lastModSeq, correlationId', () => {
    const p = buildStatusPayload(statusEvent({ event: 'expunged', modseq: 19 }), 1);
    expect(p.nmsEventList.nmsEvent).toEqual([
      {
        deletedObject: {
          resourceURL: 'imap://alice@127.0.0.1:14143/RCSMessageStore%2Fconv-1;UIDVALIDITY=1732500000/;UID=5',
          lastModSeq: 19,
          correlationId: 'Xs3kG2nYk8',
        },
      },
    ]);
  });

  test('flag changes are an NMS changedObject listing all current flags', () => {
    const p = buildStatusPayload(statusEvent({ event: 'seen', flags: ['\\Seen', '$MDNSent', '\\Seen'] }), 7);
    expect(p).toEqual({
      nmsEventList: {
        index: 7,
        nmsEvent: [
          {
            changedObject: {
              parentFolder: 'imap://alice@127.0.0.1:14143/RCSMessageStore%2Fconv-1;UIDVALIDITY=1732500000',
              flags: { flag: ['\\Seen', '$MDNSent'] },
              resourceURL: 'imap://alice@127.0.0.1:14143/RCSMessageStore%2Fconv-1;UIDVALIDITY=1732500000/;UID=5',
              lastModSeq: 17,
              correlationId: 'Xs3kG2nYk8',
            },
          },
        ],
      },
      statusChange: {
        event: 'seen',
        objectType: 'message',
        user: 'alice',
        folder: 'RCSMessageStore/conv-1',
        uidValidity: 1732500000,
        uid: 5,
        imdnMessageId: 'Xs3kG2nYk8',
        flags: ['\\Seen', '$MDNSent'],
        modseq: 17,
        triggeringDevice: 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
        occurredAt: '2026-11-25T02:51:36.123Z',
      },
    });
  });

  test('no IMDN-Message-ID: correlationId omitted, imdnMessageId null; no device: null', () => {
    for (const event of ['new', 'expunged'] as const) {
      const p = buildStatusPayload(statusEvent({ event, imdnMessageId: null, triggeringDevice: null }), 1);
      expect(errorsOf(p)).toBe('');
      expect(JSON.stringify(p.nmsEventList)).not.toContain('correlationId');
      expect(p.statusChange.imdnMessageId).toBeNull();
      expect(p.statusChange.triggeringDevice).toBeNull();
    }
  });

  test('user and mailbox are percent-encoded in the IMAP URLs; a user in the base URL is replaced', () => {
    const p = buildStatusPayload(
      statusEvent({ user: 'tel:+15551230001', folder: 'RCSMessageStore/Grüße;x', imapBaseUrl: 'imap://old@[::1]:1143/' }),
      1,
    );
    expect(errorsOf(p)).toBe('');
    const changed = p.nmsEventList.nmsEvent[0];
    expect(changed && 'changedObject' in changed && changed.changedObject.parentFolder).toBe(
      'imap://tel%3A%2B15551230001@[::1]:1143/RCSMessageStore%2FGr%C3%BC%C3%9Fe%3Bx;UIDVALIDITY=1732500000',
    );
    expect(p.statusChange.folder).toBe('RCSMessageStore/Grüße;x');
  });

  test('the device identity is carried bare (no +sip.instance=, no <>)', () => {
    const urn = 'urn:gsma:imei:35000000-000001-0';
    expect(bareDeviceIdentity(`+sip.instance="<${urn}>"`)).toBe(urn);
    expect(bareDeviceIdentity(`<${urn}>`)).toBe(urn);
    expect(bareDeviceIdentity(urn)).toBe(urn);
    expect(bareDeviceIdentity('  ')).toBeNull();
    const gruu = 'sip:alice@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
    const p = buildStatusPayload(statusEvent({ triggeringDevice: `<${gruu}>` }), 1);
    expect(p.statusChange.triggeringDevice).toBe(gruu);
    expect(errorsOf(p)).toBe('');
  });

  test('the payload does not alias the event', () => {
    const ev = statusEvent({ flags: ['\\Seen'] });
    const p = buildStatusPayload(ev, 1);
    ev.flags.push('\\Flagged');
    expect(p.statusChange.flags).toEqual(['\\Seen']);
  });
});

describe('status-notification.schema.json', () => {
  test('the published examples are valid', () => {
    for (const example of [seenExample, expungedExample, voicemailExample]) expect(errorsOf(example)).toBe('');
  });

  // Each mutation of a valid payload must be rejected.
  const invalid: Array<[string, (p: any) => void]> = [
    ['identity field missing', (p) => delete p.statusChange.triggeringDevice],
    ['identity field renamed', (p) => {
      p.statusChange.triggerDevice = p.statusChange.triggeringDevice;
      delete p.statusChange.triggeringDevice;
    }],
    ['identity in angle brackets', (p) => (p.statusChange.triggeringDevice = '<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>')],
    ['identity as +sip.instance', (p) => (p.statusChange.triggeringDevice = '+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"')],
    ['unknown event', (p) => (p.statusChange.event = 'read')],
    ['unknown object type', (p) => (p.statusChange.objectType = 'session-info')],
    ['non-integer uid', (p) => (p.statusChange.uid = 5.5)],
    ['uid as string', (p) => (p.statusChange.uid = '5')],
    ['uid 0', (p) => (p.statusChange.uid = 0)],
    ['uidValidity beyond 32 bits', (p) => (p.statusChange.uidValidity = 2 ** 32)],
    ['occurredAt not a date-time', (p) => (p.statusChange.occurredAt = 'yesterday')],
    ['index 0', (p) => (p.nmsEventList.index = 0)],
    ['seen without \\Seen', (p) => (p.statusChange.flags = [])],
    ['expunged as changedObject', (p) => (p.statusChange.event = 'expunged')],
    ['correlationId missing although IMDN-Message-ID known', (p) => delete p.nmsEventList.nmsEvent[0].changedObject.correlationId],
    ['two events in one POST', (p) => p.nmsEventList.nmsEvent.push(p.nmsEventList.nmsEvent[0])],
    ['both changedObject and deletedObject', (p) => (p.nmsEventList.nmsEvent[0].deletedObject = { resourceURL: 'imap://x/y', lastModSeq: 1 })],
    ['flag with a space', (p) => (p.statusChange.flags = ['\\Seen', 'two words'])],
    ['extra top-level member', (p) => (p.extra = true)],
  ];
  for (const [name, mutate] of invalid) {
    test(`rejects: ${name}`, () => {
      const p: any = structuredClone(seenExample);
      mutate(p);
      expect(validate(p)).toBe(false);
    });
  }
});
