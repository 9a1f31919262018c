// Waiting on events with a deadline, never on the clock alone. A timeout names what was awaited and lists
// everything that did arrive, so the failure message is the evidence.
import { Channel } from './evidence/channel.js';

export interface WaitOptions {
  timeoutMs: number;
  /** What is awaited, in words a reader of the failure understands. */
  description: string;
}

/** A wait that timed out: the evidence engine's ObservationTimeout (`seen` lists what arrived). */
export { ObservationTimeout as WaitTimeoutError, quietTime } from './evidence/channel.js';

/**
 * An IMAP session's log of observed items, on the harness's one evidence engine (harness/evidence/channel.ts):
 * indices from mark() are channel sequence numbers, waits and quiet windows are the channel's.
 */
export class EventLog<T> {
  readonly channel: Channel<T>;

  constructor(describeItem: (item: T) => string) {
    this.channel = new Channel(describeItem);
  }

  push(item: T): void {
    this.channel.push(item);
  }

  all(): readonly T[] {
    return this.channel.observed().map((o) => o.item);
  }

  /** Index to pass as `since` so that only later items count. */
  mark(): number {
    return this.channel.mark();
  }

  find(pred: (item: T) => boolean, since = 0): T | undefined {
    return this.channel.find(pred, since)?.item;
  }

  /** Resolves with the first item (at or after `since`) that matches; rejects with WaitTimeoutError after the timeout. */
  async waitFor(pred: (item: T) => boolean, opts: WaitOptions & { since?: number }): Promise<T> {
    const [hit] = await this.channel.waitFor(pred, { timeoutMs: opts.timeoutMs, description: opts.description, from: opts.since ?? 0 });
    return hit!.item;
  }

  /**
   * Negative check: nothing matching arrives within a quiet window. This is the one bounded wait without an
   * awaited event; it proves absence, it does not synchronise anything.
   */
  expectNone(pred: (item: T) => boolean, opts: { forMs: number; description: string; since?: number }): Promise<void> {
    return this.channel.expectNone(pred, { forMs: opts.forMs, description: opts.description, from: opts.since ?? this.mark() });
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
