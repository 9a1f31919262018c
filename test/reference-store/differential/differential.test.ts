// Differential tests: the same IMAP command scripts (scripts.ts) go to the reference store and to a stock Dovecot
// 2.3.19 started by the Dovecot target; the normalised transcripts (normalise.ts) must be equal once the accepted
// differences (accepted-differences.json, each with its reason and RFC clause) are applied. An accepted difference
// that no script needs any more fails the run, so the list stays true. Without Dovecot the comparison is skipped
// loudly, unless CPM_REQUIRE_DOVECOT=1 (CI) makes that a failure.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { DOVECOT_INSTALL_HINT } from '../../../harness/targets/dovecot.js';
import { dovecotInstalled, startDovecotOracle, startStoreOracle, type Oracle } from './oracle.js';
import { normaliseResponse, normaliseStep } from './normalise.js';
import { ACCEPTED, runScript, transcript } from './run.js';
import { SCRIPTS } from './scripts.js';

const installed = dovecotInstalled();
const required = process.env.CPM_REQUIRE_DOVECOT === '1';
const HOW_TO_ENABLE = `differential tests against Dovecot SKIPPED: ${DOVECOT_INSTALL_HINT} (set CPM_REQUIRE_DOVECOT=1 to make this a failure)`;
if (!installed && !required) console.warn(`\n*** ${HOW_TO_ENABLE} ***\n`);

function needDovecot(ctx: TestContext): void {
  if (installed) return;
  if (required) throw new Error(`CPM_REQUIRE_DOVECOT=1 but ${DOVECOT_INSTALL_HINT}`);
  ctx.skip(HOW_TO_ENABLE);
}

describe('normalisation (no Dovecot needed)', () => {
  it('drops response text, UIDVALIDITY values and capability lists; keeps status and codes', () => {
    expect(normaliseResponse('t1 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).')).toBe('t1 OK [READ-WRITE]');
    expect(normaliseResponse('* OK [UIDVALIDITY 1796305447] UIDs valid')).toBe('* OK [UIDVALIDITY <uidvalidity>]');
    expect(normaliseResponse('t2 OK [APPENDUID 42 7] done')).toBe('t2 OK [APPENDUID <uidvalidity> 7]');
    expect(normaliseResponse('* CAPABILITY IMAP4rev1 IDLE')).toBe('* CAPABILITY <caps>');
    expect(normaliseResponse('t3 NO Mailbox does not exist')).toBe('t3 NO');
  });

  it('makes string forms, FETCH item order, flag order and STATUS item order irrelevant', () => {
    expect(normaliseResponse('* 1 FETCH (UID 4 FLAGS (\\Seen \\Answered) BODY[1] {3}\r\nabc)'))
      .toBe(normaliseResponse('* 1 FETCH (BODY[1] "abc" FLAGS (\\Answered \\Seen) UID 4)'));
    expect(normaliseResponse('* LIST (\\HasNoChildren) "/" X/a[b')).toBe(normaliseResponse('* LIST (\\HasNoChildren) "/" "X/a[b"'));
    expect(normaliseResponse('* STATUS "a[b" (RECENT 2 MESSAGES 3 UIDVALIDITY 9)')).toBe(normaliseResponse('* STATUS a[b (MESSAGES 3 UIDVALIDITY 1 RECENT 2)'));
    expect(normaliseStep(['* LIST () "/" b', '* LIST () "/" a', 't OK'])).toEqual(['* LIST () "/" "a"', '* LIST () "/" "b"', 't OK']);
    // but not the content
    expect(normaliseResponse('* 1 FETCH (BODY[1] "abc")')).not.toBe(normaliseResponse('* 1 FETCH (BODY[1] "abd")'));
  });

  it('every accepted difference has an id, a side, a valid pattern, a reason and an RFC clause', () => {
    const ids = new Set<string>();
    for (const d of ACCEPTED) {
      expect(ids.has(d.id), d.id).toBe(false);
      ids.add(d.id);
      expect(['store', 'dovecot']).toContain(d.side);
      expect(() => new RegExp(d.match)).not.toThrow();
      if (d.command) expect(() => new RegExp(d.command!)).not.toThrow();
      expect(d.reason.length, d.id).toBeGreaterThan(20);
      expect(d.rfc, d.id).toMatch(/RFC \d+/);
      for (const s of d.scripts ?? []) expect(SCRIPTS.map((x) => x.name), d.id).toContain(s);
    }
  });
});

describe('reference store and Dovecot answer the scripts alike', () => {
  let store: Oracle | undefined;
  let dovecot: Oracle | undefined;
  const used = new Set<string>();
  const ran = new Set<string>();

  beforeAll(async () => {
    if (!installed) return;
    [store, dovecot] = await Promise.all([startStoreOracle(), startDovecotOracle()]);
  }, 30_000);
  afterAll(async () => { await Promise.all([store?.stop(), dovecot?.stop()]); });

  SCRIPTS.forEach((script, i) => {
    it(`script ${script.name}`, async (ctx) => {
      needDovecot(ctx);
      const [s, d] = await Promise.all([runScript(store!.endpoint, script, `d${i}`), runScript(dovecot!.endpoint, script, `d${i}`)]);
      ran.add(script.name);
      expect(transcript(script.name, 'store', s, used).join('\n')).toBe(transcript(script.name, 'dovecot', d, used).join('\n'));
    }, 30_000);
  });

  it('every accepted difference is still needed by some script', (ctx) => {
    needDovecot(ctx);
    if (ran.size !== SCRIPTS.length) ctx.skip('not every script ran (filtered run)');
    expect(ACCEPTED.map((a) => a.id).filter((id) => !used.has(id))).toEqual([]);
  });
});
