// A strict JSON (RFC 8259) reader that remembers where each value starts, so profile problems can be
// reported with line and column, and that rejects duplicate member names (JSON.parse silently keeps the
// last one, which would hide a mistyped override). Error messages never quote the source text: a profile
// may hold a literal password.
import { compileJsonPointer } from '../push/json-pointer.js';

export interface SourcePosition {
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly position: SourcePosition,
  ) {
    super(`line ${position.line}, column ${position.column}: ${reason}`);
    this.name = 'JsonSyntaxError';
  }
}

export interface ParsedJson {
  value: unknown;
  /** JSON Pointer of every value → where it starts in the text (1-based line and column). */
  positions: Map<string, SourcePosition>;
}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*/y;

export function parseJsonWithPositions(text: string): ParsedJson {
  const positions = new Map<string, SourcePosition>();
  // Line starts, for offset → line/column.
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const positionOf = (offset: number): SourcePosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };
  const fail = (reason: string, offset: number): never => {
    throw new JsonSyntaxError(reason, offset, positionOf(offset));
  };
  const describeAt = (offset: number): string => {
    const ch = text[offset];
    if (ch === undefined) return 'end of input';
    if (ch === '"') return 'a string';
    if (/[0-9-]/.test(ch)) return 'a number';
    if (/[{}[\]:,]/.test(ch)) return `'${ch}'`;
    return /[\x21-\x7e]/.test(ch) ? `unexpected character '${ch}'` : `unexpected character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  };

  let pos = 0;
  const skipWs = (): void => {
    while (pos < text.length && WS.has(text[pos]!)) pos++;
  };

  const readString = (): string => {
    const start = pos;
    pos++; // opening quote
    STRING_BODY.lastIndex = pos;
    STRING_BODY.exec(text);
    pos = STRING_BODY.lastIndex;
    if (text[pos] !== '"') {
      if (pos >= text.length) fail('unterminated string', start);
      if (text[pos] === '\\') fail('invalid escape sequence in string', pos);
      fail('control character in string (escape it, e.g. \\n)', pos);
    }
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };

  const readValue = (path: (string | number)[]): unknown => {
    skipWs();
    positions.set(compileJsonPointer(path), positionOf(pos));
    const ch = text[pos];
    if (ch === '{') return readObject(path);
    if (ch === '[') return readArray(path);
    if (ch === '"') return readString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (!m) return fail('invalid number', pos);
      pos = NUMBER.lastIndex;
      if (text[pos] !== undefined && /[0-9.eE+-]/.test(text[pos]!)) fail('invalid number', pos);
      return Number(m[0]);
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    if (ch === "'") return fail("strings must use double quotes", pos);
    return fail(`expected a value, found ${describeAt(pos)}`, pos);
  };

  const readObject = (path: (string | number)[]): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    pos++;
    skipWs();
    if (text[pos] === '}') {
      pos++;
      return obj;
    }
    for (;;) {
      skipWs();
      if (text[pos] !== '"') {
        fail(text[pos] === '}' ? "trailing comma before '}'" : `expected a property name in double quotes, found ${describeAt(pos)}`, pos);
      }
      const keyOffset = pos;
      const key = readString();
      if (Object.hasOwn(obj, key)) fail(`duplicate property "${key}"`, keyOffset);
      skipWs();
      if (text[pos] !== ':') fail(`expected ':' after property name, found ${describeAt(pos)}`, pos);
      pos++;
      // defineProperty: a "__proto__" member must become data, not the prototype.
      Object.defineProperty(obj, key, { value: readValue([...path, key]), enumerable: true, writable: true, configurable: true });
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      return fail(`expected ',' or '}' after property value, found ${describeAt(pos)}`, pos);
    }
  };

  const readArray = (path: (string | number)[]): unknown[] => {
    const arr: unknown[] = [];
    pos++;
    skipWs();
    if (text[pos] === ']') {
      pos++;
      return arr;
    }
    for (;;) {
      skipWs();
      if (text[pos] === ']') fail("trailing comma before ']'", pos);
      arr.push(readValue([...path, arr.length]));
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      return fail(`expected ',' or ']' after array element, found ${describeAt(pos)}`, pos);
    }
  };

  if (text.charCodeAt(0) === 0xfeff) pos = 1; // tolerate a UTF-8 BOM
  const value = readValue([]);
  skipWs();
  if (pos < text.length) fail(`unexpected content after the JSON value: ${describeAt(pos)}`, pos);
  return { value, positions };
}
