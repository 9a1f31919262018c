// Audit mode: objects the store's own network functions wrote (the CPM Participating Function, a voicemail
// system) already sit in folders the profile names. Every one of them must satisfy Table 1 or Table 6 for the kind
// its headers show, and their IMDN-Message-IDs must be unique. The suite writes nothing into these folders.
import { defineCase, type CaseDefinition } from '../../harness/conformance/case.js';
import type { CaseContext } from '../../harness/conformance/context.js';
import { fetchAllSources } from '../../harness/imap/objects.js';
import { must } from '../../harness/must/index.js';
import { classifyObject } from '../../harness/spec/classify.js';
import { findDuplicateImdnMessageIds } from '../../harness/spec/imdn-message-id.js';
import { validateParsedObject } from '../../harness/spec/object.js';
import { requirementsOfKind } from '../../harness/spec/object-kinds.js';
import { parseObject, type ParsedObject } from '../../harness/spec/parse-object.js';
import { OBJECT_KINDS, type Finding } from '../../harness/spec/types.js';

/** Objects read per audited folder at most: an audit is a sample, bounded in time like every case. */
export const AUDIT_LIMIT = 2000;

interface Audited {
  ref: string;
  obj: ParsedObject;
}

async function auditedObjects(c: CaseContext): Promise<Audited[]> {
  const user = c.user();
  const s = await c.session(user, user.devices[0]!);
  const out: Audited[] = [];
  for (const folder of c.profile.features.folders.audit) {
    const objects = await fetchAllSources(s, folder, AUDIT_LIMIT);
    c.note(`audit: ${objects.length} object(s) in ${folder}${objects.length >= AUDIT_LIMIT ? ` (first ${AUDIT_LIMIT} only)` : ''}`);
    for (const o of objects) out.push({ ref: `${folder} UID ${o.uid}`, obj: parseObject(o.source) });
  }
  if (out.length === 0) c.notApplicable(`the audited folders (${c.profile.features.folders.audit.join(', ')}) hold no object`);
  return out;
}

const ALL_TABLE_REQUIREMENTS = [...new Set(OBJECT_KINDS.flatMap((k) => requirementsOfKind(k)))];

export const auditCases: CaseDefinition[] = [
  defineCase(
    {
      id: 'audit.objects.conform-to-tables',
      requirements: ALL_TABLE_REQUIREMENTS,
      clause: '5.2.1',
      level: 'MUST',
      features: ['audit'],
      statement: 'Every object already stored in the audited folders satisfies Table 1 or Table 6 for the kind its headers show.',
      interpretations: ['amb.message-object-scope'],
      preconditions: ['The profile names folders the store\'s own network functions wrote objects into (features.folders.audit).'],
      procedure: [
        'EXAMINE each audited folder (read-only) and UID FETCH 1:* BODY.PEEK[]',
        'classify each object by its headers (Message-Context, Content-Type, P-Asserted-Service)',
        'validate presence, syntax and cross-field rules of its kind',
      ],
      passCriteria: 'No finding on any audited object.',
    },
    async (c) => {
      const objects = await auditedObjects(c);
      const findings: Finding[] = [];
      for (const { ref, obj } of objects) {
        const kind = classifyObject(obj);
        for (const f of validateParsedObject(obj, kind)) findings.push({ ...f, actual: `${f.actual} (${ref}, ${kind})` });
      }
      c.note(`audit: ${objects.length} object(s) validated, ${findings.length} finding(s)`);
      must.noFindings(findings, { what: `objects stored in ${c.profile.features.folders.audit.join(', ')}` });
    },
  ),
  defineCase(
    {
      id: 'audit.imdn-message-id.unique',
      requirements: ['mo.imdn-message-id', 'mo.imdn-message-id.generated-unique', 'vm.imdn-message-id'],
      clause: '5.2.1',
      level: 'MUST',
      features: ['audit'],
      statement: 'No two objects in the audited folders share an IMDN-Message-ID.',
      interpretations: ['amb.immutable-object'],
      preconditions: ['The profile names folders to audit (features.folders.audit).'],
      procedure: ['EXAMINE each audited folder and read every object\'s IMDN-Message-ID'],
      passCriteria: 'Every IMDN-Message-ID occurs once (values are compared byte for byte).',
    },
    async (c) => {
      const objects = await auditedObjects(c);
      const ids = objects.flatMap(({ ref, obj }) => {
        const v = obj.first('IMDN-Message-ID')?.value;
        return v === undefined ? [] : [{ ref, value: v }];
      });
      must.noFindings(findDuplicateImdnMessageIds(ids), { what: 'IMDN-Message-IDs of the audited objects' });
    },
  ),
];
