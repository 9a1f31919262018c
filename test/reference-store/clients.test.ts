// Interoperability with a client we did not write (Python imaplib) and the stand-alone entry point.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferenceStore } from '../../reference-store/index.js';
import { ALICE_PHONE, RawClient, startStore, until } from './helpers.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timeout: ${out}`)); }, timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

let store: ReferenceStore;
beforeAll(async () => { store = await startStore(); });
afterAll(async () => { await store.stop(); });

describe('Python imaplib', () => {
  it('LOGIN, CREATE, APPEND, SELECT, FETCH, SEARCH, STORE, EXPUNGE, STATUS work', async () => {
    const r = await run('python3', [here('./py/imaplib_client.py'), store.host, String(store.port), `alice#${ALICE_PHONE}`, 'phone-pw'], 15_000);
    expect(r.out).toContain('DONE');
    expect(r.code).toBe(0);
  });
});

describe('npm run reference-store', () => {
  it('starts with the demo accounts, prints them, serves IMAP and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', here('../../reference-store/main.ts'), '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      const port = Number(await until(() => /imap:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1], 15_000, 'store banner'));
      await until(() => out.includes('PF: alice*pf'), 5000, 'account list');
      expect(out).toContain('alice#urn:gsma:imei:35000000-000001-0 / alice-phone');
      const c = await RawClient.open({ host: '127.0.0.1', port });
      await c.login('alice#urn:gsma:imei:35000000-000001-0', 'alice-phone');
      c.close();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
