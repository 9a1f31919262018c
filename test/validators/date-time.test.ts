import { describe, expect, it } from 'vitest';
import { checkDateTime, parseDateTime } from '../../harness/spec/index.js';

const rules = (v: string) => checkDateTime(v, 'mo.date').map((f) => f.rule);

describe('RFC 5322 date-time', () => {
  it.each([
    'Fri, 30 Oct 2015 16:26:16 +0100',
    '30 Oct 2015 16:26 +0100',
    'fri, 30 OCT 2015 16:26:16 -0000',
    'Fri,30 Oct 2015 16:26:16 +0100',
    'Fri, 30 Oct 2015 16:26:16 +0100 (CET)',
    'Thu, 31 Dec 2015 23:59:60 +0000',
    'Mon, 29 Feb 2016 00:00:00 +1400',
    'Fri, 30 Oct 2015\r\n 16:26:16 +0100',
  ])('accepts %j', (v) => {
    expect(rules(v)).toEqual([]);
  });

  it.each([
    ['ven., 30 10 2015 16:26:16.0 +0100', 'date-time.syntax'],
    ['2015-10-30T16:26:16+01:00', 'date-time.syntax'],
    ['Fri, 30 Oct 2015 16:26:16', 'date-time.syntax'],
    ['Fri, 30 Oct 2015 16:26:16 +01:00', 'date-time.syntax'],
    ['', 'date-time.syntax'],
    ['Fri, 30 Oct 15 16:26:16 +0100', 'date-time.obsolete'],
    ['Fri, 30 Oct 2015 16:26:16 GMT', 'date-time.obsolete'],
    ['Fri, 30 Oct 2015 16 : 26 : 16 +0100', 'date-time.obsolete'],
    ['Fri, 30 (day) Oct 2015 16:26:16 +0100', 'date-time.obsolete'],
    ['Sat, 30 Oct 2015 16:26:16 +0100', 'date-time.semantic'],
    ['Tue, 29 Feb 2015 10:00:00 +0000', 'date-time.semantic'],
    ['31 Apr 2015 10:00:00 +0000', 'date-time.semantic'],
    ['30 Oct 2015 24:00:00 +0000', 'date-time.semantic'],
    ['30 Oct 2015 10:60:00 +0000', 'date-time.semantic'],
    ['30 Oct 2015 10:00:61 +0000', 'date-time.semantic'],
    ['30 Oct 2015 10:00:00 +0160', 'date-time.semantic'],
    ['30 Oct 2015 10:00:00 +1500', 'date-time.semantic'],
    ['30 Oct 1899 10:00:00 +0000', 'date-time.semantic'],
  ])('reports %j as %s', (v, rule) => {
    expect(rules(v)).toEqual([rule]);
  });

  it('names the requirement and header it was given', () => {
    expect(checkDateTime('nonsense', 'vm.date')[0]).toMatchObject({ requirement: 'vm.date', header: 'Date', actual: 'nonsense' });
  });

  it('returns the instant of a valid value, with the zone applied', () => {
    expect(parseDateTime('Fri, 30 Oct 2015 16:26:16 +0100').instant?.toISOString()).toBe('2015-10-30T15:26:16.000Z');
    expect(parseDateTime('Fri, 30 Oct 15 16:26:16 EST').instant?.toISOString()).toBe('2015-10-30T21:26:16.000Z');
  });
});
