// Proves the 5.4.1 cases against the embedded reference store: all pass on the intact store, and each NOTIFY
// fault switch makes exactly the listed cases fail (a SHOULD/MAY case reports a warning) while the others still
// pass. A case may only fail under a switch whose `violates` list shares a requirement with the case.
import { describe, expect, it } from 'vitest';
import type { CaseDefinition } from '../../harness/conformance/case.js';
import { Run } from '../../harness/conformance/context.js';
import { executeCase, type Verdict } from '../../harness/conformance/execute.js';
import { loadProfile } from '../../harness/profile/index.js';
import { FAULTS } from '../../reference-store/faults.js';
import { notifyCases } from '../../suites/notify/notify-cases.js';

/** Cases each NOTIFY switch kills (every other case must still pass under it). */
const KILLS: Record<string, readonly string[]> = {
  'notify-silent': [
    'notify.selected.unsolicited-after-own-command',
    'notify.selected.no-specifier-no-events',
    'notify.other.messagenew.status-new-values',
    'notify.other.messagenew.pf-next-uid',
    'notify.other.messageexpunge.status-messages',
    'notify.other.messagenew.highestmodseq',
    'notify.other.flagchange.status-highestmodseq',
    'notify.none.stops-events',
    'notify.events.omitted-or-none-not-sent',
    'notify.mailbox-name.list',
    'notify.subscription.list',
    'notify.metadata.mailbox-change',
  ],
  'notify-drop-flagchange': ['notify.selected.flagchange.fetch-uid-flags', 'notify.other.flagchange.status-highestmodseq'],
  'notify-stale-flags': ['notify.selected.flagchange.fetch-uid-flags'],
  'notify-drop-messagenew': [
    'notify.selected.messagenew.exists-fetch',
    'notify.selected.messagenew.no-implicit-seen',
    'notify.selected.messagenew.recent',
    'notify.selected.unsolicited-after-own-command',
    'notify.selected.no-specifier-no-events',
    'notify.idle.same-events',
    'notify.other.messagenew.status-new-values',
    'notify.other.messagenew.pf-next-uid',
    'notify.other.messagenew.highestmodseq',
    'notify.none.stops-events',
    'notify.events.omitted-or-none-not-sent',
  ],
  'notify-drop-expunge': ['notify.selected.messageexpunge.expunge', 'notify.other.messageexpunge.status-messages'],
  'notify-echo-origin': ['notify.own-changes.selected-flag-not-echoed', 'notify.own-changes.other-append-not-echoed'],
  'notify-stale-uidnext': ['notify.other.messagenew.status-new-values', 'notify.other.messagenew.pf-next-uid'],
  'notify-stale-messages': ['notify.other.messagenew.status-new-values', 'notify.other.messageexpunge.status-messages'],
  'notify-badevent-as-bad': ['notify.set.unsupported-event-no', 'notify.set.unsupported-event-badevent-code'],
  'notify-no-status-indicator': ['notify.status-indicator.before-ok'],
  'notify-set-no-noop': ['notify.set.implicit-noop'],
  'notify-lenient-event-set': ['notify.set.flagchange-alone-bad', 'notify.set.new-expunge-together-bad'],
  'notify-lenient-selected': ['notify.set.one-selected-specifier'],
  'notify-expensive-as-bad': ['notify.set.expensive-ok-or-overflow'],
  'notify-delayed-as-selected': ['notify.selected-delayed.holds-expunge'],
};

/** Cases no switch kills (none today; a new case without a switch must be listed here with the missing switch). */
const UNKILLED: string[] = [];

/** Switches of other clauses that must leave every 5.4.1 case passing (those touching what the cases store or read). */
const UNRELATED = ['drop-header:imdn-message-id', 'rewrite-header:imdn-message-id', 'identity-not-recorded', 'push-omit-identity', 'push-duplicate'];

// The reference store pushes at once; 1 s bounds the wait of a case a switch kills.
const base = loadProfile(undefined);
const profile = { ...base, timeouts: { ...base.timeouts, notifyMs: 1000 } };

async function verdicts(faults: string[]): Promise<Map<string, Verdict>> {
  const run = await Run.start({ profile, strict: false, faults });
  try {
    const out = new Map<string, Verdict>();
    for (const def of notifyCases) out.set(def.meta.id, (await executeCase(run, def)).verdict);
    return out;
  } finally {
    await run.stop();
  }
}

const notPassed = (v: Map<string, Verdict>) => [...v].filter(([, verdict]) => verdict !== 'passed').map(([id]) => id).sort();
const byId = new Map<string, CaseDefinition>(notifyCases.map((d) => [d.meta.id, d]));

describe('5.4.1 cases: metadata', () => {
  it('have unique IDs, every case is killed or listed as unkilled, and every NOTIFY switch is classified', () => {
    expect(byId.size).toBe(notifyCases.length);
    const killed = new Set(Object.values(KILLS).flat());
    expect([...byId.keys()].filter((id) => !killed.has(id)).sort()).toEqual([...UNKILLED].sort());
    expect(FAULTS.filter((f) => f.name.startsWith('notify-')).map((f) => f.name).sort()).toEqual(Object.keys(KILLS).sort());
  });

  it('a case only fails under a switch that violates one of its requirements', () => {
    for (const [fault, ids] of Object.entries(KILLS)) {
      const violates = new Set(FAULTS.find((f) => f.name === fault)!.violates);
      for (const id of ids) {
        const shared = byId.get(id)!.meta.requirements.some((r) => violates.has(r));
        expect(shared, `${fault} → ${id}`).toBe(true);
      }
    }
  });
});

describe.concurrent('5.4.1 cases against the reference store', () => {
  it('all pass without fault switches', async () => {
    expect(notPassed(await verdicts([]))).toEqual([]);
  }, 60_000);

  for (const [fault, expected] of Object.entries(KILLS)) {
    it(`${fault} fails exactly its cases`, async () => {
      const v = await verdicts([fault]);
      expect(notPassed(v)).toEqual([...expected].sort());
      for (const id of expected) expect(v.get(id), id).toBe(byId.get(id)!.meta.level === 'MUST' ? 'failed' : 'warning');
    }, 60_000);
  }

  it('switches of other clauses leave every case passing', async () => {
    const results = await Promise.all(UNRELATED.map(async (fault) => [fault, notPassed(await verdicts([fault]))] as const));
    expect(results.filter(([, failing]) => failing.length > 0)).toEqual([]);
  }, 60_000);
});
