// Cases generated from Table 1 (Message Object, 5.2.1) and Table 6 (Voicemail Object, 5.2.x): for every object
// kind and every header row its sample carries, the store keeps the header exactly; the object as the store
// returns it satisfies the table (presence, values, cross-field rules); the body is kept as received; and the
// identifiers find the object with SEARCH HEADER; where the profile exposes them, the identity fields name the
// device that read or deleted the object. Statements that only some objects exercise are in variant-cases.ts.
import { defineCase, type CaseDefinition, type CaseMeta } from '../../harness/conformance/case.js';
import type { CaseContext } from '../../harness/conformance/context.js';
import { fetchHeader, fetchSource, searchHeader, storeFlags } from '../../harness/imap/objects.js';
import { must } from '../../harness/must/index.js';
import { splitObject, uniqueSample } from '../../harness/objects/samples.js';
import { OBJECT_KINDS_DATA, requirementsOfKind, type TableId } from '../../harness/spec/object-kinds.js';
import { checkDeviceIdentity, sameDevice } from '../../harness/spec/device-identity.js';
import { validateObject } from '../../harness/spec/object.js';
import { parseObject } from '../../harness/spec/parse-object.js';
import type { ObjectKind } from '../../harness/spec/types.js';
import { variantCases } from './variant-cases.js';

/** Identifiers the CPM Conversation Functions compare byte by byte (case-sensitive). */
const BYTE_EXACT = new Set(['conversation-id', 'contribution-id', 'inreplyto-contribution-id', 'imdn-message-id']);
/** Identifiers a Message Storage Client searches objects by. */
const SEARCHABLE = ['Conversation-ID', 'Contribution-ID', 'IMDN-Message-ID'];

const lower = (s: string): string => s.toLowerCase();
const fold = (s: string): string => s.replace(/\s+/g, ' ').trim();

interface KindPlan {
  kind: ObjectKind;
  table: TableId;
  prefix: string;
  clause: CaseMeta['clause'];
  features: CaseMeta['features'];
}

function plans(table: TableId): KindPlan[] {
  return (Object.keys(OBJECT_KINDS_DATA.kinds) as ObjectKind[])
    .filter((kind) => OBJECT_KINDS_DATA.kinds[kind].table === table)
    .map((kind) =>
      table === 'table-6'
        ? { kind, table, prefix: 'vm', clause: '5.2.x', features: ['voicemail', `kind:${kind}`] }
        : { kind, table, prefix: `mo.${kind}`, clause: '5.2.1', features: [`kind:${kind}`] },
    );
}

/** APPENDs a fresh copy of the kind's sample to a folder of the case; returns what was sent and where it is. */
async function storeSample(c: CaseContext, kind: ObjectKind) {
  const user = c.user();
  const s = await c.session(user, user.devices[0]!);
  const folder = await c.folder(s, user, kind);
  const sent = uniqueSample(kind, c.tag);
  const { uid } = await c.append(s, folder, sent);
  return { s, folder, sent, uid };
}

function storedExactly(p: KindPlan, field: string, row: string): CaseDefinition {
  const exact = BYTE_EXACT.has(lower(field));
  return defineCase(
    {
      id: `${p.prefix}.${lower(field)}.stored-exactly`,
      requirements: [row],
      clause: p.clause,
      level: 'MUST',
      features: p.features,
      statement: `A stored ${p.kind} object keeps its ${field} header ${exact ? 'byte for byte' : 'unchanged'}.`,
      procedure: [
        `APPEND the ${p.kind} sample (fixtures/objects/valid/${p.kind}.eml, identifiers made unique) to a new folder`,
        'UID FETCH the object with BODY.PEEK[HEADER]',
        `compare every ${field} field with the appended one${exact ? ' byte for byte (CPM identifiers are case-sensitive)' : ' after unfolding'}`,
      ],
      passCriteria: `The fetched header has the same number of ${field} fields with the same values.`,
    },
    async (c) => {
      const { s, folder, sent, uid } = await storeSample(c, p.kind);
      const header = await fetchHeader(s, folder, uid);
      const want = parseObject(sent).all(field).map((f) => f.value);
      const got = header ? parseObject(Buffer.concat([header, Buffer.from('\r\n')])).all(field).map((f) => f.value) : [];
      const norm = (v: string[]) => (exact ? v : v.map(fold));
      must.equal(norm(got), norm(want), { requirement: row, what: `${field} of the stored ${p.kind} object` });
    },
  );
}

