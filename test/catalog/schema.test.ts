// catalog.schema.json: compiles in ajv strict mode, accepts the catalog, rejects malformed records.
import { describe, expect, it } from 'vitest';
import schema from '../../fixtures/spec/catalog.schema.json' with { type: 'json' };
import requirementsJson from '../../fixtures/spec/requirements.json' with { type: 'json' };
import ambiguitiesJson from '../../fixtures/spec/ambiguities.json' with { type: 'json' };
import {
  CLAUSES,
  OBJECT_KINDS,
  ORIGINS,
  REQUIREMENT_LEVELS,
  TESTABILITIES,
  catalogValidators,
  describeSchemaErrors,
} from '../../harness/spec/catalog.js';

type Json = Record<string, unknown>;
const clone = <T>(x: T): T => structuredClone(x);

/** The requirements document with its record list replaced. */
function withRequirements(records: Json[]): Json {
  return { ...clone(requirementsJson), requirements: records };
}
function recordOf(id: string): Json {
  const r = requirementsJson.requirements.find((x) => x.id === id);
  if (!r) throw new Error(`fixture record ${id} missing`);
  return clone(r) as Json;
}
function errorsFor(doc: unknown): string[] {
  const v = catalogValidators().requirements;
  return v(doc) ? [] : describeSchemaErrors('requirements.json', v.errors ?? []);
}

describe('catalog.schema.json', () => {
  it('compiles under ajv strict mode and accepts both catalog files', () => {
    const { requirements, ambiguities } = catalogValidators();
    expect(describeSchemaErrors('requirements.json', requirements(requirementsJson) ? [] : requirements.errors ?? [])).toEqual([]);
    expect(describeSchemaErrors('ambiguities.json', ambiguities(ambiguitiesJson) ? [] : ambiguities.errors ?? [])).toEqual([]);
  });

  it('declares the same enums as the TypeScript types', () => {
    const defs = schema.$defs;
    expect(defs.objectKind.enum).toEqual([...OBJECT_KINDS]);
    expect(defs.level.enum).toEqual([...REQUIREMENT_LEVELS]);
    expect(defs.clause.enum).toEqual([...CLAUSES]);
    expect(defs.origin.enum).toEqual([...ORIGINS]);
    expect(defs.testability.enum).toEqual([...TESTABILITIES]);
  });

  it.each(['id', 'clause', 'level', 'text', 'kind', 'title', 'origin', 'source', 'testability'])(
    'rejects a record without %s, naming the record',
    (field) => {
      const r = recordOf('mo.to');
      delete r[field];
      expect(errorsFor(withRequirements([r]))).toContain(`requirements.json#/requirements/0: must have required property '${field}'`);
    },
  );

  it('rejects unknown properties, levels, clauses and object kinds at their JSON path', () => {
    const r = { ...recordOf('mo.to'), colour: 'red', level: 'REQUIRED', clause: '5.2.2', appliesTo: ['sms', 'fax'] };
    const errors = errorsFor(withRequirements([r]));
    expect(errors).toContain("requirements.json#/requirements/0: must NOT have additional properties 'colour'");
    expect(errors.some((e) => e.startsWith('requirements.json#/requirements/0/level: must be equal to one of the allowed values'))).toBe(true);
    expect(errors.some((e) => e.startsWith('requirements.json#/requirements/0/clause: must be equal to one of the allowed values'))).toBe(true);
    expect(errors.some((e) => e.startsWith('requirements.json#/requirements/0/appliesTo/1: must be equal to one of the allowed values'))).toBe(true);
  });

  it('rejects a non-semantic ID', () => {
    expect(errorsFor(withRequirements([{ ...recordOf('mo.to'), id: 'REQ-001' }]))).toContain(
      'requirements.json#/requirements/0/id: must match pattern "^[a-z][a-z0-9]*(?:\\.[a-z0-9]+(?:-[a-z0-9]+)*)+$"',
    );
  });

  it('requires table and header on table rows and forbids a header on statements', () => {
    const row = recordOf('mo.to');
    delete row['header'];
    expect(errorsFor(withRequirements([row]))).toContain("requirements.json#/requirements/0: must have required property 'header'");
    const stmt = { ...recordOf('mo.subject.absent-in-chat'), header: 'Subject' };
    expect(errorsFor(withRequirements([stmt]))).toContain('requirements.json#/requirements/0/header: is not allowed on this kind of record');
  });

  it('keeps table status levels for rows and keywords for statements', () => {
    expect(errorsFor(withRequirements([{ ...recordOf('mo.to'), level: 'SHALL' }]))).not.toEqual([]);
    expect(errorsFor(withRequirements([{ ...recordOf('mo.subject.absent-in-chat'), level: 'Optional' }]))).not.toEqual([]);
  });

  it('requires a condition on a conditional SHALL and a note when not fully testable', () => {
    const push = recordOf('push.status-change');
    delete push['condition'];
    delete push['testabilityNote'];
    const errors = errorsFor(withRequirements([push]));
    expect(errors).toContain("requirements.json#/requirements/0: must have required property 'condition'");
    expect(errors).toContain("requirements.json#/requirements/0: must have required property 'testabilityNote'");
  });

  it('requires referencedBy on referenced rules and verbatim text on CR records', () => {
    const rfc = recordOf('rfc5465.badevent');
    delete rfc['referencedBy'];
    expect(errorsFor(withRequirements([rfc]))).toContain("requirements.json#/requirements/0: must have required property 'referencedBy'");
    expect(errorsFor(withRequirements([{ ...recordOf('mo.to'), textKind: 'paraphrase' }]))).toContain(
      'requirements.json#/requirements/0/textKind: must be equal to constant',
    );
  });

  it('rejects an ambiguity without options or affects', () => {
    const v = catalogValidators().ambiguities;
    const a = clone(ambiguitiesJson.ambiguities[0]) as Json;
    delete a['affects'];
    a['options'] = [];
    expect(v({ ...ambiguitiesJson, ambiguities: [a] })).toBe(false);
    const errors = describeSchemaErrors('ambiguities.json', v.errors ?? []);
    expect(errors).toContain("ambiguities.json#/ambiguities/0: must have required property 'affects'");
    expect(errors).toContain('ambiguities.json#/ambiguities/0/options: must NOT have fewer than 2 items');
  });
});
