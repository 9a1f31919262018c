// The expected-failure list a profile may name ("expectedFailures": "./expected-failures.json"): the target's
// known deviations, each a case ID with the rule it breaks and where the evidence is. Read and schema-checked
// with the profile (fixtures/profiles/expected-failures.schema.json); that every listed case exists is checked
// where the suite's case catalog is known (the CLI), with unknownExpectedCases().
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schema from '../../fixtures/profiles/expected-failures.schema.json' with { type: 'json' };
import { JsonSyntaxError, parseJsonWithPositions, type SourcePosition } from './json-source.js';
import type { ProfileProblem } from './problems.js';
import { ajvErrorsToProblems, editDistance } from './schema-errors.js';

const addFormats = addFormatsModule.default;

export const EXPECTED_FAILURES_SCHEMA_PATH = fileURLToPath(new URL('../../fixtures/profiles/expected-failures.schema.json', import.meta.url));

/** The profile member that names the file; problems inside the file are reported under it. */
const MEMBER = '/expectedFailures';

export interface ExpectedFailure {
  /** Case ID, as `cpm-conformance list` prints it. */
  case: string;
  /** One line: which rule the target breaks and how. */
  reason: string;
  /** Where the transcript proving it is, e.g. "KNOWN.md#badevent". */
  evidence: string;
  /** Bug tracker URL or a note. */
  reference?: string;
}

export interface ExpectedFailures {
  /** Absolute path of the file. */
  file: string;
  /** SHA-256 of the file's bytes. */
  sha256: string;
  entries: ExpectedFailure[];
}

let validator: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
    addFormats(ajv);
    ajv.addKeyword({ keyword: 'x-errorMessage', schemaType: 'string' });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** A problem inside the list, reported at the profile's "expectedFailures" member naming the file and the place in it. */
function inFile(file: string, p: { path: string; message: string }, positions?: ReadonlyMap<string, SourcePosition>): ProfileProblem {
  let pos: SourcePosition | undefined;
  for (let path = p.path; positions; path = path.slice(0, path.lastIndexOf('/'))) {
    pos = positions.get(path);
    if (pos || path === '') break;
  }
  const where = pos ? ` (line ${pos.line}, column ${pos.column})` : '';
  return { path: MEMBER, message: `${basename(file)} ${p.path || '/'}: ${p.message}${where}` };
}

/**
 * Reads `value` (the profile's "expectedFailures", a path relative to `baseDir`): the list, or the problems
 * that make it unusable (missing file, invalid JSON, schema violations, a case listed twice).
 */
export function readExpectedFailures(value: string, baseDir: string): { list?: ExpectedFailures; problems: ProfileProblem[] } {
  const file = isAbsolute(value) ? value : resolve(baseDir, value);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problems: [{ path: MEMBER, message: `cannot read the expected-failure list ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})` }] };
  }
  let parsed: ReturnType<typeof parseJsonWithPositions>;
  try {
    parsed = parseJsonWithPositions(bytes.toString('utf8'));
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { problems: [{ path: MEMBER, message: `${basename(file)}: invalid JSON: ${e.reason} (line ${e.position.line}, column ${e.position.column})` }] };
  }
  const validate = schemaValidator();
  if (!validate(parsed.value)) {
    return { problems: ajvErrorsToProblems(validate.errors, schema as Record<string, unknown>).map((p) => inFile(file, p, parsed.positions)) };
  }
  const entries = (parsed.value as { expectedFailures: ExpectedFailure[] }).expectedFailures.map((e) => ({
    case: e.case,
    reason: e.reason.trim(),
    evidence: e.evidence.trim(),
    ...(e.reference !== undefined ? { reference: e.reference.trim() } : {}),
  }));
  const problems: ProfileProblem[] = [];
  const first = new Map<string, number>();
  entries.forEach((e, i) => {
    const seen = first.get(e.case);
    if (seen !== undefined) problems.push(inFile(file, { path: `/expectedFailures/${i}/case`, message: `"${e.case}" is listed twice (also /expectedFailures/${seen})` }, parsed.positions));
    else first.set(e.case, i);
  });
  if (problems.length > 0) return { problems };
  return { list: { file, sha256: createHash('sha256').update(bytes).digest('hex'), entries }, problems: [] };
}

/** Entries naming a case the suite does not have: a profile error (a typo must not silently expect nothing). */
export function unknownExpectedCases(list: ExpectedFailures | undefined, knownCaseIds: readonly string[]): ProfileProblem[] {
  if (!list) return [];
  const known = new Set(knownCaseIds);
  const problems: ProfileProblem[] = [];
  list.entries.forEach((e, i) => {
    if (known.has(e.case)) return;
    const closest = knownCaseIds
      .map((k) => ({ k, d: editDistance(k, e.case) }))
      .sort((a, b) => a.d - b.d)
      .find(({ d }) => d <= Math.max(2, Math.floor(e.case.length / 5)));
    problems.push({
      path: MEMBER,
      message: `${basename(list.file)} /expectedFailures/${i}/case: no case "${e.case}" in the suite${closest ? ` (did you mean "${closest.k}"?)` : ''}; see \`cpm-conformance list\``,
    });
  });
  return problems;
}

/** The entry for `caseId`, if the list has one. */
export function expectedFailureOf(list: ExpectedFailures | undefined, caseId: string): ExpectedFailure | undefined {
  return list?.entries.find((e) => e.case === caseId);
}