function objectValid(p: KindPlan): CaseDefinition {
  const rows = requirementsOfKind(p.kind);
  return defineCase(
    {
      id: `${p.prefix}.object.conforms-to-table`,
      requirements: rows,
      clause: p.clause,
      level: 'MUST',
      features: p.features,
      statement: `A stored ${p.kind} object, as the store returns it, satisfies every row of ${p.table === 'table-1' ? 'Table 1' : 'Table 6'} for its kind.`,
      procedure: [`APPEND a valid ${p.kind} sample`, 'UID FETCH BODY.PEEK[]', `validate presence, syntax and cross-field rules of the ${p.kind} kind`],
      passCriteria: 'The validators report no finding on the returned object.',
    },
    async (c) => {
      const { s, folder, uid } = await storeSample(c, p.kind);
      const got = await fetchSource(s, folder, uid);
      must.ok(got !== undefined, { requirement: rows[0]!, what: 'the appended object can be fetched', expected: 'the object', actual: 'no FETCH data' });
      must.noFindings(validateObject(got, p.kind), { what: `the stored ${p.kind} object as returned by the store` });
    },
  );
}

function bodyAsReceived(p: KindPlan): CaseDefinition {
  const bodyRow = OBJECT_KINDS_DATA.tables[p.table].rows.find((r) => r.body)!.row;
  const requirements = p.table === 'table-1' ? [bodyRow, 'mo.message-body.as-received'] : [bodyRow];
  return defineCase(
    {
      id: `${p.prefix}.message-body.as-received`,
      requirements,
      clause: p.clause,
      level: 'MUST',
      features: p.features,
      statement: `The body of a stored ${p.kind} object is returned exactly as it was stored.`,
      procedure: [`APPEND a ${p.kind} sample`, 'UID FETCH BODY.PEEK[]', 'compare the bytes after the header block'],
      passCriteria: 'The returned body equals the appended body byte for byte.',
    },
    async (c) => {
      const { s, folder, sent, uid } = await storeSample(c, p.kind);
      const got = await fetchSource(s, folder, uid);
      const want = splitObject(sent).body;
      const body = got ? splitObject(got).body : Buffer.alloc(0);
      must.ok(body.equals(want), {
        requirement: requirements.at(-1)!,
        what: `Message-body of the stored ${p.kind} object`,
        expected: `${want.length} bytes as appended`,
        actual: body.equals(want) ? 'equal' : `${body.length} bytes, first difference at byte ${firstDifference(body, want)}`,
      });
    },
  );
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

function searchable(p: KindPlan, field: string, row: string): CaseDefinition {
  return defineCase(
    {
      id: `${p.prefix}.${lower(field)}.searchable`,
      requirements: [row],
      clause: p.clause,
      level: 'MUST',
      features: p.features,
      statement: `A stored ${p.kind} object is found by UID SEARCH HEADER ${field} with its value.`,
      procedure: [`APPEND a ${p.kind} sample to a new folder`, `UID SEARCH HEADER ${field} "<value>"`],
      passCriteria: 'The search returns exactly the appended object.',
    },
    async (c) => {
      const { s, folder, sent, uid } = await storeSample(c, p.kind);
      const value = parseObject(sent).first(field)!.value;
      const found = await searchHeader(s, folder, field, value);
      must.equal(found, [uid], { requirement: row, what: `UID SEARCH HEADER ${field} "${value}"` });
    },
  );
}

/**
 * Where the profile declares the `header` binding, the object shows which device read it (\Seen) or deleted it
 * (\Deleted): device B changes the flag, device A reads the header back. Only a declared binding makes these
 * optional rows testable (A-1: an IMAP object cannot change after it is stored, so a store that records the
 * identity elsewhere declares `none`).
 */
function identityRecorded(p: KindPlan, action: 'seen' | 'delete'): CaseDefinition {
  const field = action === 'seen' ? 'Message-seen-identity' : 'Message-delete-identity';
  const flag = action === 'seen' ? '\\Seen' : '\\Deleted';
  const row = `${p.table === 'table-1' ? 'mo' : 'vm'}.${lower(field)}`;
  const verb = action === 'seen' ? 'read' : 'deleted';
  return defineCase(
    {
      id: `${p.table === 'table-1' ? 'mo' : 'vm'}.${lower(field)}.names-${action === 'seen' ? 'reading' : 'deleting'}-device`,
      // The row, and its two statements: the value is the identity of the device that acted (checked with
      // sameDevice), in a device-identity form (checked with checkDeviceIdentity).
      requirements: [row, `${row}.device-identity`, `${row}.forms`],
      clause: p.clause,
      level: 'MUST',
      features: [...p.features, 'identity-header', 'devices:2'],
      statement: `After device B sets ${flag} on a stored ${p.kind} object, its ${field} field names device B (the device that ${verb} it).`,
      interpretations: ['amb.immutable-object', 'amb.identity-form', ...(action === 'delete' ? ['amb.delete-identity-after-expunge'] : ['amb.multiple-readers'])],
      preconditions: ['the profile declares identityBinding "header"', 'a user with two devices'],
      procedure: [
        `device A APPENDs a ${p.kind} object without ${field}`,
        `device B: UID STORE <uid> +FLAGS (${flag})`,
        `device A: UID FETCH <uid> BODY.PEEK[HEADER]`,
      ],
      passCriteria: `${field} is present, is a device identity (sip.instance URN or GRUU), names device B after normalisation and never device A.`,
    },
    async (c) => {
      const user = c.user({ devices: 2 });
      const [devA, devB] = [user.devices[0]!, user.devices[1]!];
      const a = await c.session(user, devA, `${user.name}/A`);
      const folder = await c.folder(a, user, p.kind);
      const { uid } = await c.append(a, folder, uniqueSample(p.kind, c.tag));
      const b = await c.session(user, devB, `${user.name}/B`);
      await storeFlags(b, folder, uid, '+', [flag]);
      const header = await fetchHeader(a, folder, uid);
      const values = header ? parseObject(Buffer.concat([header, Buffer.from('\r\n')])).all(field).map((f) => f.value) : [];
      must.ok(values.length > 0, { requirement: row, what: `${field} after device B set ${flag}`, expected: `a ${field} field naming ${devB.id}`, actual: 'no such field' });
      for (const v of values) must.noFindings(checkDeviceIdentity(v, `${row}.forms`, field), { what: `${field} value`, requirement: `${row}.forms` });
      must.ok(values.some((v) => sameDevice(v, devB.id)), { requirement: `${row}.device-identity`, what: `${field} names the device that ${verb} the object`, expected: devB.id, actual: values.join(', ') });
      must.ok(!values.some((v) => sameDevice(v, devA.id)), { requirement: `${row}.device-identity`, what: `${field} must not name another device`, expected: `not ${devA.id}`, actual: values.join(', ') });
    },
  );
}

/** Every case of one table, in a stable order. */
export function tableCases(table: TableId): CaseDefinition[] {
  const out: CaseDefinition[] = [];
  const rows = OBJECT_KINDS_DATA.tables[table].rows;
  for (const p of plans(table)) {
    const sample = parseObject(uniqueSample(p.kind, '000000'));
    out.push(objectValid(p), bodyAsReceived(p));
    for (const r of rows) {
      if (r.body || sample.all(r.field).length === 0) continue;
      out.push(storedExactly(p, r.field, r.row));
    }
    for (const field of SEARCHABLE) {
      const r = rows.find((x) => lower(x.field) === lower(field));
      if (r && sample.first(field)) out.push(searchable(p, field, r.row));
    }
    // The identity rows once per table, on the table's principal object kind.
    if (p.kind === 'standalone' || p.kind === 'voicemail') out.push(identityRecorded(p, 'seen'), identityRecorded(p, 'delete'));
  }
  return [...out, ...variantCases(table)];
}
