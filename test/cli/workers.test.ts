// A profile that fixes a port every suite file binds anew (the PUSH enabler mock's, a container's IMAP port, the
// embedded store's) cannot run suite files in parallel: two workers would meet EADDRINUSE. The run says so up
// front and uses one worker, and run.json records the one worker it used.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedPorts, workersFor } from '../../harness/cli/run.js';
import { loadProfile, REFERENCE_PROFILE_PATH } from '../../harness/profile/index.js';
import { runCli } from './spawn.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The reference profile with the PUSH enabler mock on a fixed port. */
function fixedPushProfile(port: number): string {
  const doc = JSON.parse(readFileSync(REFERENCE_PROFILE_PATH, 'utf8')) as { push: { listen: { port: number } }; $schema?: string };
  doc.push.listen.port = port;
  delete doc.$schema;
  const file = join(mkdtempSync(join(tmpdir(), 'cpm-workers-')), 'fixed-push.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('fixed ports and parallel workers', () => {
  it('names every fixed port and falls back to one worker; a profile without one keeps the workers asked for', async () => {
    const reference = loadProfile(undefined);
    expect(fixedPorts(reference)).toEqual([]);
    expect(workersFor(4, reference)).toEqual({ workers: 4 });
    expect(workersFor(undefined, reference)).toEqual({ workers: undefined });

    const fixed = loadProfile(fixedPushProfile(18089));
    expect(fixedPorts(fixed)).toEqual(['push.listen.port 18089 (the PUSH enabler mock)']);
    expect(workersFor(1, fixed)).toEqual({ workers: 1 });
    const w = workersFor(3, fixed);
    expect(w.workers).toBe(1);
    expect(w.note).toMatch(/^cpm-conformance: running one suite file at a time \(--workers 1\) instead of --workers 3: the profile fixes push\.listen\.port 18089/);
    expect(workersFor(undefined, fixed).note).toMatch(/instead of one per core/);

    const store = { ...reference, target: { ...reference.target, port: 14143 } } as typeof reference;
    expect(fixedPorts(store)).toEqual(['target.port 14143 (the embedded store\'s IMAP port)']);
  });

  it('a run with a fixed enabler port and --workers 2 says it uses one worker, and passes', async () => {
    const profile = fixedPushProfile(await freePort());
    const reports = mkdtempSync(join(tmpdir(), 'cpm-workers-reports-'));
    // One case from each of two suite files: in parallel, both would bind the enabler port.
    const r = await runCli(['run', '--profile', profile, '--workers', '2', '--case', 'mo.chat.conversation-id.stored-exactly,vm.conversation-id.searchable', '--reports', reports]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cpm-conformance: running one suite file at a time \(--workers 1\) instead of --workers 2: the profile fixes push\.listen\.port \d+ \(the PUSH enabler mock\)/);
    const run = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8')) as { workers: number | null; totals: Record<string, number>; errors: string[] };
    expect(run.workers).toBe(1);
    expect(run.errors).toEqual([]);
    expect(run.totals['passed']).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(/EADDRINUSE/);
  }, 120_000);
});
