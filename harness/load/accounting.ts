// Judging the notifications of a load run, change by change. Every status change a device made is matched with
// the PUSH events about its object (every reference the binding declares must agree: harness/push/observe.ts)
// and of a kind the change causes; a notification may carry several events. Per change:
//   lost            no notification of the kind that reports the change arrived while the run was listening
//   late            the first one arrived after the profile's push timeout (push.timeoutMs)
//   duplicated      more than one notification of a kind the change causes
//   wrong identity  an event about the change does not name the acting device (compared with sameDevice,
//                   spec notes §8.5), or names none
// Per event:
//   wrong object    a status event (seen, unseen, deleted, undeleted, expunged) that no change explains:
//                   about an object no device changed, or of a kind no change of that object causes
//   other           events of new objects (the run APPENDs the objects it changes) and events of no status kind
// Per notification:
//   unreadable      the body did not parse in the binding's format
import { canMatchObjects, isAbout, namesDevice, type ObjectRef, type ObservedEvent, type PushBinding, type PushNotification, type StatusEventKind } from '../push/index.js';
import { latencyFigures, type LatencyFigures } from './stats.js';

/** What a device does to an object: set \Seen, remove \Seen, or set \Deleted and expunge it. */
export type LoadChangeKind = 'seen' | 'unseen' | 'delete-expunge';
export const LOAD_CHANGE_KINDS: readonly LoadChangeKind[] = ['seen', 'unseen', 'delete-expunge'];

/** The notification kind that reports the change (its latency is measured to this one). */
export function reportedKind(kind: LoadChangeKind): StatusEventKind {
  return kind === 'delete-expunge' ? 'expunged' : kind;
}

/** Every notification kind the change causes (an expunge by a client first sets \Deleted). */
export function causedKinds(kind: LoadChangeKind): StatusEventKind[] {
  return kind === 'delete-expunge' ? ['deleted', 'expunged'] : [kind];
}

export interface ChangedObject {
  folder: string;
  uidValidity: number;
  uid: number;
  imdnMessageId: string;
}

export interface AppliedChange {
  /** 0-based, in the order the changes were started. */
  index: number;
  kind: LoadChangeKind;
  /** Session label of the acting device, e.g. `alice/d2`. */
  label: string;
  user: string;
  /** The acting device's identity as the profile declares it. */
  deviceId: string;
  object: ChangedObject;
  /** now() when the first command of the change was written. */
  sentAt: number;
  /** The IMAP command was refused or failed: the change is not judged for notifications. */
  error?: string;
}

export type ChangeProblem = 'lost' | 'late' | 'duplicated' | 'wrong-identity';

export interface ChangeVerdict {
  change: AppliedChange;
  /** Events attributed to the change, in arrival order. */
  notifications: ObservedEvent[];
  /** Milliseconds from sentAt to the first reporting notification. */
  latencyMs?: number;
  problems: ChangeProblem[];
}

export interface KindCounts {
  applied: number;
  failed: number;
  notified: number;
  lost: number;
  late: number;
  duplicated: number;
  wrongIdentity: number;
  /** Interrupted runs only: no notification yet, but the change's window had not closed when listening stopped. */
  pending: number;
}

export interface LoadAccounting {
  verdicts: ChangeVerdict[];
  byKind: Record<LoadChangeKind, KindCounts>;
  total: KindCounts;
  /** Changes with no problem at all. */
  clean: number;
  wrongObject: ObservedEvent[];
  other: number;
  unreadable: number;
  latency: LatencyFigures | null;
}

/** Kinds a store reports for a status change (new objects are not status changes). */
const STATUS_KINDS: ReadonlySet<StatusEventKind> = new Set(['seen', 'unseen', 'deleted', 'undeleted', 'expunged']);

function emptyCounts(): KindCounts {
  return { applied: 0, failed: 0, notified: 0, lost: 0, late: 0, duplicated: 0, wrongIdentity: 0, pending: 0 };
}

/** The changed object as the binding's matchers see it. */
export function objectRefOf(c: Pick<AppliedChange, 'object' | 'user'>): ObjectRef {
  return { imdnMessageId: c.object.imdnMessageId, folder: c.object.folder, uidValidity: c.object.uidValidity, uids: [c.object.uid], user: c.user };
}

export interface AccountOptions {
  binding: Pick<PushBinding, 'object'>;
  /** The profile's push timeout: a first notification later than this is late. */
  timeoutMs: number;
  /**
   * When an interrupted run stopped listening (now() clock): a change without a notification whose window
   * (sentAt + timeoutMs + lateWindowMs) was still open then is pending, not lost.
   */
  listenedUntil?: number;
  lateWindowMs?: number;
}

