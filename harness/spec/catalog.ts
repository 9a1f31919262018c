// Requirement catalog of the CR (fixtures/spec/requirements.json, ambiguities.json): typed, schema-checked once,
// cross-checked for dangling references. Suites tag their cases with these IDs; the report groups verdicts by them.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../fixtures/spec/catalog.schema.json' with { type: 'json' };
import requirementsJson from '../../fixtures/spec/requirements.json' with { type: 'json' };
import ambiguitiesJson from '../../fixtures/spec/ambiguities.json' with { type: 'json' };

import type { ObjectKind } from './types.js';

/** Object kinds of appliesTo / condition.objectKinds: the validators' list (catalog.schema.json #/$defs/objectKind). */
export { OBJECT_KINDS, type ObjectKind } from './types.js';

/** Table status (Mandatory/Optional) or the statement's keyword; 'n/k' = no keyword. */
export const REQUIREMENT_LEVELS = [
  'Mandatory', 'Optional', 'SHALL', 'conditional SHALL', 'MAY', 'MUST', 'MUST NOT', 'SHOULD', 'SHOULD NOT', 'n/k',
] as const;
export type RequirementLevel = (typeof REQUIREMENT_LEVELS)[number];

export const CLAUSES = ['5.2.1', '5.2.x', '5.4.1', '5.4.2'] as const;
export type Clause = (typeof CLAUSES)[number];

export const ORIGINS = ['baseline', 'cr', 'referenced'] as const;
export type RequirementOrigin = (typeof ORIGINS)[number];

export const TESTABILITIES = ['testable', 'partially-testable', 'not-testable-at-store'] as const;
export type Testability = (typeof TESTABILITIES)[number];

export type RequirementKind = 'table-row' | 'statement';
export type TableId = 'Table 1' | 'Table 6';

export interface Condition {
  /** notify = the server supports IMAP NOTIFY; push = it notifies the CPM PUSH Enabler. */
  readonly feature?: 'notify' | 'push';
  readonly objectKinds?: readonly ObjectKind[];
  /** The stored object carries this header. */
  readonly headerPresent?: string;
}

export interface Deprecation {
  readonly reason: string;
  readonly replacedBy?: readonly string[];
}

export interface Requirement {
  readonly id: string;
  readonly kind: RequirementKind;
  readonly clause: Clause;
  /** Clause the CR's editorial note gives for the final text (Table 6: 5.2.10). */
  readonly intendedClause?: string;
  readonly table?: TableId;
  /** Table rows: the header name exactly as in the table. */
  readonly header?: string;
  readonly parent?: string;
  /** Rows a shared statement applies to. */
  readonly covers?: readonly string[];
  readonly title: string;
  /** Verbatim text, whitespace collapsed (see textKind for referenced rules). */
  readonly text: string;
  readonly textKind?: 'verbatim' | 'excerpt' | 'paraphrase';
  readonly level: RequirementLevel;
  readonly condition?: Condition;
  readonly origin: RequirementOrigin;
  readonly appliesTo?: readonly ObjectKind[];
  readonly source: string;
  /** Rule ID in the spec notes (MO-05, NT-02, CR-06 ...). */
  readonly notesRef?: string;
  readonly seeAlso?: readonly string[];
  readonly referencedBy?: readonly string[];
  readonly ambiguities?: readonly string[];
  readonly testability: Testability;
  readonly testabilityNote?: string;
  /** Testable in principle, but no case covers it yet: why (reports list it as uncovered with this reason). */
  readonly deferred?: string;
  readonly deprecated?: Deprecation;
}

export interface AmbiguityOption {
  readonly id: string;
  readonly description: string;
}

export interface ProfileOption {
  /** Dotted path in the target profile, e.g. features.identityBinding, accounts.users[].devices[].announce. */
  readonly setting: string;
  readonly values?: readonly string[];
}

export interface Ambiguity {
  readonly id: string;
  /** Question ID in the spec notes (A-1 ... A-21), when it has one. */
  readonly notesRef?: string;
  readonly clause: Clause;
  readonly title: string;
  readonly question: string;
  readonly options: readonly AmbiguityOption[];
  readonly suiteInterpretation: string;
  readonly profileOption?: readonly ProfileOption[];
  readonly affects: readonly string[];
  readonly severity: 'blocking' | 'interpretive';
  readonly deprecated?: Deprecation;
}

