// 5.4.1 cases for the selected mailbox: what another device's change makes the listening session receive (RFC 5465
// §5.1-5.3), the implicit NOOP of NOTIFY SET (§3.1), SELECTED-DELAYED, IDLE (§4), and delivery without IDLE.
import { defineCase, type CaseDefinition } from '../../harness/conformance/case.js';
import { expungeUid, select, storeFlags, fetchFlags } from '../../harness/imap/objects.js';
import { fetchedSection, hasFlag, parseFetch } from '../../harness/imap/notify.js';
import type { Untagged } from '../../harness/imap/response-reader.js';
import { must } from '../../harness/must/index.js';
import {
  NEW_EXPUNGE,
  NEW_EXPUNGE_FLAGS,
  SHALL_NOTIFY,
  actors,
  advertises,
  expectQuiet,
  expectUntagged,
  listenSelected,
  notify,
  sampleObject,
  statusFor,
  quoted as q,
} from './steps.js';

const FEATURES = ['notify', 'devices:2'] as const;
const isExists = (n?: number) => (u: Untagged) => u.type === 'EXISTS' && (n === undefined || u.number === n);
/** EXPUNGE of message number `seq`, or VANISHED naming `uid` (QRESYNC). */
const isExpunge = (seq: number, uid: number) => (u: Untagged) =>
  (u.type === 'EXPUNGE' && u.number === seq) || (u.type === 'VANISHED' && new RegExp(`(^|[ ,:])${uid}([ ,:]|$)`).test(u.text));
/** An unsolicited FETCH about the message with `uid` (or, lacking a UID item, about message number `seq`). */
const isFetchOf = (uid: number, seq: number) => (u: Untagged) => {
  const f = parseFetch(u);
  return f !== undefined && (f.uid === uid || (f.uid === undefined && f.seq === seq));
};

