// The CLI against broken IMAP servers (test/robustness/hostile-imap.ts), through an `external` profile with small
// timeouts (connect 1 s, command 1 s). For each: the run ends well within its time budget (no hang; measured by the
// test's own clock, a generous bound: the exact figures belong in `npm run bench`), with the exit code of the stage
// that failed, a message naming the true cause (who closed the connection, the BYE text, how much of a greeting
// arrived, the limit that was broken), no stack trace of an unhandled error, and nothing left behind: the CLI's
// process group is empty and every connection to the server is closed.
//
// Every failure here is before any case, in the external target's greeting check or the preflight login of every
// device (no greeting, a dripping greeting, a non-IMAP greeting, garbage after the greeting, a BYE or a half-close at
// login, a drop at LOGIN, slow answers to the login commands, a huge literal or a flood during login): exit 2, with
// the cause on stderr ("cpm-conformance: setup error: …"). hostile-breaker.test.ts has the failures inside a case.
import { afterEach, describe, expect, it } from 'vitest';
import { BUDGET_MS, closeServer, runAgainst, server, setupError } from './hostile-run.js';

afterEach(closeServer);

describe('hostile IMAP server: failures before any case end the run with exit 2', () => {
  it('never sends a greeting', async () => {
    setupError(await runAgainst('silent'), /IMAP server 127\.0\.0\.1:\d+ \(tls none\) is not usable: no greeting after 1 s, 0 bytes received/);
  }, BUDGET_MS + 10_000);

  it('drips its greeting one byte per second: incomplete, with what arrived, not "no greeting"', async () => {
    const o = await runAgainst('drip-greeting', { delayMs: 1000 });
    setupError(o, /is not usable: greeting incomplete after 1 s \([12] bytes? received: "\* ?"\)/);
    expect(o.result.stderr).not.toMatch(/no greeting/);
  }, BUDGET_MS + 10_000);

  it('sends garbage instead of a greeting', async () => {
    setupError(await runAgainst('garbage'), /is not usable: not an IMAP greeting: "HTTP\/1\.1 400 Bad Request"/);
  }, BUDGET_MS + 10_000);

  it('sends garbage right after its greeting', async () => {
    setupError(
      await runAgainst('garbage-after-greeting'),
      /connecting to 127\.0\.0\.1:\d+ failed: the server sent data that is not an IMAP response: "\\u0000\\u0001\\u0002ÿþ garbage, not IMAP\\r\\n"/,
    );
  }, BUDGET_MS + 10_000);

  it('sends BYE right after the login: the BYE text and who closed', async () => {
    setupError(
      await runAgainst('bye-after-login', { byeText: 'too many sessions for alice' }),
      /connecting to 127\.0\.0\.1:\d+ failed: the server closed the connection after sending BYE "too many sessions for alice"/,
    );
  }, BUDGET_MS + 10_000);

  it('half-closes the connection at login: who closed and what the client was waiting for', async () => {
    setupError(
      await runAgainst('half-close'),
      /connecting to 127\.0\.0\.1:\d+ failed: the server half-closed the connection \(FIN\) while the client was waiting for the response to the login/,
    );
  }, BUDGET_MS + 10_000);

  it('drops the connection at LOGIN', async () => {
    setupError(
      await runAgainst('drop-at-login'),
      /alice\/alice#urn:uuid:[0-9a-f-]+: connecting to 127\.0\.0\.1:\d+ failed: the server half-closed the connection \(FIN\) while the client was waiting for the response to the login/,
    );
    expect(server!.accepted).toBeGreaterThanOrEqual(2); // the greeting check, then the login
  }, BUDGET_MS + 10_000);

  it('answers every command after the command timeout', async () => {
    setupError(
      await runAgainst('slow'),
      /no usable IMAP greeting\/login from 127\.0\.0\.1:\d+ in time \(connecting to 127\.0\.0\.1:\d+ did not complete within 2000 ms\) while the client was waiting for the response to [A-Z]+/,
    );
  }, BUDGET_MS + 10_000);

  it('announces a 9999999999-byte literal while the client logs in: the profile\'s limit is named', async () => {
    setupError(
      await runAgainst('huge-literal', { duringLogin: true }),
      /connecting to 127\.0\.0\.1:\d+ failed: the server sent a 9999999999-byte literal; the profile's limit is 67108864 bytes \(limits\.maxLiteralBytes\)/,
    );
  }, BUDGET_MS + 10_000);

  it('a profile limit of its own is the one enforced and named', async () => {
    setupError(
      await runAgainst('huge-literal', { duringLogin: true }, { limits: { maxLiteralBytes: 4096 } }),
      /failed: the server sent a 9999999999-byte literal; the profile's limit is 4096 bytes \(limits\.maxLiteralBytes\)/,
    );
  }, BUDGET_MS + 10_000);

  it('floods untagged responses while the client logs in', async () => {
    setupError(
      await runAgainst('flood', { duringLogin: true }),
      /failed: the server flooded (\d+ untagged responses while logging in without completing it|more than \d+ untagged responses)/,
    );
    expect(server!.flooded).toBeGreaterThan(1000);
  }, BUDGET_MS + 10_000);
});

