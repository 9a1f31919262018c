// findCatalogProblems and the loader: cross-record integrity that the schema cannot express.
import { describe, expect, it } from 'vitest';
import requirementsJson from '../../fixtures/spec/requirements.json' with { type: 'json' };
import ambiguitiesJson from '../../fixtures/spec/ambiguities.json' with { type: 'json' };
import {
  type Ambiguity,
  type Requirement,
  CatalogError,
  buildCatalog,
  findCatalogProblems,
  loadCatalog,
} from '../../harness/spec/catalog.js';

const R = 'fixtures/spec/requirements.json#/requirements';
const A = 'fixtures/spec/ambiguities.json#/ambiguities';

function req(id: string, extra: Partial<Requirement> = {}): Requirement {
  return {
    id, kind: 'statement', clause: '5.4.2', title: id, text: 'x', level: 'SHALL', origin: 'cr', source: 'CR §5.4.2',
    testability: 'testable', ...extra,
  };
}
function amb(id: string, affects: string[]): Ambiguity {
  return {
    id, clause: '5.4.2', title: id, question: 'q', suiteInterpretation: 's', severity: 'interpretive', affects,
    options: [{ id: 'a', description: 'a' }, { id: 'b', description: 'b' }],
  };
}

describe('findCatalogProblems', () => {
  it('finds nothing in the project catalog', () => {
    expect(
      findCatalogProblems({
        requirements: requirementsJson.requirements as Requirement[],
        ambiguities: ambiguitiesJson.ambiguities as Ambiguity[],
      }),
    ).toEqual([]);
  });

  it('reports two records sharing an ID, at the second one', () => {
    expect(findCatalogProblems({ requirements: [req('push.a'), req('push.b'), req('push.a')] })).toEqual([
      { code: 'duplicate-id', path: `${R}/2/id`, message: `'push.a' is already used at ${R}/0` },
    ]);
    expect(findCatalogProblems({ requirements: [req('push.a', { ambiguities: ['amb.x'] })], ambiguities: [amb('amb.x', ['push.a']), amb('amb.x', ['push.a'])] })).toContainEqual(
      { code: 'duplicate-id', path: `${A}/1/id`, message: `'amb.x' is already used at ${A}/0` },
    );
  });

  it('reports dangling parent, covers, referencedBy and replacedBy references', () => {
    const problems = findCatalogProblems({
      requirements: [
        req('push.a', { parent: 'push.gone' }),
        req('push.b', { covers: ['push.a', 'push.nowhere'] }),
        req('rfc5465.c', { origin: 'referenced', referencedBy: ['notify.missing'] }),
        req('push.d', { deprecated: { reason: 'split', replacedBy: ['push.e'] } }),
      ],
    });
    expect(problems).toEqual([
      { code: 'dangling-reference', path: `${R}/0/parent`, message: "'push.gone' names no requirement" },
      { code: 'dangling-reference', path: `${R}/1/covers/1`, message: "'push.nowhere' names no requirement" },
      { code: 'dangling-reference', path: `${R}/2/referencedBy/0`, message: "'notify.missing' names no requirement" },
      { code: 'dangling-reference', path: `${R}/3/deprecated/replacedBy/0`, message: "'push.e' names no requirement" },
    ]);
  });

  it('reports dangling ambiguity links in both directions', () => {
    const problems = findCatalogProblems({
      requirements: [req('push.a', { ambiguities: ['amb.unknown'] })],
      ambiguities: [amb('amb.x', ['push.zzz'])],
    });
    expect(problems).toEqual([
      { code: 'dangling-reference', path: `${R}/0/ambiguities/0`, message: "'amb.unknown' names no ambiguity" },
      { code: 'dangling-reference', path: `${A}/0/affects/0`, message: "'push.zzz' names no requirement" },
    ]);
  });

  it('reports an ambiguity link recorded on one side only', () => {
    const problems = findCatalogProblems({
      requirements: [req('push.a'), req('push.b', { ambiguities: ['amb.x'] })],
      ambiguities: [amb('amb.x', ['push.a'])],
    });
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['asymmetric-link', `${R}/1/ambiguities/0`],
      ['asymmetric-link', `${A}/0/affects/0`],
    ]);
  });

  it('reports parent cycles', () => {
    const problems = findCatalogProblems({ requirements: [req('push.a', { parent: 'push.b' }), req('push.b', { parent: 'push.a' })] });
    expect(problems.map((p) => p.code)).toEqual(['parent-cycle', 'parent-cycle']);
  });
});

describe('loadCatalog / buildCatalog', () => {
  it('looks records up by ID and throws on an unknown one', () => {
    const c = loadCatalog();
    expect(c.byId('push.trigger-identity').level).toBe('SHALL');
    expect(c.find('push.nope')).toBeUndefined();
    expect(() => c.byId('push.nope')).toThrow("unknown requirement id 'push.nope'");
    expect(c.childrenOf('mo.message-correlator').map((r) => r.id)).toEqual([
      'mo.message-correlator.sms-text', 'mo.message-correlator.mms-message-id', 'mo.message-correlator.matches-context',
    ]);
    expect(c.ambiguitiesOf('mo.message-seen-identity').map((a) => a.id)).toContain('amb.immutable-object');
    expect(c.ambiguityById('amb.push-format').severity).toBe('blocking');
    expect(loadCatalog()).toBe(c);
  });

  it('throws a CatalogError naming the JSON path of a schema violation', () => {
    const broken = structuredClone(requirementsJson) as { requirements: Record<string, unknown>[] };
    delete broken.requirements[4]?.['level'];
    expect(() => buildCatalog(broken, ambiguitiesJson)).toThrow(CatalogError);
    expect(() => buildCatalog(broken, ambiguitiesJson)).toThrow(
      "fixtures/spec/requirements.json#/requirements/4: must have required property 'level'",
    );
  });

  it('throws a CatalogError naming a duplicate ID', () => {
    const dup = structuredClone(requirementsJson);
    const first = dup.requirements[0];
    if (first) dup.requirements.push(first);
    const last = dup.requirements.length - 1;
    expect(() => buildCatalog(dup, ambiguitiesJson)).toThrow(`${R}/${last}/id: duplicate-id: 'mo.from' is already used at ${R}/0`);
  });
});
