// What one acting device does in a load run. It keeps a folder of its own and walks each object it APPENDs
// through the three status changes, one per slot of the shared schedule:
//   seen            UID STORE <uid> +FLAGS (\Seen)
//   unseen          UID STORE <uid> -FLAGS (\Seen)
//   delete-expunge  UID STORE <uid> +FLAGS (\Deleted), then UID EXPUNGE <uid> (EXPUNGE without UIDPLUS: the
//                   folder holds no other \Deleted object)
// then APPENDs the next object. Each object thus sees each kind once, so a notification about it names one
// change. The APPEND of an object is not a change: it happens before the slot is awaited and is not timed.
import type { CaseContext } from '../conformance/context.js';
import type { DeviceSession } from '../imap/session.js';
import { now } from '../imap/timeline.js';
import { uniqueSample } from '../objects/samples.js';
import type { AppliedChange, ChangedObject, LoadChangeKind } from './accounting.js';
import type { LoadDevice } from './devices.js';
import type { ChangeSchedule } from './schedule.js';

const LIFECYCLE: readonly LoadChangeKind[] = ['seen', 'unseen', 'delete-expunge'];

/** Hands out object tags (6 hex digits, what uniqueSample takes) that no other object of the run has. */
export class ObjectTags {
  private next: number;
  constructor(start = Math.floor(Math.random() * 0x1000000)) {
    this.next = start;
  }
  take(): string {
    const tag = (this.next & 0xffffff).toString(16).padStart(6, '0');
    this.next += 1;
    return tag;
  }
}

export interface DeviceWorker {
  device: LoadDevice;
  session: DeviceSession;
  folder: string;
}

export interface WorkloadHooks {
  /** Called right after a change's commands were answered (or failed). */
  onChange(worker: DeviceWorker, change: AppliedChange): void;
  /** A session or APPEND problem that ends this device's part of the run. */
  onError(worker: DeviceWorker, message: string): void;
}

async function execOk(s: DeviceSession, command: string): Promise<void> {
  const r = await s.exec(command);
  if (r.status !== 'OK') throw new Error(`${command} was refused: ${r.tagged}`);
}

export async function applyLoadChange(s: DeviceSession, object: ChangedObject, kind: LoadChangeKind): Promise<void> {
  if (kind === 'seen') return execOk(s, `UID STORE ${object.uid} +FLAGS (\\Seen)`);
  if (kind === 'unseen') return execOk(s, `UID STORE ${object.uid} -FLAGS (\\Seen)`);
  await execOk(s, `UID STORE ${object.uid} +FLAGS (\\Deleted)`);
  await execOk(s, s.capabilities.has('UIDPLUS') ? `UID EXPUNGE ${object.uid}` : 'EXPUNGE');
}

/** APPENDs a fresh standalone Message Object to the worker's folder. */
async function stage(c: CaseContext, w: DeviceWorker, tags: ObjectTags): Promise<ChangedObject> {
  const raw = uniqueSample('standalone', tags.take());
  const imdnMessageId = /^IMDN-Message-ID:[ \t]*(\S+)/im.exec(raw.toString('latin1'))?.[1];
  if (!imdnMessageId) throw new Error('the standalone sample has no IMDN-Message-ID');
  const { uid, uidValidity } = await c.append(w.session, w.folder, raw);
  return { folder: w.folder, uidValidity, uid, imdnMessageId };
}

/** Runs one device until the schedule ends or its session fails. */
export async function runDevice(c: CaseContext, w: DeviceWorker, schedule: ChangeSchedule, tags: ObjectTags, hooks: WorkloadHooks): Promise<void> {
  let object: ChangedObject | undefined;
  let step = LIFECYCLE.length;
  for (;;) {
    const slot = schedule.take();
    if (slot === undefined) return;
    if (step >= LIFECYCLE.length) {
      try {
        object = await stage(c, w, tags);
      } catch (err) {
        hooks.onError(w, `APPEND of the next object failed: ${(err as Error).message}`);
        return;
      }
      step = 0;
    }
    if (!(await schedule.wait(slot))) return;
    const kind = LIFECYCLE[step++]!;
    const change: AppliedChange = { index: slot, kind, label: w.device.label, user: w.device.user.name, deviceId: w.device.device.id, object: object!, sentAt: now() };
    try {
      await applyLoadChange(w.session, object!, kind);
    } catch (err) {
      change.error = (err as Error).message;
    }
    hooks.onChange(w, change);
    if (change.error !== undefined && !w.session.client.usable) {
      hooks.onError(w, `the session was lost: ${change.error}`);
      return;
    }
  }
}
