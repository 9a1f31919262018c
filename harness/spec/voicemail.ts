// Voicemail Object rules of Table 6 beyond presence:
//  * Conversation-ID "Set to the calling party's MSISDN or TEL URI. If this information is not available, a
//    generated value according to [RFC4122]" (vm.conversation-id). Accepted: E.164 digits with or without "+",
//    an RFC 3966 tel URI, an RFC 4122 UUID bare or as urn:uuid: (A-14 leaves the prefixes open). A number must be
//    the calling party's (vm.conversation-id.calling-party): the caller is the From of the encapsulated voice
//    message, compared by digits (A-14: "+", "tel:", visual separators and URI parameters do not count); when that
//    From names no number the check is skipped. A UUID must be a generated RFC 4122 value
//    (vm.conversation-id.fallback-uuid); it is not failed when the From has a number, since the writer may not
//    have had it.
//  * Contribution-ID "Set to a unique value according to [RFC4122]" (vm.contribution-id.uuid).
//  * Message-body "Encapsulated MIME object as defined in [OMA-EVVM] (identical to [GSMA-VVM])"
//    (vm.message-body): the MIME object inside the CPIM wrapper must be a voice message, i.e. multipart
//    (multipart/voice-message of RFC 3801 or multipart/mixed, with its boundary present) or a bare audio/* part.
//  * From / To / Date / Subject: "If present, the value is copied from the encapsulated object": when both
//    the object and the encapsulated MIME object have the header, the unfolded values must be equal.
import { isTelUri, BARE_MSISDN, parseAddress } from './address.js';
import type { CpimMessage } from './cpim.js';
import type { FieldRule, VoicemailIdForm } from './object-kinds.js';
import type { ParsedObject } from './parse-object.js';
import { finding, type Finding } from './types.js';
import { checkUuid, parseUuid } from './uuid.js';

export function voicemailIdForm(value: string): VoicemailIdForm | undefined {
  if (BARE_MSISDN.test(value)) return 'msisdn';
  if (isTelUri(value)) return 'tel-uri';
  if (parseUuid(value)) return 'uuid';
  return undefined;
}

/**
 * Conversation-ID / Contribution-ID of a voicemail object against the forms its row allows; a UUID that breaks
 * RFC 4122 is reported under the statement `byForm.uuid` names, if any.
 */
export function checkVoicemailId(
  value: string,
  forms: readonly VoicemailIdForm[],
  requirement: string,
  header: string,
  byForm: Partial<Record<VoicemailIdForm, string>> = {},
): Finding[] {
  if (forms.length === 1 && forms[0] === 'uuid') return checkUuid(value, requirement, header);
  const form = voicemailIdForm(value);
  if (form === undefined || !forms.includes(form)) {
    return [finding('conversation-id.voicemail-form', requirement, forms.map((f) => (f === 'msisdn' ? 'MSISDN' : f === 'tel-uri' ? 'tel URI' : 'RFC 4122 UUID')).join(' or '), value, header)];
  }
  return form === 'uuid' ? checkUuid(value, byForm.uuid ?? requirement, header) : [];
}

/**
 * The telephone number an address or identifier names, as its digits: a bare MSISDN, a tel URI, a SIP URI whose
 * user part is a number, each possibly as [display-name] <URI>. Undefined when it names none.
 */
export function phoneNumber(value: string): string | undefined {
  const a = parseAddress(value);
  let number: string | undefined;
  if (a.form === 'bare-msisdn') number = a.uri;
  else if (a.form === 'tel') number = a.uri.slice(4).split(';')[0];
  else if (a.form === 'sip') number = /^sips?:([^@;:]+)@/i.exec(a.uri)?.[1];
  if (number === undefined || !/^\+?[0-9\-.()]*[0-9][0-9\-.()]*$/.test(number)) return undefined;
  return number.replace(/[^0-9]/g, '');
}

/** The calling party of a voicemail: the number of the encapsulated object's From, if it names one. */
export function callingParty(cpim: CpimMessage): string | undefined {
  const from = cpim.encapsulated.headers.find((h) => h.key === 'from');
  return from ? phoneNumber(from.value) : undefined;
}

/** A Conversation-ID in a number form must name the calling party (the statement of byForm for that form). */
export function checkCallingParty(obj: ParsedObject, cpim: CpimMessage, fields: Record<string, FieldRule>): Finding[] {
  const rule = fields['Conversation-ID']?.value;
  const field = obj.first('Conversation-ID');
  if (!rule?.byForm || !field) return [];
  const form = voicemailIdForm(field.value);
  const requirement = form === 'msisdn' || form === 'tel-uri' ? rule.byForm[form] : undefined;
  const caller = callingParty(cpim);
  if (requirement === undefined || caller === undefined || phoneNumber(field.value) === caller) return [];
  return [finding('conversation-id.calling-party', requirement, `the calling party's number ${caller} (From of the encapsulated object)`, field.value, 'Conversation-ID')];
}

export function checkEncapsulatedVoiceMessage(cpim: CpimMessage, requirement: string): Finding[] {
  const ct = cpim.encapsulated.contentType;
  if (!ct) return []; // already a cpim.structure finding
  const expected = 'multipart/voice-message or multipart/mixed (with its boundary), or audio/*';
  if (ct.type.startsWith('audio/')) return [];
  if (ct.type === 'multipart/voice-message' || ct.type === 'multipart/mixed') {
    const boundary = ct.params['boundary'];
    if (boundary && cpim.encapsulated.body.includes(`--${boundary}`)) return [];
    return [finding('voicemail.encapsulated-object', requirement, expected, `${ct.type} without ${boundary ? `a "--${boundary}" delimiter` : 'a boundary parameter'}`, 'Message-body')];
  }
  return [finding('voicemail.encapsulated-object', requirement, expected, ct.type, 'Message-body')];
}

/** Headers marked copiedFromEncapsulated must equal the encapsulated object's header when both are present. */
export function checkCopiedValues(obj: ParsedObject, cpim: CpimMessage, fields: Record<string, FieldRule>): Finding[] {
  const out: Finding[] = [];
  for (const [field, rule] of Object.entries(fields)) {
    if (!rule.value?.copiedFromEncapsulated) continue;
    const outer = obj.first(field);
    const inner = cpim.encapsulated.headers.find((h) => h.key === field.toLowerCase());
    if (outer && inner && outer.value !== inner.value) {
      out.push(finding('voicemail.copied-value', rule.value.requirement, `"${inner.value}" as in the encapsulated object`, outer.value, field));
    }
  }
  return out;
}
