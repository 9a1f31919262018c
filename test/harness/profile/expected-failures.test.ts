// The expected-failure list a profile names: read relative to the profile, schema-checked with the place of each
// problem, no case listed twice, unknown case IDs found against the suite's catalog, and covered by the hash.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { validateProfileFile } from '../../../harness/profile/cli-validate.js';
import {
  expectedFailureOf,
  loadProfile,
  ProfileError,
  REFERENCE_PROFILE_PATH,
  unknownExpectedCases,
  type ProfileProblem,
} from '../../../harness/profile/index.js';
import { ALL_CASES } from '../../../suites/index.js';

const CASE_IDS = ALL_CASES.map((c) => c.meta.id);
const DOVECOT_PROFILE = new URL('../../../fixtures/targets/dovecot/profile.json', import.meta.url).pathname;

const tmp = mkdtempSync(join(tmpdir(), 'cpm-expected-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const entry = (id: string, extra: Record<string, string> = {}) => ({ case: id, reason: 'RFC 5465 §5: answers OK instead of BAD', evidence: 'KNOWN.md#x', ...extra });

/** A copy of the reference profile in its own folder, naming `list` (written as given) as its expected failures. */
function profileWith(list: unknown, name = `p${Math.random().toString(16).slice(2)}`): string {
  const dir = mkdtempSync(join(tmp, `${name}-`));
  const p = JSON.parse(readFileSync(REFERENCE_PROFILE_PATH, 'utf8'));
  delete p.$schema;
  p.expectedFailures = './xfail.json';
  writeFileSync(join(dir, 'xfail.json'), typeof list === 'string' ? list : JSON.stringify(list, null, 2));
  const file = join(dir, 'profile.json');
  writeFileSync(file, JSON.stringify(p, null, 2));
  return file;
}

function problems(file: string): ProfileProblem[] {
  try {
    loadProfile(file, {});
  } catch (e) {
    if (e instanceof ProfileError) return e.problems;
    throw e;
  }
  return [];
}

describe('expected-failure list of a profile', () => {
  test('the Dovecot profile names eight known deviations, each with its evidence in KNOWN.md', () => {
    const p = loadProfile(DOVECOT_PROFILE, {});
    const list = p.expectedFailures!;
    expect(list.file).toMatch(/fixtures\/targets\/dovecot\/expected-failures\.json$/);
    expect(list.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(list.entries.map((e) => e.case).sort()).toEqual(
      [
        'notify.metadata.mailbox-change',
        'notify.other.flagchange.status-highestmodseq',
        'notify.selected.flagchange.fetch-uid-flags',
        'notify.selected.unsolicited-after-own-command',
        'notify.set.flagchange-alone-bad',
        'notify.set.new-expunge-together-bad',
        'notify.set.one-selected-specifier',
        'notify.set.unsupported-event-no',
      ].sort(),
    );
    expect(unknownExpectedCases(list, CASE_IDS)).toEqual([]);
    const known = readFileSync(new URL('../../../fixtures/targets/dovecot/KNOWN.md', import.meta.url), 'utf8');
    for (const e of list.entries) {
      const anchor = /^KNOWN\.md#([a-z0-9-]+)$/.exec(e.evidence)?.[1];
      expect(anchor, e.case).toBeDefined();
      expect(known, e.evidence).toContain(`<a id="${anchor}"></a>`);
      expect(known, e.case).toContain(`Case \`${e.case}\``);
    }
  });

  test('a profile without the member has no list; a valid list is read relative to the profile', () => {
    expect(loadProfile(REFERENCE_PROFILE_PATH, {}).expectedFailures).toBeUndefined();
    const file = profileWith({ expectedFailures: [entry('notify.set.new-expunge-together-bad', { reference: 'https://tracker.example/1' })] });
    const p = loadProfile(file, {});
    expect(p.expectedFailures?.file).toBe(join(file, '..', 'xfail.json'));
    expect(expectedFailureOf(p.expectedFailures, 'notify.set.new-expunge-together-bad')).toEqual(entry('notify.set.new-expunge-together-bad', { reference: 'https://tracker.example/1' }));
    expect(expectedFailureOf(p.expectedFailures, 'notify.set.flagchange-alone-bad')).toBeUndefined();
  });

  test('a missing file, invalid JSON and schema violations are profile problems naming the file, the place and the line', () => {
    const missing = profileWith({ expectedFailures: [] });
    writeFileSync(missing, readFileSync(missing, 'utf8').replace('./xfail.json', './nowhere.json'));
    expect(problems(missing).map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^\/expectedFailures: cannot read the expected-failure list .*nowhere\.json \(no such file\)$/)]);

    expect(problems(profileWith('{ "expectedFailures": [ }'))[0]?.message).toMatch(/^xfail\.json: invalid JSON: .*\(line 1, column \d+\)$/);

    const bad = problems(
      profileWith({
        expectedFailures: [
          { case: 'notify.set.new-expunge-together-bad', reason: 'two\nlines', evidence: 'KNOWN.md#x' },
          { case: 'Not An ID', reason: 'r', evidence: 'e' },
          { case: 'notify.set.flagchange-alone-bad', reason: 'r' },
          { case: 'notify.set.one-selected-specifier', reason: 'r', evidence: 'e', bug: 'x' },
        ],
      }),
    ).map((p) => `${p.path}: ${p.message}`);
    expect(bad).toEqual([
      '/expectedFailures: xfail.json /expectedFailures/0/reason: must be one non-empty line (line 5, column 17)',
      "/expectedFailures: xfail.json /expectedFailures/1/case: must be a case ID (lower case letters, digits, '.', ':' and '-'; see `cpm-conformance list`) (line 9, column 15)",
      '/expectedFailures: xfail.json /expectedFailures/2/evidence: is required (line 13, column 5)',
      '/expectedFailures: xfail.json /expectedFailures/3/bug: unknown property "bug" (allowed: case, reason, evidence, reference) (line 21, column 14)',
    ]);
  });

  test('a case listed twice is a problem', () => {
    const dup = problems(profileWith({ expectedFailures: [entry('notify.set.flagchange-alone-bad'), entry('notify.set.flagchange-alone-bad')] }));
    expect(dup.map((p) => p.message)).toEqual([expect.stringMatching(/^xfail\.json \/expectedFailures\/1\/case: "notify\.set\.flagchange-alone-bad" is listed twice \(also \/expectedFailures\/0\)/)]);
  });

  test('unknown case IDs are found against the catalog, with a suggestion; validate-profile reports them (exit 2)', () => {
    const file = profileWith({ expectedFailures: [entry('notify.set.new-expunge-together-bad'), entry('notify.set.flagchange-alone-badd'), entry('no.such.case')] });
    const p = loadProfile(file, {});
    const unknown = unknownExpectedCases(p.expectedFailures, CASE_IDS).map((x) => `${x.path}: ${x.message}`);
    expect(unknown).toEqual([
      '/expectedFailures: xfail.json /expectedFailures/1/case: no case "notify.set.flagchange-alone-badd" in the suite (did you mean "notify.set.flagchange-alone-bad"?); see `cpm-conformance list`',
      '/expectedFailures: xfail.json /expectedFailures/2/case: no case "no.such.case" in the suite; see `cpm-conformance list`',
    ]);
    const r = validateProfileFile(file, {}, CASE_IDS);
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ exitCode: 2, message: expect.stringContaining('2 problem(s)') });
    // Without the catalog (the profile module alone) the list is only schema-checked.
    expect(validateProfileFile(file, {}).ok).toBe(true);
  });

  test('the profile hash covers the entries, not how the file is formatted', () => {
    const one = loadProfile(profileWith({ expectedFailures: [entry('notify.set.new-expunge-together-bad')] }), {}).sha256;
    const reformatted = profileWith('{"expectedFailures":[' + JSON.stringify(entry('notify.set.new-expunge-together-bad')) + ']}');
    expect(loadProfile(reformatted, {}).sha256).toBe(one);
    const other = loadProfile(profileWith({ expectedFailures: [entry('notify.set.flagchange-alone-bad')] }), {}).sha256;
    expect(other).not.toBe(one);
    const none = loadProfile(REFERENCE_PROFILE_PATH, {}).sha256;
    expect(one).not.toBe(none);
  });
});
