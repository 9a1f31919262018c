// Every valid sample is classified as the kind it was written as.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyObject } from '../../harness/spec/classify.js';
import { parseObject } from '../../harness/spec/parse-object.js';
import index from '../../fixtures/objects/index.json' with { type: 'json' };

describe('classifyObject', () => {
  for (const f of index.filter((x) => x.valid)) {
    it(`${f.file} is a ${f.kind} object`, () => {
      expect(classifyObject(parseObject(readFileSync(`fixtures/objects/${f.file}`)))).toBe(f.kind);
    });
  }
});
