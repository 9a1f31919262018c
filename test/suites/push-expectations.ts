// What each push fault switch must make fail among the 5.4.2 cases, and running cases in process against the
// reference store: shared by the kill test (push-kill.test.ts) and the binding-variant matrix (variants.test.ts).
import type { CaseDefinition } from '../../harness/conformance/case.js';
import { Run } from '../../harness/conformance/context.js';
import { executeCase, type Verdict } from '../../harness/conformance/execute.js';
import { loadProfile, type Profile } from '../../harness/profile/index.js';
import { FAULTS } from '../../reference-store/faults.js';

/**
 * Short enough that push-delayed (10 s) costs little; long enough that a user's serial delivery queue (every case
 * acts for the same user, push-duplicate doubles every POST, sentinels add two) drains on a loaded 2-core machine.
 */
export const PUSH_TIMEOUT_MS = 3000;
const CONCURRENCY = 8;

export function profile(pfPath: 'keyword' | 'rewrite', file?: string): Profile {
  const p = structuredClone(loadProfile(file));
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
export function detects(fault: string, id: string): boolean {
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
      // Neither the change's nor the sentinel's notification arrives in time: the negative is unproven, not passed.
      return needsArrival || s.family === 'never-other';
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

export const SWITCHES = FAULTS.filter((f) => f.name.startsWith('push-') || /^(delete-)?identity-not-recorded/.test(f.name));

export interface Result {
  id: string;
  verdict: Verdict;
  message: string;
}

export async function runCases(p: Profile, faults: string[], cases: readonly CaseDefinition[]): Promise<Result[]> {
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

export const summary = (rs: Result[]): string[] => rs.map((r) => `${r.id}: ${r.verdict}${r.verdict === 'passed' ? '' : ` (${r.message})`}`);
