// cr diff --results: what the head revision does to stored runs. A level change is computed from the stored
// outcomes (a SHOULD warning is a failure under SHALL, a MUST failure a warning under SHOULD); the cases of a
// reworded statement are listed to re-run; a run.json of another format is refused, naming the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crDiff } from '../../harness/cr/command.js';
import { InputError } from '../../harness/cr/sources.js';
import { ALL_CASES } from '../../suites/index.js';
import { DOVECOT_WARNINGS, makeRun, storeRun } from './runs.js';

const FIX = 'fixtures/spec/cr-fixtures';
const cases = ALL_CASES.map((c) => c.meta);
const dir = mkdtempSync(join(tmpdir(), 'cpm-cr-results-'));
const reports = join(dir, 'reports');
storeRun(reports, 'reference', makeRun('reference'));
storeRun(reports, 'dovecot', makeRun('dovecot', Object.fromEntries(DOVECOT_WARNINGS.map((id) => [id, 'warning']))));
const shouldCases = cases.filter((c) => c.requirements.includes('push.status-change') && c.level === 'SHOULD').map((c) => c.id);

const report = await crDiff({ base: `${FIX}/base.txt`, head: `${FIX}/head.txt`, cases, results: [reports] });
const dovecot = report.runs.find((r) => r.label === 'Dovecot')!;
const reference = report.runs.find((r) => r.label === 'cpm-reference-store')!;

describe('cr diff --results', () => {
  it('reads every run of a reports folder', () => {
    expect(report.runs.map((r) => r.label).sort()).toEqual(['Dovecot', 'cpm-reference-store']);
  });

  it('SHOULD → SHALL: the SHOULD warnings of Dovecot become failures, and the run fails', () => {
    expect(dovecot.before).toEqual({ outcome: 'passed', exitCode: 0, verdict: 'conformant' });
    expect(dovecot.after).toEqual({ outcome: 'failed', exitCode: 1 });
    expect([...dovecot.wouldFail].sort()).toEqual([...DOVECOT_WARNINGS].sort());
    const e = report.changes.find((c) => c.requirement === 'push.status-change')!;
    const effects = e.effects.find((x) => x.run === 'Dovecot')!.cases;
    // Only the SHOULD cases follow the statement's level; the MUST ones are unchanged and not listed.
    expect(effects.map((c) => c.case).sort()).toEqual([...shouldCases].sort());
    expect(effects.find((c) => c.case === 'push.message.seen.direct.exactly-one')).toEqual({
      case: 'push.message.seen.direct.exactly-one',
      level: { before: 'SHOULD', after: 'MUST' },
      verdict: { before: 'warning', after: 'failed' },
      status: { before: 'WARN', after: 'FAIL' },
      failsRun: { before: false, after: true },
      effect: 'would-fail',
    });
    expect(effects.find((c) => c.case === 'push.message.deleted.direct.exactly-one')).toMatchObject({
      status: { before: 'PASS', after: 'PASS' }, effect: 'unchanged', level: { before: 'SHOULD', after: 'MUST' },
    });
  });

  it('the reference store passes either way', () => {
    expect(reference.before.outcome).toBe('passed');
    expect(reference.after.outcome).toBe('passed');
    expect(reference.wouldFail).toEqual([]);
  });

  it('the cases of a reworded statement, a reworded row and a removed requirement are to re-run', () => {
    const reworded = cases.filter((c) => c.requirements.some((r) => ['push.trigger-identity', 'mo.subject', 'mo.content-type.inner-types'].includes(r))).map((c) => c.id);
    expect([...dovecot.needsRerun].sort()).toEqual([...new Set(reworded)].sort());
    const e = report.changes.find((c) => c.requirement === 'mo.content-type.inner-types')!;
    expect(e.effects[0]!.cases[0]).toMatchObject({
      effect: 'needs-rerun', verdict: { before: 'passed', after: null },
      note: 'covers mo.content-type.inner-types, which the new text removes; still covers mo.message-body.as-received',
    });
    expect(dovecot.orphaned).toEqual([]);
  });

  it('the summary line names the implementations that would stop conforming', () => {
    expect(report.summary.line).toMatch(/^8 statements changed, 3 uncovered, 3 cases lost a requirement, (?:Dovecot: 3 cases would fail, \d+ to re-run, cpm-reference-store: 0 cases would fail, \d+ to re-run|cpm-reference-store: 0 cases would fail, \d+ to re-run, Dovecot: 3 cases would fail, \d+ to re-run)$/);
  });

  it('SHALL → SHOULD (head → base): a MUST failure is a warning, the run passes', async () => {
    const failing = storeRun(dir, 'dovecot-failing', makeRun('dovecot', { 'push.message.seen.direct.device-a.notified-with-identity': 'failed' }));
    const r = await crDiff({ base: `${FIX}/head.txt`, head: `${FIX}/base.txt`, cases, results: [failing] });
    expect(r.runs[0]).toMatchObject({ before: { outcome: 'failed', exitCode: 1 }, after: { outcome: 'passed', exitCode: 0 } });
    expect(r.runs[0]!.wouldPass).toContain('push.message.seen.direct.device-a.notified-with-identity');
    const e = r.changes.find((c) => c.requirement === 'push.status-change')!;
    expect(e.level).toEqual({ before: 'SHALL', after: 'SHOULD' });
    expect(e.effects[0]!.cases.find((c) => c.case === 'push.message.seen.direct.device-a.notified-with-identity')).toMatchObject({
      status: { before: 'FAIL', after: 'WARN' }, effect: 'would-pass',
    });
  });

  it('refuses a run.json of another format or shape, naming the file', async () => {
    const old = join(dir, 'old');
    storeRun(dir, 'old', { ...makeRun('reference'), format: 2 } as unknown as ReturnType<typeof makeRun>);
    await expect(crDiff({ base: `${FIX}/base.txt`, head: `${FIX}/head.txt`, cases, results: [old] })).rejects.toThrow(
      new InputError(`--results ${join(old, 'run.json')}: run.json format 2, this suite reads format 3`),
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 3, cases: [] }));
    await expect(crDiff({ base: `${FIX}/base.txt`, head: `${FIX}/head.txt`, cases, results: [bad] })).rejects.toThrow(/--results .*bad\.json: not a valid run\.json/);
  });
});
