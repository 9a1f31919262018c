// What the mock CPM PUSH Enabler must see after a status change: an event of the right kind about the changed
// object, naming the device that made the change. The payload format is the profile's binding (A-5): events
// are found, classified and matched to objects as the binding declares (harness/push/observe.ts); device
// identities are compared after normalisation (spec notes §8.5). Negative checks are never vacuous: absence
// counts only after a notification for the change, or for a sentinel change, was seen.
import { METRICS, type CaseContext } from '../../harness/conformance/context.js';
import { must } from '../../harness/must/index.js';
import { redact } from '../../harness/profile/secrets.js';
import type { Device, User } from '../../harness/profile/types.js';
import {
  evidenceLines,
  identityShown,
  namesDevice,
  namesOther,
  observeChange,
  type ChangeObservation,
  type ChangeSpec,
  type ObjectRef,
  type ObservedEvent,
  type StatusEventKind,
} from '../../harness/push/index.js';
import type { DeviceSession } from '../../harness/imap/session.js';
import { deviceLetter, sentinelChange, type Change, type StagedObject } from './staging.js';

/** The notification kind that reports the change. */
export function reportedKind(change: Change): StatusEventKind {
  return change;
}

/** Every notification kind the change causes (an expunge by a client first sets \Deleted). */
export function causedKinds(change: Change): StatusEventKind[] {
  return change === 'expunged' ? ['deleted', 'expunged'] : [change];
}

export function objectRef(user: User, o: StagedObject): ObjectRef {
  return { imdnMessageId: o.imdnMessageId, folder: o.folder, uidValidity: o.uidValidity, uids: o.uids, user: user.name };
}

export function describeObject(o: StagedObject): string {
  return `the ${o.type} object (IMDN-Message-ID ${o.imdnMessageId}, ${o.folder} UIDVALIDITY ${o.uidValidity} UID ${o.uids.join(' or ')})`;
}

export function describeDevice(user: User, d: Device): string {
  return `device ${deviceLetter(user, d)} of ${user.name} (${d.id})`;
}

function spec(c: CaseContext, user: User, o: StagedObject, kind: StatusEventKind, from: number, since: number, caused: StatusEventKind[] = [kind]): ChangeSpec {
  return { object: objectRef(user, o), kind, caused, from, since, timeoutMs: c.notifyTimeoutMs };
}

/** Evidence of the observation into the case's record; the latency into its metrics. */
function record(c: CaseContext, s: ChangeSpec, o: ChangeObservation): void {
  const secrets = c.run.secrets;
  for (const line of evidenceLines(c.push, s, o, { redact: (t) => redact(t, secrets) })) c.note(line);
  if (o.latencyMs !== undefined) c.metric(METRICS.pushLatency, o.latencyMs);
}

/**
 * Waits (profile push timeout) for the event reporting `kind` about the object, counted from `from` (a push
 * mark taken before the change); none is a push.status-change failure with every notification that did arrive.
 */
export async function expectNotification(c: CaseContext, user: User, o: StagedObject, kind: StatusEventKind, from: number, since: number): Promise<ObservedEvent> {
  const s = spec(c, user, o, kind, from, since);
  const obs = await observeChange(c.push, s);
  record(c, s, obs);
  if (!obs.positive) {
    return must.fail({
      requirement: 'push.status-change',
      what: `no notification to the CPM PUSH Enabler reported the ${kind} change`,
      expected: `a ${kind} event about ${describeObject(o)} within ${c.notifyTimeoutMs} ms (push.timeoutMs)`,
      actual: obs.timeout ?? 'nothing arrived',
    });
  }
  return obs.positive;
}

/**
 * Like expectNotification, but silence is not this check's business (arrival is push.status-change, checked by
 * the notified-with-identity cases): resolves undefined after the push timeout and notes it.
 */
export async function notificationIfAny(c: CaseContext, user: User, o: StagedObject, kind: StatusEventKind, from: number, since: number): Promise<ObservedEvent | undefined> {
  const s = spec(c, user, o, kind, from, since);
  const obs = await observeChange(c.push, s);
  record(c, s, obs);
  if (!obs.positive) c.note(`no ${kind} event about ${describeObject(o)} within ${c.notifyTimeoutMs} ms: nothing to attribute here`);
  return obs.positive;
}

