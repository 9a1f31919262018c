// Running the CLI against a hostile IMAP server (test/robustness/hostile-imap.ts) and reading what it reported.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startHostileImap, type HostileOptions, type HostileServer, type Hostility } from './hostile-imap.js';
import { processGroupGone, runCliInGroup, type GroupResult } from './spawn-cli.js';

export type { HostileOptions, Hostility };

/** Outer bound for one run: a hang would exceed it by far (every wait in the profile is 1 s). */
export const BUDGET_MS = 60_000;
/** One Table 1 case: enough to get past the preflight into a case, quick against a working store. */
export const CASE = 'mo.chat.conversation-id.stored-exactly';

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

export let server: HostileServer | undefined;
/** Closes the server of the test that just ran (call from afterEach). */
export async function closeServer(): Promise<void> {
  await server?.close();
  server = undefined;
}

function profileFor(port: number, extra: Record<string, unknown> = {}): string {
  const profile = {
    name: 'hostile',
    target: { kind: 'external', host: '127.0.0.1', port, tls: 'none' },
    accounts: {
      users: [{ name: 'alice', devices: [{ id: 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6', credentials: { password: 'hostile-pw' }, announce: 'login' }] }],
    },
    features: { notify: false, push: false, voicemail: false, identityBinding: 'header', pfPath: 'none', objectKinds: ['standalone', 'chat'], folders: { root: 'RCSMessageStore' } },
    push: { timeoutMs: 500 },
    timeouts: { connectMs: 1000, commandMs: 1000, notifyMs: 500 },
    ...extra,
  };
  const file = join(mkdtempSync(join(tmpdir(), 'cpm-hostile-')), 'profile.json');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

export interface Outcome {
  result: GroupResult;
  elapsedMs: number;
  reports: string;
}

export async function runAgainst(mode: Hostility, options: HostileOptions = {}, profileExtra: Record<string, unknown> = {}, selection = ['--case', CASE]): Promise<Outcome> {
  server = await startHostileImap(mode, { delayMs: 3000, ...options });
  const reports = mkdtempSync(join(tmpdir(), 'cpm-hostile-reports-'));
  const result = await runCliInGroup(['run', '--profile', profileFor(server.port, profileExtra), ...selection, '--reports', reports], BUDGET_MS);
  const elapsedMs = result.elapsedMs;
  const output = result.stdout + result.stderr;
  expect(output, 'no stack trace of an unhandled error').not.toMatch(STACK_LINE);
  expect(output).not.toMatch(/Unhandled|uncaught/i);
  expect(result.signal).toBeNull();
  expect(await processGroupGone(result.pid), 'a process of the run outlived it by 5 s').toBe(true);
  await server.idle(5000);
  return { result, elapsedMs, reports };
}

export function setupError(o: Outcome, cause: RegExp): void {
  expect(o.result.code, o.result.stdout + o.result.stderr).toBe(2);
  expect(o.result.stderr).toMatch(/^cpm-conformance: setup error: /m);
  expect(o.result.stderr).toMatch(cause);
  expect(o.elapsedMs).toBeLessThan(BUDGET_MS);
}

export function caseMessage(o: Outcome): { verdict: string; message: string } {
  const run = JSON.parse(readFileSync(join(o.reports, 'run.json'), 'utf8')) as { cases: { id: string; verdict: string; message?: string }[] };
  const c = run.cases.find((x) => x.id === CASE);
  expect(c, 'the case is in run.json').toBeDefined();
  return { verdict: c!.verdict, message: c!.message ?? '' };
}

export interface CaseRecord {
  id: string;
  verdict: string;
  message?: string;
}

export function caseRecords(o: Outcome): CaseRecord[] {
  return (JSON.parse(readFileSync(join(o.reports, 'run.json'), 'utf8')) as { cases: CaseRecord[] }).cases;
}

export function readAttachments(reports: string): string {
  const dir = join(reports, 'allure-results');
  return readdirSync(dir)
    .filter((f) => f.endsWith('-attachment.txt'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}
