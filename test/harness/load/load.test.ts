// Load mode against the embedded reference store: a clean run, then each PUSH fault switch shows up as the
// category it breaks; load.json follows its schema; Ctrl-C stops the command cleanly.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildLoadReport, renderLoadSummary, writeLoadReport } from '../../../harness/load/report.js';
import { runLoad, type LoadOptions } from '../../../harness/load/runner.js';
import { loadProfile } from '../../../harness/profile/index.js';
import { referenceStoreOptions } from '../../../harness/targets/reference.js';
import { startReferenceStore } from '../../../reference-store/index.js';
import type { Profile } from '../../../harness/profile/types.js';
import schema from '../../../harness/load/load.schema.json' with { type: 'json' };
import { ROOT } from '../../cli/spawn.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const reference = loadProfile(undefined);
const withPushTimeout = (timeoutMs: number): Profile => ({ ...reference, push: { ...reference.push, timeoutMs } });
const tmp = (): string => mkdtempSync(join(tmpdir(), 'cpm-load-'));

async function load(o: Partial<LoadOptions> & { faults?: string[] }) {
  const result = await runLoad({ profile: reference, devices: 3, changes: 30, ratePerSecond: 200, ...o });
  const report = buildLoadReport(result);
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  return { result, report };
}

describe('load mode against the reference store', () => {
  it('3 devices, 60 changes at the default rate: every change notified once, in time, naming its device', async () => {
    const { report } = await load({ changes: 60, ratePerSecond: undefined });
    expect(report.settings.ratePerSecond).toBe(50);
    expect(report.counts).toMatchObject({ requested: 60, applied: 60, notified: 60, clean: 60, lost: 0, late: 0, duplicated: 0, wrongIdentity: 0, wrongObject: 0, failed: 0 });
    expect(report.byKind.seen.applied + report.byKind.unseen.applied + report.byKind['delete-expunge'].applied).toBe(60);
    expect(report.byKind['delete-expunge'].applied).toBeGreaterThan(0);
    expect(report).toMatchObject({ outcome: 'clean', exitCode: 0, complete: true, stoppedBy: 'changes' });
    expect(report.latencyMs!.count).toBe(60);
    expect(report.latencyMs!.p50).toBeLessThanOrEqual(report.latencyMs!.p99);
    // 60 changes at ≤ 50/s: slot 59 starts no earlier than 1.18 s after the first.
    expect(report.changePhaseMs).toBeGreaterThanOrEqual(1180);
    expect(new Set(report.devices.map((d) => d.id)).size).toBe(3);

    const dir = tmp();
    const file = writeLoadReport(dir, report, { profile: reference });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(validate(written)).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('alice-secret');
    const summary = renderLoadSummary(report, file);
    expect(summary).toMatch(/^total\s+60\s+0\s+60\s+0\s+0\s+0\s+0$/m);
    expect(summary).toMatch(/p50 [\d.]+ ms {2}p95 [\d.]+ ms {2}p99 [\d.]+ ms {2}max [\d.]+ ms/);
  }, 60_000);

  it('more devices than the profile declares: generated devices, each named in its own notifications', async () => {
    const { report } = await load({ devices: 6, changes: 36 });
    // Devices draw from one shared schedule, so each device's share varies run to run; the load mode promises
    // the total, no loss, and that every device (generated ones included) takes part, named in its own changes.
    expect(report.devices.filter((d) => d.origin === 'generated')).toHaveLength(2);
    expect(report.devices).toHaveLength(6);
    expect(report.devices.every((d) => d.changes > 0)).toBe(true);
    expect(report.devices.reduce((sum, d) => sum + d.changes, 0)).toBe(36);
    expect(report.counts).toMatchObject({ requested: 36, applied: 36, notified: 36, clean: 36, lost: 0, wrongIdentity: 0, wrongObject: 0, duplicated: 0 });
    expect(report).toMatchObject({ outcome: 'clean', exitCode: 0 });
  }, 60_000);

  it('push-omit-identity: every change has the wrong identity', async () => {
    const { report } = await load({ faults: ['push-omit-identity'] });
    expect(report.counts).toMatchObject({ applied: 30, notified: 30, wrongIdentity: 30, lost: 0, duplicated: 0 });
    expect(report.faults).toEqual(['push-omit-identity']);
    expect(report).toMatchObject({ outcome: 'anomalies', exitCode: 1 });
    expect(report.problems.filter((p) => p.problem === 'wrong-identity')).toHaveLength(10);
  }, 60_000);

  it('push-no-seen: exactly the seen changes are lost', async () => {
    const { report } = await load({ faults: ['push-no-seen'], profile: withPushTimeout(500), lateWindowMs: 200 });
    expect(report.byKind.seen).toMatchObject({ lost: report.byKind.seen.applied, notified: 0 });
    expect(report.counts.lost).toBe(report.byKind.seen.applied);
    expect(report.byKind.unseen.lost + report.byKind['delete-expunge'].lost).toBe(0);
    expect(report.counts.wrongIdentity + report.counts.duplicated).toBe(0);
    expect(report.exitCode).toBe(1);
    expect(report.problems.find((p) => p.problem === 'lost')!.detail).toMatch(/no seen notification within 700 ms/);
  }, 60_000);

  it('push-duplicate: every change is duplicated, none lost', async () => {
    const { report } = await load({ faults: ['push-duplicate'] });
    expect(report.counts).toMatchObject({ applied: 30, duplicated: 30, lost: 0, wrongIdentity: 0, wrongObject: 0 });
    expect(report.exitCode).toBe(1);
  }, 60_000);

  it('push-delayed (10 s) with a 1 s push timeout: late when the late window covers the delay', async () => {
    const { report } = await load({ devices: 2, changes: 4, faults: ['push-delayed'], profile: withPushTimeout(1000), lateWindowMs: 15_000 });
    expect(report.counts).toMatchObject({ applied: 4, notified: 4, late: 4, lost: 0 });
    expect(report.latencyMs!.p50).toBeGreaterThan(9000);
    expect(report.exitCode).toBe(1);
  }, 60_000);

  it('push-delayed with a short push timeout and late window: lost', async () => {
    const { report } = await load({ devices: 2, changes: 4, faults: ['push-delayed'], profile: withPushTimeout(300), lateWindowMs: 300 });
    expect(report.counts).toMatchObject({ applied: 4, notified: 0, lost: 4 });
    expect(report.exitCode).toBe(1);
  }, 60_000);

  it('the duration cap ends the run before all changes are made', async () => {
    const { report } = await load({ devices: 1, changes: 1000, ratePerSecond: 20, durationMs: 500 });
    expect(report.stoppedBy).toBe('duration');
    expect(report.complete).toBe(false);
    expect(report.counts.applied).toBeGreaterThan(0);
    expect(report.counts.applied).toBeLessThanOrEqual(10);
    expect(report.exitCode).toBe(0);
  }, 60_000);

  it('setup errors: a profile without push, a bad setting', async () => {
    const noPush: Profile = { ...reference, features: { ...reference.features, push: false } };
    await expect(runLoad({ profile: noPush, devices: 1, changes: 1 })).rejects.toThrow(/does not declare features.push/);
    await expect(runLoad({ profile: reference, devices: 1, changes: 1, ratePerSecond: 5000 })).rejects.toThrow(/rate .* at most 1000/);
  });
});

