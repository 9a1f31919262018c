// Presence and cardinality of the table rows for one object kind, driven by fixtures/spec/object-kinds.json.
import { kindRules, tableRow } from './object-kinds.js';
import type { ParsedObject } from './parse-object.js';
import { finding, type Finding, type ObjectKind } from './types.js';

/** A body counts as present when it has anything but white space. */
export function hasBody(obj: ParsedObject): boolean {
  return obj.body.some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a);
}

export function checkPresence(obj: ParsedObject, kind: ObjectKind): Finding[] {
  const out: Finding[] = [];
  for (const [field, rule] of Object.entries(kindRules(kind).fields)) {
    const row = tableRow(kind, field);
    if (row?.body) {
      if (rule.presence === 'required' && !hasBody(obj)) {
        out.push(finding('presence.missing', rule.requirement, 'a message body', 'empty body', field));
      }
      continue;
    }
    const count = obj.all(field).length;
    if (rule.presence === 'required' && count === 0) {
      out.push(finding('presence.missing', rule.requirement, `${field} header present`, 'absent', field));
    } else if (rule.presence === 'forbidden' && count > 0) {
      out.push(finding('presence.forbidden', rule.requirement, `no ${field} header in a ${kind} object`, obj.all(field).map((h) => h.value).join(' | '), field));
    } else if (row && typeof row.maxOccurs === 'number' && count > row.maxOccurs) {
      out.push(finding('presence.duplicate', row.row, `at most ${row.maxOccurs} ${field} header`, `${count} occurrences`, field));
    }
  }
  return out;
}
