// Waiting on events with a deadline, never on the clock alone. A timeout names what was awaited and lists
// everything that did arrive, so the failure message is the evidence.
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  /** What is awaited, in words a reader of the failure understands. */
  description: string;
}

export class WaitTimeoutError extends Error {
  constructor(
    message: string,
    readonly seen: readonly string[],
  ) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

/** Total length of the quiet windows observed in this process (the benchmark reports it apart from the floor). */
export const quietTime = { ms: 0 };

type Waiter<T> = { pred: (item: T) => boolean; resolve: (item: T) => void };

/** An append-only log of observed items with `waitFor` that also matches items already seen. */
export class EventLog<T> {
  private readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();

  constructor(private readonly describeItem: (item: T) => string) {}

  push(item: T): void {
    this.items.push(item);
    for (const w of [...this.waiters]) {
      if (w.pred(item)) {
        this.waiters.delete(w);
        w.resolve(item);
      }
    }
  }

  all(): readonly T[] {
    return this.items;
  }

  /** Index to pass as `since` so that only later items count. */
  mark(): number {
    return this.items.length;
  }

  find(pred: (item: T) => boolean, since = 0): T | undefined {
    return this.items.slice(since).find(pred);
  }

  /** Resolves with the first item (at or after `since`) that matches; rejects after the timeout. */
  waitFor(pred: (item: T) => boolean, opts: WaitOptions & { since?: number }): Promise<T> {
    const since = opts.since ?? 0;
    const hit = this.find(pred, since);
    if (hit !== undefined) return Promise.resolve(hit);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.items.slice(since).map(this.describeItem);
        reject(
          new WaitTimeoutError(
            `timed out after ${opts.timeoutMs} ms waiting for ${opts.description}; ` +
              (seen.length ? `saw ${seen.length}:\n  ${seen.join('\n  ')}` : 'nothing arrived'),
            seen,
          ),
        );
      }, opts.timeoutMs);
      const waiter: Waiter<T> = {
        pred,
        resolve: (item) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Negative check: nothing matching arrives within a quiet window. This is the one bounded wait without an
   * awaited event; it proves absence, it does not synchronise anything.
   */
  async expectNone(pred: (item: T) => boolean, opts: { forMs: number; description: string; since?: number }): Promise<void> {
    const since = opts.since ?? this.mark();
    await delay(opts.forMs);
    quietTime.ms += opts.forMs;
    const hit = this.find(pred, since);
    if (hit !== undefined) {
      throw new Error(`expected no ${opts.description} within ${opts.forMs} ms, but got: ${this.describeItem(hit)}`);
    }
  }
}

/** Rejects with a message naming the operation when `promise` does not settle in time. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${what} did not complete within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
