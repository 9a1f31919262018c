// IMDN-Message-ID values (Table 1 mo.imdn-message-id, Table 6 vm.imdn-message-id).
//
// Table 1: set to the CPIM imdn.Message-ID (RFC 5438 §6.3) when the request has one, otherwise "a unique value
// ... generated ... with similar definition and uniqueness requirements as described in sect. 6.3 of [RFC5438]"
// (mo.imdn-message-id.generated-unique). Table 6: "the unique message identifier (as known to the VMS)".
// The exact RFC 5438 token grammar was not re-verified (notes FMT-10 [R]); the check is therefore the lenient
// common ground of both rows: one or more visible US-ASCII characters, no white space (1*VCHAR).
// Uniqueness is a property of a set of objects, checked by findDuplicateImdnMessageIds().
import { finding, type Finding } from './types.js';

export const IMDN_MESSAGE_ID = /^[\x21-\x7e]+$/;

export function checkImdnMessageId(value: string, requirement: string): Finding[] {
  return IMDN_MESSAGE_ID.test(value)
    ? []
    : [finding('imdn-message-id.syntax', requirement, '1*VCHAR: visible US-ASCII, no white space', value, 'IMDN-Message-ID')];
}

/** The IMDN-Message-ID must equal the imdn.Message-ID of the stored CPIM message, when that has one. */
export function checkImdnMessageIdMatchesCpim(value: string, cpimValue: string | undefined, requirement: string): Finding[] {
  if (cpimValue === undefined || cpimValue === value) return [];
  return [finding('imdn-message-id.matches-cpim', requirement, `the CPIM imdn.Message-ID "${cpimValue}"`, value, 'IMDN-Message-ID')];
}

/**
 * One finding per IMDN-Message-ID value used by more than one object of a set (e.g. all objects of a
 * mailbox). `objects` pairs a caller-chosen reference (UID, file name) with the value.
 */
export function findDuplicateImdnMessageIds(
  objects: ReadonlyArray<{ ref: string; value: string }>,
  requirement = 'mo.imdn-message-id.generated-unique',
): Finding[] {
  const byValue = new Map<string, string[]>();
  for (const { ref, value } of objects) byValue.set(value, [...(byValue.get(value) ?? []), ref]);
  return [...byValue.entries()]
    .filter(([, refs]) => refs.length > 1)
    .map(([value, refs]) => finding('imdn-message-id.unique', requirement, 'a value used by one object only', `${value} used by ${refs.join(', ')}`, 'IMDN-Message-ID'));
}
