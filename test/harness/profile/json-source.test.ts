import { describe, expect, test } from 'vitest';
import { JsonSyntaxError, parseJsonWithPositions } from '../../../harness/profile/json-source.js';
import { isLoopbackHost } from '../../../harness/profile/loopback.js';

function syntaxError(text: string): { reason: string; line: number; column: number } {
  try {
    parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { reason: e.reason, ...e.position };
    throw e;
  }
  throw new Error('parsed');
}

describe('parseJsonWithPositions', () => {
  test('parses like JSON.parse and maps every value to its line and column', () => {
    const text = '{\n  "a": [1, -2.5e3, "x\\"y\\u00e9"],\n  "b/c": { "d": null, "e": true }\n}';
    const { value, positions } = parseJsonWithPositions(text);
    expect(value).toEqual(JSON.parse(text));
    expect(positions.get('')).toEqual({ line: 1, column: 1 });
    expect(positions.get('/a')).toEqual({ line: 2, column: 8 });
    expect(positions.get('/a/2')).toEqual({ line: 2, column: 20 });
    expect(positions.get('/b~1c/e')).toEqual({ line: 3, column: 28 });
  });

  test('reports syntax errors with line and column, without quoting the text', () => {
    expect(syntaxError('{\n  "a": 1\n  "b": 2\n}')).toEqual({ reason: "expected ',' or '}' after property value, found a string", line: 3, column: 3 });
    expect(syntaxError('[1, 2,]')).toEqual({ reason: "trailing comma before ']'", line: 1, column: 7 });
    expect(syntaxError("{ 'a': 1 }")).toMatchObject({ reason: "expected a property name in double quotes, found unexpected character '''" });
    expect(syntaxError('{"a": "secret\nvalue"}')).toEqual({ reason: 'control character in string (escape it, e.g. \\n)', line: 1, column: 14 });
    expect(syntaxError('{"a": 01}')).toMatchObject({ reason: 'invalid number' });
    expect(syntaxError('{"a": tru}')).toMatchObject({ reason: "expected a value, found unexpected character 't'" });
    expect(syntaxError('{"a": 1} x')).toMatchObject({ reason: "unexpected content after the JSON value: unexpected character 'x'", column: 10 });
    expect(syntaxError('{"a": "open')).toMatchObject({ reason: 'unterminated string', column: 7 });
    expect(syntaxError('')).toMatchObject({ reason: 'expected a value, found end of input' });
    expect(syntaxError('{"a": 1, "a": 2}')).toEqual({ reason: 'duplicate property "a"', line: 1, column: 10 });
  });

  test('"__proto__" is an ordinary member', () => {
    const { value } = parseJsonWithPositions('{"__proto__": {"polluted": true}}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as Record<string, unknown>)['__proto__']).toEqual({ polluted: true });
  });

  test('a UTF-8 byte order mark is tolerated', () => {
    expect(parseJsonWithPositions('\ufeff{"a": 1}').value).toEqual({ a: 1 });
  });
});

describe('isLoopbackHost', () => {
  test.each(['127.0.0.1', '127.255.0.9', 'localhost', 'LOCALHOST', 'db.localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  test.each(['10.0.0.1', '0.0.0.0', '::', 'example.com', '128.0.0.1', '::ffff:10.0.0.1', '127.0.0.1.example.com', ''])('%s is not', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });
});
