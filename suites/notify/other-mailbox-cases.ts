// 5.4.1 cases for mailboxes other than the selected one: unsolicited STATUS with the new folder size and "Next
// UID" (also for a change by the CPM PF), HIGHESTMODSEQ with CONDSTORE, the session's own changes, NOTIFY NONE,
// events left out of the set, and the mailbox events (MailboxName, SubscriptionChange, MailboxMetadataChange).
import { defineCase, type CaseDefinition } from '../../harness/conformance/case.js';
import type { CaseContext } from '../../harness/conformance/context.js';
import { hasFlag, itemText, oldName, parseItems, parseList, parseStatus, sameMailbox } from '../../harness/imap/notify.js';
import { expungeUid, select, storeFlags } from '../../harness/imap/objects.js';
import type { Untagged } from '../../harness/imap/response-reader.js';
import type { DeviceSession } from '../../harness/imap/session.js';
import { BlockedError, must } from '../../harness/must/index.js';
import {
  NEW_EXPUNGE,
  NEW_EXPUNGE_FLAGS,
  SHALL_NOTIFY,
  actors,
  advertises,
  expectQuiet,
  expectUntagged,
  notify,
  quoted as q,
  sampleObject,
  statusFor,
  statusNow,
} from './steps.js';

const FEATURES = ['notify', 'devices:2'] as const;

/** `ENABLE CONDSTORE`; without CONDSTORE / QRESYNC the HIGHESTMODSEQ rules do not apply (case not applicable). */
async function enableCondstore(c: CaseContext, s: DeviceSession): Promise<void> {
  if (!advertises(s, 'CONDSTORE') && !advertises(s, 'QRESYNC')) {
    c.notApplicable('the server advertises neither CONDSTORE nor QRESYNC: HIGHESTMODSEQ is not required');
  }
  const r = await s.exec('ENABLE CONDSTORE');
  if (r.status !== 'OK') throw new BlockedError(`ENABLE CONDSTORE was refused: ${r.tagged}`);
}

const listOf = (name: string, extra: (l: NonNullable<ReturnType<typeof parseList>>) => boolean = () => true) => (u: Untagged) => {
  const l = parseList(u);
  return l !== undefined && sameMailbox(l.mailbox, name) && extra(l);
};

