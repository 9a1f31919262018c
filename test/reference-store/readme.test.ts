// The fault table in reference-store/README.md is the FAULTS list.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULTS } from '../../reference-store/index.js';

describe('reference-store/README.md', () => {
  it('lists exactly the fault switches of FAULTS, with their requirement ids', () => {
    const text = readFileSync(new URL('../../reference-store/README.md', import.meta.url), 'utf8');
    const table = text.split('<!-- faults:begin -->')[1]!.split('<!-- faults:end -->')[0]!;
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    const parsed = rows.map((r) => {
      const cells = r.split(' | ');
      return { name: /`([^`]+)`/.exec(cells[0]!)![1], violates: [...cells[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]) };
    });
    expect(parsed).toEqual(FAULTS.map((f) => ({ name: f.name, violates: [...f.violates] })));
  });
});
