// What the mock CPM PUSH Enabler must see after a status change: a notification of the right kind about the
// changed object, naming the device that made the change. The payload format is the profile's binding (A-5):
// the object is matched by IMDN-Message-ID when the binding has an object pointer, else by folder, UIDVALIDITY
// and UID; device identities are compared after normalisation (spec notes §8.5).
import { METRICS, type CaseContext } from '../../harness/conformance/context.js';
import { BlockedError, must } from '../../harness/must/index.js';
import type { Device, User } from '../../harness/profile/types.js';
import { vendorEventNames, type PushNotification, type StatusEventKind } from '../../harness/push/index.js';
import { sameDevice } from '../../harness/spec/device-identity.js';
import { deviceLetter, type Change, type StagedObject } from './staging.js';

/**
 * Quiet window for negative checks (no second notification, none naming another device). A store posts the
 * notifications of one change together; this bounds the observation, it is not a synchronisation point.
 */
export const QUIET_WINDOW_MS = 300;

/** The notification kind that reports the change. */
export function reportedKind(change: Change): StatusEventKind {
  return change;
}

/** Every notification kind the change causes (an expunge by a client first sets \Deleted). */
export function causedKinds(change: Change): StatusEventKind[] {
  return change === 'expunged' ? ['deleted', 'expunged'] : [change];
}

/**
 * Whether a notification is about the object: its object field (when the binding has an object pointer) equals
 * the IMDN-Message-ID, or its folder / UIDVALIDITY / UID (when bound) name the object or an earlier copy of it.
 * Either reference identifies the object; a store that loses one of them is judged by the cases about that.
 */
export function aboutObject(c: CaseContext, o: StagedObject): (n: PushNotification) => boolean {
  const p = c.push.binding.pointers;
  const byLocation = p.folder !== undefined && p.uid !== undefined;
  if (p.object === undefined && !byLocation) {
    throw new BlockedError('the push binding has neither an object pointer nor folder and uid pointers: notifications cannot be matched to objects');
  }
  return (n) =>
    (p.object !== undefined && n.fields.object === o.imdnMessageId) ||
    (byLocation &&
      n.fields.folder === o.folder &&
      (n.fields.uidValidity === undefined || n.fields.uidValidity === o.uidValidity) &&
      n.fields.uid !== undefined &&
      o.uids.includes(n.fields.uid));
}

export function describeObject(c: CaseContext, o: StagedObject): string {
  const p = c.push.binding.pointers;
  const refs = [
    ...(p.object !== undefined ? [`IMDN-Message-ID ${o.imdnMessageId}`] : []),
    ...(p.folder !== undefined && p.uid !== undefined ? [`${o.folder} UIDVALIDITY ${o.uidValidity} UID ${o.uids.join(' or ')}`] : []),
  ];
  return `the ${o.type} object (${refs.join(', or ')})`;
}

export function describeDevice(user: User, d: Device): string {
  return `device ${deviceLetter(user, d)} of ${user.name} (${d.id})`;
}

function kindPredicate(c: CaseContext, o: StagedObject, kinds: readonly StatusEventKind[]): (n: PushNotification) => boolean {
  const about = aboutObject(c, o);
  return (n) => n.fields.eventKind !== undefined && kinds.includes(n.fields.eventKind) && about(n);
}

function waitDescription(c: CaseContext, o: StagedObject, kind: StatusEventKind): string {
  const names = vendorEventNames(c.push.binding, kind).map((e) => JSON.stringify(e)).join(' or ');
  return `a ${kind} notification (event ${names}) about ${describeObject(c, o)}`;
}

/** Notes the arrival and records the push latency (change made → notification received) for the reports. */
function arrivedAfter(c: CaseContext, n: PushNotification, since: number): void {
  c.note(`PUSH notification #${n.seq} (${n.fields.event ?? '?'}) arrived ${(n.t - since).toFixed(0)} ms after the change`);
  c.metric(METRICS.pushLatency, Math.max(0, n.t - since));
}

/**
 * Waits (profile push timeout) for the notification reporting `kind` about the object, counted from `from`
 * (a push mark taken before the change); no notification is a push.status-change failure with what did arrive.
 */
