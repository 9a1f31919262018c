// Cases on the further valid samples (fixtures/objects/index.json), for the Table 1 / Table 6 statements that only
// some objects exercise: another content type inside the Message/CPIM wrapper (mo.content-type.inner-types), the
// recipients of a group private message in CPIM To headers (mo.message-body.group-recipients), and each form of
// a voicemail Conversation-ID (vm.conversation-id.calling-party, vm.conversation-id.fallback-uuid). Which sample
// exercises which statement is read from the sample itself, so a new fixture adds its case.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineCase, type CaseDefinition, type CaseMeta } from '../../harness/conformance/case.js';
import type { CaseContext } from '../../harness/conformance/context.js';
import { fetchSource } from '../../harness/imap/objects.js';
import { must } from '../../harness/must/index.js';
import { retagHeaderValue, splitObject } from '../../harness/objects/samples.js';
import { loadCatalog } from '../../harness/spec/catalog.js';
import { isCpimContentType, parseCpimBody, type CpimMessage } from '../../harness/spec/cpim.js';
import { OBJECT_KINDS_DATA, type VoicemailIdForm } from '../../harness/spec/object-kinds.js';
import { parseObject } from '../../harness/spec/parse-object.js';
import { isObjectKind, type ObjectKind } from '../../harness/spec/types.js';
import { checkUuid } from '../../harness/spec/uuid.js';
import { callingParty, phoneNumber, voicemailIdForm } from '../../harness/spec/voicemail.js';
import index from '../../fixtures/objects/index.json' with { type: 'json' };

const VALID_DIR = new URL('../../fixtures/objects/valid/', import.meta.url);

interface Sample {
  /** File name under fixtures/objects/valid/. */
  file: string;
  kind: ObjectKind;
  raw: Buffer;
  cpim?: CpimMessage;
}

/** The valid samples, canonical `<kind>.eml` first, each with its parsed CPIM body when it has one. */
function validSamples(): Sample[] {
  const entries = (index as { file: string; kind: string; valid: boolean }[]).filter((e) => e.valid && e.file.startsWith('valid/'));
  const canonical = (e: { file: string; kind: string }): number => (e.file === `valid/${e.kind}.eml` ? 0 : 1);
  return [...entries]
    .sort((a, b) => canonical(a) - canonical(b))
    .flatMap((e) => {
      if (!isObjectKind(e.kind)) return [];
      const file = e.file.slice('valid/'.length);
      const raw = readFileSync(fileURLToPath(new URL(file, VALID_DIR)));
      const obj = parseObject(raw);
      const ct = obj.first('Content-Type');
      const cpim = ct && isCpimContentType(ct.value) ? parseCpimBody(obj.body).message : undefined;
      return [cpim ? { file, kind: e.kind, raw, cpim } : { file, kind: e.kind, raw }];
    });
}

/** A copy of the sample with identifiers no other case uses (as uniqueSample does for the canonical ones). */
function uniqueCopy(s: Sample, tag: string): Buffer {
  let raw = s.raw;
  for (const h of ['IMDN-Message-ID', 'Contribution-ID']) raw = retagHeaderValue(raw, h, tag);
  return raw;
}

async function storeCopy(c: CaseContext, s: Sample) {
  const user = c.user();
  const session = await c.session(user, user.devices[0]!);
  const folder = await c.folder(session, user, s.kind);
  const sent = uniqueCopy(s, c.tag);
  const { uid } = await c.append(session, folder, sent);
  const got = await fetchSource(session, folder, uid);
  return { sent, got };
}

function meta(s: Sample, m: Omit<CaseMeta, 'clause' | 'level' | 'features'>): CaseMeta {
  const vm = s.kind === 'voicemail';
  return { ...m, clause: vm ? '5.2.x' : '5.2.1', level: 'MUST', features: vm ? ['voicemail', `kind:${s.kind}`] : [`kind:${s.kind}`] };
}

/**
 * The CPIM part of a fetched object, or a failure naming what is missing. With `wrapper`, the object must still be
 * labelled Message/CPIM (the statement is about the wrapper); otherwise only the body is read as CPIM.
 */
function cpimOf(got: Buffer | undefined, requirement: string, kind: ObjectKind, wrapper: boolean): CpimMessage {
  must.ok(got !== undefined, { requirement, what: `the stored ${kind} object`, expected: 'FETCH data', actual: 'none' });
  const obj = parseObject(got);
  const ct = obj.first('Content-Type')?.value;
  if (wrapper) {
    must.ok(ct !== undefined && isCpimContentType(ct), {
      requirement,
      what: `the stored ${kind} object is still a Message/CPIM wrapper`,
      expected: 'Content-Type: Message/CPIM',
      actual: `Content-Type: ${ct ?? '(none)'}`,
    });
  }
  const cpim = parseCpimBody(obj.body).message;
  must.ok(cpim !== undefined, { requirement, what: `CPIM body of the stored ${kind} object`, expected: 'CPIM headers, empty line, MIME object', actual: 'no CPIM structure' });
  return cpim;
}

