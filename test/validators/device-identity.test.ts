import { describe, expect, it } from 'vitest';
import { checkDeviceIdentity, normaliseIdentity, parseDeviceIdentity, sameDevice } from '../../harness/spec/index.js';

const UUID = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
const IMEI = 'urn:gsma:imei:35000000-000001-0';

describe('parseDeviceIdentity', () => {
  it.each([
    [UUID, 'uuid-urn', 'none'],
    [`<${UUID}>`, 'uuid-urn', 'angle'],
    [`+sip.instance="<${UUID}>"`, 'uuid-urn', 'sip-instance'],
    [IMEI, 'imei-urn', 'none'],
    ['urn:gsma:imei:35000000-000001-0;svn=42', 'imei-urn', 'none'],
    [`+sip.instance="<${IMEI}>"`, 'imei-urn', 'sip-instance'],
    ['urn:example:device:42', 'other-urn', 'none'],
    [`sip:alice@example.com;gr=${UUID}`, 'public-gruu', 'none'],
    ['sip:alice@example.com;gr=urn%3Auuid%3Af81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'public-gruu', 'none'],
    ['sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr', 'temporary-gruu', 'none'],
    ['<sip:alice@example.com;gr>', 'temporary-gruu', 'angle'],
    ['sip:alice@example.com', 'sip-uri', 'none'],
    ['device-0042', 'other', 'none'],
    ['356938035643809', 'other', 'none'],
  ])('%j is %s (wrapper %s)', (v, form, wrapper) => {
    expect(parseDeviceIdentity(v)).toMatchObject({ form, wrapper });
    expect(checkDeviceIdentity(v, 'mo.message-seen-identity', 'Message-seen-identity')).toEqual([]);
  });

  it.each([
    '',
    '<>',
    'urn:uuid:not-a-uuid',
    'urn:uuid:f81d4fae7dec11d0a76500a0c91e6bf6',
    'urn:gsma:imei:350000000000010',
    'urn:gsma:imei:3500000-000001-0',
    'urn:x',
    '+sip.instance=<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>',
    '+sip.instance="urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"',
    'sip:alice@example.com;gr=not-a-urn',
    'sip:',
    'urn:',
    'two words',
    '"quoted"',
  ])('%j is invalid (identity.syntax)', (v) => {
    expect(parseDeviceIdentity(v).form).toBe('invalid');
    expect(checkDeviceIdentity(v, 'vm.message-delete-identity', 'Message-delete-identity')).toEqual([
      expect.objectContaining({ rule: 'identity.syntax', requirement: 'vm.message-delete-identity', header: 'Message-delete-identity' }),
    ]);
  });
});

describe('normaliseIdentity / sameDevice (notes §8.5)', () => {
  it.each([
    ['UUID hex case', UUID, 'urn:uuid:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6'],
    ['URN scheme and NID case', UUID, 'URN:UUID:f81d4fae-7dec-11d0-a765-00a0c91e6bf6'],
    ['<> wrapper', UUID, `<${UUID}>`],
    ['+sip.instance wrapper', UUID, `+sip.instance="<${UUID}>"`],
    ['+sip.instance wrapper, IMEI', IMEI, `+sip.instance="<${IMEI}>"`],
    ['IMEI NID case', IMEI, 'URN:GSMA:IMEI:35000000-000001-0'],
    ['IMEI with svn parameter', IMEI, 'urn:gsma:imei:35000000-000001-0;svn=42'],
    ['public GRUU vs its instance-id', UUID, `sip:alice@example.com;gr=${UUID}`],
    ['public GRUU vs wrapped instance-id', `+sip.instance="<${UUID}>"`, `sip:alice@example.com;gr=${UUID.toUpperCase()}`],
    ['two public GRUUs of one instance', `sip:alice@example.com;gr=${UUID}`, `sips:+1555@ims.example.net;gr=${UUID}`],
    ['public GRUU with an IMEI instance', IMEI, `sip:alice@example.com;gr=${IMEI}`],
    ['temporary GRUU scheme case', 'sip:tgruu.abc@example.com;gr', 'SIP:tgruu.abc@example.com;gr'],
  ])('same device: %s', (_why, a, b) => {
    expect(sameDevice(a, b)).toBe(true);
    expect(sameDevice(b, a)).toBe(true);
  });

  it.each([
    ['two different IMEIs', IMEI, 'urn:gsma:imei:35000000-000002-0'],
    ['IMEI spare digit', IMEI, 'urn:gsma:imei:35000000-000001-1'],
    ['two different UUIDs', UUID, 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf7'],
    ['UUID vs IMEI', UUID, IMEI],
    ['public GRUU of another instance', UUID, 'sip:alice@example.com;gr=urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
    ['temporary GRUU vs instance-id', UUID, 'sip:tgruu.abc@example.com;gr'],
    ['AOR without gr vs instance-id', UUID, 'sip:alice@example.com'],
    ['other-URN NSS is case-sensitive', 'urn:example:Device', 'urn:example:device'],
    ['other values compare exactly', 'device-A', 'device-a'],
    ['invalid values never match', 'urn:uuid:bad', 'urn:uuid:bad'],
  ])('different devices: %s', (_why, a, b) => {
    expect(sameDevice(a, b)).toBe(false);
  });

  it('normalises to the bare, lower-case instance URN', () => {
    expect(normaliseIdentity(`+sip.instance="<URN:UUID:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6>"`)).toBe(UUID);
    expect(normaliseIdentity(`sip:alice@example.com;gr=${IMEI};transport=tcp`)).toBe(IMEI);
    expect(normaliseIdentity('urn:uuid:bad')).toBeUndefined();
  });
});
