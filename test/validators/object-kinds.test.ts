// fixtures/spec/object-kinds.json: schema-valid, complete per table, and the decisions the table text makes.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import schema from '../../fixtures/spec/object-kinds.schema.json' with { type: 'json' };
import data from '../../fixtures/spec/object-kinds.json' with { type: 'json' };
import { kindRules, OBJECT_KINDS, OBJECT_KINDS_DATA, referencedRequirements, type ObjectKind, type Presence } from '../../harness/spec/index.js';
import { loadCatalog } from '../../harness/spec/catalog.js';

const addFormats = addFormatsModule.default;

// The requirement IDs of the catalog: the only ones this data and the validators may name.
const CATALOG_IDS = new Set(loadCatalog().requirements.filter((r) => r.clause === '5.2.1' || r.clause === '5.2.x').map((r) => r.id));

describe('object-kinds.json', () => {
  it('validates against object-kinds.schema.json (draft 2020-12, strict)', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(data), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('the schema rejects an unknown presence and an unknown kind', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(schema);
    const bad = structuredClone(data) as { kinds: Record<string, { fields: Record<string, { presence: string }> }> };
    const from = bad.kinds['chat']?.fields['From'];
    if (from) from.presence = 'mandatory';
    expect(validate(bad)).toBe(false);
    const extra = structuredClone(data) as { kinds: Record<string, unknown> };
    extra.kinds['fax'] = extra.kinds['chat'];
    expect(validate(extra)).toBe(false);
  });

  it('has every object kind, each with exactly the rows of the table it follows', () => {
    expect(Object.keys(OBJECT_KINDS_DATA.kinds).sort()).toEqual([...OBJECT_KINDS].sort());
    for (const kind of OBJECT_KINDS) {
      const rules = kindRules(kind);
      const rows = OBJECT_KINDS_DATA.tables[rules.table].rows.map((r) => r.field);
      expect(Object.keys(rules.fields), kind).toEqual(rows);
      expect(rules.table).toBe(kind === 'voicemail' ? 'table-6' : 'table-1');
    }
  });

  it('refers only to catalog requirement IDs, in the table the kind follows', () => {
    expect([...referencedRequirements()].filter((id) => !CATALOG_IDS.has(id))).toEqual([]);
    for (const kind of OBJECT_KINDS) {
      const prefix = kind === 'voicemail' ? 'vm.' : 'mo.';
      for (const [field, rule] of Object.entries(kindRules(kind).fields)) {
        expect(rule.requirement.startsWith(prefix), `${kind} ${field}`).toBe(true);
      }
    }
  });

  it('explains every presence that departs from the table status in a note, or names a statement', () => {
    for (const kind of OBJECT_KINDS) {
      const rows = OBJECT_KINDS_DATA.tables[kindRules(kind).table].rows;
      for (const [field, rule] of Object.entries(kindRules(kind).fields)) {
        const row = rows.find((r) => r.field === field);
        const tablePresence = row?.status === 'Mandatory' ? 'required' : 'optional';
        if (rule.presence !== tablePresence) {
          expect(rule.note !== undefined || rule.requirement !== row?.row, `${kind} ${field}`).toBe(true);
        }
      }
    }
  });
});

