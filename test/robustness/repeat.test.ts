// Stability: `--repeat 20` of a slice of the suite against the reference store reports no flaky case.
//
// The slice is 30 cases, chosen where flakiness would come from: timing. 14 PUSH cases (each awaits a
// notification from the store's asynchronous notifier: seen / unseen / deleted / expunged, Message and Voicemail
// Objects, direct and PF keyword paths, a payload schema check, a single-device user), 8 NOTIFY cases (unsolicited
// STATUS / EXISTS / FETCH between sessions, NOTIFY SET errors) and 8 Table 1 / Table 6 cases (APPEND and
// FETCH, the seen and delete identity headers). Cases that observe a quiet window (300 ms of silence each) are
// left out: 20 repetitions of them would cost minutes and they wait on a clock, not on an event. The slice runs
// 600 case executions in about 25 s on two cores.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processGroupGone, runCliInGroup } from './spawn-cli.js';

const REPEAT = 20;

export const STABILITY_SLICE = [
  'mo.standalone.from.stored-exactly',
  'mo.chat.object.conforms-to-table',
  'mo.imdn.object.conforms-to-table',
  'mo.sms.object.conforms-to-table',
  'mo.message-seen-identity.names-reading-device',
  'mo.message-delete-identity.names-deleting-device',
  'vm.conversation-id.searchable',
  'vm.message-seen-identity.names-reading-device',
  'notify.set.unsupported-event-badevent-code',
  'notify.set.flagchange-alone-bad',
  'notify.selected.messagenew.exists-fetch',
  'notify.selected.flagchange.fetch-uid-flags',
  'notify.other.messagenew.status-new-values',
  'notify.other.messageexpunge.status-messages',
  'notify.other.messagenew.highestmodseq',
  'notify.mailbox-name.list',
  'push.message.seen.direct.device-b.notified-with-identity',
  'push.message.seen.pf-keyword.device-a.notified-with-identity',
  'push.message.unseen.direct.device-b.notified-with-identity',
  'push.message.deleted.direct.device-a.notified-with-identity',
  'push.message.deleted.pf-keyword.device-b.notified-with-identity',
  'push.message.expunged.direct.device-a.notified-with-identity',
  'push.message.expunged.pf-keyword.device-b.notified-with-identity',
  'push.message.payload.direct.schema-valid',
  'push.message.seen.direct.single-device-user.notified-with-identity',
  'push.message.deleted.direct.header-names-notified-device',
  'push.voicemail.seen.direct.device-a.notified-with-identity',
  'push.voicemail.expunged.direct.device-b.notified-with-identity',
  'push.voicemail.deleted.pf-keyword.device-a.notified-with-identity',
  'push.voicemail.seen.pf-keyword.header-names-notified-device',
] as const;

interface RunJson {
  repeat: number;
  exitCode: number;
  totals: Record<string, number>;
  cases: { id: string; verdict: string; attempts: { verdict: string; message?: string }[] }[];
}

describe('stability under --repeat', () => {
  it(`${STABILITY_SLICE.length} cases × ${REPEAT} against the reference store: every attempt passes, no case is flaky`, async () => {
    const reports = mkdtempSync(join(tmpdir(), 'cpm-repeat-'));
    const r = await runCliInGroup(['run', '--case', STABILITY_SLICE.join(','), '--repeat', String(REPEAT), '--reports', reports], 170_000);
    const run = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8')) as RunJson;
    const unstable = run.cases
      .filter((c) => c.verdict !== 'passed' || c.attempts.some((a) => a.verdict !== 'passed'))
      .map((c) => `${c.id}: ${c.verdict}, attempts ${c.attempts.map((a) => a.verdict).join(' ')}; ${c.attempts.find((a) => a.message)?.message ?? ''}`);
    expect(unstable, 'cases that did not pass every attempt').toEqual([]);
    expect(run.cases.map((c) => c.id).sort()).toEqual([...STABILITY_SLICE].sort());
    expect(run.cases.every((c) => c.attempts.length === REPEAT)).toBe(true);
    expect(run).toMatchObject({ repeat: REPEAT, exitCode: 0 });
    expect(run.totals['flaky']).toBe(0);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await processGroupGone(r.pid), 'a process of the run outlived it by 5 s').toBe(true);
  }, 180_000);
});
