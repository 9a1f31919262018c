// The CLI against broken IMAP servers (test/robustness/hostile-imap.ts), through an `external` profile with small
// timeouts (connect 1 s, command 1 s). For each: the run ends well within its time budget (no hang), with the
// exit code of the stage that failed, a message naming the cause, no stack trace of an unhandled error, and
// nothing left behind: the CLI's process group is empty and every connection to the server is closed.
//
// Exit codes by stage:
//   2  the failure is before any case, in the external target's greeting check or the preflight login of every
//      device: no greeting, a non-IMAP greeting, a drop at LOGIN, slow answers to the login commands, a huge
//      literal or a flood during login;
//   1  the failure is after login, inside a case: the case errors (a command timed out, or the harness dropped
//      the connection and says why) or is blocked (its folder cannot be created), and a MUST case that does not
//      pass fails the run.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHostileImap, type HostileOptions, type HostileServer, type Hostility } from './hostile-imap.js';
import { processGroupGone, runCliInGroup, type GroupResult } from './spawn-cli.js';

/** Outer bound for one run: a hang would exceed it by far (every wait in the profile is 1 s). */
const BUDGET_MS = 60_000;
/** One Table 1 case: enough to get past the preflight into a case, quick against a working store. */
const CASE = 'mo.chat.conversation-id.stored-exactly';

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function profileFor(port: number): string {
  const profile = {
    name: 'hostile',
    target: { kind: 'external', host: '127.0.0.1', port, tls: 'none' },
    accounts: {
      users: [{ name: 'alice', devices: [{ id: 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6', credentials: { password: 'hostile-pw' }, announce: 'login' }] }],
    },
    features: { notify: false, push: false, voicemail: false, identityBinding: 'header', pfPath: 'none', objectKinds: ['standalone', 'chat'], folders: { root: 'RCSMessageStore' } },
    push: { timeoutMs: 500 },
    timeouts: { connectMs: 1000, commandMs: 1000, notifyMs: 500 },
  };
  const file = join(mkdtempSync(join(tmpdir(), 'cpm-hostile-')), 'profile.json');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

interface Outcome {
  result: GroupResult;
  elapsedMs: number;
  reports: string;
}

async function runAgainst(mode: Hostility, options: HostileOptions = {}): Promise<Outcome> {
  server = await startHostileImap(mode, { delayMs: 3000, ...options });
  const reports = mkdtempSync(join(tmpdir(), 'cpm-hostile-reports-'));
  const result = await runCliInGroup(['run', '--profile', profileFor(server.port), '--case', CASE, '--reports', reports], BUDGET_MS);
  const elapsedMs = result.elapsedMs;
  const output = result.stdout + result.stderr;
  expect(output, 'no stack trace of an unhandled error').not.toMatch(STACK_LINE);
  expect(output).not.toMatch(/Unhandled|uncaught/i);
  expect(result.signal).toBeNull();
  expect(await processGroupGone(result.pid), 'a process of the run outlived it by 5 s').toBe(true);
  await server.idle(5000);
  return { result, elapsedMs, reports };
}

function setupError(o: Outcome, cause: RegExp): void {
  expect(o.result.code, o.result.stdout + o.result.stderr).toBe(2);
  expect(o.result.stderr).toMatch(/^cpm-conformance: setup error: /m);
  expect(o.result.stderr).toMatch(cause);
  expect(o.elapsedMs).toBeLessThan(BUDGET_MS);
}

function caseMessage(o: Outcome): { verdict: string; message: string } {
  const run = JSON.parse(readFileSync(join(o.reports, 'run.json'), 'utf8')) as { cases: { id: string; verdict: string; message?: string }[] };
  const c = run.cases.find((x) => x.id === CASE);
  expect(c, 'the case is in run.json').toBeDefined();
  return { verdict: c!.verdict, message: c!.message ?? '' };
}

describe('hostile IMAP server: failures before any case end the run with exit 2', () => {
  it('never sends a greeting', async () => {
    setupError(await runAgainst('silent'), /IMAP server 127\.0\.0\.1:\d+ \(tls none\) is not usable: no IMAP greeting within 1000 ms/);
  }, BUDGET_MS + 10_000);

  it('sends garbage instead of a greeting', async () => {
    setupError(await runAgainst('garbage'), /is not usable: not an IMAP greeting: "HTTP\/1\.1 400 Bad Request"/);
  }, BUDGET_MS + 10_000);

  it('drops the connection at LOGIN', async () => {
    // The message says the connection closed while logging in, not why (imapflow's "Unexpected close").
    setupError(await runAgainst('drop-at-login'), /alice\/alice#urn:uuid:[0-9a-f-]+: connecting to 127\.0\.0\.1:\d+ failed: Unexpected close/);
    expect(server!.accepted).toBeGreaterThanOrEqual(2); // the greeting check, then the login
  }, BUDGET_MS + 10_000);

  it('answers every command after the command timeout', async () => {
    setupError(await runAgainst('slow'), /no usable IMAP greeting\/login from 127\.0\.0\.1:\d+ in time \(connecting to 127\.0\.0\.1:\d+ did not complete within 2000 ms\)/);
  }, BUDGET_MS + 10_000);

  it('announces a 9999999999-byte literal while the client logs in', async () => {
    // The harness refuses the literal (ResponseReader's 64 MiB bound), drops the connection and says why.
    setupError(
      await runAgainst('huge-literal', { duringLogin: true }),
      /connecting to 127\.0\.0\.1:\d+ failed: unreadable server data: server announced a 9999999999-byte literal, over the 67108864-byte limit/,
    );
  }, BUDGET_MS + 10_000);

  it('floods untagged responses while the client logs in', async () => {
    // Whichever comes first: the login deadline, or the harness's bound on untagged responses per session.
    setupError(
      await runAgainst('flood', { duringLogin: true }),
      /no usable IMAP greeting\/login from 127\.0\.0\.1:\d+ in time|the server flooded more than \d+ untagged responses/,
    );
    expect(server!.flooded).toBeGreaterThan(1000);
  }, BUDGET_MS + 10_000);
});

describe('hostile IMAP server: failures inside a case end the run with exit 1', () => {
  it('answers every command after login only after the command timeout: the case errors naming the command', async () => {
    const o = await runAgainst('slow-after-login');
    expect(o.result.code, o.result.stdout + o.result.stderr).toBe(1);
    expect(caseMessage(o)).toEqual({ verdict: 'error', message: expect.stringMatching(/^alice\/d1: CREATE RCSMessageStore did not complete within 1000 ms$/) });
    expect(o.result.stdout).toMatch(/a mandatory case failed \(exit 1\)/);
  }, BUDGET_MS + 10_000);

  it('announces a 9999999999-byte literal after login: the connection is dropped at once, the case errors naming why', async () => {
    const o = await runAgainst('huge-literal');
    expect(o.result.code, o.result.stdout + o.result.stderr).toBe(1);
    expect(caseMessage(o)).toEqual({
      verdict: 'error',
      message: expect.stringMatching(/the harness closed the connection: unreadable server data: server announced a 9999999999-byte literal, over the 67108864-byte limit\)$/),
    });
    const timeline = readAttachments(o.reports);
    expect(timeline).toMatch(/unreadable server data: server announced a 9999999999-byte literal, over the 67108864-byte limit/);
  }, BUDGET_MS + 10_000);

  it('floods untagged responses after login: the command times out, the case errors', async () => {
    const o = await runAgainst('flood');
    expect(o.result.code, o.result.stdout + o.result.stderr).toBe(1);
    expect(caseMessage(o)).toEqual({ verdict: 'error', message: expect.stringMatching(/^alice\/d1: CREATE RCSMessageStore did not complete within 1000 ms$/) });
    expect(server!.flooded).toBeGreaterThan(1000);
  }, BUDGET_MS + 10_000);
});

function readAttachments(reports: string): string {
  const dir = join(reports, 'allure-results');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-attachment.txt'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}