const INNER_TYPES = 'mo.content-type.inner-types';
const AS_RECEIVED = 'mo.message-body.as-received';

/**
 * mo.content-type.inner-types: per kind the statement applies to, the first sample whose CPIM wrapper carries a
 * non-text type. The store keeps the wrapper, the inner Content-Type and the inner object as appended.
 */
function innerTypeCases(samples: Sample[]): CaseDefinition[] {
  const kinds = loadCatalog().byId(INNER_TYPES).appliesTo ?? [];
  const picked = kinds.flatMap((k) => samples.filter((s) => s.kind === k && s.cpim?.encapsulated.contentType && !s.cpim.encapsulated.contentType.type.startsWith('text/')).slice(0, 1));
  return picked.map((s) => {
    const inner = s.cpim!.encapsulated.contentType!.type;
    return defineCase(
      meta(s, {
        id: `mo.${s.kind}.content-type.inner-type-kept`,
        requirements: [INNER_TYPES, AS_RECEIVED],
        statement: `A ${s.kind} object whose Message/CPIM wrapper carries ${inner} is returned as a Message/CPIM wrapper with that Content-Type and the inner object unchanged.`,
        procedure: [
          `APPEND fixtures/objects/valid/${s.file} (identifiers made unique) to a new folder`,
          'UID FETCH BODY.PEEK[]',
          'parse the body as RFC 3862 CPIM and compare the encapsulated Content-Type and object with the appended ones',
        ],
        passCriteria: `Content-Type is Message/CPIM; the encapsulated Content-Type is the appended ${inner} value; the encapsulated object is byte-identical.`,
      }),
      async (c) => {
        const { sent, got } = await storeCopy(c, s);
        const want = parseCpimBody(splitObject(sent).body).message!;
        const cpim = cpimOf(got, INNER_TYPES, s.kind, true);
        const ct = (m: CpimMessage) => m.encapsulated.headers.find((h) => h.key === 'content-type')?.value;
        must.equal(ct(cpim), ct(want), { requirement: INNER_TYPES, what: 'Content-Type of the object inside the Message/CPIM wrapper' });
        must.ok(cpim.encapsulated.body.equals(want.encapsulated.body), {
          requirement: AS_RECEIVED,
          what: `the ${inner} object inside the wrapper`,
          expected: `${want.encapsulated.body.length} bytes as appended`,
          actual: `${cpim.encapsulated.body.length} bytes, different`,
        });
      },
    );
  });
}

const GROUP_RECIPIENTS = 'mo.message-body.group-recipients';

/** mo.message-body.group-recipients: samples of the kinds it applies to whose CPIM part has several To headers. */
function groupRecipientCases(samples: Sample[]): CaseDefinition[] {
  const kinds = loadCatalog().byId(GROUP_RECIPIENTS).appliesTo ?? [];
  const cpimTo = (m: CpimMessage): string[] => m.headers.filter((h) => h.name === 'To').map((h) => h.value);
  const picked = kinds.flatMap((k) => samples.filter((s) => s.kind === k && s.cpim && cpimTo(s.cpim).length > 1).slice(0, 1));
  return picked.map((s) =>
    defineCase(
      meta(s, {
        id: `mo.${s.kind}.message-body.group-recipients-kept`,
        requirements: [GROUP_RECIPIENTS],
        statement: `A private message of a CPM Group Session whose CPIM part records ${cpimTo(s.cpim!).length} recipients in CPIM To headers is returned with all of them.`,
        procedure: [
          `APPEND fixtures/objects/valid/${s.file} (identifiers made unique) to a new folder`,
          'UID FETCH BODY.PEEK[]',
          'list the To headers of the CPIM part and compare with the appended ones',
        ],
        passCriteria: 'The CPIM part has the same To headers, with the same values, in the same order.',
      }),
      async (c) => {
        const { got } = await storeCopy(c, s);
        must.equal(cpimTo(cpimOf(got, GROUP_RECIPIENTS, s.kind, false)), cpimTo(s.cpim!), { requirement: GROUP_RECIPIENTS, what: 'CPIM To headers (the recorded recipient list)' });
      },
    ),
  );
}

/**
 * vm.conversation-id: one case per form of Table 6's Conversation-ID that a voicemail sample shows. A number names
 * the calling party (the From of the encapsulated voice message, compared by digits, A-14); a UUID, used when the
 * caller is unknown, is a generated RFC 4122 value. The store returns the value the writer set.
 */
