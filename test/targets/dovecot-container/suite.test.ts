// The whole conformance suite against stock Dovecot in the offline-built container, through the harness's
// container target (Run.start + executeCase, as the CLI runs it): every applicable case passes except the known
// Dovecot deviations of fixtures/targets/dovecot/expected-failures.json, which fail; no container is left.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Run } from '../../../harness/conformance/context.js';
import { executeCase, type Outcome } from '../../../harness/conformance/execute.js';
import { loadProfile, type Profile } from '../../../harness/profile/index.js';
import { containersWithLabel } from '../../../harness/targets/container/teardown.js';
import { RUN_LABEL, startContainerTarget, type ContainerRunningTarget } from '../../../harness/targets/container.js';
import { TargetSetupError } from '../../../harness/targets/types.js';
import { ALL_CASES } from '../../../suites/index.js';
import { BUILD_BOUND_MS, PROFILE_PATH, dovecotImage, needImage, type ImageState } from './image.js';

/** The suite takes about a minute against Dovecot (its NOTIFY delivery is ~0.5 s late by design). */
const SUITE_BOUND_MS = 240_000;

let state: ImageState;
let profile: Profile;
let run: Run | undefined;

beforeAll(async () => {
  state = await dovecotImage();
  profile = loadProfile(PROFILE_PATH);
}, BUILD_BOUND_MS);

afterAll(async () => {
  await run?.stop();
});

test(
  'every applicable case passes, except the listed Dovecot deviations, which fail; the container is gone afterwards',
  async (ctx) => {
    needImage(state, ctx);
    const listed = new Set(profile.expectedFailures?.entries.map((e) => e.case));
    expect(listed.size, 'the Dovecot profile names its known deviations').toBeGreaterThan(0);

    const t0 = performance.now();
    run = await Run.start({ profile, strict: false, faults: [] });
    const target = run.target as ContainerRunningTarget;
    expect(target.info()).toMatchObject({ kind: 'container', image: 'cpm-conformance/dovecot:local' });
    expect(target.greeting).toMatch(/^\* OK .*Dovecot/);
    const outcomes = new Map<string, Outcome>();
    for (const def of ALL_CASES) outcomes.set(def.meta.id, await executeCase(run, def));
    const suiteMs = performance.now() - t0;

    const wrong: string[] = [];
    for (const [id, o] of outcomes) {
      const why = (o.message ?? '').split('\n').slice(0, 3).join(' | ');
      if (listed.has(id)) {
        if (o.verdict !== 'failed' && o.verdict !== 'warning') wrong.push(`${id}: listed as a Dovecot deviation but ${o.verdict} ${why}`);
      } else if (o.verdict !== 'passed' && o.verdict !== 'not-applicable') {
        wrong.push(`${id}: ${o.verdict} — ${why}`);
      }
    }
    for (const id of listed) if (!outcomes.has(id)) wrong.push(`${id}: listed, but no such case in suites/index.ts`);
    const count = (v: string): number => [...outcomes.values()].filter((o) => o.verdict === v).length;
    console.info(
      `Dovecot container: ${outcomes.size} cases in ${(suiteMs / 1000).toFixed(1)} s (start to greeting ${target.startupMs.toFixed(0)} ms): ` +
        `${count('passed')} passed, ${count('failed') + count('warning')} known deviations, ${count('not-applicable')} not applicable`,
    );
    expect(wrong).toEqual([]);

    const runId = target.runId;
    await run.stop();
    run = undefined;
    expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([]);
  },
  SUITE_BOUND_MS,
);

test('an image started without its accounts is a setup error naming the variable, and leaves no container', async (ctx) => {
  needImage(state, ctx);
  const p = loadProfile(PROFILE_PATH);
  if (p.target.kind !== 'container') throw new Error('not a container profile');
  delete p.target.env.CPM_ACCOUNTS_JSON;
  p.target.startupTimeoutMs = 4000;
  const runId = `dovecot-missing-accounts-${process.pid}`;
  const err = await startContainerTarget({ profile: p, pushUrl: 'http://127.0.0.1:9/push' }, { runId }).then(
    (t) => t.stop().then(() => new Error('started without accounts')),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TargetSetupError);
  expect((err as Error).message).toContain('cpm-dovecot: CPM_ACCOUNTS_JSON: not set');
  expect(await containersWithLabel(`${RUN_LABEL}=${runId}`)).toEqual([]);
}, 30_000);
