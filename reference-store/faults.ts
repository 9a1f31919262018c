// Fault switches: each one breaks exactly one rule of the CR / RFC 5465 so that the conformance
// suite can prove it detects the violation. `violates` names requirement IDs of the suite.

export interface FaultInfo {
  readonly name: string;
  readonly description: string;
  readonly violates: readonly string[];
}

/** Headers of CR Table 1 (Message Object) that a fault can drop on APPEND. */
export const MESSAGE_HEADERS = ['from', 'to', 'date', 'subject', 'p-asserted-service', 'conversation-id', 'contribution-id',
  'inreplyto-contribution-id', 'imdn-message-id', 'message-correlator', 'message-context', 'content-type'] as const;
/** Headers of CR Table 6 (Voicemail Object). */
export const VOICEMAIL_HEADERS = ['from', 'to', 'date', 'subject', 'conversation-id', 'contribution-id', 'imdn-message-id',
  'message-context', 'content-type'] as const;
/** Headers whose value must be stored byte-exact; a fault can rewrite (lower-case) them. */
export const BYTE_EXACT_HEADERS = ['conversation-id', 'contribution-id', 'imdn-message-id'] as const;

const fixed: FaultInfo[] = [
  { name: 'push-omit-identity', description: 'PUSH notifications carry no device identity (reference: triggeringDevice null; nms-json: no trigger-device or session-device; nms-xml: no cpm:triggeringDevice).', violates: ['push.trigger-identity'] },
  { name: 'push-wrong-device', description: 'PUSH notifications name another device of the same user as the trigger (nms-json: as session-device too).', violates: ['push.trigger-identity'] },
  { name: 'push-pf-identity', description: 'Changes made through the PF path are attributed to nobody instead of the device the PF named.', violates: ['push.trigger-identity'] },
  { name: 'push-no-delete', description: 'No PUSH notification for deleted / expunged objects (NMS formats: no changedObject for a \\Deleted change, no deletedObject).', violates: ['push.status-change'] },
  { name: 'push-no-seen', description: 'No PUSH notification when an object becomes seen (NMS formats: no changedObject for that change).', violates: ['push.status-change'] },
  { name: 'push-no-voicemail', description: 'No PUSH notification for Voicemail Objects.', violates: ['push.status-change'] },
  { name: 'push-delayed', description: 'PUSH notifications are sent only after 10 s.', violates: ['push.status-change'] },
  { name: 'push-duplicate', description: 'Every PUSH notification (each POST) is sent twice.', violates: ['push.status-change'] },
  { name: 'identity-not-recorded', description: 'Header binding: Message Objects never show Message-seen-identity.', violates: ['mo.message-seen-identity'] },
  { name: 'identity-not-recorded:vm', description: 'Header binding: Voicemail Objects never show Message-seen-identity.', violates: ['vm.message-seen-identity'] },
  { name: 'delete-identity-not-recorded', description: 'Header binding: Message Objects never show Message-delete-identity.', violates: ['mo.message-delete-identity'] },
  { name: 'delete-identity-not-recorded:vm', description: 'Header binding: Voicemail Objects never show Message-delete-identity.', violates: ['vm.message-delete-identity'] },
  { name: 'notify-silent', description: 'NOTIFY is accepted but no unsolicited notification is ever sent.', violates: ['notify.imap.shall-notify'] },
  { name: 'notify-drop-flagchange', description: 'NOTIFY FlagChange: no unsolicited FETCH for flag changes in the selected mailbox, no STATUS for other mailboxes.', violates: ['rfc5465.flagchange-fetch', 'rfc5465.flagchange-other-mailbox'] },
  { name: 'notify-stale-flags', description: 'NOTIFY FlagChange: the unsolicited FETCH carries the flags from before the change.', violates: ['notify.imap.content.flags'] },
  { name: 'notify-drop-messagenew', description: 'NOTIFY MessageNew: no EXISTS / STATUS for new messages.', violates: ['rfc5465.messagenew'] },
  { name: 'notify-drop-expunge', description: 'NOTIFY MessageExpunge: no EXPUNGE / STATUS for expunged messages.', violates: ['rfc5465.messageexpunge'] },
  { name: 'notify-echo-origin', description: 'NOTIFY events are also sent to the session that caused them.', violates: ['rfc5465.omit-own-changes'] },
  { name: 'notify-stale-uidnext', description: 'Unsolicited STATUS keeps the UIDNEXT value from NOTIFY SET time.', violates: ['notify.imap.content.next-uid'] },
  { name: 'notify-stale-messages', description: 'Unsolicited STATUS keeps the MESSAGES value from NOTIFY SET time.', violates: ['notify.imap.content.folder-size'] },
  { name: 'notify-badevent-as-bad', description: 'Unsupported NOTIFY events are refused with BAD instead of NO [BADEVENT].', violates: ['rfc5465.badevent'] },
  { name: 'notify-no-status-indicator', description: 'NOTIFY SET STATUS sends no STATUS responses before the tagged OK.', violates: ['rfc5465.status-indicator'] },
  { name: 'corrupt-body', description: 'Message Objects: the body is not stored as received (a byte is changed).', violates: ['mo.message-body'] },
  { name: 'corrupt-body:vm', description: 'Voicemail Objects: the body is not stored as received.', violates: ['vm.message-body'] },
  { name: 'rewrite-content-type', description: 'Message Objects: Content-Type is rewritten to a different value.', violates: ['mo.content-type'] },
  { name: 'rewrite-content-type:vm', description: 'Voicemail Objects: Content-Type is rewritten to a different value.', violates: ['vm.content-type'] },
];

