import { describe, expect, it } from 'vitest';
import {
  checkCpmId,
  checkImdnMessageId,
  checkUuid,
  checkVoicemailId,
  findDuplicateImdnMessageIds,
  parseUuid,
  phoneNumber,
  sameCpmId,
  voicemailIdForm,
} from '../../harness/spec/index.js';

describe('Conversation-ID / Contribution-ID', () => {
  it.each(['f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'abcdef-1234-5678-90ab-cdef01234567', '1446218776000', '927d83c9902c362b08f2f2d731bdddb7', "a.b!c%d*e_f+g`h'i~j"])(
    'accepts %j',
    (v) => expect(checkCpmId(v, 'mo.conversation-id', 'Conversation-ID')).toEqual([]),
  );
  it.each(['', 'a b', '<abc>', 'tel:+1555', 'abc;x=1', 'caf\u00e9'])('rejects %j', (v) => {
    expect(checkCpmId(v, 'mo.contribution-id', 'Contribution-ID')).toEqual([
      expect.objectContaining({ rule: 'cpm-id.syntax', requirement: 'mo.contribution-id', header: 'Contribution-ID', actual: v }),
    ]);
  });
  it('compares byte by byte, case-sensitively', () => {
    expect(sameCpmId('f81d4fae-7dec', 'f81d4fae-7dec')).toBe(true);
    expect(sameCpmId('f81d4fae-7dec', 'F81D4FAE-7DEC')).toBe(false);
    expect(sameCpmId('abc', 'abc ')).toBe(false);
  });
});

describe('RFC 4122 UUID', () => {
  it('parses bare and URN forms, case-insensitively', () => {
    expect(parseUuid('F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6')).toEqual({ form: 'bare', canonical: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', version: 1, variant: 'rfc4122' });
    expect(parseUuid('URN:UUID:f81d4fae-7dec-11d0-a765-00a0c91e6bf6')?.form).toBe('urn');
    expect(parseUuid('f81d4fae7dec11d0a76500a0c91e6bf6')).toBeUndefined();
    expect(parseUuid('{f81d4fae-7dec-11d0-a765-00a0c91e6bf6}')).toBeUndefined();
  });
  it('reports syntax and variant separately', () => {
    expect(checkUuid('1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'vm.contribution-id')).toEqual([]);
    expect(checkUuid('017f22e2-79b0-7cc3-98c4-dc0c0c07398f', 'vm.contribution-id')).toEqual([]); // RFC 9562 v7
    expect(checkUuid('abcdef-1234-5678-90ab-cdef01234567', 'vm.contribution-id').map((f) => f.rule)).toEqual(['uuid.syntax']);
    expect(checkUuid('00000000-0000-0000-0000-000000000000', 'vm.contribution-id').map((f) => f.rule)).toEqual(['uuid.variant']);
    expect(checkUuid('1b4e28ba-2fa1-41d2-c83f-0016d3cca427', 'vm.contribution-id').map((f) => f.rule)).toEqual(['uuid.variant']);
  });
});

describe('voicemail Conversation-ID forms', () => {
  it.each([
    ['+33612345678', 'msisdn'],
    ['33612345678', 'msisdn'],
    ['tel:+33612345678', 'tel-uri'],
    ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'uuid'],
    ['urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'uuid'],
    ['sip:+33612345678@ims.example.com', undefined],
    ['alice', undefined],
  ])('%j is %s', (v, form) => {
    expect(voicemailIdForm(v)).toBe(form);
  });
  it('reports the form finding, or the UUID findings of a UUID value', () => {
    const forms = ['msisdn', 'tel-uri', 'uuid'] as const;
    expect(checkVoicemailId('alice', forms, 'vm.conversation-id', 'Conversation-ID').map((f) => f.rule)).toEqual(['conversation-id.voicemail-form']);
    expect(checkVoicemailId('00000000-0000-0000-0000-000000000000', forms, 'vm.conversation-id', 'Conversation-ID').map((f) => f.rule)).toEqual(['uuid.variant']);
    expect(checkVoicemailId('tel:+1555', ['uuid'], 'vm.contribution-id', 'Contribution-ID').map((f) => f.rule)).toEqual(['uuid.syntax']);
  });
  it('reports a broken UUID under the statement byForm names for the uuid form', () => {
    const byForm = { uuid: 'vm.conversation-id.fallback-uuid' };
    const forms = ['msisdn', 'tel-uri', 'uuid'] as const;
    expect(checkVoicemailId('00000000-0000-0000-0000-000000000000', forms, 'vm.conversation-id', 'Conversation-ID', byForm)).toEqual([
      expect.objectContaining({ rule: 'uuid.variant', requirement: 'vm.conversation-id.fallback-uuid' }),
    ]);
    expect(checkVoicemailId('alice', forms, 'vm.conversation-id', 'Conversation-ID', byForm)[0]?.requirement).toBe('vm.conversation-id');
  });
});

describe('telephone number of an address (calling party)', () => {
  it.each([
    ['+33612345678', '33612345678'],
    ['33612345678', '33612345678'],
    ['tel:+33612345678', '33612345678'],
    ['tel:+33-6-12-34-56-78;verstat=TN-Validation-Passed', '33612345678'],
    ['"Alice" <tel:+33612345678>', '33612345678'],
    ['<sip:+33612345678@ims.example.com;user=phone>', '33612345678'],
    ['sip:alice@example.com', undefined],
    ['"Anonymous" <sip:anonymous@anonymous.invalid>', undefined],
    ['alice', undefined],
  ])('%j names %j', (v, number) => {
    expect(phoneNumber(v)).toBe(number);
  });
});

describe('IMDN-Message-ID', () => {
  it('accepts visible characters and rejects white space or emptiness', () => {
    expect(checkImdnMessageId('UFoF32nXQSy5l3d4cVGwZXn4f8YQ8rq6', 'mo.imdn-message-id')).toEqual([]);
    expect(checkImdnMessageId('a+b/c=@vms', 'vm.imdn-message-id')).toEqual([]);
    expect(checkImdnMessageId('a b', 'mo.imdn-message-id').map((f) => f.rule)).toEqual(['imdn-message-id.syntax']);
    expect(checkImdnMessageId('', 'vm.imdn-message-id')[0]).toMatchObject({ rule: 'imdn-message-id.syntax', requirement: 'vm.imdn-message-id' });
  });
  it('finds values used by more than one object', () => {
    const found = findDuplicateImdnMessageIds([
      { ref: 'uid 1', value: 'a' },
      { ref: 'uid 2', value: 'b' },
      { ref: 'uid 3', value: 'a' },
      { ref: 'uid 4', value: 'A' },
    ]);
    expect(found).toEqual([expect.objectContaining({ rule: 'imdn-message-id.unique', requirement: 'mo.imdn-message-id.generated-unique', actual: 'a used by uid 1, uid 3' })]);
  });
});
