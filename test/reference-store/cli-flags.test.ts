// `npm run reference-store` with the PUSH format and identity transport flags: --help, a refused value, and a store
// started with --push-format nms-xml --id-key x-device-id --pf-login template --pf-login-template '{user}#cpm-pf'.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RawClient, chatMessage, until } from './helpers.js';
import { NmsRecorder, objectEvents } from './push/nms-recorder.js';

const MAIN = new URL('../../reference-store/main.ts', import.meta.url).pathname;
const TABLET = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';

function start(args: string[]): { out: () => string; exited: Promise<number | null>; kill: (sig: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { out: () => out, exited, kill: (sig) => { if (child.exitCode === null) child.kill(sig); } };
}

describe('reference store CLI flags', () => {
  it('--help lists the format and identity flags; a bad --push-format exits 2', async () => {
    const help = start(['--help']);
    expect(await help.exited).toBe(0);
    for (const flag of ['--push-format', '--push-batch-ms', '--id-key', '--pf-login', '--pf-login-template']) expect(help.out()).toContain(flag);
    const bad = start(['--push-format', 'soap']);
    expect(await bad.exited).toBe(2);
    expect(bad.out()).toContain('--push-format must be reference, nms-json or nms-xml');
  }, 30_000);

  it('serves nms-xml, reads the device from x-device-id and logs the PF in by the template only', async () => {
    const push = await NmsRecorder.start();
    const p = start(['--port', '0', '--quiet', '--push-url', push.url, '--push-format', 'nms-xml', '--id-key', 'x-device-id',
      '--pf-login', 'template', '--pf-login-template', '{user}#cpm-pf']);
    try {
      const port = Number(await until(() => /imap:\/\/127\.0\.0\.1:(\d+)/.exec(p.out())?.[1], 15_000, 'store banner'));
      await until(() => p.out().includes('PF: alice#cpm-pf / pf-secret'), 5000, 'account list');
      expect(p.out()).toContain('(nms-xml)');
      expect(p.out()).not.toContain('PF: alice*pf');
      const store = { host: '127.0.0.1', port };
      const pf = await RawClient.open(store);
      expect((await pf.cmd('LOGIN "alice*pf" "pf-secret"')).status).toBe('NO');
      expect((await pf.cmd('LOGIN "alice#cpm-pf" "pf-secret"')).status).toBe('OK');
      pf.close();
      const c = await RawClient.open(store);
      await c.cmd(`ID ("x-device-id" "${TABLET}")`);
      await c.login('alice', 'alice-secret');
      await c.cmd('CREATE "RCSMessageStore/cli"');
      const posted = push.next(1);
      await c.append('RCSMessageStore/cli', chatMessage({ imdn: 'cli-1' }));
      const [post] = await posted;
      c.close();
      expect(post!.contentType).toBe('application/xml; charset=utf-8');
      expect(post!.xml!['cpm:statusNotification']['cpm:triggeringDevice']).toBe(TABLET);
      expect(objectEvents([post!]).map((e) => e.correlationId)).toEqual(['cli-1']);
      p.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      p.kill('SIGKILL');
      await push.close();
    }
  }, 30_000);
});
