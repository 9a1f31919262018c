// cr diff on two revisions of the seed CR (fixtures/spec/cr-fixtures): base.txt is cr-text.txt with 5.4.2's first
// statement at SHOULD; head.txt reflows two paragraphs, renumbers 5.4.2 as 5.4.3, moves a paragraph, raises the
// SHOULD to SHALL, adds a Table 1 row (with a SHALL inside) and a SHALL in 5.4.3, removes a MAY statement and
// rewords a SHALL statement and a row's note. Every change must be classified as that, and nothing else reported.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crDiff, crImpactProblems } from '../../harness/cr/command.js';
import type { ChangeEntry, CrImpactReport } from '../../harness/cr/impact.js';
import { renderMarkdown } from '../../harness/cr/render.js';
import { buildCatalog, catalogValidators } from '../../harness/spec/catalog.js';
import { ALL_CASES } from '../../suites/index.js';

const FIX = 'fixtures/spec/cr-fixtures';
const cases = ALL_CASES.map((c) => c.meta);
const report: CrImpactReport = await crDiff({ base: `${FIX}/base.txt`, head: `${FIX}/head.txt`, cases, now: new Date('2026-01-01T00:00:00Z') });
const byId = (id: string): ChangeEntry => {
  const e = report.changes.find((c) => (c.requirement ?? c.proposedRecord?.id) === id);
  if (!e) throw new Error(`no change for ${id}: ${report.changes.map((c) => c.requirement ?? c.proposedRecord?.id).join(', ')}`);
  return e;
};
const casesOf = (id: string): string[] => cases.filter((c) => c.requirements.includes(id)).map((c) => c.id);