export interface DocumentInfo {
  readonly title: string;
  readonly titleNote: string;
  readonly baseSpecification: string;
  readonly baseSpecificationNote: string;
  readonly version: string | null;
  readonly date: string | null;
  readonly origin: string;
  readonly sourceFile: string;
  readonly sourceSha256: string;
  readonly changes: readonly { readonly id: string; readonly title: string; readonly clauses: readonly Clause[] }[];
  readonly tables: readonly {
    readonly id: TableId;
    readonly clause: Clause;
    readonly caption: string;
    readonly columns: readonly string[];
    readonly rowCount: number;
  }[];
  readonly notesDocument?: string;
}

export interface RequirementsDocument {
  readonly $schema: string;
  readonly document: DocumentInfo;
  readonly requirements: readonly Requirement[];
}

export interface AmbiguitiesDocument {
  readonly $schema: string;
  readonly ambiguities: readonly Ambiguity[];
}

export interface Catalog {
  readonly document: DocumentInfo;
  readonly requirements: readonly Requirement[];
  readonly ambiguities: readonly Ambiguity[];
  /** The requirement with this ID; throws on an unknown ID (a typo in a suite must not pass silently). */
  byId(id: string): Requirement;
  /** The requirement with this ID, or undefined. */
  find(id: string): Requirement | undefined;
  ambiguityById(id: string): Ambiguity;
  /** Statements whose parent is this ID, in catalog order. */
  childrenOf(id: string): readonly Requirement[];
  /** Ambiguities that affect this requirement. */
  ambiguitiesOf(id: string): readonly Ambiguity[];
}

// ---------------------------------------------------------------------------------------------------------------
// Schema validation

export const REQUIREMENTS_FILE = 'fixtures/spec/requirements.json';
export const AMBIGUITIES_FILE = 'fixtures/spec/ambiguities.json';

let validators: { requirements: ValidateFunction; ambiguities: ValidateFunction } | undefined;

/** The two document validators, compiled once in ajv strict mode. */
export function catalogValidators(): { requirements: ValidateFunction; ambiguities: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addSchema(schema);
    const get = (def: string): ValidateFunction => {
      const v = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
      if (!v) throw new Error(`catalog.schema.json has no $defs/${def}`);
      return v;
    };
    validators = { requirements: get('requirementsDocument'), ambiguities: get('ambiguitiesDocument') };
  }
  return validators;
}

/** One line per schema error: `<file>#<JSON pointer>: <message>`. Drops the noise of if/then wrappers. */
export function describeSchemaErrors(file: string, errors: readonly ErrorObject[]): string[] {
  return errors
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const p = e.params as Record<string, unknown>;
      // A property forbidden by an if/then branch arrives as the boolean schema `false`.
      let detail = e.keyword === 'false schema' ? 'is not allowed on this kind of record' : (e.message ?? e.keyword);
      if (typeof p['additionalProperty'] === 'string') detail += ` '${p['additionalProperty']}'`;
      if (Array.isArray(p['allowedValues'])) detail += ` (${p['allowedValues'].join(', ')})`;
      return `${file}#${e.instancePath}: ${detail}`;
    });
}

