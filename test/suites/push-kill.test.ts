// Proof that the 5.4.2 PUSH cases detect what they claim: against the reference store every applicable case
// passes without faults, and each push-* / identity-not-recorded* fault switch makes exactly the cases fail whose
// behaviour it breaks (detected = failed, or warning for a SHOULD case), while every other case still passes.
// The PF rewrite cases run against a second store declared with pfPath "rewrite".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CaseDefinition } from '../../harness/conformance/case.js';
import { Run } from '../../harness/conformance/context.js';
import { executeCase, type Verdict } from '../../harness/conformance/execute.js';
import { loadProfile, type Profile } from '../../harness/profile/index.js';
import { FAULTS } from '../../reference-store/faults.js';
import { pushCases } from '../../suites/push/push-cases.js';

/** Short enough that push-delayed (10 s) costs little, long enough for a loopback POST on a loaded machine. */
const PUSH_TIMEOUT_MS = 1500;
const CONCURRENCY = 8;

function profile(pfPath: 'keyword' | 'rewrite'): Profile {
  const p = structuredClone(loadProfile(undefined));
  p.features.pfPath = pfPath;
  p.push.timeoutMs = PUSH_TIMEOUT_MS;
  return p;
}

/** The parts of a case ID the expectations depend on. */
interface Shape {
  object: 'message' | 'voicemail';
  change: string;
  path: string;
  family: 'notified' | 'never-other' | 'exactly-one' | 'schema' | 'header';
}

function shape(id: string): Shape {
  const [, object, change, path] = id.split('.');
  const family = id.endsWith('.never-other-device')
    ? 'never-other'
    : id.endsWith('.exactly-one')
      ? 'exactly-one'
      : id.endsWith('.schema-valid')
        ? 'schema'
        : id.endsWith('.header-names-notified-device')
          ? 'header'
          : 'notified'; // notified-with-identity, incl. the single-device, other-user and unseen cases
  return { object: object as Shape['object'], change: change!, path: path!, family };
}

/** Whether `fault` must make the case fail (or warn), read from what the case observes. */
function detects(fault: string, id: string): boolean {
  const s = shape(id);
  const pf = s.path.startsWith('pf-');
  const deletes = s.change === 'deleted' || s.change === 'expunged';
  // schema cases walk seen → deleted → expunged: any missing notification fails them
  const seen = s.change === 'seen' || s.family === 'schema';
  const deleted = deletes || s.family === 'schema';
  const needsArrival = s.family === 'notified' || s.family === 'exactly-one' || s.family === 'schema';
  switch (fault) {
    case 'push-omit-identity':
      return s.family === 'notified' || s.family === 'header';
    case 'push-wrong-device':
      return s.family === 'notified' || s.family === 'header' || s.family === 'never-other';
    case 'push-pf-identity':
      return pf && (s.family === 'notified' || s.family === 'header');
    case 'push-no-seen':
      return needsArrival && seen;
    case 'push-no-delete':
      return needsArrival && deleted;
    case 'push-no-voicemail':
      return needsArrival && s.object === 'voicemail';
    case 'push-delayed':
      return needsArrival;
    case 'push-duplicate':
      return s.family === 'exactly-one';
    case 'push-invalid-payload':
      return s.family === 'schema';
    case 'identity-not-recorded':
      return s.family === 'header' && s.object === 'message' && s.change === 'seen';
    case 'identity-not-recorded:vm':
      return s.family === 'header' && s.object === 'voicemail' && s.change === 'seen';
    case 'delete-identity-not-recorded':
      return s.family === 'header' && s.object === 'message' && s.change === 'deleted';
    case 'delete-identity-not-recorded:vm':
      return s.family === 'header' && s.object === 'voicemail' && s.change === 'deleted';
    default:
      throw new Error(`no expectation for fault ${fault}`);
  }
}

const SWITCHES = FAULTS.filter((f) => f.name.startsWith('push-') || /^(delete-)?identity-not-recorded/.test(f.name));

interface Result {
  id: string;
  verdict: Verdict;
  message: string;
}

async function runCases(p: Profile, faults: string[], cases: readonly CaseDefinition[]): Promise<Result[]> {
  const run = await Run.start({ profile: p, strict: false, faults });
  try {
    const results: Result[] = [];
    const queue = [...cases];
    const worker = async (): Promise<void> => {
      for (let def = queue.shift(); def; def = queue.shift()) {
        const o = await executeCase(run, def);
        results.push({ id: def.meta.id, verdict: o.verdict, message: (o.message ?? '').split('\n')[0] ?? '' });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return results.sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    await run.stop();
  }
}

const rewriteCases = pushCases.filter((c) => c.meta.id.includes('.pf-rewrite.'));
const otherCases = pushCases.filter((c) => !c.meta.id.includes('.pf-rewrite.'));

const TARGETS = [
  { name: 'pfPath keyword', profile: profile('keyword'), cases: otherCases },
  { name: 'pfPath rewrite', profile: profile('rewrite'), cases: rewriteCases },
];

const summary = (rs: Result[]): string[] => rs.map((r) => `${r.id}: ${r.verdict}${r.verdict === 'passed' ? '' : ` (${r.message})`}`);

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

  test.concurrent.each(SWITCHES.map((f) => f.name))('with %s exactly the expected cases fail', { timeout: 60_000 }, async (fault) => {
    const results = await runCases(p, [fault], cases);
    const detected = results.filter((r) => r.verdict === 'failed' || r.verdict === 'warning').map((r) => r.id);
    const expected = cases.map((c) => c.meta.id).filter((id) => detects(fault, id)).sort();
    expect(detected).toEqual(expected);
    // and nothing else went wrong: no blocked, error or not-applicable case
    expect(summary(results.filter((r) => !detected.includes(r.id) && r.verdict !== 'passed'))).toEqual([]);
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
