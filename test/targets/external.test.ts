// The external target: a server that is already running. Unreachable, silent and garbage-speaking servers are
// setup errors naming the cause, within the connect timeout.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { validateProfile, type Profile } from '../../harness/profile/index.js';
import { startTarget, TargetSetupError } from '../../harness/targets/index.js';
import { startReferenceStore, type ReferenceStore } from '../../reference-store/index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function externalProfile(port: number): Profile {
  return validateProfile(
    {
      name: 'external-test',
      target: { kind: 'external', host: '127.0.0.1', port, tls: 'none' },
      accounts: { users: [{ name: 'alice', devices: [{ id: 'urn:uuid:00000000-0000-4000-8000-000000000001', credentials: { password: 'pw' }, announce: 'login' }] }] },
      features: { notify: true, push: true, voicemail: false, identityBinding: 'none', pfPath: 'none', objectKinds: ['standalone'], folders: { root: 'RCSMessageStore' } },
      timeouts: { connectMs: 300, commandMs: 2000, notifyMs: 2000 },
    },
    'external-test',
  );
}

function fakeServer(onConnect: (s: import('node:net').Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    const server: Server = createServer((s) => {
      s.on('error', () => {});
      onConnect(s);
    });
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    closers.push(() => new Promise((r) => server.close(() => r())));
  });
}

describe('external target', () => {
  it('connects to a running server and describes it by its greeting', async () => {
    const store: ReferenceStore = await startReferenceStore({ users: [{ name: 'alice', password: 'pw', devices: [] }] });
    closers.push(() => store.stop());
    const t = await startTarget({ profile: externalProfile(store.port), pushUrl: 'http://127.0.0.1:9/push' });
    expect(t.imap).toEqual({ host: '127.0.0.1', port: store.port, tls: 'none' });
    expect(t.info().description).toMatch(/external IMAP server 127\.0\.0\.1:\d+ \(tls none\): \* OK/);
    await t.stop();
  });

  it('an unreachable server is a setup error naming the refusal', async () => {
    const port = await fakeServer(() => {});
    await closers.pop()!();
    const err = await startTarget({ profile: externalProfile(port), pushUrl: 'http://127.0.0.1:9/push' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetSetupError);
    expect((err as Error).message).toMatch(/not usable: ECONNREFUSED/);
  });

  it('a server that never greets is a setup error within the connect timeout', async () => {
    const port = await fakeServer(() => {});
    const err = await startTarget({ profile: externalProfile(port), pushUrl: 'http://127.0.0.1:9/push' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetSetupError);
    expect((err as Error).message).toMatch(/no greeting after 0\.3 s, 0 bytes received/);
  });

  it('a server that speaks something else is a setup error quoting what it said', async () => {
    const port = await fakeServer((s) => s.write('SSH-2.0-OpenSSH_9.2\r\n'));
    const err = await startTarget({ profile: externalProfile(port), pushUrl: 'http://127.0.0.1:9/push' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/not an IMAP greeting: "SSH-2\.0-OpenSSH_9\.2"/);
  });

  it('fault switches are refused for anything but the reference store', async () => {
    const err = await startTarget({ profile: externalProfile(1), pushUrl: 'http://127.0.0.1:9/push', faults: ['push-duplicate'] }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/fault switches exist only in the reference store/);
  });
});