export const selectedCases: CaseDefinition[] = [
  defineCase(
    {
      id: 'notify.set.implicit-noop',
      requirements: ['rfc5465.set-implicit-noop', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'A successful NOTIFY SET returns the changes that accumulated in the selected mailbox (implicit NOOP).',
      interpretations: ['amb.rfc5551-reference'],
      procedure: [
        'device 2 stores one object in a new folder; device 1 SELECTs it (no NOTIFY yet)',
        'device 2 sets \\Flagged on the object and stores a second object',
        'device 1 sends NOTIFY SET (SELECTED (MessageNew MessageExpunge FlagChange))',
      ],
      passCriteria: 'By the tagged OK of NOTIFY SET, device 1 has received * 2 EXISTS and a FETCH of message 1 whose FLAGS include \\Flagged.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      const first = await c.append(actor, folder, sampleObject(c, 1));
      await select(listener, folder);
      const since = listener.untagged.mark();
      await storeFlags(actor, folder, first.uid, '+', ['\\Flagged']);
      await c.append(actor, folder, sampleObject(c, 2));
      await notify(listener, `SET (SELECTED ${NEW_EXPUNGE_FLAGS})`);
      const got = listener.untagged.all().slice(since);
      const seen = got.map((u) => `* ${u.text}`).join('\n      ') || 'nothing';
      must.ok(got.some(isExists(2)), {
        requirement: 'rfc5465.set-implicit-noop',
        what: 'the new object is reported by the end of NOTIFY SET',
        expected: '* 2 EXISTS before the tagged OK of NOTIFY SET',
        actual: seen,
      });
      const flags = got.map(parseFetch).find((f) => f !== undefined && (f.uid === first.uid || f.seq === 1) && f.flags !== undefined);
      must.ok(hasFlag(flags?.flags, '\\Flagged'), {
        requirement: 'rfc5465.set-implicit-noop',
        what: 'the flag change is reported by the end of NOTIFY SET',
        expected: `* 1 FETCH (… FLAGS (… \\Flagged …)) for UID ${first.uid} before the tagged OK`,
        actual: seen,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.selected.messagenew.exists-fetch',
      requirements: ['rfc5465.messagenew', 'notify.imap.content.folder-size', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: "A new object in the selected mailbox reaches the other session: EXISTS with the new size, then FETCH with the requested attributes.",
      interpretations: ['amb.unfinished-notify-list', 'amb.lowercase-may'],
      procedure: [
        'device 2 stores one object in a new folder; device 1 SELECTs it',
        'device 1: NOTIFY SET (SELECTED (MessageNew (UID FLAGS BODY.PEEK[HEADER.FIELDS (IMDN-Message-ID)]) MessageExpunge)), then IDLE',
        'device 2 APPENDs a second object',
      ],
      passCriteria:
        'Device 1 receives * 2 EXISTS, then * 2 FETCH with UID = the APPENDUID, FLAGS, and the requested header section of the new object.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      await c.append(actor, folder, sampleObject(c, 1));
      const { since, done: stopIdle } = await listenSelected(listener, folder, `SET (SELECTED (MessageNew (UID FLAGS BODY.PEEK[HEADER.FIELDS (IMDN-Message-ID)]) MessageExpunge))`);
      const { uid } = await c.append(actor, folder, sampleObject(c, 2));
      const exists = await expectUntagged(c, listener, isExists(), { requirement: 'rfc5465.messagenew', what: 'an unsolicited EXISTS', since });
      must.equal(exists.number, 2, { requirement: 'notify.imap.content.folder-size', what: 'folder size in the EXISTS notification' });
      const fetch = await expectUntagged(c, listener, (u) => parseFetch(u)?.seq === 2, {
        requirement: 'rfc5465.messagenew',
        what: 'an unsolicited FETCH of message 2 with the MessageNew attributes',
        since,
      });
      const all = listener.untagged.all();
      must.ok(all.indexOf(fetch) > all.indexOf(exists), {
        requirement: 'rfc5465.messagenew',
        what: 'EXISTS comes before the FETCH of the new message',
        expected: '* 2 EXISTS, then * 2 FETCH',
        actual: `* ${fetch.text} arrived before * ${exists.text}`,
      });
      const f = parseFetch(fetch)!;
      must.equal(f.uid, uid, { requirement: 'rfc5465.messagenew', what: 'UID in the MessageNew FETCH' });
      must.ok(f.flags !== undefined, { requirement: 'rfc5465.messagenew', what: 'FLAGS in the MessageNew FETCH', expected: 'FLAGS (…)', actual: fetch.text });
      // the item must be there; whether the stored header is intact is Table 1's business (mo.imdn-message-id)
      must.ok(fetchedSection(f, 'BODY[HEADER.FIELDS') !== undefined, {
        requirement: 'rfc5465.messagenew',
        what: 'the requested header section in the MessageNew FETCH',
        expected: 'BODY[HEADER.FIELDS (IMDN-MESSAGE-ID)] <header of the new object>',
        actual: fetch.text,
      });
      await stopIdle();
    },
  ),

  defineCase(
    {
      id: 'notify.selected.messagenew.no-implicit-seen',
      requirements: ['rfc5465.messagenew-no-implicit-seen', 'rfc5465.messagenew'],
      clause: '5.4.1',
      level: 'SHOULD',
      features: FEATURES,
      statement: 'Answering MessageNew with BODY.PEEK[] leaves the new object unseen.',
      procedure: [
        'device 1 SELECTs a new folder: NOTIFY SET (SELECTED (MessageNew (UID FLAGS BODY.PEEK[]) MessageExpunge)), then IDLE',
        'device 2 APPENDs an object; device 1 receives its FETCH',
        'device 2 fetches the FLAGS of the object',
      ],
      passCriteria: 'Neither the MessageNew FETCH nor the later FLAGS of the object contain \\Seen.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      const { since, done: stopIdle } = await listenSelected(listener, folder, 'SET (SELECTED (MessageNew (UID FLAGS BODY.PEEK[]) MessageExpunge))');
      const { uid } = await c.append(actor, folder, sampleObject(c, 1));
      const fetch = await expectUntagged(c, listener, (u) => parseFetch(u)?.uid === uid, {
        requirement: 'rfc5465.messagenew',
        what: `an unsolicited FETCH of UID ${uid}`,
        since,
      });
      await stopIdle();
      const f = parseFetch(fetch)!;
      must.ok(!hasFlag(f.flags, '\\Seen'), {
        requirement: 'rfc5465.messagenew-no-implicit-seen',
        what: 'FLAGS in the MessageNew FETCH',
        expected: 'no \\Seen',
        actual: fetch.text.slice(0, 200),
      });
      const flags = await fetchFlags(actor, folder, uid);
      must.ok(!flags?.has('\\Seen'), {
        requirement: 'rfc5465.messagenew-no-implicit-seen',
        what: 'FLAGS of the object after the MessageNew FETCH',
        expected: 'no \\Seen',
        actual: [...(flags ?? [])].join(' ') || '(none)',
      });
    },
  ),

  defineCase(
    {
      id: 'notify.selected.messagenew.recent',
      requirements: ['notify.imap.content.flags', 'rfc5465.messagenew'],
      clause: '5.4.1',
      level: 'MAY',
      features: FEATURES,
      statement: 'An IMAP4rev1 server reports a newly arrived object as \\Recent to the only session that has the folder selected.',
      interpretations: ['amb.recent-flag', 'amb.lowercase-may'],
      preconditions: ['The server advertises IMAP4rev1 (\\Recent is gone from IMAP4rev2).'],
      procedure: [
        'device 1 SELECTs a new folder (read-write; no other session has it selected)',
        'device 1: NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge)), then IDLE',
        'device 2 APPENDs an object without selecting the folder',
      ],
      passCriteria: 'The MessageNew FETCH of the object carries \\Recent in FLAGS.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      if (!advertises(listener, 'IMAP4rev1')) c.notApplicable('the server does not advertise IMAP4rev1: \\Recent does not exist');
      const folder = await c.folder(actor, user, 'conv');
      const { since, done: stopIdle } = await listenSelected(listener, folder, 'SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge))');
      const { uid } = await c.append(actor, folder, sampleObject(c, 1));
      const fetch = await expectUntagged(c, listener, (u) => parseFetch(u)?.uid === uid, {
        requirement: 'rfc5465.messagenew',
        what: `an unsolicited FETCH of UID ${uid}`,
        since,
      });
      await stopIdle();
      must.ok(hasFlag(parseFetch(fetch)!.flags, '\\Recent'), {
        requirement: 'notify.imap.content.flags',
        what: 'the \\Recent flag of a newly arrived object',
        expected: 'FLAGS (… \\Recent …) for the only session with the folder selected',
        actual: fetch.text,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.selected.flagchange.fetch-uid-flags',
      requirements: ['rfc5465.flagchange-fetch', 'notify.imap.content', 'notify.imap.content.flags', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: "Another device's flag change in the selected mailbox arrives as an unsolicited FETCH with UID and the new FLAGS.",
      interpretations: ['amb.recent-flag', 'amb.lowercase-may'],
      procedure: [
        'device 2 stores an object in a new folder; device 1 SELECTs it',
        'device 1: NOTIFY SET (SELECTED (MessageNew MessageExpunge FlagChange)), then IDLE',
        'device 2: UID STORE <uid> +FLAGS (\\Seen)',
      ],
      passCriteria: 'Device 1 receives * 1 FETCH (UID <uid> FLAGS (… \\Seen …)).',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      const { uid } = await c.append(actor, folder, sampleObject(c, 1));
      const { since, done: stopIdle } = await listenSelected(listener, folder, `SET (SELECTED ${NEW_EXPUNGE_FLAGS})`);
      await storeFlags(actor, folder, uid, '+', ['\\Seen']);
      const fetch = await expectUntagged(c, listener, isFetchOf(uid, 1), {
        requirement: 'rfc5465.flagchange-fetch',
        what: `an unsolicited FETCH for UID ${uid}`,
        since,
      });
      await stopIdle();
      const f = parseFetch(fetch)!;
      must.equal(f.uid, uid, { requirement: 'rfc5465.flagchange-fetch', what: 'UID in the FlagChange FETCH' });
      must.ok(f.flags !== undefined, { requirement: 'rfc5465.flagchange-fetch', what: 'FLAGS in the FlagChange FETCH', expected: 'FLAGS (…)', actual: fetch.text });
      must.ok(hasFlag(f.flags, '\\Seen'), {
        requirement: 'notify.imap.content.flags',
        what: 'the new flag in the FlagChange FETCH',
        expected: 'FLAGS containing \\Seen',
        actual: fetch.text,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.selected.messageexpunge.expunge',
      requirements: ['rfc5465.messageexpunge', 'notify.imap.content.folder-size', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: "Another device's expunge in the selected mailbox arrives as an unsolicited EXPUNGE (or VANISHED).",
      procedure: [
        'device 2 stores two objects in a new folder; device 1 SELECTs it',
        'device 1: NOTIFY SET (SELECTED (MessageNew MessageExpunge)), then IDLE',
        'device 2 expunges the first object (\\Deleted, UID EXPUNGE)',
      ],
      passCriteria: 'Device 1 receives * 1 EXPUNGE (or * VANISHED naming the UID).',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      const first = await c.append(actor, folder, sampleObject(c, 1));
      await c.append(actor, folder, sampleObject(c, 2));
      const { since, done: stopIdle } = await listenSelected(listener, folder, `SET (SELECTED ${NEW_EXPUNGE})`);
      await expungeUid(actor, folder, first.uid);
      await expectUntagged(c, listener, isExpunge(1, first.uid), {
        requirement: 'rfc5465.messageexpunge',
        what: `* 1 EXPUNGE (or VANISHED ${first.uid})`,
        since,
      });
      await stopIdle();
    },
  ),

  defineCase(
    {
      id: 'notify.selected.unsolicited-after-own-command',
      requirements: [SHALL_NOTIFY, 'rfc5465.messagenew'],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'A change made right after the listening session\'s own command is still pushed without IDLE or a further command.',
      interpretations: ['amb.rfc5551-reference'],
      procedure: [
        'device 1 SELECTs a new folder: NOTIFY SET (SELECTED (MessageNew (UID) MessageExpunge)); it does not IDLE',
        'device 1 sends NOOP; as soon as its OK arrives device 2 APPENDs an object',
        'device 1 sends nothing more',
      ],
      passCriteria: 'Device 1 receives * 1 EXISTS unsolicited ("NOTIFY makes IDLE unnecessary", RFC 5465 §4; CR: "unsolicited and unilaterally").',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      await select(listener, folder);
      await notify(listener, 'SET (SELECTED (MessageNew (UID) MessageExpunge))');
      const raw = sampleObject(c, 1);
      await listener.exec('NOOP');
      const since = listener.untagged.mark();
      await c.append(actor, folder, raw);
      await expectUntagged(c, listener, isExists(1), {
        requirement: SHALL_NOTIFY,
        what: 'an unsolicited * 1 EXISTS while no command is in progress',
        since,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.selected.no-specifier-no-events',
      requirements: ['rfc5465.no-selected-specifier', 'rfc5465.messagenew', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'Without a SELECTED / SELECTED-DELAYED group, changes of the selected mailbox are not pushed.',
      procedure: [
        'device 1 SELECTs folder F; NOTIFY SET (MAILBOXES G (MessageNew MessageExpunge)) — no SELECTED group',
        'device 2 APPENDs an object to F, then one to G',
        'device 1 waits for STATUS G (the store has processed both), then watches a quiet window',
      ],
      passCriteria: 'Device 1 receives STATUS G but no EXISTS / FETCH / EXPUNGE for F.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const selected = await c.folder(actor, user, 'selected');
      const watched = await c.folder(actor, user, 'watched');
      await select(listener, selected);
      await notify(listener, `SET (MAILBOXES ${q(watched)} ${NEW_EXPUNGE})`);
      const since = listener.untagged.mark();
      await c.append(actor, selected, sampleObject(c, 1));
      await c.append(actor, watched, sampleObject(c, 2));
      await expectUntagged(c, listener, statusFor(watched), { requirement: 'rfc5465.messagenew', what: `STATUS ${watched}`, since });
      await expectQuiet(listener, (u) => ['EXISTS', 'FETCH', 'EXPUNGE', 'VANISHED'].includes(u.type), {
        requirement: 'rfc5465.no-selected-specifier',
        what: 'message event for the selected mailbox',
        since,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.selected-delayed.holds-expunge',
      requirements: ['rfc5465.selected-delayed'],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'With SELECTED-DELAYED an expunge by another device is held until a command that allows EXPUNGE responses.',
      interpretations: ['amb.rfc5465-descriptive-rules'],
      procedure: [
        'device 2 stores two objects in a new folder; device 1 SELECTs it: NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge))',
        'device 2 expunges the first object; device 1 watches a quiet window, then sends NOOP',
      ],
      passCriteria: 'No EXPUNGE / VANISHED arrives unsolicited; the NOOP response carries * 1 EXPUNGE (or VANISHED).',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      const first = await c.append(actor, folder, sampleObject(c, 1));
      await c.append(actor, folder, sampleObject(c, 2));
      await select(listener, folder);
      await notify(listener, `SET (SELECTED-DELAYED ${NEW_EXPUNGE})`);
      const since = listener.untagged.mark();
      await expungeUid(actor, folder, first.uid);
      await expectQuiet(listener, isExpunge(1, first.uid), { requirement: 'rfc5465.selected-delayed', what: 'unsolicited EXPUNGE', since });
      const noop = await listener.exec('NOOP');
      must.ok(noop.untagged.some(isExpunge(1, first.uid)), {
        requirement: 'rfc5465.selected-delayed',
        what: 'the held expunge in the response to NOOP',
        expected: '* 1 EXPUNGE (or VANISHED) before the tagged OK of NOOP',
        actual: noop.untagged.map((u) => `* ${u.text}`).join(' | ') || 'no untagged response',
      });
    },
  ),

  defineCase(
    {
      id: 'notify.idle.same-events',
      requirements: ['rfc5465.idle-same-events', 'rfc5465.messagenew'],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'During IDLE the server sends exactly the NOTIFY events: MessageNew with its attributes, no flag changes left out of the set.',
      procedure: [
        'device 2 stores an object in a new folder; device 1 SELECTs it: NOTIFY SET (SELECTED (MessageNew (UID) MessageExpunge)) — no FlagChange — then IDLE',
        'device 2 sets \\Flagged on the object, then APPENDs a second object',
      ],
      passCriteria: 'In IDLE device 1 receives * 2 EXISTS and * 2 FETCH (UID <new uid>), and no FETCH with the FLAGS of message 1.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      const first = await c.append(actor, folder, sampleObject(c, 1));
      const { since, done: stopIdle } = await listenSelected(listener, folder, 'SET (SELECTED (MessageNew (UID) MessageExpunge))');
      await storeFlags(actor, folder, first.uid, '+', ['\\Flagged']);
      const second = await c.append(actor, folder, sampleObject(c, 2));
      await expectUntagged(c, listener, isExists(2), { requirement: 'rfc5465.idle-same-events', what: '* 2 EXISTS in IDLE', since });
      await expectUntagged(c, listener, (u) => parseFetch(u)?.uid === second.uid, {
        requirement: 'rfc5465.idle-same-events',
        what: `* 2 FETCH (UID ${second.uid}) in IDLE (the MessageNew attributes)`,
        since,
      });
      await expectQuiet(listener, (u) => isFetchOf(first.uid, 1)(u) && parseFetch(u)!.flags !== undefined, {
        requirement: 'rfc5465.idle-same-events',
        what: 'FlagChange FETCH in IDLE (FlagChange is not in the NOTIFY set)',
        since,
      });
      await stopIdle();
    },
  ),

  defineCase(
    {
      id: 'notify.own-changes.selected-flag-not-echoed',
      requirements: ['rfc5465.omit-own-changes'],
      clause: '5.4.1',
      level: 'SHOULD',
      features: FEATURES,
      statement: 'The session that changes a flag gets the normal STORE response but no extra notification of its own change.',
      interpretations: ['amb.exclusion-semantics'],
      procedure: [
        'device 2 stores an object in a new folder; device 1 SELECTs it: NOTIFY SET (SELECTED (MessageNew MessageExpunge FlagChange))',
        'device 1: UID STORE <uid> +FLAGS (\\Flagged), then a quiet window',
      ],
      passCriteria: 'At most one FETCH for the UID (the STORE response itself) and none after the tagged OK.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      const { uid } = await c.append(actor, folder, sampleObject(c, 1));
      await select(listener, folder);
      await notify(listener, `SET (SELECTED ${NEW_EXPUNGE_FLAGS})`);
      const store = await listener.exec(`UID STORE ${uid} +FLAGS (\\Flagged)`);
      must.ok(store.status === 'OK', { requirement: 'rfc5465.omit-own-changes', what: 'UID STORE', expected: 'OK', actual: store.tagged });
      const fetches = store.untagged.filter(isFetchOf(uid, 1));
      must.ok(fetches.length <= 1, {
        requirement: 'rfc5465.omit-own-changes',
        what: 'FETCH responses to the session\'s own STORE',
        expected: 'one FETCH (the STORE response), no echo of the change',
        actual: fetches.map((u) => `* ${u.text}`).join(' | '),
      });
      await expectQuiet(listener, isFetchOf(uid, 1), {
        requirement: 'rfc5465.omit-own-changes',
        what: 'unsolicited FETCH of the session\'s own flag change',
        since: listener.untagged.mark(),
      });
    },
  ),
];