export class CatalogError extends Error {
  constructor(readonly findings: readonly string[]) {
    super(`requirement catalog is invalid:\n  ${findings.join('\n  ')}`);
    this.name = 'CatalogError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cross-record checks (what a schema cannot express)

export type CatalogProblemCode = 'duplicate-id' | 'dangling-reference' | 'asymmetric-link' | 'parent-cycle';

export interface CatalogProblem {
  readonly code: CatalogProblemCode;
  /** `<file>#<JSON pointer>` of the offending value. */
  readonly path: string;
  readonly message: string;
}

/**
 * Pure integrity check of a catalog: duplicate IDs; parent / covers / referencedBy / deprecated.replacedBy /
 * ambiguities / affects naming no existing record; an ambiguity link recorded on one side only; parent cycles.
 */
export function findCatalogProblems(doc: {
  readonly requirements: readonly Requirement[];
  readonly ambiguities?: readonly Ambiguity[];
}): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const reqs = doc.requirements;
  const ambs = doc.ambiguities ?? [];
  const R = `${REQUIREMENTS_FILE}#/requirements`;
  const A = `${AMBIGUITIES_FILE}#/ambiguities`;

  const firstIndex = <T extends { id: string }>(records: readonly T[], base: string): Map<string, T> => {
    const seen = new Map<string, number>();
    records.forEach((r, i) => {
      const first = seen.get(r.id);
      if (first === undefined) seen.set(r.id, i);
      else problems.push({ code: 'duplicate-id', path: `${base}/${i}/id`, message: `'${r.id}' is already used at ${base}/${first}` });
    });
    return new Map([...seen].map(([id, i]) => [id, records[i] as T]));
  };
  const reqById = firstIndex(reqs, R);
  const ambById = firstIndex(ambs, A);

  const dangling = (path: string, id: string, what: string): void => {
    problems.push({ code: 'dangling-reference', path, message: `'${id}' names no ${what}` });
  };

  reqs.forEach((r, i) => {
    if (r.parent !== undefined && !reqById.has(r.parent)) dangling(`${R}/${i}/parent`, r.parent, 'requirement');
    r.covers?.forEach((id, j) => reqById.has(id) || dangling(`${R}/${i}/covers/${j}`, id, 'requirement'));
    r.referencedBy?.forEach((id, j) => reqById.has(id) || dangling(`${R}/${i}/referencedBy/${j}`, id, 'requirement'));
    r.deprecated?.replacedBy?.forEach(
      (id, j) => reqById.has(id) || dangling(`${R}/${i}/deprecated/replacedBy/${j}`, id, 'requirement'),
    );
    r.ambiguities?.forEach((id, j) => {
      const a = ambById.get(id);
      if (!a) dangling(`${R}/${i}/ambiguities/${j}`, id, 'ambiguity');
      else if (!a.affects.includes(r.id))
        problems.push({
          code: 'asymmetric-link',
          path: `${R}/${i}/ambiguities/${j}`,
          message: `'${r.id}' lists '${id}', but that ambiguity's affects does not list '${r.id}'`,
        });
    });
  });

  ambs.forEach((a, i) => {
    a.affects.forEach((id, j) => {
      const r = reqById.get(id);
      if (!r) dangling(`${A}/${i}/affects/${j}`, id, 'requirement');
      else if (!r.ambiguities?.includes(a.id))
        problems.push({
          code: 'asymmetric-link',
          path: `${A}/${i}/affects/${j}`,
          message: `'${a.id}' affects '${id}', but that requirement's ambiguities does not list '${a.id}'`,
        });
    });
  });

  reqs.forEach((r, i) => {
    const chain = new Set<string>([r.id]);
    for (let p = r.parent; p !== undefined; p = reqById.get(p)?.parent) {
      if (chain.has(p)) {
        problems.push({ code: 'parent-cycle', path: `${R}/${i}/parent`, message: `parent chain of '${r.id}' returns to '${p}'` });
        break;
      }
      chain.add(p);
    }
  });

  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

/** Validates both documents and their cross-references; throws a CatalogError naming every offending JSON path. */
export function buildCatalog(requirementsDoc: unknown, ambiguitiesDoc: unknown): Catalog {
  const v = catalogValidators();
  const findings: string[] = [];
  if (!v.requirements(requirementsDoc)) findings.push(...describeSchemaErrors(REQUIREMENTS_FILE, v.requirements.errors ?? []));
  if (!v.ambiguities(ambiguitiesDoc)) findings.push(...describeSchemaErrors(AMBIGUITIES_FILE, v.ambiguities.errors ?? []));
  if (findings.length > 0) throw new CatalogError(findings);

  const reqDoc = requirementsDoc as RequirementsDocument;
  const ambDoc = ambiguitiesDoc as AmbiguitiesDocument;
  const problems = findCatalogProblems({ requirements: reqDoc.requirements, ambiguities: ambDoc.ambiguities });
  if (problems.length > 0) throw new CatalogError(problems.map((p) => `${p.path}: ${p.code}: ${p.message}`));

  const reqById = new Map(reqDoc.requirements.map((r) => [r.id, r]));
  const ambById = new Map(ambDoc.ambiguities.map((a) => [a.id, a]));
  return {
    document: reqDoc.document,
    requirements: reqDoc.requirements,
    ambiguities: ambDoc.ambiguities,
    byId(id) {
      const r = reqById.get(id);
      if (!r) throw new Error(`unknown requirement id '${id}' (not in ${REQUIREMENTS_FILE})`);
      return r;
    },
    find: (id) => reqById.get(id),
    ambiguityById(id) {
      const a = ambById.get(id);
      if (!a) throw new Error(`unknown ambiguity id '${id}' (not in ${AMBIGUITIES_FILE})`);
      return a;
    },
    childrenOf: (id) => reqDoc.requirements.filter((r) => r.parent === id),
    ambiguitiesOf: (id) => ambDoc.ambiguities.filter((a) => a.affects.includes(id)),
  };
}

let catalog: Catalog | undefined;

/** The project's catalog, validated on first use. */
export function loadCatalog(): Catalog {
  catalog ??= buildCatalog(requirementsJson, ambiguitiesJson);
  return catalog;
}
