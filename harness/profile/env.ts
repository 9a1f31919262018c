// ${env:NAME} substitution: secrets (and machine-specific values) stay out of profile files.
import { compileJsonPointer } from '../push/json-pointer.js';
import type { ProfileProblem } from './problems.js';

const REFERENCE = /\$\{env:([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables whose names look like this hold secrets, whatever field they land in. */
const SECRET_VARIABLE = /pass|pwd|secret|token|key|cred/i;

export interface EnvSubstitution {
  /** JSON Pointer of the string value that held the reference. */
  path: string;
  variable: string;
  secretLooking: boolean;
}

export interface EnvResult {
  value: unknown;
  substitutions: EnvSubstitution[];
  problems: ProfileProblem[];
}

/**
 * Replaces every ${env:NAME} in string values (whole value or embedded). Keys and `$comment…` values are left
 * alone. An unset variable is a problem naming the path and the variable, never a value.
 */
export function substituteEnv(doc: unknown, env: Readonly<Record<string, string | undefined>>): EnvResult {
  const substitutions: EnvSubstitution[] = [];
  const problems: ProfileProblem[] = [];

  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${env:')) return value;
      const pointer = compileJsonPointer(path);
      const out = value.replace(REFERENCE, (whole, name: string) => {
        if (!NAME.test(name)) {
          problems.push({ path: pointer, message: `malformed environment reference \${env:${name}} (a variable name is letters, digits and _)` });
          return whole;
        }
        const v = env[name];
        if (v === undefined) {
          problems.push({ path: pointer, message: `environment variable ${name} is not set` });
          return whole;
        }
        substitutions.push({ path: pointer, variable: name, secretLooking: SECRET_VARIABLE.test(name) });
        return v;
      });
      if (value.replace(REFERENCE, '').includes('${env:')) {
        problems.push({ path: pointer, message: 'unterminated ${env:NAME} reference' });
      }
      return out;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const next = k.startsWith('$comment') ? v : walk(v, [...path, k]);
        Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  };

  return { value: walk(doc, []), substitutions, problems };
}
