// The kill matrix: proof that every case can fail. The whole suite runs against the reference store once
// without faults (everything applicable must pass) and once per fault switch; each switch must make at least one
// case fail, only cases covering a requirement the switch violates may fail, and every case must be failed by at
// least one switch.
import type { Profile } from '../profile/types.js';
import type { CaseDefinition } from './case.js';
import { Run } from './context.js';
import { executeCase, type Verdict } from './execute.js';

export interface FaultSwitch {
  name: string;
  violates: readonly string[];
}

export interface FaultRun {
  fault: string;
  violates: readonly string[];
  /** Cases that failed (or warned) and cover a violated requirement: the switch was detected. */
  killedBy: string[];
  /** Cases that did not pass although they cover none of the violated requirements. */
  collateral: { id: string; verdict: Verdict; message: string }[];
  /**
   * Cases blocked by the switch: a prerequisite they check (e.g. a header another requirement governs) no longer
   * held, so they reported the root cause instead of a false failure. Not counted as collateral.
   */
  blocked: { id: string; message: string }[];
  durationMs: number;
}

export interface KillMatrix {
  baseline: { id: string; verdict: Verdict; message?: string }[];
  runs: FaultRun[];
  /** Switches that no case detected. */
  undetected: string[];
  /** Applicable cases that no switch made fail. */
  unkilled: string[];
}

/** `a` and `b` are the same requirement, or one is a statement below the other (`mo.subject` / `mo.subject.absent-in-chat`). */
export function relatedRequirement(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

export function covers(def: CaseDefinition, violates: readonly string[]): boolean {
  return def.meta.requirements.some((r) => violates.some((v) => relatedRequirement(r, v)));
}

async function runAll(profile: Profile, cases: readonly CaseDefinition[], faults: string[]) {
  const run = await Run.start({ profile, strict: true, faults });
  try {
    const out: { def: CaseDefinition; verdict: Verdict; message?: string }[] = [];
    for (const def of cases) {
      const o = await executeCase(run, def);
      out.push({ def, verdict: o.verdict, ...(o.message !== undefined ? { message: o.message } : {}) });
    }
    return out;
  } finally {
    await run.stop();
  }
}

/** Runs the matrix; fault runs go `concurrency` at a time, each against its own store and enabler mock. */
export async function killMatrix(
  profile: Profile,
  cases: readonly CaseDefinition[],
  faults: readonly FaultSwitch[],
  opts: { concurrency?: number; onRun?: (r: FaultRun) => void } = {},
): Promise<KillMatrix> {
  const baselineResults = await runAll(profile, cases, []);
  const applicable = baselineResults.filter((r) => r.verdict !== 'not-applicable').map((r) => r.def);
  const baseline = baselineResults.map((r) => ({ id: r.def.meta.id, verdict: r.verdict, ...(r.message ? { message: r.message } : {}) }));

  const runs: FaultRun[] = [];
  const queue = [...faults];
  const worker = async (): Promise<void> => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const started = performance.now();
      const results = await runAll(profile, applicable, [f.name]);
      const r: FaultRun = { fault: f.name, violates: f.violates, killedBy: [], collateral: [], blocked: [], durationMs: performance.now() - started };
      for (const x of results) {
        if (x.verdict === 'passed') continue;
        if (x.verdict === 'blocked') {
          r.blocked.push({ id: x.def.meta.id, message: (x.message ?? '').split('\n')[0] ?? '' });
          continue;
        }
        const detects = (x.verdict === 'failed' || x.verdict === 'warning') && covers(x.def, f.violates);
        if (detects) r.killedBy.push(x.def.meta.id);
        else r.collateral.push({ id: x.def.meta.id, verdict: x.verdict, message: (x.message ?? '').split('\n')[0] ?? '' });
      }
      runs.push(r);
      opts.onRun?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  runs.sort((a, b) => a.fault.localeCompare(b.fault));
  const killed = new Set(runs.flatMap((r) => r.killedBy));
  return {
    baseline,
    runs,
    undetected: runs.filter((r) => r.killedBy.length === 0).map((r) => r.fault),
    unkilled: applicable.map((d) => d.meta.id).filter((id) => !killed.has(id)),
  };
}

/** Markdown rendering for reports/kill-matrix.md. */
export function renderKillMatrix(m: KillMatrix): string {
  const lines = [
    '# Kill matrix',
    '',
    `Baseline (no fault): ${m.baseline.filter((b) => b.verdict === 'passed').length} passed, ` +
      `${m.baseline.filter((b) => b.verdict === 'not-applicable').length} not applicable, ` +
      `${m.baseline.filter((b) => !['passed', 'not-applicable'].includes(b.verdict)).length} other.`,
    '',
    '| fault switch | violates | cases that detect it | blocked | collateral failures |',
    '|---|---|---|---|---|',
    ...m.runs.map(
      (r) =>
        `| \`${r.fault}\` | ${r.violates.join(', ')} | ${r.killedBy.length} | ${r.blocked.length} | ${r.collateral.length ? r.collateral.map((c) => `${c.id} (${c.verdict})`).join('<br>') : '—'} |`,
    ),
    '',
    `Undetected switches: ${m.undetected.length ? m.undetected.join(', ') : 'none'}`,
    '',
    `Cases no switch kills: ${m.unkilled.length ? m.unkilled.join(', ') : 'none'}`,
    '',
    '## Cases per switch',
    '',
    ...m.runs.map((r) => `- \`${r.fault}\`: ${r.killedBy.join(', ') || '—'}`),
  ];
  return `${lines.join('\n')}\n`;
}
