// Shared body of the kill-matrix tests: one area's cases against every fault switch of the reference store,
// written to reports/kill-matrix/<area>.{json,md}. The reference profile declares the PF keyword path; the PF
// rewrite cases of the area run in a second matrix against a store declaring the rewrite path. Timeouts are
// shortened so that switches which suppress notifications cost little; the delayed-push switch (10 s) still
// delays far beyond them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CaseDefinition } from '../../../harness/conformance/case.js';
import { killMatrix, relatedRequirement, renderKillMatrix, type KillMatrix } from '../../../harness/conformance/kill-matrix.js';
import { loadProfile, type Profile } from '../../../harness/profile/index.js';
import { FAULTS } from '../../../reference-store/index.js';

const KILL_TIMEOUT_MS = 1000;

function fastProfile(pfPath: Profile['features']['pfPath']): Profile {
  const p = loadProfile(undefined);
  return {
    ...p,
    features: { ...p.features, pfPath },
    push: { ...p.push, timeoutMs: KILL_TIMEOUT_MS },
    timeouts: { ...p.timeouts, notifyMs: KILL_TIMEOUT_MS },
  };
}

/**
 * `exact`, when given, states for some switches exactly which cases each must fail (a per-case expectation, e.g.
 * test/suites/push-expectations.ts); the same runs answer it, so nothing is run twice.
 */
export function killMatrixSuite(area: string, cases: readonly CaseDefinition[], exact?: { switches: readonly string[]; fails: (fault: string, id: string) => boolean }): void {
  const rewriteCases = cases.filter((c) => c.meta.features.includes('pf:rewrite'));
  const requirements = new Set(cases.flatMap((c) => c.meta.requirements));
  // Switches that break a requirement this area covers: each must be detected by a case of the area.
  const own = FAULTS.filter((f) => f.violates.some((v) => [...requirements].some((r) => relatedRequirement(r, v))));

  describe(`kill matrix: ${area} cases against every fault switch of the reference store`, () => {
    let main: KillMatrix;
    let rewrite: KillMatrix | undefined;

    it('runs', async () => {
      main = await killMatrix(fastProfile('keyword'), cases, FAULTS, { concurrency: 8 });
      if (rewriteCases.length > 0) rewrite = await killMatrix(fastProfile('rewrite'), rewriteCases, FAULTS, { concurrency: 8 });
      mkdirSync('reports/kill-matrix', { recursive: true });
      writeFileSync(`reports/kill-matrix/${area}.json`, `${JSON.stringify({ keywordProfile: main, rewriteProfile: rewrite ?? null }, null, 2)}\n`);
      writeFileSync(
        `reports/kill-matrix/${area}.md`,
        `${renderKillMatrix(main).replace('# Kill matrix', `# Kill matrix: ${area}`)}${rewrite ? `\n## PF rewrite path cases\n\n${renderKillMatrix(rewrite)}` : ''}`,
      );
    }, 900_000);

    it('every applicable case passes without faults', () => {
      const all = [...main.baseline, ...(rewrite?.baseline ?? [])];
      expect(all.filter((b) => b.verdict !== 'passed' && b.verdict !== 'not-applicable')).toEqual([]);
      expect(main.baseline.filter((b) => b.verdict === 'passed').length).toBeGreaterThan(0);
    });

    it(`every switch violating a requirement of the area is detected (${own.length} switches)`, () => {
      const detected = new Set([...main.runs, ...(rewrite?.runs ?? [])].filter((r) => r.killedBy.length > 0).map((r) => r.fault));
      expect(own.map((f) => f.name).filter((n) => !detected.has(n))).toEqual([]);
    });

    it('only cases covering a violated requirement fail', () => {
      const runs = [...main.runs, ...(rewrite?.runs ?? [])];
      expect(runs.filter((r) => r.collateral.length > 0).map((r) => ({ fault: r.fault, collateral: r.collateral }))).toEqual([]);
    });

    if (exact) {
      it.each(exact.switches)('with %s exactly the expected cases fail', (fault) => {
        for (const [m, subset] of [[main, cases.filter((c) => !rewriteCases.includes(c))], [rewrite, rewriteCases]] as const) {
          if (!m) continue;
          const run = m.runs.find((r) => r.fault === fault)!;
          const applicable = new Set(m.baseline.filter((b) => b.verdict === 'passed').map((b) => b.id));
          const expected = subset.map((c) => c.meta.id).filter((id) => applicable.has(id) && exact.fails(fault, id)).sort();
          expect([...run.killedBy].sort()).toEqual(expected);
          expect(run.blocked).toEqual([]);
        }
      });
    }

    it('every case is failed by at least one switch', () => {
      const killed = new Set([...main.runs, ...(rewrite?.runs ?? [])].flatMap((r) => r.killedBy));
      const applicable = [...main.baseline, ...(rewrite?.baseline ?? [])].filter((b) => b.verdict === 'passed').map((b) => b.id);
      expect([...new Set(applicable)].filter((id) => !killed.has(id))).toEqual([]);
    });
  });
}
