// A profile problem names the exact place (RFC 6901 JSON Pointer, plus line/column when read from a file)
// and the reason. Problems never quote values: a value may be a secret.
import type { SourcePosition } from './json-source.js';

export interface ProfileProblem {
  /** JSON Pointer into the profile, e.g. /accounts/users/0/devices/1/announce ("" = the whole document). */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** `path: reason (line L, column C)`, the form validate-profile prints. */
export function formatProblem(p: ProfileProblem): string {
  const where = p.line !== undefined ? ` (line ${p.line}, column ${p.column ?? 1})` : '';
  return `${p.path === '' ? '/' : p.path}: ${p.message}${where}`;
}

export class ProfileError extends Error {
  readonly exitCode = 2 as const;
  constructor(
    readonly source: string,
    readonly problems: ProfileProblem[],
  ) {
    super(`profile ${source} is invalid:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ProfileError';
  }
}

/** Attaches line/column from the source map, using the nearest enclosing value that has one. */
export function locate(problem: ProfileProblem, positions: ReadonlyMap<string, SourcePosition> | undefined): ProfileProblem {
  if (!positions || problem.line !== undefined) return problem;
  let path = problem.path;
  for (;;) {
    const pos = positions.get(path);
    if (pos) return { ...problem, line: pos.line, column: pos.column };
    if (path === '') return problem;
    path = path.slice(0, path.lastIndexOf('/'));
  }
}
