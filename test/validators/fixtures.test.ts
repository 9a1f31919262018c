// Every sample object under fixtures/objects is validated against its kind: valid ones yield no finding,
// invalid ones exactly the rules (and requirements) index.json names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isObjectKind, RULES, validateObject, type ObjectKind } from '../../harness/spec/index.js';
import index from '../../fixtures/objects/index.json' with { type: 'json' };

interface FixtureEntry {
  file: string;
  kind: string;
  valid: boolean;
  expectedRules?: string[];
  expectedRequirements?: string[];
  description: string;
}
const entries = index as FixtureEntry[];
const load = (file: string): Buffer => readFileSync(new URL(`../../fixtures/objects/${file}`, import.meta.url));
const kindOf = (e: FixtureEntry): ObjectKind => {
  if (!isObjectKind(e.kind)) throw new Error(`${e.file}: unknown kind ${e.kind}`);
  return e.kind;
};

describe('fixtures/objects/index.json', () => {
  it('lists every .eml file once, with a known kind', () => {
    const files = entries.map((e) => e.file);
    expect(new Set(files).size).toBe(files.length);
    for (const e of entries) expect(isObjectKind(e.kind), e.file).toBe(true);
  });

  it('has a valid sample of every kind and an invalid sample of every per-object rule', () => {
    const kinds = new Set(entries.filter((e) => e.valid).map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['chat', 'ft-history', 'group-state', 'imdn', 'mms', 'session-info', 'sms', 'standalone', 'voicemail']);
    const covered = new Set(entries.flatMap((e) => e.expectedRules ?? []));
    const setLevel = new Set(['imdn-message-id.unique']); // needs several objects, see imdn-message-id.test.ts
    expect(Object.keys(RULES).filter((r) => !covered.has(r) && !setLevel.has(r))).toEqual([]);
  });

  it('stores objects with CRLF line endings only', () => {
    for (const e of entries) expect(load(e.file).toString('binary').replace(/\r\n/g, '').includes('\n'), e.file).toBe(false);
  });
});

describe.each(entries.filter((e) => e.valid).map((e) => [e.file, e] as const))('valid object %s', (_file, e) => {
  it(`yields no finding as ${e.kind}`, () => {
    expect(validateObject(load(e.file), kindOf(e))).toEqual([]);
  });
});

describe.each(entries.filter((e) => !e.valid).map((e) => [e.file, e] as const))('invalid object %s', (_file, e) => {
  it(`yields exactly ${(e.expectedRules ?? []).join(', ')}`, () => {
    const findings = validateObject(load(e.file), kindOf(e));
    expect([...new Set(findings.map((f) => f.rule))].sort()).toEqual([...(e.expectedRules ?? [])].sort());
    expect([...new Set(findings.map((f) => f.requirement))].sort()).toEqual([...(e.expectedRequirements ?? [])].sort());
    for (const f of findings) {
      expect(f.expected, f.rule).not.toBe('');
      expect(f.actual, f.rule).not.toBe('');
    }
  });
});