/** Judges `changes` against the notifications that arrived during the run. */
export function account(changes: readonly AppliedChange[], notifications: readonly PushNotification[], opts: AccountOptions): LoadAccounting {
  if (!canMatchObjects(opts.binding)) throw new Error('the push binding declares no object reference (IMDN-Message-ID, resource URL, or folder and UID)');
  // Candidates by IMDN-Message-ID and by UID, so an event is matched without scanning every change.
  const byId = new Map<string, AppliedChange[]>();
  const byUid = new Map<number, AppliedChange[]>();
  const add = <K>(map: Map<K, AppliedChange[]>, key: K, c: AppliedChange): void => {
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  };
  for (const c of changes) {
    add(byId, c.object.imdnMessageId, c);
    add(byUid, c.object.uid, c);
  }
  const attributed = new Map<AppliedChange, ObservedEvent[]>();
  const wrongObject: ObservedEvent[] = [];
  let other = 0;
  let unreadable = 0;

  for (const n of [...notifications].sort((a, b) => a.seq - b.seq)) {
    if (n.parseError !== undefined) {
      unreadable++;
      continue;
    }
    for (const event of n.events) {
      const o: ObservedEvent = { notification: n, event };
      const kinds = event.kinds.filter((k) => STATUS_KINDS.has(k));
      if (kinds.length === 0) {
        other++;
        continue;
      }
      const candidates = [
        ...(event.refs.imdnMessageId !== undefined ? (byId.get(event.refs.imdnMessageId) ?? []) : []),
        ...(event.refs.uid !== undefined ? (byUid.get(event.refs.uid) ?? []) : []),
      ];
      // Each object goes through each kind once, so at most one change of the object causes this kind.
      const change = candidates.find((c) => causedKinds(c.kind).some((k) => kinds.includes(k)) && isAbout(opts.binding, objectRefOf(c))(event));
      // An NMS changedObject lists the whole flag state (a seen object's \Deleted event also reads as "seen"):
      // an event is explained when a change of its object causes any of its kinds.
      if (!change) {
        wrongObject.push(o);
        continue;
      }
      const list = attributed.get(change);
      if (list) list.push(o);
      else attributed.set(change, [o]);
    }
  }

  const byKind = Object.fromEntries(LOAD_CHANGE_KINDS.map((k) => [k, emptyCounts()])) as Record<LoadChangeKind, KindCounts>;
  const total = emptyCounts();
  const latencies: number[] = [];
  let clean = 0;
  const verdicts: ChangeVerdict[] = [];
  for (const c of [...changes].sort((a, b) => a.index - b.index)) {
    const seen = attributed.get(c) ?? [];
    const counts = [byKind[c.kind], total];
    const bump = (field: keyof KindCounts): void => counts.forEach((k) => k[field]++);
    bump('applied');
    if (c.error !== undefined) {
      bump('failed');
      verdicts.push({ change: c, notifications: seen, problems: [] });
      continue;
    }
    const problems: ChangeProblem[] = [];
    const first = seen.find((o) => o.event.kinds.includes(reportedKind(c.kind)));
    let latencyMs: number | undefined;
    if (!first) {
      const open = opts.listenedUntil !== undefined && c.sentAt + opts.timeoutMs + (opts.lateWindowMs ?? 0) > opts.listenedUntil;
      if (open) bump('pending');
      else problems.push('lost');
    } else {
      bump('notified');
      latencyMs = first.notification.t - c.sentAt;
      latencies.push(latencyMs);
      if (latencyMs > opts.timeoutMs) problems.push('late');
    }
    if (causedKinds(c.kind).some((k) => seen.filter((o) => o.event.kinds.includes(k)).length > 1)) problems.push('duplicated');
    if (seen.some((o) => !namesDevice(o.event, c.deviceId))) problems.push('wrong-identity');
    for (const p of problems) bump(p === 'wrong-identity' ? 'wrongIdentity' : p);
    if (problems.length === 0 && first) clean++;
    verdicts.push({ change: c, notifications: seen, ...(latencyMs !== undefined ? { latencyMs } : {}), problems });
  }
  return { verdicts, byKind, total, clean, wrongObject, other, unreadable, latency: latencyFigures(latencies) };
}

/** Whether the run saw anything wrong: a lost, late, duplicated or misattributed notification, or a failed change. */
export function problemCount(a: Pick<LoadAccounting, 'total' | 'wrongObject'>): number {
  const t = a.total;
  return t.lost + t.late + t.duplicated + t.wrongIdentity + t.failed + a.wrongObject.length;
}
