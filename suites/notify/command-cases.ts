// 5.4.1 cases on the NOTIFY command itself (RFC 5465 §3.1, §5, §6.1): the STATUS indicator, refusal of
// unsupported events (NO [BADEVENT], never BAD), the BAD rules for incomplete event sets and selected-mailbox
// specifiers, and an expensive request answered OK or NO [NOTIFICATIONOVERFLOW].
import { defineCase, type CaseDefinition } from '../../harness/conformance/case.js';
import { parseCode, parseStatus, sameMailbox } from '../../harness/imap/notify.js';
import { select } from '../../harness/imap/objects.js';
import type { DeviceSession } from '../../harness/imap/session.js';
import { BlockedError, must } from '../../harness/must/index.js';
import { NEW_EXPUNGE, NEW_EXPUNGE_FLAGS, actors, advertises, notify, quoted as q, sampleObject, statusNow } from './steps.js';

const FEATURES = ['notify', 'devices:2'] as const;
const MUST_LIST = ['MessageNew', 'MessageExpunge', 'FlagChange'];

/** An RFC 5465 event this server does not support, judged from its capabilities; the case is blocked without one. */
function unsupportedEvent(s: DeviceSession): string {
  if (!advertises(s, 'ANNOTATE-EXPERIMENT-1')) return 'AnnotationChange';
  if (!advertises(s, 'METADATA')) return 'MailboxMetadataChange';
  throw new BlockedError('the server advertises ANNOTATE-EXPERIMENT-1 and METADATA: no RFC 5465 event is known to be unsupported');
}

/** Sends a NOTIFY SET the server must refuse with BAD; fails `requirement` otherwise. */
async function expectBad(s: DeviceSession, args: string, requirement: string, why: string): Promise<void> {
  const r = await s.exec(`NOTIFY SET ${args}`);
  must.ok(r.status === 'BAD', { requirement, what: `NOTIFY SET ${args} (${why})`, expected: 'tagged BAD', actual: r.tagged });
}