describe('load command', () => {
  it('Ctrl-C: no further change, sessions closed, target stopped, partial load.json, exit 130', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['--import', 'tsx', 'harness/load/main.ts', '--devices', '2', '--changes', '200', '--rate', '20', '--reports', dir], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const interrupted = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // the first progress line after the devices are ready: changes are being made
        if (/load: \d+\/200 change\(s\)/.test(out) && child.exitCode === null && !child.killed) {
          child.kill('SIGINT');
          resolve();
        }
      });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await interrupted;
    const code = await exited;
    expect(code, out + err).toBe(130);
    expect(err).toMatch(/interrupted; no further change/);
    expect(err).not.toMatch(/\n\s+at /);
    const report = JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8'));
    expect(validate(report)).toBe(true);
    expect(report).toMatchObject({ complete: false, stoppedBy: 'interrupt', outcome: 'interrupted', exitCode: 130 });
    expect(report.counts.applied).toBeLessThan(200);
    expect(report.counts.lost).toBe(0);
  }, 60_000);

  it('exit 2 with the reason for a bad command line or an invalid profile', async () => {
    const { loadCommand } = await import('../../../harness/load/command.js');
    const lines: string[] = [];
    const io = { stdout: (t: string) => void lines.push(t), stderr: (t: string) => void lines.push(t) };
    expect(await loadCommand(['--devices', '0', '--changes', '3'], io)).toBe(2);
    expect(lines.join('')).toMatch(/--devices needs a positive integer, not "0"/);
    expect(await loadCommand(['--devices', '1', '--changes', '3', '--profile', join(tmp(), 'missing.json')], io)).toBe(2);
    expect(lines.join('')).toMatch(/setup error: profile .*missing\.json is invalid:\n {2}\/: cannot read the profile \(no such file\)/);
  });
});

describe('load mode against an external target', () => {
  it('more devices than the profile declares: further sessions reuse the declared devices, and are still named', async () => {
    // The store is started by the test (an "external" server); it must know the mock's URL before the run
    // starts the mock, so the mock's port is taken from the OS first and then given to both.
    const pushPort = await freePort();
    const profile: Profile = {
      ...reference,
      target: { kind: 'external', host: '127.0.0.1', port: 0, tls: 'none', allowNonLoopback: false },
      push: { ...reference.push, listen: { ...reference.push.listen, port: pushPort } },
    };
    const store = await startReferenceStore(referenceStoreOptions(reference, `http://127.0.0.1:${pushPort}/push`, []));
    try {
      const { report } = await load({ profile: { ...profile, target: { ...profile.target, port: store.port } as Profile['target'] }, devices: 6, changes: 36 });
      expect(report.devices.map((d) => `${d.label}:${d.origin}`)).toEqual([
        'alice/d1:profile', 'alice/d2:profile', 'alice/d3:profile', 'bob/d1:profile', 'alice/d1#2:reused', 'alice/d2#2:reused',
      ]);
      expect(report.target.kind).toBe('external');
      expect(report).toMatchObject({ outcome: 'clean', exitCode: 0 });
      expect(report.counts).toMatchObject({ applied: 36, clean: 36 });
    } finally {
      await store.stop();
    }
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
