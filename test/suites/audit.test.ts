// The audit cases can pass and fail: objects are placed in an audited folder of the reference store by hand (as a
// store's own network functions would), then the cases judge them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseContext, Run } from '../../harness/conformance/context.js';
import { executeCase } from '../../harness/conformance/execute.js';
import { loadProfile, type Profile } from '../../harness/profile/index.js';
import { auditCases } from '../../suites/audit/audit-cases.js';
import index from '../../fixtures/objects/index.json' with { type: 'json' };

const FOLDER = 'RCSMessageStore/audited';
const [conform, unique] = auditCases;

function auditProfile(): Profile {
  const p = loadProfile(undefined);
  return { ...p, features: { ...p.features, folders: { ...p.features.folders, audit: [FOLDER] } } };
}

let run: Run;
beforeAll(async () => {
  run = await Run.start({ profile: auditProfile(), strict: false, faults: [] });
});
afterAll(async () => {
  await run.stop();
});

/** Puts objects into the audited folder (emptying it first), as the store's own writers would. */
async function place(files: string[]): Promise<void> {
  const c = new CaseContext(run, conform!.meta);
  try {
    const user = c.user();
    const s = await c.session(user, user.devices[0]!);
    await s.run('reset folder', async (client) => {
      await client.mailboxDelete(FOLDER).catch(() => undefined);
      await client.mailboxCreate(FOLDER);
      for (const f of files) await client.append(FOLDER, readFileSync(`fixtures/objects/${f}`));
    });
  } finally {
    await c.finish();
  }
}

/** The valid samples, one per IMDN-Message-ID (variants of a sample reuse its identifier). */
const VALID = [
  ...new Map(
    index
      .filter((x) => x.valid)
      .map((x) => [/^IMDN-Message-ID:\s*(\S+)/im.exec(readFileSync(`fixtures/objects/${x.file}`, 'latin1'))?.[1] ?? x.file, x.file] as const)
      .reverse(),
  ).values(),
];

describe('audit cases against objects placed in an audited folder', () => {
  it('are not applicable while the folder is empty', async () => {
    await place([]);
    expect((await executeCase(run, conform!)).verdict).toBe('not-applicable');
  });

  it('pass on every valid sample object', async () => {
    await place(VALID);
    const results = [await executeCase(run, conform!), await executeCase(run, unique!)];
    expect(results.map((r) => [r.verdict, r.message])).toEqual([['passed', undefined], ['passed', undefined]]);
  });

  it('fail on an invalid object, naming the rule and the object', async () => {
    await place([...VALID, 'invalid/presence-missing.eml']);
    const r = await executeCase(run, conform!);
    expect(r.verdict).toBe('failed');
    expect(r.message).toMatch(/mo\.conversation-id/);
    expect(r.message).toMatch(/RCSMessageStore\/audited UID \d+, standalone/);
  });

  it('fail when two objects share an IMDN-Message-ID', async () => {
    await place(['valid/standalone.eml', 'valid/standalone.eml']);
    const r = await executeCase(run, unique!);
    expect(r.verdict).toBe('failed');
    expect(r.message).toMatch(/imdn-message-id/i);
  });
});
