// The bound on a load run: at most `total` changes, change i not before start + i/rate seconds, none after the
// deadline, none once stopped. Devices take numbered slots from one shared schedule, so the rate holds for the
// whole run whatever the number of devices. Waiting for a slot is the rate limit itself, not a synchronisation.
import { setTimeout as delay } from 'node:timers/promises';
import { now } from '../imap/timeline.js';

export type StopReason = 'changes' | 'duration' | 'interrupt' | 'session-lost';

export class ChangeSchedule {
  private taken = 0;
  private stopReason: StopReason | undefined;
  readonly startedAt: number;
  readonly deadline: number;
  private readonly intervalMs: number;

  constructor(
    readonly total: number,
    ratePerSecond: number,
    durationMs: number,
    private readonly signal?: AbortSignal,
    start = now(),
  ) {
    this.startedAt = start;
    this.deadline = start + durationMs;
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Why no further slot is handed out (undefined while slots remain). */
  get stopped(): StopReason | undefined {
    return this.signal?.aborted ? 'interrupt' : this.stopReason;
  }

  /** Slots handed out so far. */
  get issued(): number {
    return this.taken;
  }

  stop(reason: StopReason): void {
    this.stopReason ??= reason;
  }

  /** The next slot number, or undefined when the run is over. */
  take(): number | undefined {
    if (this.stopped !== undefined) return undefined;
    if (this.taken >= this.total) {
      this.stop('changes');
      return undefined;
    }
    return this.taken++;
  }

  /** When slot `i` may start. */
  slotTime(i: number): number {
    return this.startedAt + i * this.intervalMs;
  }

  /**
   * Resolves true at slot `i`'s time, or false when the slot is at or after the deadline or the run is
   * interrupted first: the slot is then not used.
   */
  async wait(i: number): Promise<boolean> {
    const at = this.slotTime(i);
    if (at >= this.deadline) {
      this.stop('duration');
      return false;
    }
    // Timers run on a millisecond clock and may fire a fraction early: wait again for the remainder.
    for (let ms = at - now(); ms > 0 && !this.signal?.aborted; ms = at - now()) {
      try {
        await delay(Math.ceil(ms), undefined, this.signal ? { signal: this.signal } : {});
      } catch {
        // aborted: reported through `stopped`
      }
    }
    // A slot before the deadline runs even when a later one already ended the schedule; an interrupt stops all.
    return this.stopped !== 'interrupt';
  }
}
