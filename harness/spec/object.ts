// validateObject(): every check that applies to one stored object of a given kind.
//
//  1. presence and cardinality of the table rows (presence.ts, from object-kinds.json);
//  2. the value of every header the kind does not forbid: From/To, Date, CPM identifiers, IMDN-Message-ID,
//     Message-Context, Content-Type, P-Asserted-Service, device identities (voicemail identifiers by form);
//  3. a Message/CPIM body is parsed as RFC 3862 whenever the Content-Type says Message/CPIM, whatever the kind;
//  4. cross-field rules: IMDN-Message-ID = CPIM imdn.Message-ID, Message-Correlator / Message-Context;
//  5. voicemail: encapsulated voice message, values copied from the encapsulated object, Conversation-ID naming
//     the calling party.
// Findings name the most precise requirement the data gives: a value constraint's statement (e.g.
// vm.contribution-id.uuid), the row's syntax statement (e.g. mo.message-context.rfc3458), else the table row
// (e.g. mo.date); presence findings name the requirement deciding presence.
import { checkAddress } from './address.js';
import { checkContentType, checkCpimBody, isCpimContentType, type CpimMessage } from './cpim.js';
import { checkCpmId } from './cpm-id.js';
import { checkCorrelator } from './correlator.js';
import { checkDateTime } from './date-time.js';
import { checkDeviceIdentity } from './device-identity.js';
import { checkImdnMessageId, checkImdnMessageIdMatchesCpim } from './imdn-message-id.js';
import { checkMessageContext } from './message-context.js';
import { kindRules, tableRow, type FieldRule } from './object-kinds.js';
import { checkPAssertedService } from './p-asserted-service.js';
import { parseObject, type HeaderField, type ParsedObject } from './parse-object.js';
import { checkPresence, hasBody } from './presence.js';
import type { Finding, ObjectKind } from './types.js';
import { checkCallingParty, checkCopiedValues, checkEncapsulatedVoiceMessage, checkVoicemailId } from './voicemail.js';

function checkValue(field: string, rule: FieldRule, row: string, h: HeaderField): Finding[] {
  const syntax = rule.syntax ?? row;
  switch (field) {
    case 'From':
    case 'To':
      return checkAddress(h.value, syntax, field);
    case 'Date':
      return checkDateTime(h.value, syntax, field);
    case 'Conversation-ID':
    case 'Contribution-ID':
    case 'InReplyTo-Contribution-ID':
      return rule.value?.forms
        ? checkVoicemailId(h.value, rule.value.forms, rule.value.requirement, field, rule.value.byForm)
        : checkCpmId(h.value, syntax, field);
    case 'IMDN-Message-ID':
      return checkImdnMessageId(h.value, syntax);
    case 'Message-Context':
      return checkMessageContext(h.value, syntax, rule.value?.oneOf, rule.value?.requirement);
    case 'Content-Type':
      return checkContentType(h.value, syntax, rule.value?.mediaType ? { mediaType: rule.value.mediaType, requirement: rule.value.requirement } : undefined);
    case 'P-Asserted-Service':
      return checkPAssertedService(h.value, syntax);
    case 'Message-seen-identity':
    case 'Message-delete-identity':
      return checkDeviceIdentity(h.value, syntax, field);
    default:
      return []; // Subject, Message-Correlator (cross-field): no value syntax of their own
  }
}

export function validateParsedObject(obj: ParsedObject, kind: ObjectKind): Finding[] {
  const rules = kindRules(kind);
  const fields = Object.entries(rules.fields);
  const out = checkPresence(obj, kind);

  for (const h of obj.headers) {
    const entry = fields.find(([name]) => name.toLowerCase() === h.key);
    if (!entry || entry[1].presence === 'forbidden') continue;
    const [field, rule] = entry;
    out.push(...checkValue(field, rule, tableRow(kind, field)?.row ?? rule.requirement, h));
  }

  let cpim: CpimMessage | undefined;
  const contentType = obj.first('Content-Type');
  const ctRule = rules.fields['Content-Type'];
  if (contentType && ctRule && isCpimContentType(contentType.value) && hasBody(obj)) {
    const r = checkCpimBody(obj.body, ctRule.value?.requirement ?? tableRow(kind, 'Content-Type')?.row ?? ctRule.requirement);
    out.push(...r.findings);
    cpim = r.message;
  }

  const imdnRule = rules.fields['IMDN-Message-ID'];
  const imdn = obj.first('IMDN-Message-ID');
  if (cpim && imdn && imdnRule?.value?.equalsCpimHeader) {
    out.push(...checkImdnMessageIdMatchesCpim(imdn.value, cpim.imdnMessageId, imdnRule.value.requirement));
  }

  out.push(...checkCorrelator(obj, kind, cpim));

  const bodyRule = rules.fields['Message-body'];
  if (cpim && bodyRule?.value?.encapsulatedVoiceMessage) out.push(...checkEncapsulatedVoiceMessage(cpim, bodyRule.value.requirement));
  if (cpim) out.push(...checkCopiedValues(obj, cpim, rules.fields), ...checkCallingParty(obj, cpim, rules.fields));
  return out;
}

/** All findings for one stored object (raw RFC 5322 bytes) of the given kind; empty when it conforms. */
export function validateObject(raw: Buffer | string, kind: ObjectKind): Finding[] {
  return validateParsedObject(parseObject(raw), kind);
}
