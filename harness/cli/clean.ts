// `cpm-conformance clean`: removes what runs that died without tearing down left behind (containers by label,
// Dovecot process groups by their owner file; harness/targets/leftovers.ts): only ours, only of dead runs. Every
// run does the same at its start (quietly, unless it removed something).
import { EXIT } from '../report/model.js';
import { cleanLeftovers, type CleanResult } from '../targets/leftovers.js';

export function renderClean(r: CleanResult, dryRun: boolean): string {
  const lines: string[] = [];
  for (const l of r.removed) lines.push(`${dryRun ? 'would remove' : 'removed'} ${l.description}: ${l.decision.reason}`);
  for (const l of r.kept) lines.push(`kept ${l.description}: ${l.decision.reason}`);
  if (r.docker) lines.push(r.docker);
  for (const p of r.problems) lines.push(`problem: ${p}`);
  lines.push(
    r.removed.length === 0 && r.kept.length === 0
      ? 'no leftovers of cpm-conformance runs found'
      : `${r.removed.length} leftover(s) of dead runs ${dryRun ? 'would be removed' : 'removed'}, ${r.kept.length} kept`,
  );
  return `${lines.join('\n')}\n`;
}

export async function cleanCommand(opts: { dryRun: boolean }): Promise<number> {
  const r = await cleanLeftovers({ docker: true, dryRun: opts.dryRun });
  (r.problems.length > 0 ? process.stderr : process.stdout).write(renderClean(r, opts.dryRun));
  return r.problems.length > 0 ? EXIT.SETUP : EXIT.PASS;
}

/** At the start of a run: removes leftovers of dead runs; the containers only when the target is one (an engine is needed then anyway). */
export async function sweepAtStart(containers: boolean): Promise<string[]> {
  try {
    const r = await cleanLeftovers({ docker: containers, probeTimeoutMs: 3_000 });
    return [...r.removed.map((l) => `removed a leftover of a dead run: ${l.description} (${l.decision.reason})`), ...r.problems.map((p) => `leftover sweep: ${p}`)];
  } catch (err) {
    return [`leftover sweep failed: ${(err as Error).message}`];
  }
}
