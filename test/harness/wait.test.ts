import { describe, expect, it } from 'vitest';
import { EventLog, WaitTimeoutError, withTimeout } from '../../harness/wait.js';

describe('EventLog', () => {
  it('resolves on an item that arrives later, and on one that arrived before', async () => {
    const log = new EventLog<number>(String);
    log.push(1);
    await expect(log.waitFor((n) => n === 1, { timeoutMs: 100, description: 'one' })).resolves.toBe(1);
    const later = log.waitFor((n) => n === 2, { timeoutMs: 1000, description: 'two' });
    queueMicrotask(() => log.push(2));
    await expect(later).resolves.toBe(2);
  });

  it('ignores items before `since`', async () => {
    const log = new EventLog<number>(String);
    log.push(5);
    const since = log.mark();
    const p = log.waitFor((n) => n === 5, { timeoutMs: 1000, description: 'a new five', since });
    queueMicrotask(() => log.push(5));
    await expect(p).resolves.toBe(5);
    expect(log.all()).toHaveLength(2);
  });

  it('times out naming what was awaited and listing what arrived', async () => {
    const log = new EventLog<number>((n) => `n=${n}`);
    log.push(7);
    const err = await log.waitFor((n) => n === 8, { timeoutMs: 20, description: 'eight' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toMatch(/waiting for eight \(0\/1 matched\); 1 arrived:\n  n=7/);
  });

  it('expectNone fails when a matching item arrives in the window', async () => {
    const log = new EventLog<number>(String);
    const p = log.expectNone((n) => n > 0, { forMs: 30, description: 'positive numbers' });
    log.push(3);
    await expect(p).rejects.toThrow(/unexpected positive numbers within the 30 ms quiet window: 3/);
  });
});

describe('withTimeout', () => {
  it('rejects naming the operation, and runs the cleanup', async () => {
    let cleaned = false;
    const never = new Promise<void>(() => {});
    await expect(withTimeout(never, 10, 'LOGIN', () => (cleaned = true))).rejects.toThrow('LOGIN did not complete within 10 ms');
    expect(cleaned).toBe(true);
  });
});
