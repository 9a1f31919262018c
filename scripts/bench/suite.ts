// Wall time of the whole suite executed in process against the reference store (median of several runs): the
// cost of the cases themselves, without vitest's own overhead.
import { Run } from '../../harness/conformance/context.js';
import { executeCase } from '../../harness/conformance/execute.js';
import { loadProfile } from '../../harness/profile/index.js';
import { ALL_CASES } from '../../suites/index.js';
import { median } from './stats.js';

export async function benchSuite(opts: { runs: number }): Promise<{ rows: (string | number)[][] }> {
  const profile = loadProfile(undefined);
  const walls: number[] = [];
  const starts: number[] = [];
  let passed = 0;
  for (let i = 0; i < opts.runs; i++) {
    const t0 = performance.now();
    const run = await Run.start({ profile, strict: false, faults: [] });
    starts.push(performance.now() - t0);
    passed = 0;
    const t1 = performance.now();
    for (const def of ALL_CASES) if ((await executeCase(run, def)).verdict === 'passed') passed++;
    walls.push(performance.now() - t1);
    await run.stop();
  }
  const rss = process.memoryUsage().rss / 2 ** 20;
  return {
    rows: [
      ['cases', ALL_CASES.length],
      ['passed (last run)', passed],
      [`target + enabler start-up, median of ${opts.runs} (ms)`, median(starts)],
      [`suite wall time, median of ${opts.runs} (ms)`, median(walls)],
      ['time per case (ms)', median(walls) / ALL_CASES.length],
      ['resident memory after the runs (MiB)', rss],
    ],
  };
}
