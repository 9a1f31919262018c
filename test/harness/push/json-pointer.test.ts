import { describe, expect, test } from 'vitest';
import { compileJsonPointer, isJsonPointer, jsonPointerGet, parseJsonPointer } from '../../../harness/push/json-pointer.js';

// The RFC 6901 §5 example document.
const doc = {
  foo: ['bar', 'baz'],
  '': 0,
  'a/b': 1,
  'c%d': 2,
  'e^f': 3,
  'g|h': 4,
  'i\\j': 5,
  'k"l': 6,
  ' ': 7,
  'm~n': 8,
};

describe('jsonPointerGet (RFC 6901)', () => {
  test.each([
    ['', doc],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ])('RFC 6901 §5 example %j', (pointer, expected) => {
    expect(jsonPointerGet(doc, pointer)).toEqual(expected);
  });

  test('~01 decodes to "~1", not "/"', () => {
    expect(jsonPointerGet({ '~1': 'tilde-one', '/': 'slash' }, '/~01')).toBe('tilde-one');
  });

  test('missing members, bad array indexes and "-" give undefined', () => {
    expect(jsonPointerGet(doc, '/nope')).toBeUndefined();
    expect(jsonPointerGet(doc, '/foo/2')).toBeUndefined();
    expect(jsonPointerGet(doc, '/foo/-')).toBeUndefined();
    expect(jsonPointerGet(doc, '/foo/01')).toBeUndefined();
    expect(jsonPointerGet(doc, '/foo/0/x')).toBeUndefined();
    expect(jsonPointerGet({}, '/constructor')).toBeUndefined();
  });

  test('malformed pointers throw', () => {
    expect(() => jsonPointerGet(doc, 'foo')).toThrow(/must be empty or start with/);
    expect(() => jsonPointerGet(doc, '/a~2')).toThrow(/~/);
    expect(isJsonPointer('/ok/~0~1')).toBe(true);
    expect(isJsonPointer('/bad~')).toBe(false);
  });

  test('compile is the inverse of parse', () => {
    const tokens = ['a/b', 'm~n', '0', ''];
    expect(parseJsonPointer(compileJsonPointer(tokens))).toEqual(tokens);
    expect(compileJsonPointer(['accounts', 'users', 0])).toBe('/accounts/users/0');
  });
});