export async function expectNotification(c: CaseContext, o: StagedObject, kind: StatusEventKind, from: number, since: number): Promise<PushNotification> {
  const description = waitDescription(c, o, kind);
  try {
    const n = await c.push.waitFor(kindPredicate(c, o, [kind]), { from, timeoutMs: c.notifyTimeoutMs, description });
    arrivedAfter(c, n, since);
    return n;
  } catch (err) {
    const message = (err as Error).message;
    if (!/^timed out/.test(message)) throw err;
    return must.fail({
      requirement: 'push.status-change',
      what: `no notification to the CPM PUSH Enabler reported the ${kind} change`,
      expected: `${description} within ${c.notifyTimeoutMs} ms (push.timeoutMs)`,
      actual: message,
    });
  }
}

/**
 * Like expectNotification, but silence is not this check's business (arrival is push.status-change, checked by
 * the notified-with-identity cases): resolves undefined after the push timeout and notes it.
 */
export async function notificationIfAny(c: CaseContext, o: StagedObject, kind: StatusEventKind, from: number, since: number): Promise<PushNotification | undefined> {
  const description = waitDescription(c, o, kind);
  try {
    const n = await c.push.waitFor(kindPredicate(c, o, [kind]), { from, timeoutMs: c.notifyTimeoutMs, description });
    arrivedAfter(c, n, since);
    return n;
  } catch (err) {
    if (!/^timed out/.test((err as Error).message)) throw err;
    c.note(`no ${kind} notification about ${describeObject(c, o)} within ${c.notifyTimeoutMs} ms: nothing to attribute here`);
    return undefined;
  }
}

/** The device of `user` other than `actor` that the notification names, if any. */
export function otherDeviceNamed(n: PushNotification, actor: Device, user: User): Device | undefined {
  const id = n.fields.identity;
  return id === undefined ? undefined : user.devices.find((d) => d !== actor && sameDevice(id, d.id));
}

function identityShown(n: PushNotification): string {
  if (n.fields.identity !== undefined) return JSON.stringify(n.fields.identity);
  const problem = n.fieldProblems.find((p) => p.startsWith('identity:'));
  return `no identity (${problem ?? 'the identity pointer resolved to nothing'})`;
}

/** PN-23: the notification names the acting device (after normalisation), and no other device of the user. */
export function mustNameDevice(n: PushNotification, actor: Device, user: User): void {
  const other = otherDeviceNamed(n, actor, user);
  must.ok(other === undefined, {
    requirement: 'push.trigger-identity',
    what: `notification #${n.seq} names another device than the one that made the change`,
    expected: describeDevice(user, actor),
    actual: `${identityShown(n)} = ${other ? describeDevice(user, other) : ''}`,
  });
  must.ok(n.fields.identity !== undefined && sameDevice(n.fields.identity, actor.id), {
    requirement: 'push.trigger-identity',
    what: `notification #${n.seq} does not name the device that triggered the status change`,
    expected: `${describeDevice(user, actor)}, in any form equal after normalisation (URN, <URN>, +sip.instance, public GRUU)`,
    actual: identityShown(n),
  });
}

/**
 * PN-23, the negative side: during a quiet window after the change no notification about it names a device of
 * `user` other than `actor`.
 */
export async function mustNotNameOthers(c: CaseContext, o: StagedObject, change: Change, actor: Device, user: User, from: number): Promise<void> {
  const caused = kindPredicate(c, o, causedKinds(change));
  try {
    await c.push.expectNone((n) => caused(n) && otherDeviceNamed(n, actor, user) !== undefined, {
      from,
      forMs: QUIET_WINDOW_MS,
      description: `notification about the ${change} change naming a device of ${user.name} other than ${deviceLetter(user, actor)}`,
    });
  } catch (err) {
    const message = (err as Error).message;
    if (!/^unexpected/.test(message)) throw err;
    must.fail({
      requirement: 'push.trigger-identity',
      what: `a notification about the ${change} change names a device that did not make it`,
      expected: `only ${describeDevice(user, actor)} (or no device) in notifications about ${describeObject(c, o)}`,
      actual: message,
    });
  }
}

/** The schema problems of a notification in one line. */
export function schemaProblems(n: PushNotification): string {
  if (n.parseError !== undefined) return `#${n.seq}: not JSON (${n.parseError})`;
  if (n.schemaValid === undefined) return `#${n.seq}: not validated`;
  return `#${n.seq} ${n.fields.event ?? '?'}: ${n.schemaErrors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
}
