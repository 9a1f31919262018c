// Judging the notifications of a load run, change by change. Every status change a device made is matched with
// the PUSH notifications about its object (by IMDN-Message-ID when the binding has an object pointer, else by
// folder / UIDVALIDITY / UID) and of a kind the change causes. Per change:
//   lost            no notification of the kind that reports the change arrived while the run was listening
//   late            the first one arrived after the profile's push timeout (push.timeoutMs)
//   duplicated      more than one notification of a kind the change causes
//   wrong identity  a notification about the change does not name the acting device (compared with sameDevice,
//                   spec notes §8.5), or names none
// Per notification:
//   wrong object    a status notification (seen, unseen, deleted, undeleted, expunged) that no change explains:
//                   about an object no device changed, or of a kind no change of that object causes
//   other           notifications of new objects (the run APPENDs the objects it changes)
//   unreadable      not JSON, or an event the binding does not name
import type { PushNotification, StatusEventKind } from '../push/index.js';
import type { PushPointers } from '../push/binding.js';
import { sameDevice } from '../spec/device-identity.js';
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
  /** Notifications attributed to the change, in arrival order. */
  notifications: PushNotification[];
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
  wrongObject: PushNotification[];
  other: number;
  unreadable: number;
  latency: LatencyFigures | null;
}

/** Kinds a store reports for a status change (new objects are not status changes). */
const STATUS_KINDS: ReadonlySet<StatusEventKind> = new Set(['seen', 'unseen', 'deleted', 'undeleted', 'expunged']);

function emptyCounts(): KindCounts {
  return { applied: 0, failed: 0, notified: 0, lost: 0, late: 0, duplicated: 0, wrongIdentity: 0, pending: 0 };
}

/**
 * How notifications name objects under this binding. A binding with neither an object pointer nor folder and uid
 * pointers cannot be matched (the caller refuses to start such a run).
 */
export function objectMatcher(pointers: PushPointers): ((n: PushNotification, o: ChangedObject) => boolean) | undefined {
  const byObject = pointers.object !== undefined;
  const byLocation = pointers.folder !== undefined && pointers.uid !== undefined;
  if (!byObject && !byLocation) return undefined;
  return (n, o) =>
    (byObject && n.fields.object === o.imdnMessageId) ||
    (byLocation &&
      n.fields.folder === o.folder &&
      (n.fields.uidValidity === undefined || n.fields.uidValidity === o.uidValidity) &&
      n.fields.uid === o.uid);
}

export interface AccountOptions {
  pointers: PushPointers;
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
  const about = objectMatcher(opts.pointers);
  if (!about) throw new Error('the push binding has neither an object pointer nor folder and uid pointers');
  // Candidates by IMDN-Message-ID and by folder/UID, so a notification is matched without scanning every change.
  const byId = new Map<string, AppliedChange[]>();
  const byLocation = new Map<string, AppliedChange[]>();
  const add = (map: Map<string, AppliedChange[]>, key: string, c: AppliedChange): void => {
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  };
  for (const c of changes) {
    add(byId, c.object.imdnMessageId, c);
    add(byLocation, `${c.object.folder}\u0000${c.object.uid}`, c);
  }
  const attributed = new Map<AppliedChange, PushNotification[]>();
  const wrongObject: PushNotification[] = [];
  let other = 0;
  let unreadable = 0;

  for (const n of [...notifications].sort((a, b) => a.seq - b.seq)) {
    const kind = n.fields.eventKind;
    if (n.json === undefined || kind === undefined) {
      unreadable++;
      continue;
    }
    if (!STATUS_KINDS.has(kind)) {
      other++;
      continue;
    }
    const candidates = [
      ...(n.fields.object !== undefined ? (byId.get(n.fields.object) ?? []) : []),
      ...(n.fields.folder !== undefined && n.fields.uid !== undefined ? (byLocation.get(`${n.fields.folder}\u0000${n.fields.uid}`) ?? []) : []),
    ];
    // Each object goes through each kind once, so at most one change of the object causes this kind.
    const change = candidates.find((c) => causedKinds(c.kind).includes(kind) && about(n, c.object));
    if (!change) {
      wrongObject.push(n);
      continue;
    }
    const list = attributed.get(change);
    if (list) list.push(n);
    else attributed.set(change, [n]);
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
    const first = seen.find((n) => n.fields.eventKind === reportedKind(c.kind));
    let latencyMs: number | undefined;
    if (!first) {
      const open = opts.listenedUntil !== undefined && c.sentAt + opts.timeoutMs + (opts.lateWindowMs ?? 0) > opts.listenedUntil;
      if (open) bump('pending');
      else problems.push('lost');
    } else {
      bump('notified');
      latencyMs = first.t - c.sentAt;
      latencies.push(latencyMs);
      if (latencyMs > opts.timeoutMs) problems.push('late');
    }
    if (causedKinds(c.kind).some((k) => seen.filter((n) => n.fields.eventKind === k).length > 1)) problems.push('duplicated');
    if (seen.some((n) => n.fields.identity === undefined || !sameDevice(n.fields.identity, c.deviceId))) problems.push('wrong-identity');
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
