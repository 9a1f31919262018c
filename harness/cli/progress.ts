// The live progress of a run: on a terminal one line rewritten in place
// (`[ 37/212] passed 35 failed 1 n/a 1  <case id>`), otherwise one plain line per finished case (CI logs).
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { Verdict } from '../conformance/execute.js';

export interface ProgressOptions {
  out?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean };
}

export class ProgressReporter implements Reporter {
  private total = 0;
  private done = 0;
  private readonly counts = { passed: 0, failed: 0, 'n/a': 0, other: 0 };
  private readonly out: NonNullable<ProgressOptions['out']>;
  private readonly tty: boolean;
  private lineOpen = false;

  constructor(opts: ProgressOptions = {}) {
    this.out = opts.out ?? process.stdout;
    this.tty = Boolean(this.out.isTTY);
  }

  onTestModuleCollected(module: TestModule): void {
    for (const t of module.children.allTests()) if (t.meta().cpm) this.total++;
  }

  onTestCaseResult(t: TestCase): void {
    if (!t.meta().cpm) return;
    this.done++;
    const verdict = this.verdictOf(t);
    if (verdict === 'passed' || verdict === 'warning') this.counts.passed++;
    else if (verdict === 'not-applicable') this.counts['n/a']++;
    else if (verdict === 'failed' || verdict === 'flaky') this.counts.failed++;
    else this.counts.other++;
    const width = String(this.total).length;
    const pos = `[${String(this.done).padStart(width)}/${this.total}]`;
    if (this.tty) {
      const c = this.counts;
      const other = c.other ? ` other ${c.other}` : '';
      this.out.write(`\r\x1b[K${pos} passed ${c.passed} failed ${c.failed} n/a ${c['n/a']}${other}  ${t.meta().cpm!.id}`);
      this.lineOpen = true;
    } else {
      this.out.write(`${pos} ${verdict.padEnd(14)} ${t.meta().cpm!.id}\n`);
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

  private verdictOf(t: TestCase): Verdict | 'flaky' | 'not-run' {
    const attempts = t.meta().cpmAttempts ?? [];
    const verdicts = new Set(attempts.map((a) => a.verdict));
    if (verdicts.size > 1) return 'flaky';
    const only = attempts[0]?.verdict;
    if (only) return only;
    return t.result().state === 'failed' ? 'error' : 'not-run';
  }
}
