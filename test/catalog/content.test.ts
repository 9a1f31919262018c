// Content of the catalog against the CR text itself (fixtures/spec/cr-text.txt): counts, headers, verbatim texts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Requirement, loadCatalog } from '../../harness/spec/catalog.js';

const catalog = loadCatalog();
const crRaw = readFileSync(new URL(`../../fixtures/spec/${catalog.document.sourceFile}`, import.meta.url), 'utf8');
const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();
const cr = collapse(crRaw);

/** Header and status of every row of a table, read from the CR text: a header line followed by its status line. */
function tableRows(from: string, to: string): { header: string; status: string }[] {
  const start = crRaw.indexOf(from);
  const end = crRaw.indexOf(to, start);
  const lines = crRaw.slice(start, end).split('\n');
  const rows: { header: string; status: string }[] = [];
  lines.forEach((line, i) => {
    const status = /^\t(Mandatory|Optional)\s*$/.exec(lines[i + 1] ?? '')?.[1];
    const header = /^\t(\S+)\s*$/.exec(line)?.[1];
    if (header && status) rows.push({ header, status });
  });
  return rows;
}
const TABLE_1 = tableRows('Change 1:', 'Table 1: MIME headers for the Message Object');
const TABLE_6 = tableRows('Change 2:', 'Table 6: MIME headers for the Voicemail Object');

const rowsOf = (table: string): Requirement[] =>
  catalog.requirements.filter((r) => r.kind === 'table-row' && r.table === table);
const crRecords = catalog.requirements.filter((r) => r.origin !== 'referenced');

type SchemaNode = Record<string, unknown>;
const PROFILE_SCHEMA = JSON.parse(readFileSync(new URL('../../fixtures/profiles/profile.schema.json', import.meta.url), 'utf8')) as SchemaNode;

function deref(n: SchemaNode): SchemaNode[] {
  const ref = n['$ref'];
  const base = typeof ref === 'string' ? deref((PROFILE_SCHEMA['$defs'] as Record<string, SchemaNode>)[ref.replace('#/$defs/', '')]!) : [];
  const alts = ['anyOf', 'oneOf', 'allOf'].flatMap((k) => ((n[k] as SchemaNode[] | undefined) ?? []).flatMap(deref));
  return [n, ...base, ...alts];
}

/** The schema node of a dotted profile path (`a.b[].c`), or undefined when the profile has no such field. */
function profileSchemaNode(path: string): SchemaNode | undefined {
  let nodes = deref(PROFILE_SCHEMA);
  for (const part of path.split('.')) {
    const name = part.replace(/\[\]$/, '');
    let next = nodes.flatMap((n) => {
      const p = (n['properties'] as Record<string, SchemaNode> | undefined)?.[name];
      return p ? deref(p) : [];
    });
    if (part.endsWith('[]')) next = next.flatMap((n) => (n['items'] ? deref(n['items'] as SchemaNode) : []));
    if (next.length === 0) return undefined;
    nodes = next;
  }
  return { anyOf: nodes };
}

function allowedValues(n: SchemaNode): unknown[] {
  return deref(n).flatMap((x) => [...((x['enum'] as unknown[] | undefined) ?? []), ...(x['const'] !== undefined ? [x['const']] : [])]);
}

