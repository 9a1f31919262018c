// RFC 6901 JSON Pointer: evaluation, parsing and construction.
// Used to pull bound fields out of PUSH payloads and to name places in a profile.

/** Splits a pointer into reference tokens; throws on syntax errors (RFC 6901 §3). */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new TypeError(`invalid JSON Pointer "${pointer}": must be empty or start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) throw new TypeError(`invalid JSON Pointer "${pointer}": "~" must be followed by 0 or 1`);
      // §4: first ~1 → "/", then ~0 → "~", so "~01" decodes to "~1", not "/".
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** Builds a pointer from reference tokens, escaping "~" and "/". */
export function compileJsonPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => '/' + String(t).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Evaluates `pointer` against `doc` (RFC 6901 §4). Returns undefined when the referenced value does not
 * exist (including the "-" past-the-end array token); throws TypeError only for a malformed pointer.
 */
export function jsonPointerGet(doc: unknown, pointer: string): unknown {
  let current: unknown = doc;
  for (const token of parseJsonPointer(pointer)) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(token)) return undefined;
      const index = Number(token);
      if (index >= current.length) return undefined;
      current = current[index];
    } else if (current !== null && typeof current === 'object') {
      // Own properties only: a payload key must never resolve to Object.prototype members.
      if (!Object.hasOwn(current, token)) return undefined;
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/** True when `pointer` is a syntactically valid JSON Pointer. */
export function isJsonPointer(pointer: string): boolean {
  try {
    parseJsonPointer(pointer);
    return true;
  } catch {
    return false;
  }
}
