// The CLI against IMAP servers that turn hostile after login, inside a case (test/robustness/hostile-imap.ts; the
// failures before any case are in hostile-imap.test.ts). Exit 1 for all of them. A fault of the target itself (a
// literal over the profile's limit, garbage, an untagged flood, a refused connection) trips the circuit breaker:
// the case that met it errors naming the cause, a re-probe (fresh connection, greeting, login) follows, and when
// the fault persists (the re-probe fails, or the next case meets it again) every remaining case is blocked with that
// one cause, which the run prints once. Anything else (a server that closes in the middle of a response, slow
// answers) errors the case it happens in, naming the cause. Time bounds are the test's own clock, generous.
import { afterEach, describe, expect, it } from 'vitest';
import { BUDGET_MS, caseMessage, caseRecords, closeServer, readAttachments, runAgainst, server, type CaseRecord, type HostileOptions, type Hostility, type Outcome } from './hostile-run.js';

afterEach(closeServer);

describe('hostile IMAP server: failures inside a case end the run with exit 1', () => {
  it('answers every command after login only after the command timeout: the case errors naming the command', async () => {
    const o = await runAgainst('slow-after-login');
    expect(o.result.code, o.result.stdout + o.result.stderr).toBe(1);
    expect(caseMessage(o)).toEqual({ verdict: 'error', message: expect.stringMatching(/^alice\/d1: CREATE RCSMessageStore did not complete within 1000 ms$/) });
    expect(o.result.stdout).toMatch(/a mandatory case failed \(exit 1\)/);
  }, BUDGET_MS + 10_000);

  it('closes the connection in the middle of a response: the case errors, naming what arrived', async () => {
    const o = await runAgainst('disconnect-mid-command');
    expect(o.result.code, o.result.stdout + o.result.stderr).toBe(1);
    expect(caseMessage(o)).toEqual({
      verdict: 'error',
      message: expect.stringMatching(
        /^alice\/d1: CREATE RCSMessageStore failed: the server closed the connection \(FIN\) in the middle of a response to CREATE \(\d+ bytes of an unfinished response received: "\* 1 FETCH \(UID 1/,
      ),
    });
  }, BUDGET_MS + 10_000);
});

/** Runs a slice of many cases (Table 1 / Table 6) against a target whose fault shows only after login. */
async function breakerRun(mode: Hostility, options: HostileOptions = {}): Promise<Outcome & { cases: CaseRecord[] }> {
  const o = await runAgainst(mode, options, {}, ['--clause', '5.2.1']);
  expect(o.result.code, o.result.stdout + o.result.stderr).toBe(1);
  expect(o.elapsedMs).toBeLessThan(BUDGET_MS);
  return { ...o, cases: caseRecords(o) };
}

function expectBreaker(o: Outcome & { cases: CaseRecord[] }, cause: RegExp): void {
  const attempted = o.cases.filter((c) => c.verdict !== 'not-applicable' && c.verdict !== 'not-exercised');
  const blocked = attempted.filter((c) => c.verdict === 'blocked');
  const others = attempted.filter((c) => c.verdict !== 'blocked');
  // At most the case that met the fault and the one that met it again after the re-probe were attempted.
  expect(others.length, JSON.stringify(others, null, 1)).toBeLessThanOrEqual(2);
  expect(others.every((c) => c.verdict === 'error')).toBe(true);
  expect(blocked.length).toBeGreaterThan(20);
  for (const c of blocked) {
    expect(c.message).toMatch(/^the target is unusable: /);
    expect(c.message).toMatch(cause);
  }
  // One message naming the cause, on stderr, and one entry in the console summary (not one per case).
  const lines = o.result.stderr.split('\n').filter((l) => l.startsWith('cpm-conformance: the target is unusable: '));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(cause);
  expect(lines[0]).toMatch(new RegExp(`; ${blocked.length} remaining case\\(s\\) blocked$`));
  expect(o.result.stdout.match(/case\(s\) blocked, not attempted: the target is unusable/g)).toHaveLength(1);
  expect(o.result.stdout).not.toMatch(/✗ \S+ \[MUST\] blocked/);
}

describe('hostile IMAP server: a target at fault trips the circuit breaker (exit 1, the rest blocked with one cause)', () => {
  it('a 9999999999-byte literal after login', async () => {
    const o = await breakerRun('huge-literal');
    expectBreaker(o, /the server sent a 9999999999-byte literal; the profile's limit is 67108864 bytes \(limits\.maxLiteralBytes\)/);
    expect(o.cases.find((c) => c.verdict === 'error')?.message).toMatch(
      /^alice\/d1: CREATE RCSMessageStore failed: the harness closed the connection: the server sent a 9999999999-byte literal/,
    );
    expect(readAttachments(o.reports)).toMatch(/harness closes the connection: the server sent a 9999999999-byte literal/);
  }, BUDGET_MS + 10_000);

  it('garbage after login', async () => {
    expectBreaker(await breakerRun('garbage-after-login'), /the server sent data that is not an IMAP response: "\\u0000\\u0001\\u0002ÿþ garbage, not IMAP\\r\\n"/);
  }, BUDGET_MS + 10_000);

  it('an untagged flood after login', async () => {
    const o = await breakerRun('flood');
    // Whichever comes first: the command timeout, or the session's bound on untagged responses.
    expectBreaker(o, /the server flooded (\d+ untagged responses while the client waited for CREATE RCSMessageStore without completing it|more than \d+ untagged responses)/);
    expect(server!.flooded).toBeGreaterThan(1000);
  }, BUDGET_MS + 10_000);

  it('a target that stops accepting connections: the re-probe is refused too', async () => {
    // Connections 1 and 2: the preflight's greeting check and login; 3: a suite file's greeting check. Which of the
    // two suite files (run in parallel) meets the refusal first, in a case or starting its target, varies: either
    // way it is tried once more, and the cause is the refusal.
    const o = await breakerRun('huge-literal', { acceptConnections: 3 });
    expectBreaker(
      o,
      /(is unreachable \(ECONNREFUSED\).*a fresh connection and login failed too: alice\/re-probe: IMAP server 127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)|the target did not start for .*, twice: IMAP server 127\.0\.0\.1:\d+ \(tls none\) is not usable: ECONNREFUSED)/,
    );
    expect(o.cases.filter((c) => c.verdict === 'error').length).toBeLessThanOrEqual(1);
  }, BUDGET_MS + 10_000);
});