function conversationIdCases(samples: Sample[]): CaseDefinition[] {
  const rule = OBJECT_KINDS_DATA.kinds.voicemail.fields['Conversation-ID']?.value;
  const row = OBJECT_KINDS_DATA.kinds.voicemail.fields['Conversation-ID']?.requirement ?? 'vm.conversation-id';
  const out: CaseDefinition[] = [];
  const conversationId = (raw: Buffer): string | undefined => parseObject(raw).first('Conversation-ID')?.value;
  for (const form of rule?.forms ?? []) {
    const statement = rule?.byForm?.[form];
    const s = samples.find((x) => x.kind === 'voicemail' && x.cpim && voicemailIdForm(conversationId(x.raw) ?? '') === form);
    if (!statement || !s) continue;
    out.push(form === 'uuid' ? generatedUuidCase(s, row, statement) : callingPartyCase(s, form, row, statement));
  }
  return out;
}

const FORM_NAME: Record<VoicemailIdForm, string> = { msisdn: 'MSISDN', 'tel-uri': 'tel URI', uuid: 'RFC 4122 UUID' };

/** Appends the sample; returns the appended Conversation-ID and the stored one (the first, if several). */
async function storedConversationId(c: CaseContext, s: Sample, row: string): Promise<{ sent: string; stored: string }> {
  const { sent, got } = await storeCopy(c, s);
  const values = got ? parseObject(got).all('Conversation-ID').map((f) => f.value) : [];
  must.ok(values.length > 0, { requirement: row, what: 'Conversation-ID of the stored voicemail object', expected: 'one Conversation-ID', actual: 'none' });
  return { sent: parseObject(sent).first('Conversation-ID')!.value, stored: values[0]! };
}

function keptExactly(v: { sent: string; stored: string }, row: string): void {
  must.equal(v.stored, v.sent, { requirement: row, what: 'Conversation-ID of the stored voicemail object, byte for byte' });
}

function callingPartyCase(s: Sample, form: VoicemailIdForm, row: string, statement: string): CaseDefinition {
  const caller = callingParty(s.cpim!);
  if (caller === undefined) throw new Error(`fixtures/objects/valid/${s.file}: the encapsulated From names no calling party`);
  return defineCase(
    meta(s, {
      id: `vm.conversation-id.${form}.names-calling-party`,
      requirements: [row, statement],
      interpretations: ['amb.voicemail-conversation-id-format'],
      statement: `A voicemail object whose Conversation-ID is the calling party's ${FORM_NAME[form]} is returned with that value, naming the calling party.`,
      procedure: [
        `APPEND fixtures/objects/valid/${s.file} (Conversation-ID ${conversationIdOf(s)}, caller ${caller} in the encapsulated From)`,
        'UID FETCH BODY.PEEK[]',
        'compare Conversation-ID with the appended value, then its number with the calling party\'s, by digits',
      ],
      passCriteria: `One Conversation-ID, equal to the appended one, whose number is the calling party's (${caller}).`,
    }),
    async (c) => {
      const v = await storedConversationId(c, s, row);
      must.equal(phoneNumber(v.stored), caller, { requirement: statement, what: "the number Conversation-ID names (digits), against the calling party's" });
      keptExactly(v, row);
    },
  );
}

function generatedUuidCase(s: Sample, row: string, statement: string): CaseDefinition {
  if (callingParty(s.cpim!) !== undefined) throw new Error(`fixtures/objects/valid/${s.file}: a UUID Conversation-ID sample must not name a calling party`);
  return defineCase(
    meta(s, {
      id: 'vm.conversation-id.uuid.generated-rfc4122',
      requirements: [row, statement],
      interpretations: ['amb.voicemail-conversation-id-format'],
      statement: 'A voicemail object from an unknown caller, whose Conversation-ID is a generated RFC 4122 UUID, is returned with that UUID.',
      procedure: [
        `APPEND fixtures/objects/valid/${s.file} (withheld caller, Conversation-ID ${conversationIdOf(s)})`,
        'UID FETCH BODY.PEEK[]',
        'compare Conversation-ID with the appended value and check it is an RFC 4122 UUID (variant 10xx, a defined version)',
      ],
      passCriteria: 'One Conversation-ID, equal to the appended one, that is an RFC 4122 UUID string, bare or urn:uuid:.',
    }),
    async (c) => {
      const v = await storedConversationId(c, s, row);
      must.noFindings(checkUuid(v.stored, statement, 'Conversation-ID'), { what: 'Conversation-ID of a voicemail from an unknown caller', requirement: statement });
      keptExactly(v, row);
    },
  );
}

function conversationIdOf(s: Sample): string {
  return parseObject(s.raw).first('Conversation-ID')?.value ?? '';
}

/** The variant cases of one table, in a stable order. */
export function variantCases(table: 'table-1' | 'table-6'): CaseDefinition[] {
  const samples = validSamples();
  return table === 'table-1' ? [...innerTypeCases(samples), ...groupRecipientCases(samples)] : conversationIdCases(samples);
}