export const otherMailboxCases: CaseDefinition[] = [
  defineCase(
    {
      id: 'notify.other.messagenew.status-new-values',
      requirements: ['rfc5465.messagenew', 'notify.imap.content', 'notify.imap.content.folder-size', 'notify.imap.content.next-uid', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'A new object in a watched, non-selected folder arrives as an unsolicited STATUS with the new MESSAGES and UIDNEXT.',
      interpretations: ['amb.unfinished-notify-list', 'amb.lowercase-may'],
      procedure: [
        'device 1 SELECTs folder G; NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (MAILBOXES F (MessageNew MessageExpunge))',
        'device 2 APPENDs an object to F, then asks STATUS F (MESSAGES UIDNEXT)',
      ],
      passCriteria: 'Device 1 receives * STATUS F with MESSAGES and UIDNEXT equal to the values after the APPEND (UIDNEXT > the new UID).',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const watched = await c.folder(actor, user, 'watched');
      const selected = await c.folder(actor, user, 'selected');
      await select(listener, selected);
      await notify(listener, `SET (SELECTED ${NEW_EXPUNGE}) (MAILBOXES ${q(watched)} ${NEW_EXPUNGE})`);
      const since = listener.untagged.mark();
      const { uid } = await c.append(actor, watched, sampleObject(c, 1));
      const u = await expectUntagged(c, listener, statusFor(watched), { requirement: 'rfc5465.messagenew', what: `STATUS ${watched}`, since });
      const st = parseStatus(u)!;
      const now = await statusNow(actor, watched);
      must.ok(st.items.has('MESSAGES') && st.items.has('UIDNEXT'), {
        requirement: 'rfc5465.messagenew',
        what: 'status items of the MessageNew STATUS',
        expected: 'MESSAGES and UIDNEXT',
        actual: u.text,
      });
      must.equal(st.items.get('MESSAGES'), now.items.get('MESSAGES'), { requirement: 'notify.imap.content.folder-size', what: 'MESSAGES (folder size) in the STATUS notification' });
      must.equal(st.items.get('UIDNEXT'), now.items.get('UIDNEXT'), { requirement: 'notify.imap.content.next-uid', what: 'UIDNEXT ("Next UID") in the STATUS notification' });
      must.ok((st.items.get('UIDNEXT') ?? 0) > uid, {
        requirement: 'notify.imap.content.next-uid',
        what: 'UIDNEXT after the new object',
        expected: `> ${uid}`,
        actual: String(st.items.get('UIDNEXT')),
      });
    },
  ),

  defineCase(
    {
      id: 'notify.other.messagenew.pf-next-uid',
      requirements: ['notify.imap.content.next-uid', 'rfc5465.messagenew', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: ['notify', 'pf'],
      statement: 'An object the CPM PF stores ("third entity") reaches the device as an unsolicited STATUS with the new UIDNEXT.',
      interpretations: ['amb.unfinished-notify-list', 'amb.lowercase-may'],
      procedure: [
        'device 1: NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge))',
        "the PF, acting for the user, APPENDs an object to F; the PF then asks STATUS F",
      ],
      passCriteria: 'Device 1 receives * STATUS F with MESSAGES and with UIDNEXT equal to the value after the APPEND.',
    },
    async (c) => {
      const user = c.user();
      const listener = await c.session(user, user.devices[0]!, `${user.name}/listener`);
      const pf = await c.pf(user);
      const watched = await c.folder(listener, user, 'watched');
      await notify(listener, `SET (MAILBOXES ${q(watched)} ${NEW_EXPUNGE})`);
      const since = listener.untagged.mark();
      const { uid } = await c.append(pf, watched, sampleObject(c, 1));
      const u = await expectUntagged(c, listener, statusFor(watched), { requirement: 'rfc5465.messagenew', what: `STATUS ${watched} after the PF's APPEND`, since });
      const st = parseStatus(u)!;
      must.ok(st.items.has('MESSAGES'), { requirement: 'rfc5465.messagenew', what: 'MESSAGES in the STATUS', expected: 'MESSAGES n', actual: u.text });
      const now = await statusNow(pf, watched);
      must.equal(st.items.get('UIDNEXT'), now.items.get('UIDNEXT'), { requirement: 'notify.imap.content.next-uid', what: "UIDNEXT after the PF's change" });
      must.ok((st.items.get('UIDNEXT') ?? 0) > uid, {
        requirement: 'notify.imap.content.next-uid',
        what: "UIDNEXT after the PF's object",
        expected: `> ${uid}`,
        actual: String(st.items.get('UIDNEXT')),
      });
    },
  ),

  defineCase(
    {
      id: 'notify.other.messageexpunge.status-messages',
      requirements: ['rfc5465.messageexpunge', 'notify.imap.content.folder-size', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'An expunge in a watched, non-selected folder arrives as an unsolicited STATUS with the reduced MESSAGES.',
      procedure: [
        'device 2 stores two objects in folder F; device 1: NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge))',
        'device 2 expunges one of them',
      ],
      passCriteria: 'Device 1 receives * STATUS F (… MESSAGES 1 …).',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const watched = await c.folder(actor, user, 'watched');
      const first = await c.append(actor, watched, sampleObject(c, 1));
      await c.append(actor, watched, sampleObject(c, 2));
      await notify(listener, `SET (MAILBOXES ${q(watched)} ${NEW_EXPUNGE})`);
      const since = listener.untagged.mark();
      await expungeUid(actor, watched, first.uid);
      await expectUntagged(c, listener, statusFor(watched, (s) => s.items.get('MESSAGES') === 1), {
        requirement: 'rfc5465.messageexpunge',
        what: `STATUS ${watched} with MESSAGES 1`,
        since,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.other.messagenew.highestmodseq',
      requirements: ['rfc5465.messagenew.highestmodseq', 'rfc5465.messagenew', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'With CONDSTORE enabled, the MessageNew STATUS of a non-selected folder includes HIGHESTMODSEQ.',
      preconditions: ['The server advertises CONDSTORE or QRESYNC (otherwise the rule does not apply: not applicable).'],
      procedure: ['device 1: ENABLE CONDSTORE; NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge))', 'device 2 APPENDs an object to F'],
      passCriteria: 'Device 1 receives * STATUS F with HIGHESTMODSEQ.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      await enableCondstore(c, listener);
      const watched = await c.folder(actor, user, 'watched');
      await notify(listener, `SET (MAILBOXES ${q(watched)} ${NEW_EXPUNGE})`);
      const since = listener.untagged.mark();
      await c.append(actor, watched, sampleObject(c, 1));
      const u = await expectUntagged(c, listener, statusFor(watched), { requirement: 'rfc5465.messagenew', what: `STATUS ${watched}`, since });
      must.ok(parseStatus(u)!.items.has('HIGHESTMODSEQ'), {
        requirement: 'rfc5465.messagenew.highestmodseq',
        what: 'HIGHESTMODSEQ in the MessageNew STATUS',
        expected: 'HIGHESTMODSEQ n',
        actual: u.text,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.other.flagchange.status-highestmodseq',
      requirements: ['rfc5465.flagchange-other-mailbox', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'With CONDSTORE enabled, a flag change in a watched, non-selected folder arrives as STATUS with a higher HIGHESTMODSEQ and UIDVALIDITY.',
      preconditions: ['The server advertises CONDSTORE or QRESYNC (otherwise the rule does not apply: not applicable).'],
      procedure: [
        'device 2 stores an object in folder F and reads STATUS F (HIGHESTMODSEQ UIDVALIDITY)',
        'device 1: ENABLE CONDSTORE; NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge FlagChange))',
        'device 2: UID STORE <uid> +FLAGS (\\Seen)',
      ],
      passCriteria: 'Device 1 receives * STATUS F with UIDVALIDITY unchanged and HIGHESTMODSEQ above the value before the change.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      await enableCondstore(c, listener);
      const watched = await c.folder(actor, user, 'watched');
      const { uid } = await c.append(actor, watched, sampleObject(c, 1));
      const before = await statusNow(actor, watched, 'UIDVALIDITY HIGHESTMODSEQ');
      await notify(listener, `SET (MAILBOXES ${q(watched)} ${NEW_EXPUNGE_FLAGS})`);
      const since = listener.untagged.mark();
      await storeFlags(actor, watched, uid, '+', ['\\Seen']);
      const u = await expectUntagged(c, listener, statusFor(watched), {
        requirement: 'rfc5465.flagchange-other-mailbox',
        what: `STATUS ${watched} for the flag change`,
        since,
      });
      const st = parseStatus(u)!;
      must.equal(st.items.get('UIDVALIDITY'), before.items.get('UIDVALIDITY'), { requirement: 'rfc5465.flagchange-other-mailbox', what: 'UIDVALIDITY in the FlagChange STATUS' });
      must.ok((st.items.get('HIGHESTMODSEQ') ?? 0) > (before.items.get('HIGHESTMODSEQ') ?? Infinity), {
        requirement: 'rfc5465.flagchange-other-mailbox',
        what: 'HIGHESTMODSEQ in the FlagChange STATUS',
        expected: `> ${before.items.get('HIGHESTMODSEQ')}`,
        actual: u.text,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.own-changes.other-append-not-echoed',
      requirements: ['rfc5465.omit-own-changes'],
      clause: '5.4.1',
      level: 'SHOULD',
      features: FEATURES,
      statement: 'The session that stores an object in a watched folder is not sent a STATUS for its own APPEND.',
      interpretations: ['amb.exclusion-semantics'],
      procedure: ['device 1: NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge))', 'device 1 APPENDs an object to F, then a quiet window'],
      passCriteria: 'Device 1 receives no STATUS F (during or after its APPEND).',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const watched = await c.folder(actor, user, 'watched');
      await notify(listener, `SET (MAILBOXES ${q(watched)} ${NEW_EXPUNGE})`);
      const since = listener.untagged.mark();
      await c.append(listener, watched, sampleObject(c, 1));
      await expectQuiet(listener, statusFor(watched), { requirement: 'rfc5465.omit-own-changes', what: `STATUS ${watched} for the session's own APPEND`, since });
    },
  ),

  defineCase(
    {
      id: 'notify.none.stops-events',
      requirements: ['rfc5465.notify-none', 'rfc5465.messagenew', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'After NOTIFY NONE the session receives no notifications, while another session with the same NOTIFY SET does.',
      procedure: [
        'device 1: NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge)), then NOTIFY NONE',
        'a second session of device 1 (the observer): the same NOTIFY SET',
        'device 2 APPENDs an object to F; the observer receives STATUS F; then a quiet window on device 1',
      ],
      passCriteria: 'NOTIFY NONE is answered OK and device 1 receives no STATUS F.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const observer = await c.session(user, user.devices[0]!, `${user.name}/observer`);
      const watched = await c.folder(actor, user, 'watched');
      await notify(listener, `SET (MAILBOXES ${q(watched)} ${NEW_EXPUNGE})`);
      await notify(listener, 'NONE', 'rfc5465.notify-none');
      await notify(observer, `SET (MAILBOXES ${q(watched)} ${NEW_EXPUNGE})`);
      const since = listener.untagged.mark();
      const observed = observer.untagged.mark();
      await c.append(actor, watched, sampleObject(c, 1));
      await expectUntagged(c, observer, statusFor(watched), { requirement: 'rfc5465.messagenew', what: `STATUS ${watched}`, since: observed });
      await expectQuiet(listener, statusFor(watched), { requirement: 'rfc5465.notify-none', what: `STATUS ${watched} after NOTIFY NONE`, since });
    },
  ),

  defineCase(
    {
      id: 'notify.events.omitted-or-none-not-sent',
      requirements: ['rfc5465.none-snapshot', 'rfc5465.messagenew', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'Events left out of the NOTIFY set, or a group with NONE (also SELECTED NONE), produce no notifications.',
      procedure: [
        'folders: G (selected, one object), F (NONE), K (MessageNew MessageExpunge, one object), H (MessageNew MessageExpunge)',
        'device 1 SELECTs G: NOTIFY SET (SELECTED NONE) (MAILBOXES F NONE) (MAILBOXES K (MessageNew MessageExpunge)) (MAILBOXES H (MessageNew MessageExpunge))',
        "device 2 sets \\Flagged on K's object, APPENDs to F and to G, then APPENDs to H",
        'device 1 waits for STATUS H, then a quiet window',
      ],
      passCriteria: 'Device 1 receives STATUS H but no STATUS F, no STATUS K (FlagChange was not asked for) and no EXISTS / FETCH for G.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const selected = await c.folder(actor, user, 'selected');
      const none = await c.folder(actor, user, 'none');
      const noFlags = await c.folder(actor, user, 'no-flags');
      const barrier = await c.folder(actor, user, 'barrier');
      await c.append(actor, selected, sampleObject(c, 1));
      const k = await c.append(actor, noFlags, sampleObject(c, 2));
      await select(listener, selected);
      await notify(
        listener,
        `SET (SELECTED NONE) (MAILBOXES ${q(none)} NONE) (MAILBOXES ${q(noFlags)} ${NEW_EXPUNGE}) (MAILBOXES ${q(barrier)} ${NEW_EXPUNGE})`,
      );
      const since = listener.untagged.mark();
      await storeFlags(actor, noFlags, k.uid, '+', ['\\Flagged']);
      await c.append(actor, none, sampleObject(c, 3));
      await c.append(actor, selected, sampleObject(c, 4));
      await c.append(actor, barrier, sampleObject(c, 5));
      await expectUntagged(c, listener, statusFor(barrier), { requirement: 'rfc5465.messagenew', what: `STATUS ${barrier}`, since });
      await expectQuiet(
        listener,
        (u) => statusFor(none)(u) || statusFor(noFlags)(u) || ['EXISTS', 'FETCH', 'EXPUNGE', 'VANISHED'].includes(u.type),
        { requirement: 'rfc5465.none-snapshot', what: `notification for ${none} (NONE), ${noFlags} (no FlagChange) or the selected folder (SELECTED NONE)`, since },
      );
    },
  ),

  defineCase(
    {
      id: 'notify.mailbox-name.list',
      requirements: ['rfc5465.mailboxname', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'Creating, renaming and deleting a folder in a watched subtree arrive as unsolicited LIST responses (OLDNAME, \\NonExistent).',
      procedure: [
        'device 1: NOTIFY SET (SUBTREE F (MailboxName))',
        'device 2: CREATE F/a, RENAME F/a F/b, DELETE F/b',
      ],
      passCriteria: 'Device 1 receives LIST F/a; LIST F/b with OLDNAME (F/a); LIST (\\NonExistent) F/b.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const parent = await c.folder(actor, user, 'parent');
      const a = `${parent}/a`;
      const b = `${parent}/b`;
      await notify(listener, `SET (SUBTREE ${q(parent)} (MailboxName))`);
      let exists: string | undefined;
      try {
        let since = listener.untagged.mark();
        await actor.run(`CREATE ${a}`, (cl) => cl.mailboxCreate(a));
        exists = a;
        const created = await expectUntagged(c, listener, listOf(a), { requirement: 'rfc5465.mailboxname', what: `LIST ${a} (created)`, since });
        must.ok(!hasFlag(parseList(created)!.attributes, '\\NonExistent'), {
          requirement: 'rfc5465.mailboxname',
          what: 'LIST for a created folder',
          expected: 'no \\NonExistent',
          actual: created.text,
        });
        since = listener.untagged.mark();
        await actor.run(`RENAME ${a} ${b}`, (cl) => cl.mailboxRename(a, b));
        exists = b;
        const renamed = await expectUntagged(c, listener, listOf(b), { requirement: 'rfc5465.mailboxname', what: `LIST ${b} (renamed)`, since });
        must.equal(oldName(parseList(renamed)!), a, { requirement: 'rfc5465.mailboxname', what: 'OLDNAME in the LIST for the renamed folder' });
        since = listener.untagged.mark();
        await actor.run(`DELETE ${b}`, (cl) => cl.mailboxDelete(b));
        exists = undefined;
        await expectUntagged(c, listener, listOf(b, (l) => hasFlag(l.attributes, '\\NonExistent')), {
          requirement: 'rfc5465.mailboxname',
          what: `LIST (\\NonExistent) ${b} (deleted)`,
          since,
        });
      } finally {
        const left = exists;
        if (left) await actor.run(`DELETE ${left}`, (cl) => cl.mailboxDelete(left)).catch(() => undefined);
      }
    },
  ),

  defineCase(
    {
      id: 'notify.subscription.list',
      requirements: ['rfc5465.subscriptionchange', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'Unsubscribing and subscribing a watched folder arrive as unsolicited LIST without and with \\Subscribed.',
      procedure: [
        'device 2 SUBSCRIBEs F (a known starting state); device 1: NOTIFY SET (MAILBOXES F (SubscriptionChange))',
        'device 2: UNSUBSCRIBE F, then SUBSCRIBE F',
      ],
      passCriteria: 'Device 1 receives LIST F without \\Subscribed, then LIST (\\Subscribed) F.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'watched');
      const subscribe = async (verb: 'SUBSCRIBE' | 'UNSUBSCRIBE') => {
        const r = await actor.exec(`${verb} ${q(folder)}`);
        if (r.status !== 'OK') throw new BlockedError(`${verb} was refused: ${r.tagged}`);
      };
      await subscribe('SUBSCRIBE');
      await notify(listener, `SET (MAILBOXES ${q(folder)} (SubscriptionChange))`);
      let since = listener.untagged.mark();
      await subscribe('UNSUBSCRIBE');
      await expectUntagged(c, listener, listOf(folder, (l) => !hasFlag(l.attributes, '\\Subscribed')), {
        requirement: 'rfc5465.subscriptionchange',
        what: `LIST ${folder} without \\Subscribed`,
        since,
      });
      since = listener.untagged.mark();
      await subscribe('SUBSCRIBE');
      await expectUntagged(c, listener, listOf(folder, (l) => hasFlag(l.attributes, '\\Subscribed')), {
        requirement: 'rfc5465.subscriptionchange',
        what: `LIST (\\Subscribed) ${folder}`,
        since,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.metadata.mailbox-change',
      requirements: ['rfc5465.metadata-change', SHALL_NOTIFY],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'A server with METADATA reports another device\'s SETMETADATA on a watched folder as an unsolicited METADATA response.',
      preconditions: ['The server advertises METADATA (otherwise the event is optional: not applicable).'],
      procedure: ['device 1: NOTIFY SET (MAILBOXES F (MailboxMetadataChange))', 'device 2: SETMETADATA F (/private/comment "…")'],
      passCriteria: 'NOTIFY SET is accepted and device 1 receives * METADATA F naming the entry.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      if (!advertises(listener, 'METADATA')) c.notApplicable('the server does not advertise METADATA: MailboxMetadataChange is optional');
      const folder = await c.folder(actor, user, 'watched');
      await notify(listener, `SET (MAILBOXES ${q(folder)} (MailboxMetadataChange))`, 'rfc5465.metadata-change');
      const since = listener.untagged.mark();
      const set = await actor.exec(`SETMETADATA ${q(folder)} (/private/comment "cpm-conformance ${c.tag}")`);
      if (set.status !== 'OK') throw new BlockedError(`SETMETADATA was refused: ${set.tagged}`);
      const u = await expectUntagged(
        c,
        listener,
        (x) => x.type === 'METADATA' && sameMailbox(itemText(parseItems(x.text)[1]) ?? '', folder),
        { requirement: 'rfc5465.metadata-change', what: `* METADATA ${folder}`, since },
      );
      must.ok(/\/private\/comment/i.test(u.text), {
        requirement: 'rfc5465.metadata-change',
        what: 'entry named in the METADATA notification',
        expected: '/private/comment',
        actual: u.text,
      });
    },
  ),
];
