// A load run: the target and the PUSH Enabler mock are started from the profile (as for a conformance run), N
// device sessions log in and get a folder each, then the devices apply up to M status changes at no more than R
// per second for no longer than the duration cap. Afterwards the run keeps listening until every change has its
// notification or its late window has passed, then watches a short quiet window for duplicates, judges every
// change (accounting.ts), closes the sessions, removes the folders and stops the target.
import { setTimeout as delay } from 'node:timers/promises';
import { CaseContext, Run } from '../conformance/context.js';
import type { CaseMeta } from '../conformance/case.js';
import { now } from '../imap/timeline.js';
import { select } from '../imap/objects.js';
import type { Profile } from '../profile/types.js';
import { canMatchObjects, isAbout, type PushNotification } from '../push/index.js';
import { account, objectRefOf, reportedKind, type AppliedChange, type LoadAccounting } from './accounting.js';
import { planDevices, type LoadDevice } from './devices.js';
import { ChangeSchedule, type StopReason } from './schedule.js';
import { ObjectTags, runDevice, type DeviceWorker } from './workload.js';

export const LOAD_DEFAULTS = { ratePerSecond: 50, durationMs: 60_000 } as const;
/** Upper bounds of a load run's settings: load mode is bounded in count and time. */
export const LOAD_LIMITS = { devices: 200, changes: 100_000, ratePerSecond: 1000, durationMs: 3_600_000, lateWindowMs: 600_000 } as const;
/** After the last expected notification, how long duplicates are still watched for (a bounded observation window). */
export const DUPLICATE_WINDOW_MS = 300;

export interface LoadOptions {
  profile: Profile;
  devices: number;
  changes: number;
  ratePerSecond?: number;
  durationMs?: number;
  /** Reference-store fault switches, added to the profile's target.faults. */
  faults?: readonly string[];
  /** How long after the push timeout a notification still counts as late rather than lost (default: the push timeout). */
  lateWindowMs?: number;
  /** Aborting stops the run: no further change, no waiting for notifications; sessions are closed, the target stopped. */
  signal?: AbortSignal;
  /** Progress lines (devices ready, every tenth of the changes). */
  onProgress?: (line: string) => void;
}

/** The run could not start: bad settings, the target did not start, a device could not log in. Exit code 2. */
export class LoadSetupError extends Error {
  override name = 'LoadSetupError';
}

export interface LoadResult {
  profile: Profile;
  targetDescription: string;
  faults: string[];
  devices: (LoadDevice & { changes: number; error?: string })[];
  settings: { devices: number; changes: number; ratePerSecond: number; durationMs: number; pushTimeoutMs: number; lateWindowMs: number };
  startedAt: Date;
  finishedAt: Date;
  /** Milliseconds from the first slot to the last change answered. */
  changePhaseMs: number;
  stoppedBy: StopReason;
  interrupted: boolean;
  changes: AppliedChange[];
  notifications: PushNotification[];
  accounting: LoadAccounting;
  errors: string[];
}

const LOAD_META: CaseMeta = {
  id: 'load',
  requirements: [],
  clause: '5.4.2',
  level: 'MUST',
  features: ['push'],
  statement: 'Status changes under load are notified once each, in time, naming the acting device.',
  procedure: [],
  passCriteria: '',
};

