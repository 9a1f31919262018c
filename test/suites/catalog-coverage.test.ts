// Traceability both ways: every requirement the store can be tested for has a case, every case covers requirements
// that exist, IDs are unique, and every case carries the fields the generated test specification prints.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../harness/spec/catalog.js';
import { ALL_CASES } from '../../suites/index.js';

const catalog = loadCatalog();

describe('catalog coverage', () => {
  it('every case covers only requirements that exist in the catalog', () => {
    const unknown = ALL_CASES.flatMap((c) => c.meta.requirements.filter((r) => !catalog.find(r)).map((r) => `${c.meta.id} → ${r}`));
    expect(unknown).toEqual([]);
  });

  it('every case covers at least one requirement', () => {
    expect(ALL_CASES.filter((c) => c.meta.requirements.length === 0).map((c) => c.meta.id)).toEqual([]);
  });

  it('case IDs are unique', () => {
    const ids = ALL_CASES.map((c) => c.meta.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('every requirement testable at the store has at least one case', () => {
    const covered = new Set(ALL_CASES.flatMap((c) => c.meta.requirements));
    const uncovered = catalog.requirements
      .filter((r) => r.testability !== 'not-testable-at-store' && !r.deprecated && !r.deferred)
      .filter((r) => !covered.has(r.id))
      .map((r) => `${r.id} (${r.level}, ${r.testability})`);
    expect(uncovered).toEqual([]);
  });

  it('a deferred requirement really has no case (the mark is removed once one exists)', () => {
    const covered = new Set(ALL_CASES.flatMap((c) => c.meta.requirements));
    expect(catalog.requirements.filter((r) => r.deferred && covered.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('every ambiguity a case names exists', () => {
    const unknown = ALL_CASES.flatMap((c) => (c.meta.interpretations ?? []).filter((a) => !catalog.ambiguities.some((x) => x.id === a)));
    expect(unknown).toEqual([]);
  });

  it('every case has the test-specification fields', () => {
    const incomplete = ALL_CASES.filter(
      (c) => !c.meta.statement || c.meta.procedure.length === 0 || !c.meta.passCriteria || !c.meta.clause || !c.meta.level,
    ).map((c) => c.meta.id);
    expect(incomplete).toEqual([]);
  });
});
