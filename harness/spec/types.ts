// Shared vocabulary of the object validators: object kinds, findings and the stable rule IDs.

/**
 * The stored-object kinds the suite distinguishes (fixed IDs, see fixtures/spec/object-kinds.json); the one list of
 * harness/spec, also the kinds of the requirement catalog (catalog.ts re-exports it).
 */
export const OBJECT_KINDS = [
  'standalone',
  'chat',
  'imdn',
  'ft-history',
  'sms',
  'mms',
  'session-info',
  'group-state',
  'voicemail',
] as const;

export type ObjectKind = (typeof OBJECT_KINDS)[number];

export function isObjectKind(value: string): value is ObjectKind {
  return (OBJECT_KINDS as readonly string[]).includes(value);
}

/**
 * One deviation of an object from a rule. Validators never answer with a bare boolean: an empty
 * list means "no deviation found", every entry names the validator rule and the catalog
 * requirement it enforces, and what was expected versus what was seen.
 */
export interface Finding {
  /** Stable validator rule ID, one of RULES. */
  rule: RuleId;
  /** Requirement ID of the catalog (fixtures/spec) that the rule enforces. */
  requirement: string;
  /** Header field concerned (canonical spelling), or "Message-body". */
  header?: string;
  expected: string;
  actual: string;
}

/** Every rule ID a validator may report, with the one-line meaning used in reports. */
export const RULES = {
  'presence.missing': 'a header (or the body) the object kind requires is absent',
  'presence.forbidden': 'a header the object kind must not carry is present',
  'presence.duplicate': 'a header that may occur once occurs more than once',
  'date-time.syntax': 'value is not an RFC 5322 §3.3 date-time',
  'date-time.obsolete': 'value uses an RFC 5322 §4.3 obsolete date-time form',
  'date-time.semantic': 'date-time is syntactically valid but not a real instant (RFC 5322 §3.3 "semantically valid")',
  'address.uri': 'From/To value is not a SIP, SIPS or tel URI (bare or in <> with a display name)',
  'address.bare-msisdn': 'From/To value is a bare MSISDN instead of a tel: or SIP URI (CPM Address)',
  'cpm-id.syntax': 'Conversation-ID / Contribution-ID / InReplyTo-Contribution-ID value is not a token (notes §4.2)',
  'conversation-id.voicemail-form': 'voicemail Conversation-ID is neither MSISDN, tel URI nor RFC 4122 UUID',
  'conversation-id.calling-party': "voicemail Conversation-ID is a number other than the calling party's (the From of the encapsulated object)",
  'uuid.syntax': 'value is not an RFC 4122 UUID string (bare or urn:uuid:)',
  'uuid.variant': 'UUID string does not carry the RFC 4122 variant and a defined version',
  'imdn-message-id.syntax': 'IMDN-Message-ID value is empty or contains characters outside its grammar',
  'imdn-message-id.matches-cpim': 'IMDN-Message-ID differs from the imdn.Message-ID of the stored CPIM message',
  'imdn-message-id.unique': 'the same IMDN-Message-ID is used by more than one object',
  'message-context.syntax': 'Message-Context is not an RFC 3458 message-context-class (e.g. quoted)',
  'message-context.value': 'Message-Context value is not the one the object kind requires',
  'correlator.requires-context': 'Message-Correlator present without Message-Context',
  'correlator.value-type': 'Message-Correlator value does not fit the type implied by Message-Context',
  'correlator.sms-text': 'SMS Message-Correlator is not a fragment of the text of the stored short message',
  'content-type.syntax': 'Content-Type is not a type/subtype media type',
  'content-type.cpim': 'Content-Type is not Message/CPIM where the table requires it',
  'cpim.structure': 'Message/CPIM body is not CPIM headers, blank line, encapsulated MIME object with a Content-Type',
  'cpim.header': 'a CPIM header (From, To, DateTime, NS, prefixed header) violates RFC 3862',
  'p-asserted-service.syntax': 'P-Asserted-Service is not a list of service URNs',
  'identity.syntax': 'Message-seen-identity / Message-delete-identity value is not a usable device identity',
  'voicemail.encapsulated-object': 'voicemail body does not encapsulate a voice-message MIME object',
  'voicemail.copied-value': 'voicemail From/To/Date/Subject differs from the encapsulated object',
} as const;

export type RuleId = keyof typeof RULES;

export function finding(
  rule: RuleId,
  requirement: string,
  expected: string,
  actual: string,
  header?: string,
): Finding {
  return header === undefined ? { rule, requirement, expected, actual } : { rule, requirement, header, expected, actual };
}