/** PN-23: every actor field of the event names the acting device (after normalisation), and no other device of the user. */
export function mustNameDevice(e: ObservedEvent, actor: Device, user: User): void {
  const where = `notification #${e.notification.seq}, event ${e.event.position}`;
  const other = namesOther(e.event, user.devices.filter((d) => d !== actor));
  must.ok(other === undefined, {
    requirement: 'push.trigger-identity',
    what: `${where} names another device than the one that made the change`,
    expected: describeDevice(user, actor),
    actual: `${identityShown(e.event)} = ${other ? describeDevice(user, other as Device) : ''}`,
  });
  must.ok(namesDevice(e.event, actor.id), {
    requirement: 'push.trigger-identity',
    what: `${where} does not name the device that triggered the status change`,
    expected: `${describeDevice(user, actor)}, in any form equal after normalisation (URN, <URN>, +sip.instance, public GRUU)`,
    actual: identityShown(e.event),
  });
}

/** A sentinel change by `s` (another object of the user), for the barrier that concludes absence. */
function sentinelFor(c: CaseContext, s: DeviceSession, user: User, change: Change) {
  return () => sentinelChange(c, s, user, change === 'seen' ? 'deleted' : 'seen');
}

/**
 * PN-23, the negative side: no event about the change names a device of `user` other than `actor`. Absence is
 * concluded by a sentinel barrier (or the profile's quiet window), and only counts once a notification for
 * the change or for the sentinel was seen.
 */
export async function mustNotNameOthers(c: CaseContext, s: DeviceSession, o: StagedObject, change: Change, actor: Device, user: User, from: number, since: number): Promise<void> {
  const sp = spec(c, user, o, reportedKind(change), from, since, causedKinds(change));
  const obs = await observeChange(c.push, sp, {
    forbiddenDevices: user.devices.filter((d) => d !== actor),
    delivery: c.profile.push.delivery,
    sentinel: sentinelFor(c, s, user, change),
  });
  record(c, sp, obs);
  const first = obs.forbidden[0];
  must.ok(first === undefined, {
    requirement: 'push.trigger-identity',
    what: `a notification about the ${change} change names a device that did not make it`,
    expected: `only ${describeDevice(user, actor)} in events about ${describeObject(o)}`,
    actual: obs.forbidden.map((f) => `${c.push.describeEvent(f.observed)}: ${f.why}`).join(' | '),
  });
  // Silence is a status-change failure here, not a pass: nothing was observed that a device could be named in.
  must.ok(obs.absence?.proven === true, {
    requirement: 'push.status-change',
    what: `no notification for the ${change} change was observed, so the negative is unproven`,
    expected: `the ${change} event about ${describeObject(o)}, or the sentinel change's event, within ${c.notifyTimeoutMs} ms`,
    actual: obs.absence?.basis ?? 'absence was not observed',
  });
}

/** One change, one notification (SHOULD): no second event of the reporting kind about the object. */
export async function mustNotifyOnce(c: CaseContext, s: DeviceSession, o: StagedObject, change: Change, user: User, from: number, since: number): Promise<void> {
  const sp = spec(c, user, o, reportedKind(change), from, since, causedKinds(change));
  const obs = await observeChange(c.push, sp, { noDuplicate: true, delivery: c.profile.push.delivery, sentinel: sentinelFor(c, s, user, change) });
  record(c, sp, obs);
  if (!obs.positive) {
    must.fail({
      requirement: 'push.status-change',
      what: `no notification to the CPM PUSH Enabler reported the ${change} change`,
      expected: `a ${change} event about ${describeObject(o)} within ${c.notifyTimeoutMs} ms (push.timeoutMs)`,
      actual: obs.timeout ?? 'nothing arrived',
    });
  }
  must.ok(obs.forbidden.length === 0, {
    requirement: 'push.status-change',
    what: `one ${change} change was notified more than once`,
    expected: `exactly one ${change} event (#${obs.positive.notification.seq})`,
    actual: obs.forbidden.map((f) => `${c.push.describeEvent(f.observed)}: ${f.why}`).join(' | '),
  });
  must.ok(obs.absence?.proven === true, {
    requirement: 'push.status-change',
    what: 'a second notification could not be ruled out',
    expected: 'the sentinel change\'s event, or the quiet window, after the first',
    actual: obs.absence?.basis ?? 'absence was not observed',
  });
}

/** The schema problems of a notification in one line. */
export function schemaProblems(e: ObservedEvent): string {
  const n = e.notification;
  if (n.parseError !== undefined) return `#${n.seq}: ${n.parseError}`;
  if (n.schemaValid === undefined) return `#${n.seq}: not validated`;
  return `#${n.seq}: ${n.schemaErrors.map((x) => `${x.path} ${x.message}`).join('; ')}`;
}
