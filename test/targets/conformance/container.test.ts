// The whole conformance suite against the reference store in a container (fixtures/targets/reference-image/),
// the image built offline by scripts/docker/build-reference-image.sh (content-cached: a no-op when the image is
// current): every case passes or is not applicable. One test per suite file, one container for all. Without a
// Docker engine the tests are skipped loudly, unless CPM_REQUIRE_DOCKER=1 (CI) fails them.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { Run } from '../../../harness/conformance/context.js';
import { loadProfile } from '../../../harness/profile/index.js';
import { NO_DOCKER_HINT, probeDocker } from '../../../harness/targets/docker.js';
import { SUITES } from '../../../suites/index.js';
import { runFailures, runGraded } from './whole-suite.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL('../../../scripts/docker/build-reference-image.sh', import.meta.url));
const PROFILE = loadProfile(fileURLToPath(new URL('../../../fixtures/targets/reference-image/profile.json', import.meta.url)));
const LEVELS = new Map(SUITES.flatMap((s) => s.cases.map((c) => [c.meta.id, c.meta.level] as const)));

const docker = await probeDocker(5000);
const required = process.env.CPM_REQUIRE_DOCKER === '1';
const HOW_TO_ENABLE = `whole-suite container run SKIPPED: ${NO_DOCKER_HINT} (set CPM_REQUIRE_DOCKER=1 to make this a failure)`;
if (!docker.ok && !required) console.warn(`\n*** ${HOW_TO_ENABLE} (${docker.reason}) ***\n`);

function needDocker(ctx: TestContext): void {
  if (docker.ok) return;
  if (required) throw new Error(`CPM_REQUIRE_DOCKER=1 but ${NO_DOCKER_HINT} (${docker.reason})`);
  ctx.skip(HOW_TO_ENABLE);
}

describe('whole suite against the reference store container', () => {
  let run: Run | undefined;

  beforeAll(async () => {
    if (!docker.ok) return;
    const { stdout } = await promisify(execFile)(BUILD_SCRIPT, [], { cwd: ROOT, timeout: 150_000 });
    console.info(`image: ${stdout.trim().split('\n').at(-1)}`);
    run = await Run.start({ profile: PROFILE, strict: false, faults: [] });
  }, 180_000);

  afterAll(async () => {
    await run?.stop();
  });

  test('the profile lists no expected failure', () => {
    expect(PROFILE.expectedFailures).toBeUndefined();
  });

  for (const suite of SUITES) {
    test(`${suite.title}: every case passes or is not applicable`, async (ctx) => {
      needDocker(ctx);
      const graded = await runGraded(run!, suite.cases, undefined);
      expect(runFailures(graded, (id) => LEVELS.get(id) ?? 'MUST')).toEqual([]);
      expect(graded.filter((g) => !['passed', 'not-applicable'].includes(g.verdict)).map((g) => `${g.id}: ${g.verdict}`)).toEqual([]);
      console.info(`${suite.title}: ${graded.filter((g) => g.verdict === 'passed').length} passed, ${graded.filter((g) => g.verdict === 'not-applicable').length} not applicable`);
    }, 90_000);
  }
});
