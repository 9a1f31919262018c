// Proof that the 5.4.2 PUSH cases detect what they claim: the expectations of push-expectations.ts are consistent
// with the catalog (a switch only fails cases of a requirement it violates, every case is failed by a switch),
// every applicable case passes without faults at the kill tests' short timeout, and a schema the payloads cannot
// meet fails exactly the schema cases. That each switch fails exactly the expected cases is checked on the kill
// matrix's own runs (kill-matrix/push.test.ts) and on every binding variant (variants.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { pushCases } from '../../suites/push/push-cases.js';
import { detects, profile, runCases, summary, SWITCHES } from './push-expectations.js';

const rewriteCases = pushCases.filter((c) => c.meta.id.includes('.pf-rewrite.'));
const otherCases = pushCases.filter((c) => !c.meta.id.includes('.pf-rewrite.'));

const TARGETS = [
  { name: 'pfPath keyword', profile: profile('keyword'), cases: otherCases },
  { name: 'pfPath rewrite', profile: profile('rewrite'), cases: rewriteCases },
];


test('every switch the suite relies on exists, and the catalog names what it violates', () => {
  expect(SWITCHES.map((f) => f.name).sort()).toEqual(
    [
      'delete-identity-not-recorded', 'delete-identity-not-recorded:vm', 'identity-not-recorded', 'identity-not-recorded:vm',
      'push-delayed', 'push-duplicate', 'push-invalid-payload', 'push-no-delete', 'push-no-seen', 'push-no-voicemail', 'push-omit-identity', 'push-pf-identity', 'push-wrong-device',
    ].sort(),
  );
  // a case may only be made to fail by a switch that violates one of its requirements
  for (const f of SWITCHES) {
    for (const c of pushCases) {
      if (detects(f.name, c.meta.id)) expect(c.meta.requirements.some((r) => f.violates.includes(r)), `${f.name} → ${c.meta.id}`).toBe(true);
    }
  }
});

test('every case is made to fail by at least one switch', () => {
  const unkilled = pushCases.filter((c) => !SWITCHES.some((f) => detects(f.name, c.meta.id))).map((c) => c.meta.id);
  expect(unkilled).toEqual([]);
});

describe.each(TARGETS)('reference store, $name', ({ profile: p, cases }) => {
  test.concurrent('without faults every applicable case passes', { timeout: 60_000 }, async () => {
    const results = await runCases(p, [], cases);
    const applicable = results.filter((r) => r.verdict !== 'not-applicable');
    expect(applicable.length).toBe(cases.length);
    expect(summary(applicable.filter((r) => r.verdict !== 'passed'))).toEqual([]);
  });
});

// push-invalid-payload breaks the reference payload itself; a binding schema the payloads cannot meet shows in
// addition that the schema cases (and only they) judge the payload against the schema the profile declares.
test('a binding schema the payloads do not meet fails exactly the schema cases', { timeout: 60_000 }, async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'push-kill-')), 'strict.schema.json');
  writeFileSync(
    file,
    JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['statusChange', 'vendorSequence'] }),
  );
  const p = profile('keyword');
  p.push.binding.schema = file;
  const results = await runCases(p, [], otherCases);
  const failed = results.filter((r) => r.verdict !== 'passed' && r.verdict !== 'not-applicable');
  expect(failed.map((r) => r.id)).toEqual(otherCases.map((c) => c.meta.id).filter((id) => id.endsWith('.schema-valid')).sort());
  expect(failed.every((r) => r.verdict === 'failed' && /break the binding schema/.test(r.message))).toBe(true);
});