describe('catalog against the CR text', () => {
  it('names the CR copy it was taken from, unchanged', () => {
    expect(createHash('sha256').update(crRaw).digest('hex')).toBe(catalog.document.sourceSha256);
    expect(catalog.document.version).toBeNull();
    expect(catalog.document.date).toBeNull();
  });

  it('reads 15 rows in Table 1 and 12 in Table 6 from the CR text', () => {
    expect(TABLE_1).toHaveLength(15);
    expect(TABLE_6).toHaveLength(12);
    expect(catalog.document.tables.map((t) => [t.id, t.rowCount])).toEqual([['Table 1', 15], ['Table 6', 12]]);
  });

  it.each([
    ['Table 1', TABLE_1],
    ['Table 6', TABLE_6],
  ])('has one record per %s row with the verbatim header and status, in table order', (table, rows) => {
    expect(rowsOf(table).map((r) => ({ header: r.header, status: r.level }))).toEqual(rows);
  });

  it('uses the fixed IDs for the table rows', () => {
    expect(rowsOf('Table 1').map((r) => r.id)).toEqual([
      'mo.from', 'mo.to', 'mo.date', 'mo.subject', 'mo.p-asserted-service', 'mo.conversation-id', 'mo.contribution-id',
      'mo.inreplyto-contribution-id', 'mo.imdn-message-id', 'mo.message-correlator', 'mo.message-context', 'mo.content-type',
      'mo.message-body', 'mo.message-seen-identity', 'mo.message-delete-identity',
    ]);
    expect(rowsOf('Table 6').map((r) => r.id)).toEqual([
      'vm.from', 'vm.to', 'vm.date', 'vm.subject', 'vm.conversation-id', 'vm.contribution-id', 'vm.imdn-message-id',
      'vm.message-context', 'vm.content-type', 'vm.message-body', 'vm.message-seen-identity', 'vm.message-delete-identity',
    ]);
    expect(rowsOf('Table 6').every((r) => r.clause === '5.2.x' && r.intendedClause === '5.2.10')).toBe(true);
  });

  it('has every statement other code refers to, with its parent row', () => {
    const expected: Record<string, string> = {
      'mo.subject.absent-in-chat': 'mo.subject',
      'mo.p-asserted-service.present-for-kinds': 'mo.p-asserted-service',
      'mo.p-asserted-service.absent-for-kinds': 'mo.p-asserted-service',
      'mo.inreplyto-contribution-id.absent-in-chat': 'mo.inreplyto-contribution-id',
      'mo.imdn-message-id.from-imdn': 'mo.imdn-message-id',
      'mo.imdn-message-id.generated-unique': 'mo.imdn-message-id',
      'mo.message-correlator.sms-text': 'mo.message-correlator',
      'mo.message-correlator.mms-message-id': 'mo.message-correlator',
      'mo.message-correlator.matches-context': 'mo.message-correlator',
      'mo.message-context.legacy-only': 'mo.message-context',
      'mo.message-context.required-with-correlator': 'mo.message-context',
      'mo.message-context.legacy-values': 'mo.message-context',
      'mo.content-type.cpim': 'mo.content-type',
      'mo.content-type.inner-types': 'mo.content-type',
      'mo.message-body.as-received': 'mo.message-body',
      'mo.message-body.group-recipients': 'mo.message-body',
      'vm.conversation-id.fallback-uuid': 'vm.conversation-id',
      'vm.contribution-id.uuid': 'vm.contribution-id',
    };
    for (const [id, parent] of Object.entries(expected)) {
      expect({ id, kind: catalog.byId(id).kind, parent: catalog.byId(id).parent }).toEqual({ id, kind: 'statement', parent });
    }
    expect(catalog.byId('vm.header-copied-from-encapsulated').covers).toEqual(['vm.from', 'vm.to', 'vm.date', 'vm.subject']);
  });

  it('places every statement in its parent’s clause and table', () => {
    const misplaced = catalog.requirements
      .filter((r) => r.parent !== undefined)
      .filter((r) => {
        const p = catalog.byId(r.parent ?? '');
        return p.clause !== r.clause || p.table !== r.table;
      })
      .map((r) => r.id);
    expect(misplaced).toEqual([]);
  });

  it('records the conditions of the conditional statements', () => {
    expect(catalog.byId('mo.p-asserted-service.present-for-kinds')).toMatchObject({
      level: 'SHALL', condition: { objectKinds: ['standalone', 'imdn', 'ft-history'] },
    });
    expect(catalog.byId('mo.message-context.required-with-correlator')).toMatchObject({
      level: 'SHALL', condition: { headerPresent: 'Message-Correlator' },
    });
    expect(catalog.byId('mo.message-correlator.sms-text').level).toBe('SHALL');
    expect(catalog.byId('mo.message-correlator.mms-message-id').level).toBe('SHALL');
    expect(catalog.byId('mo.content-type.inner-types').level).toBe('MAY');
    expect(catalog.byId('mo.message-body.group-recipients').level).toBe('MAY');
  });

  it('5.4.1: the conditional NOTIFY statement and its three content items', () => {
    const ids = crRecords.filter((r) => r.clause === '5.4.1').map((r) => r.id);
    expect(ids).toEqual([
      'notify.imap.shall-notify', 'notify.imap.content',
      'notify.imap.content.folder-size', 'notify.imap.content.next-uid', 'notify.imap.content.flags',
    ]);
    expect(catalog.byId('notify.imap.shall-notify')).toMatchObject({ level: 'conditional SHALL', condition: { feature: 'notify' } });
    expect(catalog.childrenOf('notify.imap.content').map((r) => r.id)).toEqual(ids.slice(2));
  });

  it('5.4.2: two SHALL statements, the first conditional on PUSH support', () => {
    expect(crRecords.filter((r) => r.clause === '5.4.2').map((r) => [r.id, r.level])).toEqual([
      ['push.status-change', 'conditional SHALL'],
      ['push.trigger-identity', 'SHALL'],
    ]);
    expect(catalog.byId('push.status-change').condition).toEqual({ feature: 'push' });
    expect(catalog.byId('push.status-change').text).toContain('SHALL notifies');
  });

  it('quotes every CR record verbatim (after collapsing whitespace)', () => {
    const notVerbatim = crRecords.filter((r) => r.text !== collapse(r.text) || !cr.includes(r.text)).map((r) => r.id);
    expect(notVerbatim).toEqual([]);
  });

  it('marks as added by the CR exactly the identity rows and the text of Change 3', () => {
    const added = crRecords.filter((r) => r.origin === 'cr').map((r) => r.id);
    expect(added.every((id) => /^(?:mo|vm)\.message-(?:seen|delete)-identity(?:\.|$)|^(?:notify|push)\./.test(id))).toBe(true);
    expect(added).toEqual(expect.arrayContaining(['mo.message-seen-identity', 'vm.message-delete-identity', 'push.status-change']));
    expect(crRecords.filter((r) => r.clause.startsWith('5.4')).every((r) => r.origin === 'cr')).toBe(true);
  });
});

