// The live progress of a run: on a terminal one line rewritten in place and cut to the terminal's width
// (`[ 37/212] passed 35 failed 1 n/a 1  <case id>`), otherwise one plain line per finished case (CI logs). The
// total is the selection's size, known before the first case; the counter never passes it.
// It also keeps every case as it was collected and as it finished: a cancelled run (Ctrl-C) drops the test
// modules that were in flight from vitest's final state, and the partial reports must still show them.
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { CaseMeta } from '../conformance/case.js';
import type { CaseResult, CaseVerdict } from '../report/model.js';

export interface ProgressOptions {
  out?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
  grade: (t: TestCase) => CaseResult | undefined;
  /** How many cases the selection holds; without it the total grows as suite files are collected. */
  total?: number;
}

export class ProgressReporter implements Reporter {
  /** Every collected case, by vitest test id, in collection order. */
  private readonly collected = new Map<string, CaseMeta>();
  /** Cases graded when they finished. */
  private readonly finished = new Map<string, CaseResult>();
  private readonly grade: ProgressOptions['grade'];
  private total = 0;
  private readonly fixedTotal: boolean;
  private done = 0;
  private readonly counts = { passed: 0, failed: 0, warnings: 0, 'n/a': 0, 'not exercised': 0, 'expected failures': 0, other: 0 };
  private readonly out: NonNullable<ProgressOptions['out']>;
  private readonly tty: boolean;
  private lineOpen = false;

  constructor(opts: ProgressOptions) {
    this.out = opts.out ?? process.stdout;
    this.tty = Boolean(this.out.isTTY);
    this.grade = opts.grade;
    this.fixedTotal = opts.total !== undefined;
    this.total = opts.total ?? 0;
  }

  onTestModuleCollected(module: TestModule): void {
    for (const t of module.children.allTests()) {
      const meta = t.meta().cpm;
      if (meta && !this.collected.has(t.id)) {
        this.collected.set(t.id, meta);
        if (!this.fixedTotal) this.total++;
      }
    }
  }

  /**
   * Every collected case: graded from vitest's final state where it still has the case, else as it finished,
   * else `not-run` (the run stopped before it: --bail or Ctrl-C).
   */
  results(finalModules: readonly TestModule[], selected: readonly CaseMeta[], notRun: (meta: CaseMeta) => CaseResult): CaseResult[] {
    const final = new Map<string, CaseResult>();
    for (const m of finalModules) {
      for (const t of m.children.allTests()) {
        const r = this.grade(t);
        if (!r) continue;
        // A case vitest skipped after cancelling may have finished before: keep what it did.
        final.set(t.id, r.verdict === 'not-run' && this.finished.has(t.id) ? this.finished.get(t.id)! : r);
        if (!this.collected.has(t.id)) this.collected.set(t.id, t.meta().cpm!);
      }
    }
    const out = [...this.collected].map(([id, meta]) => final.get(id) ?? this.finished.get(id) ?? notRun(meta));
    // Selected cases of suite files vitest never reached.
    const seen = new Set(out.map((c) => c.id));
    for (const meta of selected) if (!seen.has(meta.id)) out.push(notRun(meta));
    return out;
  }

  onTestCaseResult(t: TestCase): void {
    if (!t.meta().cpm) return;
    const graded = this.grade(t);
    if (graded) this.finished.set(t.id, graded);
    this.done++;
    // A case the selection did not foresee (never expected): the total follows rather than be overshot.
    if (this.done > this.total) this.total = this.done;
    // The graded verdict knows the profile's expected failures; vitest's own state does not.
    const verdict = graded?.verdict ?? this.verdictOf(t);
    if (verdict === 'passed') this.counts.passed++;
    else if (verdict === 'warning') this.counts.warnings++;
    else if (verdict === 'not-applicable') this.counts['n/a']++;
    else if (verdict === 'not-exercised') this.counts['not exercised']++;
    else if (verdict === 'failed' || verdict === 'flaky' || verdict === 'unexpected-pass') this.counts.failed++;
    else if (verdict === 'expected-failure') this.counts['expected failures']++;
    else this.counts.other++;
    const width = String(this.total).length;
    const pos = `[${String(this.done).padStart(width)}/${this.total}]`;
    if (this.tty) {
      const c = this.counts;
      const optional = (['warnings', 'not exercised', 'expected failures', 'other'] as const).map((k) => (c[k] ? ` ${k} ${c[k]}` : '')).join('');
      const line = `${pos} passed ${c.passed} failed ${c.failed} n/a ${c['n/a']}${optional}  ${t.meta().cpm!.id}`;
      const columns = (this.out as { columns?: number }).columns ?? 0;
      // A line longer than the terminal wraps, and \r then rewrites only its last part.
      this.out.write(`\r\x1b[K${columns > 1 && line.length >= columns ? `${line.slice(0, columns - 2)}…` : line}`);
      this.lineOpen = true;
    } else {
      this.out.write(`${pos} ${verdict.padEnd(16)} ${t.meta().cpm!.id}\n`);
    }
  }

  /** A message between progress lines (interrupt notice, setup errors). */
  note(text: string): void {
    this.endLine();
    this.out.write(`${text}\n`);
  }

  onTestRunEnd(): void {
    this.endLine();
  }

  private endLine(): void {
    if (this.lineOpen) this.out.write('\n');
    this.lineOpen = false;
  }

  private verdictOf(t: TestCase): CaseVerdict {
    const attempts = t.meta().cpmAttempts ?? [];
    const verdicts = new Set(attempts.map((a) => a.verdict));
    if (verdicts.size > 1) return 'flaky';
    const only = attempts[0]?.verdict;
    if (only) return only;
    return t.result().state === 'failed' ? 'error' : 'not-run';
  }
}