function checkSettings(o: LoadOptions, rate: number, durationMs: number, lateWindowMs: number): void {
  const bad = (what: string): never => {
    throw new LoadSetupError(what);
  };
  const within = (name: string, v: number, max: number, integer: boolean): void => {
    if (!Number.isFinite(v) || v <= 0 || v > max || (integer && !Number.isInteger(v))) bad(`${name} must be ${integer ? 'an integer' : 'a number'} above 0 and at most ${max}, not ${v}`);
  };
  within('the number of devices', o.devices, LOAD_LIMITS.devices, true);
  within('the number of changes', o.changes, LOAD_LIMITS.changes, true);
  within('the rate (changes per second)', rate, LOAD_LIMITS.ratePerSecond, false);
  within('the duration (ms)', durationMs, LOAD_LIMITS.durationMs, false);
  if (!(lateWindowMs >= 0 && lateWindowMs <= LOAD_LIMITS.lateWindowMs)) bad(`the late window must be 0 to ${LOAD_LIMITS.lateWindowMs} ms, not ${lateWindowMs}`);
  if (!o.profile.features.push) bad(`the profile "${o.profile.name}" does not declare features.push: its store notifies no PUSH Enabler`);
  if (!canMatchObjects(o.profile.push.binding)) {
    bad('the profile\'s push binding declares no object reference (IMDN-Message-ID, resource URL, or folder and UID): notifications cannot be matched to the changed objects');
  }
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const ratePerSecond = o.ratePerSecond ?? LOAD_DEFAULTS.ratePerSecond;
  const durationMs = o.durationMs ?? LOAD_DEFAULTS.durationMs;
  const pushTimeoutMs = o.profile.push.timeoutMs;
  const lateWindowMs = o.lateWindowMs ?? pushTimeoutMs;
  checkSettings(o, ratePerSecond, durationMs, lateWindowMs);
  const progress = o.onProgress ?? (() => {});
  const plan = planDevices(o.profile, o.devices);
  const faults = [...new Set([...(o.profile.target.kind === 'reference' ? o.profile.target.faults : []), ...(o.faults ?? [])])];
  const startedAt = new Date();

  let run: Run;
  try {
    run = await Run.start({ profile: plan.profile, strict: false, faults });
  } catch (err) {
    throw new LoadSetupError(`the target could not be started: ${(err as Error).message}`);
  }
  const c = new CaseContext(run, LOAD_META);
  const errors: string[] = [];
  const perDevice = new Map<LoadDevice, { changes: number; error?: string }>();
  const changes: AppliedChange[] = [];
  const awaited: Promise<unknown>[] = [];
  try {
    const workers: DeviceWorker[] = [];
    for (const [i, device] of plan.devices.entries()) {
      if (o.signal?.aborted) break;
      try {
        const session = await c.session(device.user, device.device, device.label);
        const folder = await c.folder(session, device.user, `d${i + 1}`);
        await select(session, folder);
        workers.push({ device, session, folder });
        perDevice.set(device, { changes: 0 });
      } catch (err) {
        throw new LoadSetupError(`device ${device.label} (${device.device.id}) could not be set up: ${(err as Error).message}`);
      }
    }
    progress(`${workers.length} device session(s) ready on ${run.target.info().description}`);

    const from = run.push.mark();
    const schedule = new ChangeSchedule(o.changes, ratePerSecond, durationMs, o.signal);
    const tags = new ObjectTags();

    const step = Math.max(1, Math.ceil(o.changes / 10));
    let lastAnswered = schedule.startedAt;
    const hooks = {
      onChange(w: DeviceWorker, change: AppliedChange): void {
        changes.push(change);
        lastAnswered = now();
        const d = perDevice.get(w.device);
        if (d) d.changes++;
        if (change.error === undefined && !o.signal?.aborted) {
          // Listen for the reporting notification until the change's late window closes.
          const kind = reportedKind(change.kind);
          const timeoutMs = Math.max(1, change.sentAt + pushTimeoutMs + lateWindowMs - now());
          const about = isAbout(run.push.binding, objectRefOf(change));
          awaited.push(run.push.waitForEvents((e) => e.event.kinds.includes(kind) && about(e.event), { from, timeoutMs }).catch(() => undefined));
        }
        if (changes.length % step === 0) progress(`${changes.length}/${o.changes} change(s)`);
      },
      onError(w: DeviceWorker, message: string): void {
        const d = perDevice.get(w.device);
        if (d) d.error = message;
        errors.push(`${w.device.label}: ${message}`);
      },
    };
    await Promise.all(workers.map((w) => runDevice(c, w, schedule, tags, hooks)));
    const stoppedBy = schedule.stopped ?? (errors.length > 0 ? 'session-lost' : 'changes');
    const changePhaseMs = lastAnswered - schedule.startedAt;

    if (!o.signal?.aborted) {
      await Promise.race([Promise.all(awaited), aborted(o.signal)]);
      await delay(DUPLICATE_WINDOW_MS, undefined, o.signal ? { signal: o.signal } : {}).catch(() => undefined);
    }
    const notifications = run.push.notifications().filter((n) => n.seq >= from);
    const accounting = account(changes, notifications, {
      binding: run.push.binding,
      timeoutMs: pushTimeoutMs,
      lateWindowMs,
      ...(o.signal?.aborted ? { listenedUntil: now() } : {}),
    });
    return {
      profile: o.profile,
      targetDescription: run.target.info().description,
      faults,
      devices: plan.devices.map((d) => ({ ...d, ...(perDevice.get(d) ?? { changes: 0 }) })),
      settings: { devices: o.devices, changes: o.changes, ratePerSecond, durationMs, pushTimeoutMs, lateWindowMs },
      startedAt,
      finishedAt: new Date(),
      changePhaseMs,
      stoppedBy: o.signal?.aborted ? 'interrupt' : stoppedBy,
      interrupted: o.signal?.aborted ?? false,
      changes,
      notifications,
      accounting,
      errors,
    };
  } finally {
    await c.finish();
    await run.stop();
  }
}

/** Resolves when `signal` aborts (never, without one). */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
