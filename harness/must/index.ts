// Assertions that fail with the requirement beside the evidence (h2spec style): which rule, what was expected,
// what the server did. A ConformanceFailure is a verdict about the target; any other error is a harness problem.
import type { Finding } from '../spec/types.js';

export class ConformanceFailure extends Error {
  constructor(
    /** Catalog ID of the requirement the target broke. */
    readonly requirement: string,
    readonly expected: string,
    readonly actual: string,
    summary: string,
  ) {
    super(`${summary}\n  requirement: ${requirement}\n  expected:    ${expected}\n  actual:      ${actual}`);
    this.name = 'ConformanceFailure';
  }
}

export interface Check {
  requirement: string;
  /** What is being checked, as a reader would say it: "Conversation-ID of the fetched object". */
  what: string;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'nothing' : JSON.stringify(v));

interface Must {
  ok(cond: boolean, check: Check & { expected: string; actual: string }): asserts cond;
  equal<T>(actual: T, expected: T, check: Check): void;
  noFindings(findings: readonly Finding[], check: { what: string; requirement?: string }): void;
  fail(check: Check & { expected: string; actual: string }): never;
}

export const must: Must = {
  /** Fails unless `cond`; `expected` / `actual` describe the evidence. */
  ok(cond: boolean, check: Check & { expected: string; actual: string }): asserts cond {
    if (!cond) throw new ConformanceFailure(check.requirement, check.expected, check.actual, check.what);
  },

  equal<T>(actual: T, expected: T, check: Check): void {
    if (!Object.is(actual, expected) && JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new ConformanceFailure(check.requirement, show(expected), show(actual), check.what);
    }
  },

  /** Validator findings are failures; each one is listed with its own requirement, expected and actual. */
  noFindings(findings: readonly Finding[], check: { what: string; requirement?: string }): void {
    if (findings.length === 0) return;
    const first = findings[0]!;
    const detail = findings.map((f) => `[${f.requirement}] ${f.rule}${f.header ? ` ${f.header}` : ''}: expected ${f.expected}, got ${f.actual}`);
    throw new ConformanceFailure(
      check.requirement ?? first.requirement,
      findings.length === 1 ? first.expected : detail.map((d) => `\n    ${d}`).join(''),
      findings.length === 1 ? first.actual : `${findings.length} findings`,
      check.what,
    );
  },

  /** Unconditional failure with evidence. */
  fail(check: Check & { expected: string; actual: string }): never {
    throw new ConformanceFailure(check.requirement, check.expected, check.actual, check.what);
  },
};

/** A prerequisite of the case did not hold (e.g. APPEND refused): the case is blocked, not failed. */
export class BlockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedError';
  }
}

/**
 * Discovered at run time: the rule the case checks does not apply to this server (e.g. HIGHESTMODSEQ rules
 * without CONDSTORE). Reported as not applicable with the reason, like a feature the profile does not declare.
 */
export class NotApplicableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotApplicableError';
  }
}
