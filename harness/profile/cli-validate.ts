// `cpm-conformance validate-profile FILE`: exit 0 with a one-line summary, or exit 2 listing each problem
// as `path: reason`.
import { describeTarget } from './describe.js';
import { unknownExpectedCases } from './expected-failures.js';
import { loadProfile } from './load.js';
import { formatProblem, ProfileError } from './problems.js';

export type ValidateResult = { ok: true; message: string } | { ok: false; exitCode: 2; message: string };

/** `knownCaseIds`: the suite's case IDs, to check the expected-failure list against (the CLI passes them). */
export function validateProfileFile(
  path: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  knownCaseIds?: readonly string[],
): ValidateResult {
  try {
    const profile = loadProfile(path, env);
    if (knownCaseIds) {
      const unknown = unknownExpectedCases(profile.expectedFailures, knownCaseIds);
      if (unknown.length > 0) throw new ProfileError(profile.source, unknown);
    }
    const devices = profile.accounts.users.reduce((n, u) => n + u.devices.length, 0);
    const expected = profile.expectedFailures ? `; ${profile.expectedFailures.entries.length} expected failure(s)` : '';
    return {
      ok: true,
      message: `${path}: valid profile "${profile.name}" — ${describeTarget(profile)}; ${profile.accounts.users.length} user(s), ${devices} device(s)${expected}; sha256 ${profile.sha256}`,
    };
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    const lines = e.problems.map(formatProblem);
    return { ok: false, exitCode: 2, message: `${path}: ${lines.length} problem(s)\n${lines.join('\n')}` };
  }
}