describe('cr diff: classification', () => {
  it('reports exactly the edits of the head, each once', () => {
    expect(report.changes.map((c) => [c.requirement ?? `${c.proposedRecord?.id} (proposed)`, c.changes])).toEqual([
      ['mo.subject', ['reworded', 'presence-changed']],
      ['mo.message-correlator.matches-context', ['moved']],
      ['mo.content-type.inner-types', ['removed']],
      ['mo.message-origin-identity (proposed)', ['added']],
      ['mo.message-origin-identity.present-objects-containing-standalone (proposed)', ['added']],
      ['push.status-change', ['level-changed']],
      ['push.trigger-identity', ['reworded']],
      ['push.send-notification-push-enabler (proposed)', ['added']],
    ]);
    expect(report.summary).toMatchObject({ changed: 8, added: 3, removed: 1, reworded: 2, levelChanged: 1, presenceChanged: 1, moved: 1, uncovered: 3 });
    expect(crImpactProblems(report)).toEqual([]);
  });

  it('reflowed lines are no change (5.4.1 NOTIFY statement, Table 1 From row)', () => {
    const ids = report.changes.map((c) => c.requirement);
    expect(ids).not.toContain('notify.imap.shall-notify');
    expect(ids).not.toContain('mo.from');
  });

  it('a renumbered clause is reported once; its statements keep their IDs and are not "moved"', () => {
    expect(report.clausesRenumbered).toEqual([{ title: 'Notifications to CPM PUSH Enabler', before: '5.4.2', after: '5.4.3' }]);
    const e = byId('push.status-change');
    expect(e.clause).toEqual({ before: '5.4.2', after: '5.4.3' });
    expect(e.changes).not.toContain('moved');
  });

  it('SHOULD → SHALL is a level change with the cases covering it', () => {
    const e = byId('push.status-change');
    expect(e.level).toEqual({ before: 'SHOULD', after: 'SHALL' });
    expect(e.wordDiff).toContain('[-SHOULD-]{+SHALL+}');
    expect(e.cases).toEqual(casesOf('push.status-change'));
    expect(e.coverage).toBe('covered');
  });

  it('a reworded statement has its word diff and keeps its ID', () => {
    const e = byId('push.trigger-identity');
    expect(e.text.before).toBe('The Message Storage Server SHALL include the device identity that triggered the status change along with the notification details.');
    expect(e.wordDiff).toBe('The Message Storage Server SHALL include the [-device -]identity {+of the device +}that triggered the status change [-along with-]{+in+} the notification details.');
    expect(e.similarity).toBeGreaterThan(0.6);
    expect(e.cases.length).toBeGreaterThan(0);
  });

  it('a reworded row note changes the presence per object kind and names the record whose text is gone', () => {
    const e = byId('mo.subject');
    expect(e.presence).toEqual([{ kind: 'group-state', before: null, after: 'absent' }]);
    expect(e.affectedRecords).toEqual(['mo.subject.absent-in-chat']);
  });

  it('a moved paragraph is "moved" and nothing else', () => {
    const e = byId('mo.message-correlator.matches-context');
    expect(e.text.before).toBe(e.text.after);
    expect(e.line.after).toBeLessThan(e.line.before!);
  });

  it('a removed statement orphans the cases that only covered it', () => {
    const e = byId('mo.content-type.inner-types');
    expect(e.coverage).toBe('removed');
    expect(e.cases).toEqual(casesOf('mo.content-type.inner-types'));
    expect(report.orphanedCases.map((o) => o.case).sort()).toEqual(casesOf('mo.content-type.inner-types').sort());
    for (const o of report.orphanedCases) expect(o.removed).toEqual(['mo.content-type.inner-types']);
  });

  it('new statements are uncovered, each with a catalog record to paste', () => {
    expect(report.uncovered.map((u) => [u.proposedId, u.clause, u.level])).toEqual([
      ['mo.message-origin-identity', '5.2.1', 'Optional'],
      ['mo.message-origin-identity.present-objects-containing-standalone', '5.2.1', 'SHALL'],
      ['push.send-notification-push-enabler', '5.4.3', 'SHALL'],
    ]);
    const row = byId('mo.message-origin-identity');
    expect(row.proposedRecord).toEqual({
      id: 'mo.message-origin-identity', kind: 'table-row', clause: '5.2.1', table: 'Table 1', header: 'Message-origin-identity',
      title: 'Message-origin-identity: Device identity of the CPM client that …',
      text: 'Device identity of the CPM client that sent the message. It SHALL be present in message objects containing: - CPM Standalone Messages, - CPM Chat Messages.',
      level: 'Optional', origin: 'cr', appliesTo: ['standalone', 'chat', 'imdn', 'sms', 'mms'], source: 'CR Table 1', testability: 'testable',
    });
    expect(row.presence).toEqual(expect.arrayContaining([{ kind: 'standalone', before: null, after: 'required' }, { kind: 'imdn', before: null, after: 'optional' }]));
    expect(byId('mo.message-origin-identity.present-objects-containing-standalone').proposedRecord).toMatchObject({
      kind: 'statement', parent: 'mo.message-origin-identity', level: 'SHALL', table: 'Table 1',
    });
    expect(byId('push.send-notification-push-enabler').proposedRecord).toMatchObject({
      kind: 'statement', level: 'SHALL', condition: { feature: 'push' }, source: 'CR §5.4.3',
      text: 'The Message Storage Server SHALL send the notification to the CPM PUSH Enabler within 5 seconds of the status change.',
    });
  });

  it('the proposed records of clauses the catalog knows pass the catalog schema', () => {
    const doc = JSON.parse(readFileSync('fixtures/spec/requirements.json', 'utf8')) as { requirements: unknown[] };
    const ambiguities = JSON.parse(readFileSync('fixtures/spec/ambiguities.json', 'utf8')) as unknown;
    const proposals = report.changes.map((c) => c.proposedRecord).filter((p) => p !== null && p.clause !== '5.4.3');
    expect(proposals).toHaveLength(2);
    const extended = { ...doc, requirements: [...doc.requirements, ...proposals] };
    expect(catalogValidators().requirements(extended), JSON.stringify(catalogValidators().requirements.errors)).toBe(true);
    expect(() => buildCatalog(extended, ambiguities)).not.toThrow();
  });

  it('flags ambiguity records whose statements changed text or whose clause was renumbered', () => {
    const flagged = new Map(report.ambiguities.map((a) => [a.id, a.reasons]));
    expect(flagged.get('amb.content-type-scope')).toEqual(['mo.content-type.inner-types: removed']);
    expect(flagged.get('amb.shall-notifies')).toEqual(['push.status-change: level-changed', 'clause 5.4.2 is now 5.4.3']);
    expect(flagged.get('amb.identity-form')).toEqual(['push.trigger-identity: reworded']);
    // Moved within its clause, same text: nothing to revisit.
    expect([...flagged.values()].flat().some((r) => r.includes('matches-context'))).toBe(false);
  });

  it('the same revision against itself gives no change', async () => {
    const same = await crDiff({ base: `${FIX}/head.txt`, head: `${FIX}/head.txt`, cases });
    expect(same.changes).toEqual([]);
    expect(same.summary.line).toBe('0 statements changed, 0 uncovered');
  });

  it('the working catalog against the seed CR text gives no change (catalog directory vs text)', async () => {
    const r = await crDiff({ base: 'fixtures/spec', head: 'fixtures/spec/cr-text.txt', cases });
    expect(r.base).toMatchObject({ kind: 'catalog', catalog: 'own', rows: 27 });
    expect(r.changes).toEqual([]);
  });

  it('the markdown report lists every change, the word diff and the proposed records', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('**8 statements changed, 3 uncovered, 3 cases lost a requirement**');
    expect(md).toContain('### 6. level changed: push.status-change, §5.4.3');
    expect(md).toContain('- Level: SHOULD → SHALL');
    expect(md).toContain('~~along with~~**in**');
    expect(md).toContain('"id": "push.send-notification-push-enabler"');
    expect(md).toContain('clause 5.4.2 → 5.4.3');
  });
});
