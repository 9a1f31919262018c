// The catalog can never drift from the CR silently: every normative statement of fixtures/spec/cr-text.txt (table
// rows, keyword sentences) is in fixtures/spec/requirements.json, and every CR requirement there is in the text,
// in its own row or clause. The check itself must catch each kind of drift.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractText } from '../../harness/cr/extract.js';
import { checkCatalogAgainstText } from '../../harness/cr/ids.js';
import type { Requirement } from '../../harness/spec/catalog.js';
import { workingCatalog } from '../../harness/cr/command.js';

const text = readFileSync('fixtures/spec/cr-text.txt', 'utf8');
const catalog = workingCatalog();
const withRecords = (f: (rs: Requirement[]) => Requirement[]) => ({ ...catalog, requirements: f([...catalog.requirements]) });

describe('catalog ↔ CR text', () => {
  it('agree: nothing in the text is missing from the catalog, nothing in the catalog is missing from the text', () => {
    expect(checkCatalogAgainstText(catalog, text)).toEqual([]);
  });

  it('the text has the 27 table rows and the keyword statements the catalog records', () => {
    const x = extractText(text);
    expect(x.units.filter((u) => u.kind === 'row')).toHaveLength(27);
    expect(x.units.filter((u) => u.kind === 'statement').map((u) => [u.clause, u.level])).toEqual([
      ['5.2.1', 'SHALL'], ['5.2.1', 'SHALL'], ['5.2.1', 'SHALL'], ['5.2.1', 'SHALL'], ['5.2.1', 'SHALL'],
      ['5.2.1', 'MAY'], ['5.2.1', 'MAY'],
      ['5.4.1', 'SHALL'], ['5.4.1', 'MAY'],
      ['5.4.2', 'SHALL'], ['5.4.2', 'SHALL'],
    ]);
  });

  it('catches a statement of the text that no record quotes', () => {
    const t = text.replace('The Message Storage Server SHALL include', 'The Message Storage Server SHALL NOT drop notifications. The Message Storage Server SHALL include');
    expect(checkCatalogAgainstText(catalog, t)).toEqual([
      'text line 255 (§5.4.2): SHALL NOT statement not in the catalog: "The Message Storage Server SHALL NOT drop notifications."',
    ]);
  });

  it('catches a record whose statement is not in the text', () => {
    const t = text.replace('For MMS message objects the value SHALL be set to the Message-ID field value as defined in [OMA-MMS-ENC].', '');
    expect(checkCatalogAgainstText(catalog, t)).toEqual(expect.arrayContaining([
      'mo.message-correlator.mms-message-id: SHALL statement not in the text (or not in its row / clause): "For MMS message objects the value SHALL be set to the Message-ID field value as defined in [OMA-MMS-ENC]."',
    ]));
  });

  it('catches a missing record, a level that differs, a row status that differs and a record in the wrong row', () => {
    const problems = checkCatalogAgainstText(
      withRecords((rs) =>
        rs
          .filter((r) => r.id !== 'mo.message-context.required-with-correlator')
          .map((r) => (r.id === 'mo.content-type.inner-types' ? { ...r, level: 'SHOULD' as const } : r))
          .map((r) => (r.id === 'vm.contribution-id' ? { ...r, level: 'Mandatory' as const } : r))
          .map((r) => (r.id === 'mo.subject.absent-in-chat' ? { ...r, parent: 'mo.to' } : r)),
      ),
      text,
    );
    expect(problems).toEqual([
      'vm.contribution-id: status Mandatory, the text says Optional',
      'text line 122 (Table 1 Message-Context): SHALL statement not in the catalog: "It SHALL be present if a Message-Correlator header is present."',
      'mo.content-type.inner-types: level SHOULD, the text says MAY',
      'mo.subject.absent-in-chat: not in the text of Table 1 row To: "Note: it is not present in CPM Chat Messages (included in the session info object instead)."',
    ]);
  });

  it('catches a table row the text has and the catalog lacks, and the reverse', () => {
    const t = text.replace('\tMessage-delete-identity\n\tOptional\n\tDevice identity of the CPM client that deleted the message.', '\tMessage-erase-identity\n\tOptional\n\tDevice identity of the CPM client that deleted the message.');
    const problems = checkCatalogAgainstText(catalog, t);
    expect(problems).toContain('text line 156 (Table 1 Message-erase-identity): row "Message-erase-identity" has no table-row record');
    expect(problems).toContain('mo.message-delete-identity: table row "Message-delete-identity" of Table 1 is not in the text');
  });
});
