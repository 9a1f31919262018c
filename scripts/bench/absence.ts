// How absence is concluded, measured: the 5.4.2 cases in process against the reference store, once with the
// profile's delivery order "per-user" (a sentinel barrier ends every negative check as soon as the sentinel's
// notification arrives) and once with "none" (a fixed quiet window after the change's own notification).
import { Run } from '../../harness/conformance/context.js';
import { executeCase } from '../../harness/conformance/execute.js';
import { loadProfile, type Profile } from '../../harness/profile/index.js';
import { quietTime } from '../../harness/wait.js';
import { pushCases } from '../../suites/push/push-cases.js';

export interface AbsenceFigures {
  order: 'per-user' | 'none';
  cases: number;
  passed: number;
  wallMs: number;
  quietMs: number;
}

async function once(order: AbsenceFigures['order']): Promise<AbsenceFigures> {
  const profile: Profile = structuredClone(loadProfile(undefined));
  profile.push.delivery = { ...profile.push.delivery, order };
  const run = await Run.start({ profile, strict: false, faults: [] });
  const quiet0 = quietTime.ms;
  const t0 = performance.now();
  let passed = 0;
  let cases = 0;
  try {
    for (const def of pushCases) {
      const o = await executeCase(run, def);
      if (o.verdict === 'not-applicable') continue;
      cases++;
      if (o.verdict === 'passed') passed++;
    }
  } finally {
    await run.stop();
  }
  return { order, cases, passed, wallMs: Math.round(performance.now() - t0), quietMs: quietTime.ms - quiet0 };
}

export async function benchAbsence(): Promise<AbsenceFigures[]> {
  return [await once('none'), await once('per-user')];
}
