// Turns ajv errors into one precise problem each: the JSON Pointer of the offending value and a reason a
// vendor can act on ("must be one of none, starttls, implicit", "unknown property "annouce" (did you mean
// "announce"?)"). Needs errors compiled with { allErrors: true, verbose: true } (for parentSchema).
import type { ErrorObject } from 'ajv/dist/2020.js';
import { compileJsonPointer } from '../push/json-pointer.js';
import type { ProfileProblem } from './problems.js';

type Schema = Record<string, unknown>;

const CUSTOM_MESSAGE = 'x-errorMessage';

function customMessage(e: ErrorObject): string | undefined {
  const m = (e.parentSchema as Schema | undefined)?.[CUSTOM_MESSAGE];
  return typeof m === 'string' ? m : undefined;
}

function child(path: string, key: string): string {
  return path + compileJsonPointer([key]);
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function suggestion(unknown: string, parentSchema: Schema | undefined): string {
  const known = Object.keys((parentSchema?.['properties'] as Schema | undefined) ?? {}).filter((k) => !k.startsWith('$'));
  const best = known
    .map((k) => ({ k, d: k.toLowerCase() === unknown.toLowerCase() ? 0 : editDistance(k.toLowerCase(), unknown.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(1, Math.floor(unknown.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  if (best) return ` (did you mean "${best.k}"?)`;
  return known.length > 0 ? ` (allowed: ${known.join(', ')})` : '';
}

function typeName(t: unknown): string {
  const one = (x: string): string => (x === 'object' || x === 'array' || x === 'integer' ? `an ${x}` : x === 'null' ? 'null' : `a ${x}`);
  return Array.isArray(t) ? t.map((x) => one(String(x))).join(' or ') : one(String(t));
}

/** The `kind` values a discriminated oneOf accepts, read from the (possibly $ref'd) branches. */
function discriminatorValues(e: ErrorObject, root: Schema, tag: string): string[] {
  const oneOf = ((e.parentSchema as Schema | undefined)?.['oneOf'] as Schema[] | undefined) ?? [];
  return oneOf.flatMap((branch) => {
    let sch: Schema | undefined = branch;
    const ref = branch['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
      sch = (root['$defs'] as Record<string, Schema> | undefined)?.[ref.slice('#/$defs/'.length)];
    }
    const prop = (sch?.['properties'] as Record<string, Schema> | undefined)?.[tag];
    if (prop === undefined) return [];
    if ('const' in prop) return [String(prop['const'])];
    return Array.isArray(prop['enum']) ? prop['enum'].map(String) : [];
  });
}

function describeError(e: ErrorObject, root: Schema): ProfileProblem | undefined {
  const path = e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: child(path, String(p['missingProperty'])), message: 'is required' };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(p['additionalProperty'] ?? p['unevaluatedProperty']);
      return { path: child(path, name), message: `unknown property "${name}"${suggestion(name, e.parentSchema as Schema | undefined)}` };
    }
    case 'enum':
      return { path, message: `must be one of ${(p['allowedValues'] as unknown[]).map((v) => String(v)).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(p['allowedValue'])}` };
    case 'type':
      return { path, message: `must be ${typeName(p['type'])}` };
    case 'discriminator': {
      const tag = String(p['tag']);
      const values = discriminatorValues(e, root, tag).join(', ');
      if (p['error'] === 'tag' && p['tagValue'] === undefined) return undefined; // reported by "required"
      return { path: child(path, tag), message: `must be one of ${values}` };
    }
    case 'minItems':
      return { path, message: `must have at least ${String(p['limit'])} item${p['limit'] === 1 ? '' : 's'}` };
    case 'minLength':
      return { path, message: p['limit'] === 1 ? 'must not be empty' : `must be at least ${String(p['limit'])} characters long` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${String(p['comparison'])} ${String(p['limit'])}` };
    case 'uniqueItems':
      return { path, message: `must not contain duplicates (items ${String(p['j'])} and ${String(p['i'])} are equal)` };
    case 'pattern':
    case 'format':
    case 'oneOf':
    case 'anyOf':
      return { path, message: customMessage(e) ?? e.message ?? e.keyword };
    case 'if':
      return undefined; // the failing "then" branch reports the real problem
    default:
      return { path, message: e.message ?? e.keyword };
  }
}

export function ajvErrorsToProblems(errors: readonly ErrorObject[] | null | undefined, root: Schema): ProfileProblem[] {
  const all = [...(errors ?? [])];
  // Alternatives that carry their own message (credentials, readiness, event names) speak for their branches:
  // drop the branch errors ("must have required property 'oauthBearer'", …) and keep the one message.
  const summarised = all
    .filter((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && customMessage(e) !== undefined)
    .map((e) => ({ schema: `${e.schemaPath}/`, instance: e.instancePath }));
  const kept = all.filter(
    (e) =>
      !summarised.some(
        (s) => e.schemaPath.startsWith(s.schema) && (e.instancePath === s.instance || e.instancePath.startsWith(`${s.instance}/`)),
      ),
  );
  const out: ProfileProblem[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const problem = describeError(e, root);
    if (!problem) continue;
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}
