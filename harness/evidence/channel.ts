// The one evidence engine of the harness: an append-only, timestamped channel of observed items (IMAP untagged
// responses of a session, events of PUSH notifications) that cases wait on with a deadline. Outcomes are typed
// errors, never message text to be matched: a timeout carries what did arrive, an unexpected item carries the item.
import { now } from '../imap/timeline.js';

export interface Observed<T> {
  /** 0-based arrival order in this channel. */
  seq: number;
  /** performance.timeOrigin + performance.now() at arrival: the clock of the IMAP timelines. */
  t: number;
  item: T;
}

/** Nothing matching arrived before the deadline. `seen` lists what did arrive (described). */
export class ObservationTimeout extends Error {
  constructor(
    message: string,
    readonly seen: readonly string[],
    readonly matched: number,
  ) {
    super(message);
    this.name = 'ObservationTimeout';
  }
}

/** A forbidden item arrived (negative checks). */
export class UnexpectedObservation<T> extends Error {
  constructor(
    message: string,
    readonly observed: Observed<T>,
  ) {
    super(message);
    this.name = 'UnexpectedObservation';
  }
}

/** The channel was closed: it cannot observe anything any more, so neither presence nor absence is shown. */
export class ChannelClosed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelClosed';
  }
}

/** Total length of the fixed quiet windows observed in this process (the benchmark reports it). */
export const quietTime = { ms: 0 };

export interface WaitSpec {
  timeoutMs: number;
  /** What is awaited, in words a reader of the failure understands. */
  description: string;
  /** Only items with seq >= from count (see mark()). */
  from?: number;
}

/** A predicate that throws fails its own wait (never the producer that pushed the item). */
function predicateError(e: unknown): Error {
  return new Error(`predicate threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

interface Waiter<T> {
  accept(o: Observed<T>): void;
  close(reason: string): void;
}

/** Lines of arrivals quoted in a timeout before eliding. */
const MAX_LISTED = 100;

export class Channel<T> {
  private readonly items: Observed<T>[] = [];
  private readonly waiters = new Set<Waiter<T>>();
  private closedReason: string | undefined;

  constructor(private readonly describeItem: (item: T) => string) {}

  push(item: T): Observed<T> {
    const o = { seq: this.items.length, t: now(), item };
    this.items.push(o);
    for (const w of [...this.waiters]) w.accept(o);
    return o;
  }

  /** seq the next arrival will get: pass it as `from` to ignore everything before now. */
  mark(): number {
    return this.items.length;
  }

  observed(from = 0): Observed<T>[] {
    return this.items.slice(from);
  }

  describe(item: T): string {
    return this.describeItem(item);
  }

  private listArrivals(from: number): string[] {
    const seen = this.items.slice(from);
    const shown = seen.slice(-MAX_LISTED).map((o) => this.describeItem(o.item));
    return seen.length > MAX_LISTED ? [`… ${seen.length - MAX_LISTED} earlier not shown`, ...shown] : shown;
  }

  /**
   * Resolves with the first `count` items (at or after `from`) that match, counting items already observed;
   * rejects with ObservationTimeout after the deadline and with ChannelClosed when the channel closes first.
   * A throwing predicate rejects the wait with its error.
   */
  waitFor(pred: (item: T) => boolean, spec: WaitSpec & { count?: number }): Promise<Observed<T>[]> {
    const from = spec.from ?? 0;
    const count = spec.count ?? 1;
    let matches: Observed<T>[];
    try {
      matches = this.items.slice(from).filter((o) => pred(o.item)).slice(0, count);
    } catch (e) {
      return Promise.reject(predicateError(e));
    }
    if (matches.length >= count) return Promise.resolve(matches);
    if (this.closedReason !== undefined) return Promise.reject(new ChannelClosed(`${this.closedReason}; ${spec.description} never came`));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter<T> = {
        accept: (o) => {
          if (o.seq < from) return;
          let hit: boolean;
          try {
            hit = pred(o.item);
          } catch (e) {
            done();
            reject(predicateError(e));
            return;
          }
          if (!hit) return;
          matches.push(o);
          if (matches.length < count) return;
          done();
          resolve(matches);
        },
        close: (reason) => {
          done();
          reject(new ChannelClosed(`${reason} while waiting for ${spec.description}`));
        },
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.listArrivals(from);
        reject(
          new ObservationTimeout(
            `timed out after ${spec.timeoutMs} ms waiting for ${spec.description} (${matches.length}/${count} matched); ` +
              (seen.length ? `${seen.length} arrived:\n  ${seen.join('\n  ')}` : 'nothing arrived'),
            seen,
            matches.length,
          ),
        );
      }, spec.timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The first matching item at or after `from`, if one was observed already. */
  find(pred: (item: T) => boolean, from = 0): Observed<T> | undefined {
    return this.items.slice(from).find((o) => pred(o.item));
  }

  /**
   * Negative check over a fixed quiet window: resolves when nothing matching arrived (from `from`) within
   * `forMs`, rejects with UnexpectedObservation as soon as something does. For targets whose delivery has no
   * order to build a barrier on; it proves absence, it never synchronises anything.
   */
  expectNone(pred: (item: T) => boolean, spec: { forMs: number; description: string; from?: number }): Promise<void> {
    const from = spec.from ?? this.mark();
    let early: Observed<T> | undefined;
    try {
      early = this.find(pred, from);
    } catch (e) {
      return Promise.reject(predicateError(e));
    }
    if (early) return Promise.reject(new UnexpectedObservation(`unexpected ${spec.description}: ${this.describeItem(early.item)}`, early));
    if (this.closedReason !== undefined) return Promise.reject(new ChannelClosed(`${this.closedReason}; cannot observe the absence of ${spec.description}`));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter<T> = {
        accept: (o) => {
          let hit: boolean;
          try {
            hit = o.seq >= from && pred(o.item);
          } catch (e) {
            done();
            reject(predicateError(e));
            return;
          }
          if (!hit) return;
          done();
          reject(new UnexpectedObservation(`unexpected ${spec.description} within the ${spec.forMs} ms quiet window: ${this.describeItem(o.item)}`, o));
        },
        close: (reason) => {
          done();
          reject(new ChannelClosed(`${reason} while observing the quiet window for ${spec.description}`));
        },
      };
      const timer = setTimeout(() => {
        done();
        quietTime.ms += spec.forMs;
        resolve();
      }, spec.forMs);
      this.waiters.add(waiter);
    });
  }

  /** Ends every wait; later waits on unobserved items fail at once. */
  close(reason: string): void {
    this.closedReason ??= reason;
    for (const w of [...this.waiters]) w.close(reason);
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }
}