export const commandCases: CaseDefinition[] = [
  defineCase(
    {
      id: 'notify.status-indicator.before-ok',
      requirements: ['rfc5465.status-indicator', 'rfc5465.status-indicator.contents'],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'NOTIFY SET STATUS answers with a STATUS (MESSAGES UIDNEXT UIDVALIDITY) for each watched non-selected folder before its OK.',
      procedure: [
        'device 2 stores an object in F1; F2 stays empty; device 1 SELECTs G',
        'device 1: NOTIFY SET STATUS (SELECTED (MessageNew MessageExpunge)) (MAILBOXES (F1 F2) (MessageNew MessageExpunge))',
        'device 2 asks STATUS F1 and STATUS F2',
      ],
      passCriteria: 'Before the tagged OK device 1 receives * STATUS F1 and * STATUS F2, each with MESSAGES, UIDNEXT and UIDVALIDITY equal to the current values.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const f1 = await c.folder(actor, user, 'f1');
      const f2 = await c.folder(actor, user, 'f2');
      const selected = await c.folder(actor, user, 'selected');
      await c.append(actor, f1, sampleObject(c, 1));
      await select(listener, selected);
      const r = await notify(listener, `SET STATUS (SELECTED ${NEW_EXPUNGE}) (MAILBOXES (${q(f1)} ${q(f2)}) ${NEW_EXPUNGE})`, 'rfc5465.status-indicator');
      const statuses = r.untagged.map(parseStatus).filter((s) => s !== undefined);
      for (const folder of [f1, f2]) {
        const st = statuses.find((s) => sameMailbox(s.mailbox, folder));
        must.ok(st !== undefined, {
          requirement: 'rfc5465.status-indicator',
          what: `STATUS for the watched folder ${folder} before NOTIFY's tagged OK`,
          expected: `* STATUS ${folder} (…) before ${r.tagged}`,
          actual: r.untagged.map((u) => `* ${u.text}`).join(' | ') || 'no untagged response',
        });
        const now = await statusNow(actor, folder);
        for (const item of ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY']) {
          must.equal(st.items.get(item), now.items.get(item), { requirement: 'rfc5465.status-indicator.contents', what: `${item} of ${folder} in the STATUS indicator response` });
        }
      }
    },
  ),

  defineCase(
    {
      id: 'notify.set.unsupported-event-no',
      requirements: ['rfc5465.badevent'],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'NOTIFY SET with an unsupported event is refused with a tagged NO (never BAD); a BADEVENT code lists the supported events.',
      preconditions: ['An RFC 5465 event the server does not advertise support for: AnnotationChange without ANNOTATE-EXPERIMENT-1, else MailboxMetadataChange without METADATA.'],
      procedure: [
        'device 1: NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge FlagChange)) — accepted, so these three are supported',
        'device 1: NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge FlagChange <unsupported event>))',
      ],
      passCriteria: 'Tagged NO; if it carries BADEVENT, the list names MessageNew, MessageExpunge and FlagChange and not the refused event.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'watched');
      const event = unsupportedEvent(listener);
      await notify(listener, `SET (MAILBOXES ${q(folder)} ${NEW_EXPUNGE_FLAGS})`);
      const r = await listener.exec(`NOTIFY SET (MAILBOXES ${q(folder)} (MessageNew MessageExpunge FlagChange ${event}))`);
      must.ok(r.status === 'NO', { requirement: 'rfc5465.badevent', what: `NOTIFY SET with the unsupported event ${event}`, expected: 'tagged NO (not BAD)', actual: r.tagged });
      const code = parseCode(r.code);
      if (code?.name !== 'BADEVENT') return;
      const listed = code.args.map((e) => e.toLowerCase());
      must.ok(MUST_LIST.every((e) => listed.includes(e.toLowerCase())) && !listed.includes(event.toLowerCase()), {
        requirement: 'rfc5465.badevent',
        what: 'events listed by BADEVENT',
        expected: `all supported events (at least ${MUST_LIST.join(' ')}), not ${event}`,
        actual: r.code ?? '',
      });
    },
  ),

  defineCase(
    {
      id: 'notify.set.unsupported-event-badevent-code',
      requirements: ['rfc5465.badevent'],
      clause: '5.4.1',
      level: 'SHOULD',
      features: FEATURES,
      statement: 'The NO for an unsupported NOTIFY event carries the BADEVENT response code.',
      preconditions: ['As notify.set.unsupported-event-no.'],
      procedure: ['device 1: NOTIFY SET (MAILBOXES F (MessageNew MessageExpunge FlagChange <unsupported event>))'],
      passCriteria: 'The tagged response carries [BADEVENT (…)].',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'watched');
      const event = unsupportedEvent(listener);
      const r = await listener.exec(`NOTIFY SET (MAILBOXES ${q(folder)} (MessageNew MessageExpunge FlagChange ${event}))`);
      must.ok(parseCode(r.code)?.name === 'BADEVENT', {
        requirement: 'rfc5465.badevent',
        what: `response code of the refusal of ${event}`,
        expected: '[BADEVENT (<supported events>)]',
        actual: r.tagged,
      });
    },
  ),

  defineCase(
    {
      id: 'notify.set.flagchange-alone-bad',
      requirements: ['rfc5465.flagchange-requires-new-expunge'],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'FlagChange without MessageNew and MessageExpunge is refused with BAD.',
      procedure: ['device 1 SELECTs F: NOTIFY SET (SELECTED (FlagChange))', 'device 1: NOTIFY SET (MAILBOXES G (FlagChange))'],
      passCriteria: 'Both are answered with a tagged BAD.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      const other = await c.folder(actor, user, 'other');
      await select(listener, folder);
      await expectBad(listener, '(SELECTED (FlagChange))', 'rfc5465.flagchange-requires-new-expunge', 'FlagChange alone');
      await expectBad(listener, `(MAILBOXES ${q(other)} (FlagChange))`, 'rfc5465.flagchange-requires-new-expunge', 'FlagChange alone');
    },
  ),

  defineCase(
    {
      id: 'notify.set.new-expunge-together-bad',
      requirements: ['rfc5465.new-expunge-together'],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'MessageNew without MessageExpunge, or MessageExpunge without MessageNew, is refused with BAD.',
      procedure: ['device 1: NOTIFY SET (MAILBOXES F (MessageNew))', 'device 1: NOTIFY SET (MAILBOXES F (MessageExpunge))'],
      passCriteria: 'Both are answered with a tagged BAD.',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'watched');
      await expectBad(listener, `(MAILBOXES ${q(folder)} (MessageNew))`, 'rfc5465.new-expunge-together', 'MessageNew alone');
      await expectBad(listener, `(MAILBOXES ${q(folder)} (MessageExpunge))`, 'rfc5465.new-expunge-together', 'MessageExpunge alone');
    },
  ),

  defineCase(
    {
      id: 'notify.set.one-selected-specifier',
      requirements: ['rfc5465.single-selected-specifier'],
      clause: '5.4.1',
      level: 'MUST',
      features: FEATURES,
      statement: 'Two selected-mailbox specifiers, or a mailbox event with SELECTED, are refused as errors.',
      interpretations: ['amb.rfc5465-descriptive-rules'],
      procedure: [
        'device 1 SELECTs F: NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (SELECTED-DELAYED (MessageNew MessageExpunge))',
        'device 1: NOTIFY SET (SELECTED (MailboxName))',
      ],
      passCriteria: 'Neither is accepted (tagged NO or BAD: RFC 5465 calls both "an error" without naming the response).',
    },
    async (c) => {
      const { user, listener, actor } = await actors(c);
      const folder = await c.folder(actor, user, 'conv');
      await select(listener, folder);
      for (const args of [`(SELECTED ${NEW_EXPUNGE}) (SELECTED-DELAYED ${NEW_EXPUNGE})`, '(SELECTED (MailboxName))']) {
        const r = await listener.exec(`NOTIFY SET ${args}`);
        must.ok(r.status !== 'OK', { requirement: 'rfc5465.single-selected-specifier', what: `NOTIFY SET ${args}`, expected: 'tagged NO or BAD', actual: r.tagged });
      }
    },
  ),

  defineCase(
    {
      id: 'notify.set.expensive-ok-or-overflow',
      requirements: ['rfc5465.set-too-expensive'],
      clause: '5.4.1',
      level: 'MAY',
      features: FEATURES,
      statement: 'A possibly expensive NOTIFY SET (all flag changes in all personal folders) is accepted or refused with NO [NOTIFICATIONOVERFLOW].',
      procedure: ['device 1: NOTIFY SET (PERSONAL (MessageNew MessageExpunge FlagChange)), then NOTIFY NONE'],
      passCriteria: 'Tagged OK, or tagged NO with [NOTIFICATIONOVERFLOW]; never BAD or another NO.',
    },
    async (c) => {
      const { listener } = await actors(c);
      const r = await listener.exec(`NOTIFY SET (PERSONAL ${NEW_EXPUNGE_FLAGS})`);
      const refusedAsOverflow = r.status === 'NO' && parseCode(r.code)?.name === 'NOTIFICATIONOVERFLOW';
      must.ok(r.status === 'OK' || refusedAsOverflow, {
        requirement: 'rfc5465.set-too-expensive',
        what: 'NOTIFY SET (PERSONAL (MessageNew MessageExpunge FlagChange))',
        expected: 'tagged OK or NO [NOTIFICATIONOVERFLOW]',
        actual: r.tagged,
      });
      await listener.exec('NOTIFY NONE');
    },
  ),
];