/** Value faults on APPEND: each breaks one statement of Table 1 / Table 6 that only some objects exercise. */
const valueFaults: FaultInfo[] = [
  { name: 'drop-cpim-to:extra', description: 'Message Objects: of several To headers in the CPIM part (a group private message), only the first is stored.', violates: ['mo.message-body.group-recipients', 'mo.message-body.as-received'] },
  { name: 'rewrite-cpim-inner-type', description: 'Message Objects: a non-text Content-Type inside the Message/CPIM wrapper is stored as application/octet-stream.', violates: ['mo.content-type.inner-types', 'mo.message-body.as-received'] },
  { name: 'quote-header:message-context', description: 'Message Objects: Message-Context is stored as a quoted string ("pager-message"), not an RFC 3458 token.', violates: ['mo.message-context', 'mo.message-context.rfc3458'] },
  { name: 'feature-tag-param:p-asserted-service', description: 'Message Objects: P-Asserted-Service holds the media feature tag +g.3gpp.icsi-ref="…" instead of the Service-ID URN.', violates: ['mo.p-asserted-service', 'mo.p-asserted-service.feature-tag'] },
  { name: 'callee-conversation-id:vm', description: 'Voicemail Objects: a Conversation-ID that is a telephone number is replaced by the called party\'s number (the To of the object).', violates: ['vm.conversation-id', 'vm.conversation-id.calling-party'] },
  { name: 'unhyphenate-uuid:vm:conversation-id', description: 'Voicemail Objects: a UUID Conversation-ID is stored as 32 hex digits without hyphens (not an RFC 4122 string).', violates: ['vm.conversation-id', 'vm.conversation-id.fallback-uuid'] },
  { name: 'unhyphenate-uuid:vm:contribution-id', description: 'Voicemail Objects: a UUID Contribution-ID is stored as 32 hex digits without hyphens (not an RFC 4122 string).', violates: ['vm.contribution-id', 'vm.contribution-id.uuid'] },
  { name: 'reformat-date:vm', description: 'Voicemail Objects: Date is stored re-formatted (day of week dropped), no longer the value of the encapsulated object.', violates: ['vm.date', 'vm.header-copied-from-encapsulated'] },
];

const headerFaults: FaultInfo[] = [
  ...MESSAGE_HEADERS.map((h) => ({ name: `drop-header:${h}`, description: `Message Objects: the ${h} header is dropped on APPEND.`, violates: [`mo.${h}`] })),
  ...VOICEMAIL_HEADERS.map((h) => ({ name: `drop-header:vm:${h}`, description: `Voicemail Objects: the ${h} header is dropped on APPEND.`, violates: [`vm.${h}`] })),
  ...BYTE_EXACT_HEADERS.map((h) => ({ name: `rewrite-header:${h}`, description: `Message Objects: the ${h} value is stored lower-cased.`, violates: [`mo.${h}`] })),
  ...BYTE_EXACT_HEADERS.map((h) => ({ name: `rewrite-header:vm:${h}`, description: `Voicemail Objects: the ${h} value is stored lower-cased.`, violates: [`vm.${h}`] })),
];

/** NOTIFY SET handling that RFC 5465 forbids, and a PUSH payload that breaks its own schema. */
const strictnessFaults: FaultInfo[] = [
  { name: 'notify-set-no-noop', description: 'NOTIFY SET does not return the changes pending for the selected mailbox (no implicit NOOP).', violates: ['rfc5465.set-implicit-noop'] },
  { name: 'notify-lenient-event-set', description: 'NOTIFY SET accepts FlagChange without MessageNew and MessageExpunge, and MessageNew or MessageExpunge alone.', violates: ['rfc5465.flagchange-requires-new-expunge', 'rfc5465.new-expunge-together'] },
  { name: 'notify-lenient-selected', description: 'NOTIFY SET accepts SELECTED and SELECTED-DELAYED together, and mailbox events in a SELECTED group.', violates: ['rfc5465.single-selected-specifier'] },
  { name: 'notify-expensive-as-bad', description: 'NOTIFY SET of FlagChange for all personal mailboxes is refused with BAD (neither OK nor NO [NOTIFICATIONOVERFLOW]).', violates: ['rfc5465.set-too-expensive'] },
  { name: 'notify-delayed-as-selected', description: 'SELECTED-DELAYED sends EXPUNGE at once, like SELECTED.', violates: ['rfc5465.selected-delayed'] },
  { name: 'push-invalid-payload', description: 'PUSH payloads no longer follow their published schema: reference payloads lack statusChange.occurredAt; in nms-json and nms-xml, changedObject and changedFolder lack the mandatory parentFolder.', violates: ['push.status-change'] },
];

export const FAULTS: readonly FaultInfo[] = Object.freeze([...fixed, ...headerFaults, ...valueFaults, ...strictnessFaults]);

const KNOWN = new Set(FAULTS.map((f) => f.name));

/** Checks a requested fault list; throws listing the known names on an unknown one. */
export function validateFaults(names: readonly string[]): readonly string[] {
  const unknown = names.filter((n) => !KNOWN.has(n));
  if (unknown.length) {
    throw new Error(`Unknown fault switch(es): ${unknown.join(', ')}. Known: ${[...KNOWN].join(', ')}`);
  }
  return Object.freeze([...new Set(names)]);
}

export class FaultSet {
  private readonly set: Set<string>;
  constructor(readonly names: readonly string[]) { this.set = new Set(names); }
  has(name: string): boolean { return this.set.has(name); }
}
