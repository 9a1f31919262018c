// The bare client against a scripted fake server: greeting, tagged replies, literals, silent servers.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawImapClient } from '../../../harness/imap/raw-client.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function fakeServer(onConnect: (s: Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    server = createServer((s) => {
      s.on('error', () => {});
      onConnect(s);
    });
    server.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port));
  });
}

describe('RawImapClient', () => {
  it('reads the greeting and a tagged reply with untagged data and a literal before it', async () => {
    const port = await fakeServer((s) => {
      s.write('* OK fake ready\r\n');
      s.on('data', (d) => {
        const tag = d.toString().split(' ')[0];
        s.write(`* 1 FETCH (BODY[] {5}\r\nhello)\r\n${tag} OK FETCH done\r\n`);
      });
    });
    const c = await RawImapClient.connect({ host: '127.0.0.1', port, secrets: ['pw-123'] });
    expect((await c.greeting()).text).toBe('* OK fake ready');
    const r = await c.command('FETCH 1 BODY[]');
    expect(r.tagged.text).toBe('r1 OK FETCH done');
    expect(r.untagged.map((u) => u.text)).toEqual(['* 1 FETCH (BODY[] {5}\r\nhello)']);
    c.close();
  });

  it('times out, naming the greeting, against a server that never speaks', async () => {
    const port = await fakeServer(() => {});
    const c = await RawImapClient.connect({ host: '127.0.0.1', port, timeoutMs: 50 });
    await expect(c.greeting()).rejects.toThrow(/waiting for the server greeting \(0\/1 matched\); nothing arrived/);
    c.close();
  });

  it('reports a refused connection promptly', async () => {
    const port = await fakeServer(() => {});
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    await expect(RawImapClient.connect({ host: '127.0.0.1', port, timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('redacts secrets from its transcript', async () => {
    const port = await fakeServer((s) => {
      s.write('* OK\r\n');
      s.on('data', (d) => s.write(`${d.toString().split(' ')[0]} NO bad\r\n`));
    });
    const c = await RawImapClient.connect({ host: '127.0.0.1', port, secrets: ['pw-123'] });
    await c.greeting();
    await c.command('LOGIN alice pw-123');
    expect(c.transcript().map((e) => e.text).join('\n')).not.toContain('pw-123');
    c.close();
  });
});
