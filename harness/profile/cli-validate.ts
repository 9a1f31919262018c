// `cpm-conformance validate-profile FILE`: exit 0 with a one-line summary, or exit 2 listing each problem
// as `path: reason`.
import { describeTarget } from './describe.js';
import { loadProfile } from './load.js';
import { formatProblem, ProfileError } from './problems.js';

export type ValidateResult = { ok: true; message: string } | { ok: false; exitCode: 2; message: string };

export function validateProfileFile(path: string, env: Readonly<Record<string, string | undefined>> = process.env): ValidateResult {
  try {
    const profile = loadProfile(path, env);
    const devices = profile.accounts.users.reduce((n, u) => n + u.devices.length, 0);
    return {
      ok: true,
      message: `${path}: valid profile "${profile.name}" — ${describeTarget(profile)}; ${profile.accounts.users.length} user(s), ${devices} device(s); sha256 ${profile.sha256}`,
    };
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    const lines = e.problems.map(formatProblem);
    return { ok: false, exitCode: 2, message: `${path}: ${lines.length} problem(s)\n${lines.join('\n')}` };
  }
}
