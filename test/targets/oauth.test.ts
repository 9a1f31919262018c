// Devices that authenticate with an OAuth 2.0 bearer token (OAUTHBEARER, RFC 7628; XOAUTH2) instead of a
// password: the profile's credentials reach the server through imapflow, and the device is still attributed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseContext, Run } from '../../harness/conformance/context.js';
import { executeCase } from '../../harness/conformance/execute.js';
import { SessionError } from '../../harness/imap/session.js';
import { loadProfile, type Profile } from '../../harness/profile/index.js';
import { ALL_CASES } from '../../suites/index.js';

function oauthProfile(): Profile {
  const p = loadProfile(undefined);
  const [alice, ...others] = p.accounts.users;
  const devices = alice!.devices.map((d, i) =>
    i === 0 ? { ...d, credentials: { oauthBearer: 'bearer-token-device-a' } } : i === 2 ? { ...d, credentials: { xoauth2: 'bearer-token-device-c' } } : d,
  );
  return { ...p, accounts: { ...p.accounts, users: [{ ...alice!, devices }, ...others] } };
}

let run: Run;
beforeAll(async () => {
  run = await Run.start({ profile: oauthProfile(), strict: false, faults: [] });
});
afterAll(async () => {
  await run.stop();
});

describe('bearer-token devices against the reference store', () => {
  it('log in (per-device login and IMAP ID after login) with the server offering OAUTHBEARER', async () => {
    const c = new CaseContext(run, ALL_CASES[0]!.meta);
    try {
      const alice = run.profile.accounts.users[0]!;
      const a = await c.session(alice, alice.devices[0]!);
      const z = await c.session(alice, alice.devices[2]!);
      expect(a.capabilities.has('AUTH=OAUTHBEARER')).toBe(true);
      const wire = [...a.transcript(), ...z.transcript()].map((e) => e.text).join('\n');
      expect(wire).toMatch(/<authentication data withheld>/);
      expect(run.target.logs().join('\n')).toMatch(/login user=alice device=urn:uuid:f81d4fae/);
      expect(wire).not.toMatch(/bearer-token-device/);
    } finally {
      await c.finish();
    }
  });

  it('a wrong token is an authentication failure', async () => {
    const p = oauthProfile();
    const alice = p.accounts.users[0]!;
    alice.devices[0] = { ...alice.devices[0]!, credentials: { oauthBearer: 'not-the-token' } };
    const c = new CaseContext({ ...run, profile: p, secrets: ['not-the-token'] } as unknown as Run, ALL_CASES[0]!.meta);
    const err = await c.session(alice, alice.devices[0]!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).kind).toBe('auth');
    await c.finish();
  });

  it('the PUSH cases of the token devices pass: the device is attributed as with a password', async () => {
    const ids = ['push.message.seen.direct.device-a.notified-with-identity', 'push.message.seen.direct.device-b.notified-with-identity'];
    for (const id of ids) {
      const def = ALL_CASES.find((c) => c.meta.id === id)!;
      expect((await executeCase(run, def)).verdict, id).toBe('passed');
    }
  });
});