describe('referenced RFC 5465 rules', () => {
  const rfc = catalog.requirements.filter((r) => r.origin === 'referenced');

  it('cover NT-01 to NT-23 of the notes, each referenced by the NOTIFY statement', () => {
    const refs = new Set(rfc.map((r) => r.notesRef));
    const expected = Array.from({ length: 23 }, (_, i) => `NT-${String(i + 1).padStart(2, '0')}`);
    expect(expected.filter((n) => !refs.has(n))).toEqual([]);
    expect(rfc.every((r) => r.id.startsWith('rfc5465.') && r.referencedBy?.includes('notify.imap.shall-notify'))).toBe(true);
    expect(rfc.every((r) => r.source.startsWith('RFC 5465 §'))).toBe(true);
  });

  it('include the rules the suites name', () => {
    for (const id of [
      'rfc5465.notify-none', 'rfc5465.set-implicit-noop', 'rfc5465.status-indicator', 'rfc5465.badevent',
      'rfc5465.flagchange-requires-new-expunge', 'rfc5465.new-expunge-together', 'rfc5465.omit-own-changes',
      'rfc5465.flagchange-fetch', 'rfc5465.messagenew', 'rfc5465.messageexpunge', 'rfc5465.mailboxname',
      'rfc5465.subscriptionchange', 'rfc5465.overflow', 'rfc5465.idle-same-events', 'rfc5465.selected-delayed',
    ]) {
      expect(catalog.find(id), id).toBeDefined();
    }
  });
});

describe('ambiguities', () => {
  it('each affect at least one existing requirement', () => {
    for (const a of catalog.ambiguities) {
      expect(a.affects.length, a.id).toBeGreaterThan(0);
      for (const id of a.affects) expect(catalog.find(id), `${a.id} -> ${id}`).toBeDefined();
    }
  });

  it('cover every open question A-1 to A-21 of the notes', () => {
    const refs = new Set(catalog.ambiguities.map((a) => a.notesRef));
    expect(Array.from({ length: 21 }, (_, i) => `A-${i + 1}`).filter((n) => !refs.has(n))).toEqual([]);
  });

  it('declare the target-profile settings other code reads', () => {
    const settings = (id: string): unknown[] => (catalog.ambiguityById(id).profileOption ?? []).map((o) => [o.setting, o.values]);
    expect(settings('amb.immutable-object')).toEqual([['features.identityBinding', ['header', 'none']]]);
    expect(settings('amb.device-learning')).toEqual([
      ['accounts.users[].devices[].announce', ['login', 'imap-id-before-login', 'imap-id-after-login']],
      ['accounts.imapId.key', undefined],
      ['accounts.pf.authzidFor', ['sasl-plain-authzid', 'login-star', 'login-template']],
      ['features.pfPath', ['rewrite', 'keyword', 'none']],
    ]);
    expect(settings('amb.push-timing')).toEqual([['push.timeoutMs', undefined], ['push.delivery.order', ['per-user', 'none']], ['push.delivery.graceMs', undefined]]);
    expect(settings('amb.push-format')).toContainEqual(['push.binding.identity', undefined]);
  });

  it('name only profile fields that exist, with values the profile schema allows', () => {
    for (const a of catalog.ambiguities) {
      for (const o of a.profileOption ?? []) {
        const node = profileSchemaNode(o.setting);
        expect(node, `${a.id}: ${o.setting} is not a field of fixtures/profiles/profile.schema.json`).toBeDefined();
        for (const v of o.values ?? []) expect(allowedValues(node!), `${a.id}: ${o.setting} = ${v}`).toContain(v);
      }
    }
  });

  it('docs name only profile fields that exist', () => {
    // reference-store/README.md is left out: its push.format etc. are the store's own options, not profile fields.
    const docs = ['README.md', 'fixtures/profiles/README.md', 'fixtures/push/README.md', 'fixtures/targets/dovecot/README.md'];
    let checked = 0;
    const missing: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8');
      // `push.binding.schema`, `features.pfPath`, `accounts.users[].devices[].id`: dotted paths from a top-level field.
      for (const m of text.matchAll(/`((?:target|accounts|features|push|timeouts)(?:\.[A-Za-z$][A-Za-z0-9]*(?:\[\])?)+)`/g)) {
        if (/\.(lua|json|ts|md|js|conf|xml)$/.test(m[1]!)) continue; // a file name such as push.lua
        checked++;
        if (profileSchemaNode(m[1]!) === undefined) missing.push(`${doc}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(3);
    expect(profileSchemaNode('push.binding.identityPointer')).toBeUndefined();
  });
});
