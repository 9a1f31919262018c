import { describe, expect, it } from 'vitest';
import { checkAddress, parseAddress, splitAddressList } from '../../harness/spec/index.js';

const rules = (v: string) => checkAddress(v, 'mo.from', 'From').map((f) => f.rule);

describe('From / To CPM Addresses', () => {
  it.each([
    'tel:+33643209850',
    'tel:+1-201-555-0123;ext=1234',
    'tel:7042;phone-context=example.com',
    'sip:alice@example.com',
    'sips:+33643209850@ims.mnc001.mcc208.3gppnetwork.org;user=phone',
    'sip:Conference-Factory@volteofr.com',
    '<sip:anonymous@anonymous.invalid>',
    '"Alice, the first" <sip:alice@example.com>',
    'Bob <tel:+33642639381>',
    'sip:[2001:db8::1]:5061;transport=tls',
    '<tel:+33643209850>, <tel:+33642639381>',
  ])('accepts %j', (v) => {
    expect(rules(v)).toEqual([]);
  });

  it.each([
    ['+33643202148', 'address.bare-msisdn'],
    ['33643202148', 'address.bare-msisdn'],
    ['John Doe <jdoe@machine.example>', 'address.uri'],
    ['jdoe@machine.example', 'address.uri'],
    ['tel:7042', 'address.uri'],
    ['tel:+', 'address.uri'],
    ['sip:', 'address.uri'],
    ['sip:alice@exa mple.com', 'address.uri'],
    ['<+33643202148>', 'address.uri'],
    ['', 'address.uri'],
  ])('reports %j as %s', (v, rule) => {
    expect(rules(v)).toEqual([rule]);
  });

  it('parses display name and URI', () => {
    expect(parseAddress('"Alice" <sip:alice@example.com>')).toEqual({ form: 'sip', uri: 'sip:alice@example.com', displayName: 'Alice' });
    expect(parseAddress('tel:+1555')).toEqual({ form: 'tel', uri: 'tel:+1555' });
  });

  it('splits lists only outside quotes and angle brackets', () => {
    expect(splitAddressList('"a, b" <sip:a@x>, <sip:b@y>')).toEqual(['"a, b" <sip:a@x>', '<sip:b@y>']);
  });
});
