// Readiness from the profile: a log line, or an argv run inside the container until it exits 0.
// Wait.forSuccessfulCommand() would wrap the command in `/bin/sh -c`, which minimal images (ours included) lack
// and which the profile's argv form does not ask for, so the command is executed as given.
import type { ContainerRuntimeClient, WaitStrategy } from 'testcontainers';
import type { Readiness } from '../../profile/types.js';

type Container = Parameters<WaitStrategy['waitUntilReady']>[0];

const POLL_INTERVAL_MS = 100;

export class ExecReadiness implements WaitStrategy {
  private timeoutMs = 60_000;
  private timeoutSet = false;

  constructor(
    private readonly argv: readonly string[],
    private readonly client: ContainerRuntimeClient,
  ) {}

  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }

  async waitUntilReady(container: Container): Promise<void> {
    const deadline = performance.now() + this.timeoutMs;
    let last = 'not run';
    for (;;) {
      try {
        const r = await this.client.container.exec(container, [...this.argv], { log: false });
        if (r.exitCode === 0) return;
        last = `exit ${r.exitCode}${r.output.trim() ? `: ${r.output.trim().slice(0, 200)}` : ''}`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (performance.now() >= deadline) {
        throw new Error(`readiness command ${JSON.stringify(this.argv)} not successful after ${this.timeoutMs} ms (last: ${last})`);
      }
      // Polling is the protocol here: the command is the only signal the image offers.
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    }
  }
}

/**
 * Adds the container's state to a readiness failure. testcontainers removes the container right after a failed
 * wait, so this is the last moment its exit status can be read.
 */
export class StateReportingReadiness implements WaitStrategy {
  constructor(private readonly inner: WaitStrategy) {}

  withStartupTimeout(ms: number): this {
    this.inner.withStartupTimeout(ms);
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.inner.isStartupTimeoutSet();
  }

  getStartupTimeout(): number {
    return this.inner.getStartupTimeout();
  }

  async waitUntilReady(...args: Parameters<WaitStrategy['waitUntilReady']>): Promise<void> {
    try {
      await this.inner.waitUntilReady(...args);
    } catch (err) {
      let state = '';
      try {
        const s = (await args[0].inspect()).State;
        state = s.Running ? 'running' : `${s.Status}, exit code ${s.ExitCode}${s.OOMKilled ? ', killed: out of memory' : ''}`;
      } catch {
        /* the message stays as it is */
      }
      if (state && err instanceof Error) err.message += ` (container ${state})`;
      throw err;
    }
  }
}

/** `expand` fills {{imap.port}}-style templates in the command's arguments, as in the profile's command. */
export function readinessStrategy(
  ready: Readiness,
  client: ContainerRuntimeClient,
  wait: typeof import('testcontainers').Wait,
  expand: (arg: string) => string = (a) => a,
): WaitStrategy {
  return new StateReportingReadiness(
    'logLine' in ready ? wait.forLogMessage(ready.logLine) : new ExecReadiness(ready.command.map(expand), client),
  );
}

export function describeReadiness(ready: Readiness): string {
  return 'logLine' in ready ? `log line "${ready.logLine}"` : `command ${JSON.stringify(ready.command)} exiting 0`;
}
