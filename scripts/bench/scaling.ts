// How the cost grows: time per case as the number of selected cases grows (evenly spread samples of the whole
// suite, so every area is represented), and the PUSH suite with 1, 3 and 10 devices per user (every device is
// also logged in once, as the CLI's preflight does).
import { CaseContext, Run } from '../../harness/conformance/context.js';
import { executeCase } from '../../harness/conformance/execute.js';
import { loadProfile, type Profile } from '../../harness/profile/index.js';
import type { CaseDefinition } from '../../harness/conformance/case.js';
import { ALL_CASES, SUITES } from '../../suites/index.js';

function spread(cases: readonly CaseDefinition[], n: number): CaseDefinition[] {
  if (n >= cases.length) return [...cases];
  return Array.from({ length: n }, (_, i) => cases[Math.floor((i * cases.length) / n)]!);
}

async function timeCases(profile: Profile, cases: readonly CaseDefinition[]): Promise<{ ms: number; ran: number; loginMs: number }> {
  const run = await Run.start({ profile, strict: false, faults: [] });
  try {
    const t0 = performance.now();
    const probe = new CaseContext(run, cases[0]!.meta);
    for (const u of profile.accounts.users) for (const d of u.devices) await probe.session(u, d);
    await probe.finish();
    const loginMs = performance.now() - t0;
    const t1 = performance.now();
    let ran = 0;
    for (const def of cases) if ((await executeCase(run, def)).verdict !== 'not-applicable') ran++;
    return { ms: performance.now() - t1, ran, loginMs };
  } finally {
    await run.stop();
  }
}

function withDevices(n: number): Profile {
  const p = loadProfile(undefined);
  const [alice, ...rest] = p.accounts.users;
  const devices = Array.from({ length: n }, (_, i) =>
    alice!.devices[i] ?? { id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, credentials: { password: 'alice-extra' }, login: `alice#urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, announce: 'login' as const },
  );
  return { ...p, accounts: { ...p.accounts, users: [{ ...alice!, devices }, ...rest] } };
}

export async function benchScaling(): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  const profile = loadProfile(undefined);
  for (const n of [10, 50, ALL_CASES.length]) {
    const r = await timeCases(profile, spread(ALL_CASES, n));
    rows.push([`${n} cases (evenly spread), ms per case`, r.ms / n]);
  }
  const push = SUITES.find((s) => s.title.startsWith('5.4.2'))!.cases;
  for (const n of [1, 3, 10]) {
    const r = await timeCases(withDevices(n), push);
    rows.push([`PUSH suite, ${n} device(s) for alice: cases run / wall ms / login of every device ms`, `${r.ran} / ${r.ms.toFixed(0)} / ${r.loginMs.toFixed(0)}`]);
  }
  return rows;
}