describe('decisions derived from the table text', () => {
  const presence = (kind: ObjectKind, field: string): Presence | undefined => kindRules(kind).fields[field]?.presence;
  const matrix = (field: string) => Object.fromEntries(OBJECT_KINDS.filter((k) => k !== 'voicemail').map((k) => [k, presence(k, field)]));

  it('P-Asserted-Service: SHALL for standalone / IMDN / FT history, absent for chat, group state, legacy', () => {
    expect(matrix('P-Asserted-Service')).toEqual({
      standalone: 'required', chat: 'forbidden', imdn: 'required', 'ft-history': 'required', sms: 'forbidden',
      mms: 'forbidden', 'session-info': 'optional', 'group-state': 'forbidden',
    });
  });

  it('Subject and InReplyTo-Contribution-ID are absent in chat only', () => {
    for (const field of ['Subject', 'InReplyTo-Contribution-ID']) {
      const m = matrix(field);
      expect(Object.entries(m).filter(([, p]) => p === 'forbidden').map(([k]) => k)).toEqual(['chat']);
    }
  });

  it('Message-Context only on legacy kinds, with their values; voice-message required for voicemail', () => {
    expect(matrix('Message-Context')).toEqual({
      standalone: 'forbidden', chat: 'forbidden', imdn: 'forbidden', 'ft-history': 'forbidden', sms: 'optional',
      mms: 'optional', 'session-info': 'forbidden', 'group-state': 'forbidden',
    });
    expect(kindRules('sms').fields['Message-Context']?.value?.oneOf).toEqual(['pager-message']);
    expect(kindRules('mms').fields['Message-Context']?.value?.oneOf).toEqual(['multimedia-message']);
    expect(kindRules('voicemail').fields['Message-Context']).toMatchObject({ presence: 'required', value: { oneOf: ['voice-message'] } });
  });

  it('Content-Type Message/CPIM for standalone, legacy, IMDN and voicemail objects only', () => {
    const cpim = OBJECT_KINDS.filter((k) => kindRules(k).fields['Content-Type']?.value?.mediaType === 'message/cpim');
    expect(cpim.sort()).toEqual(['imdn', 'mms', 'sms', 'standalone', 'voicemail']);
  });

  it('IMDN-Message-ID is required everywhere and generated for legacy, session info and group state', () => {
    for (const k of OBJECT_KINDS) expect(presence(k, 'IMDN-Message-ID'), k).toBe('required');
    const generated = OBJECT_KINDS.filter((k) => kindRules(k).fields['IMDN-Message-ID']?.generated);
    expect(generated.sort()).toEqual(['group-state', 'mms', 'session-info', 'sms']);
  });

  it('cross-field rules: correlator needs context; correlator type per context', () => {
    const cf = OBJECT_KINDS_DATA.crossField;
    expect(cf.correlatorRequiresContext).toMatchObject({ ifPresent: 'Message-Correlator', thenPresent: 'Message-Context', requirement: 'mo.message-context.required-with-correlator' });
    expect(cf.correlatorValueType.byContext).toMatchObject({
      'pager-message': { valueType: 'sms-text', requirement: 'mo.message-correlator.sms-text' },
      'multimedia-message': { valueType: 'mms-message-id', requirement: 'mo.message-correlator.mms-message-id' },
    });
  });

  it('voicemail: only Conversation-ID, IMDN-Message-ID, Message-Context, Content-Type and body are required', () => {
    const required = Object.entries(kindRules('voicemail').fields).filter(([, r]) => r.presence === 'required').map(([f]) => f);
    expect(required).toEqual(['Conversation-ID', 'IMDN-Message-ID', 'Message-Context', 'Content-Type', 'Message-body']);
  });
});

describe('validator sources', () => {
  it('hard-code only catalog requirement IDs', () => {
    const dir = new URL('../../harness/spec/', import.meta.url);
    const literals = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'catalog.ts')
      .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/'((?:mo|vm)\.[a-z0-9.-]+)'/g)].map((m) => m[1] ?? ''));
    expect(literals.length).toBeGreaterThan(0);
    expect(literals.filter((id) => !CATALOG_IDS.has(id))).toEqual([]);
  });
});

describe('object kinds', () => {
  it('are one list, shared with the requirement catalog and its schema', async () => {
    const catalog = await import('../../harness/spec/catalog.js');
    expect(catalog.OBJECT_KINDS).toBe(OBJECT_KINDS);
    const schema = (await import('../../fixtures/spec/catalog.schema.json', { with: { type: 'json' } })).default as { $defs: { objectKind: { enum: string[] } } };
    expect(schema.$defs.objectKind.enum).toEqual([...OBJECT_KINDS]);
  });
});
