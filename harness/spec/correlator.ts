// Message-Correlator / Message-Context cross-field rules of Table 1, driven by object-kinds.json crossField:
//  * "It [Message-Context] SHALL be present if a Message-Correlator header is present."   correlator.requires-context
//  * "The type of value of the Message-Correlator SHALL correspond to the context indicated in the value of
//    the Message-Context header."                                                        correlator.value-type
//      pager-message      → sms-text: "a fragment or the full text contained in the user data of the short
//                           message" (unstructured text, RFC 2047 words decoded);
//      multimedia-message → mms-message-id: the OMA-MMS-ENC Message-ID, a single run of visible characters;
//      any other context  → no correlator type is defined, so a correlator does not fit it.
//  * For SMS the value must occur in the text of the stored short message (the text/plain part encapsulated
//    in the CPIM body), compared with runs of white space collapsed.                      correlator.sms-text
import libmime from 'libmime';
import type { CpimMessage } from './cpim.js';
import { parseMessageContext } from './message-context.js';
import { kindRules, OBJECT_KINDS_DATA } from './object-kinds.js';
import type { ParsedObject } from './parse-object.js';
import { finding, type Finding, type ObjectKind } from './types.js';

const MMS_MESSAGE_ID = /^[\x21-\x7e]+$/;

/** Text of a short message stored as the CPIM-encapsulated text/plain part, when it can be decoded. */
export function smsText(cpim: CpimMessage | undefined): string | undefined {
  const enc = cpim?.encapsulated;
  if (!enc || enc.contentType?.type !== 'text/plain') return undefined;
  const cte = (enc.headers.find((h) => h.key === 'content-transfer-encoding')?.value ?? '7bit').toLowerCase();
  const charset = enc.contentType.params['charset'] ?? 'utf-8';
  let bytes: Buffer;
  if (cte === 'base64') bytes = Buffer.from(enc.body.toString('ascii'), 'base64');
  else if (cte === '7bit' || cte === '8bit' || cte === 'binary') bytes = enc.body;
  else return undefined;
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes); // unknown charset label
  }
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

export function checkCorrelator(obj: ParsedObject, kind: ObjectKind, cpim?: CpimMessage): Finding[] {
  const { correlatorRequiresContext: needs, correlatorValueType: types } = OBJECT_KINDS_DATA.crossField;
  if (kindRules(kind).table !== needs.table) return [];
  const correlator = obj.first(needs.ifPresent);
  if (!correlator) return [];
  const context = obj.first(needs.thenPresent);
  if (!context) {
    return [finding(needs.rule, needs.requirement, `${needs.thenPresent} present`, 'absent', needs.thenPresent)];
  }
  const ctx = parseMessageContext(context.value).value;
  const type = types.byContext[ctx];
  if (!type) {
    const known = Object.keys(types.byContext).join(' or ');
    return [finding(types.rule, types.requirement, `Message-Context ${known} (the contexts with a correlator type)`, `Message-Correlator with Message-Context ${context.value}`, 'Message-Correlator')];
  }
  if (type.valueType === 'mms-message-id') {
    return MMS_MESSAGE_ID.test(correlator.value)
      ? []
      : [finding(types.rule, types.requirement, 'an MMS Message-ID (visible characters, no white space) for multimedia-message', correlator.value, 'Message-Correlator')];
  }
  // sms-text: any non-empty text, which has to come from the short message itself.
  const value = collapse(libmime.decodeWords(correlator.value));
  if (value === '') {
    return [finding(types.rule, types.requirement, 'SMS text fragment for pager-message', 'empty value', 'Message-Correlator')];
  }
  const text = smsText(cpim);
  if (text !== undefined && !collapse(text).includes(value)) {
    return [finding('correlator.sms-text', type.requirement, `a fragment of the short message text "${collapse(text).slice(0, 60)}"`, value, 'Message-Correlator')];
  }
  return [];
}
