// Observing what the PUSH Enabler receives after one status change: the positive event (the change's kind, about
// the changed object), the forbidden ones (naming a device that did not act, or a second report of the change),
// and how absence was concluded. Matchers are pure functions of decoded events (tested without sockets); the one
// step observeChange() does the waiting. Expectations are data; outcomes are data, never error text.
import { sameDevice } from '../spec/device-identity.js';
import { ChannelClosed, ObservationTimeout, quietTime } from '../evidence/channel.js';
import { canMatchObjects, describeKindRule, describeReferences, type DeliveryOrder, type PushBinding, type StatusEventKind } from './binding.js';
import type { PushEvent } from './decode.js';
import type { ObservedEvent, PushEnabler, PushNotification } from './enabler.js';

/** An object as the suite knows it after staging it. */
export interface ObjectRef {
  imdnMessageId: string;
  folder: string;
  uidValidity: number;
  /** Every UID the object has had (a rewrite gives it a new one). */
  uids: number[];
  user: string;
}

/** Why an event is or is not about the object: undefined = it is. */
export function mismatch(binding: Pick<PushBinding, 'object'>, o: ObjectRef, e: PushEvent): string | undefined {
  const r = e.refs;
  const d = binding.object;
  const present: string[] = [];
  const differ = (what: string, got: unknown, want: unknown): string => `${what} ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`;
  if (d.imdnMessageId && r.imdnMessageId !== undefined) {
    present.push('imdn');
    if (r.imdnMessageId !== o.imdnMessageId) return differ('IMDN-Message-ID', r.imdnMessageId, o.imdnMessageId);
  }
  if (r.folder !== undefined) {
    present.push('folder');
    if (r.folder !== o.folder) return differ('folder', r.folder, o.folder);
  }
  if (r.uidValidity !== undefined && r.uidValidity !== o.uidValidity) return differ('UIDVALIDITY', r.uidValidity, o.uidValidity);
  if (r.uid !== undefined) {
    present.push('uid');
    if (!o.uids.includes(r.uid)) return differ('UID', r.uid, o.uids.join(' or '));
  }
  if (r.user !== undefined && r.user.toLowerCase() !== o.user.toLowerCase()) return differ('user', r.user, o.user);
  // A location needs the UID: a folder alone does not name an object.
  const identified = present.includes('imdn') || present.includes('uid');
  return identified ? undefined : `carries none of the declared references (${describeReferences(binding).join(', ') || 'none declared'})`;
}

export const isAbout = (binding: Pick<PushBinding, 'object'>, o: ObjectRef) => (e: PushEvent): boolean => mismatch(binding, o, e) === undefined;

/** The values of the event's actor fields (identities the binding says must name the acting device). */
export function actorIdentities(e: PushEvent): { name: string; value?: string; problem?: string }[] {
  return e.identities.filter((i) => i.role === 'actor');
}

/** Whether every actor field of the event names `deviceId` (after normalisation). */
export function namesDevice(e: PushEvent, deviceId: string): boolean {
  const ids = actorIdentities(e);
  return ids.length > 0 && ids.every((i) => i.value !== undefined && sameDevice(i.value, deviceId));
}

/** The first of `others` that any identity field of the event names, if one does. */
export function namesOther<D extends { id: string }>(e: PushEvent, others: readonly D[]): D | undefined {
  for (const i of e.identities) {
    if (i.value === undefined || i.role !== 'actor') continue;
    const hit = others.find((d) => sameDevice(i.value!, d.id));
    if (hit) return hit;
  }
  return undefined;
}

/** The event's actor identities in words (with the reason when one is missing). */
export function identityShown(e: PushEvent): string {
  const ids = actorIdentities(e);
  if (ids.length === 0) return 'no identity field declared in the binding';
  return ids.map((i) => (i.value !== undefined ? `${i.name}=${JSON.stringify(i.value)}` : `${i.name}: ${i.problem ?? 'missing'}`)).join(', ');
}

export interface ChangeSpec {
  object: ObjectRef;
  /** The kind that reports the change. */
  kind: StatusEventKind;
  /** Every kind the change causes (an expunge first sets \Deleted). */
  caused: StatusEventKind[];
  /** Push mark taken before the change. */
  from: number;
  /** When the change was sent (latency is counted from here). */
  since: number;
  timeoutMs: number;
}

export interface SentinelChange {
  object: ObjectRef;
  kind: StatusEventKind;
  from: number;
  since: number;
}

export interface AbsenceSpec {
  /** Devices no event about the change may name (the user's other devices). */
  forbiddenDevices?: readonly { id: string }[];
  /** A second event of the reporting kind about the object is forbidden (exactly one notification). */
  noDuplicate?: boolean;
  delivery: DeliveryOrder;
  /** Makes a sentinel change after the change under test (ordered delivery); resolves when it was made. */
  sentinel?: () => Promise<SentinelChange>;
}

export interface ForbiddenEvent {
  observed: ObservedEvent;
  why: string;
}

export interface ChangeObservation {
  /** The event that reports the change, when one came in time. */
  positive?: ObservedEvent;
  latencyMs?: number;
  /** What the positive wait saw when it timed out (the evidence of a missing notification). */
  timeout?: string;
  forbidden: ForbiddenEvent[];
  /** How absence was concluded (absence checks only). */
  absence?: { proven: boolean; basis: string };
  /** Every event about the object since the change, and the events that were not about it with the reason. */
  about: ObservedEvent[];
  unrelated: { observed: ObservedEvent; why: string }[];
  /** Notifications that could not be decoded, or whose events the binding could not read, since the change. */
  undecodable: PushNotification[];
}

function kindWords(binding: PushBinding, kind: StatusEventKind): string {
  return `a ${kind} event (${describeKindRule(binding.kinds[kind])})`;
}

/** Waits for the change's positive event; a timeout is an outcome (data), not an exception. */
async function waitPositive(push: PushEnabler, c: ChangeSpec, about: (e: PushEvent) => boolean): Promise<Pick<ChangeObservation, 'positive' | 'latencyMs' | 'timeout'>> {
  const description = `${kindWords(push.binding, c.kind)} about the object (IMDN-Message-ID ${c.object.imdnMessageId}, ${c.object.folder} UID ${c.object.uids.join(' or ')})`;
  try {
    const [hit] = await push.waitForEvents((o) => o.event.kinds.includes(c.kind) && about(o.event), { from: c.from, timeoutMs: c.timeoutMs, description });
    return { positive: hit!, latencyMs: Math.max(0, hit!.notification.t - c.since) };
  } catch (e) {
    if (e instanceof ObservationTimeout || e instanceof ChannelClosed) return { timeout: e.message };
    throw e;
  }
}

/**
 * Observes one change. Without `absence`, only the positive event is awaited. With it, the forbidden events are
 * collected until absence is concluded: by a sentinel barrier when the store delivers a user's notifications in
 * order (the sentinel's event arrived, so everything about the earlier change has), else by a fixed quiet window.
 * Absence counts as proven only when a notification was seen for this change or for the sentinel: silence from a
 * store, or from a binding that matches nothing, proves nothing.
 */
export async function observeChange(push: PushEnabler, c: ChangeSpec, absence?: AbsenceSpec): Promise<ChangeObservation> {
  if (!canMatchObjects(push.binding)) throw new Error('the push binding declares no object reference (IMDN-Message-ID, resource URL, or folder and UID)');
  const about = isAbout(push.binding, c.object);
  const pos = await waitPositive(push, c, about);
  let absenceResult: ChangeObservation['absence'];
  let until = Number.POSITIVE_INFINITY;
  if (absence) {
    const sentinelProven = await concludeAbsence(push, c, absence, pos.positive !== undefined);
    absenceResult = sentinelProven.absence;
    until = sentinelProven.until;
  }
  const observed = push.events(c.from).filter((o) => o.notification.seq < until);
  const aboutObject: ObservedEvent[] = [];
  const unrelated: ChangeObservation['unrelated'] = [];
  for (const o of observed) {
    const why = mismatch(push.binding, c.object, o.event);
    if (why === undefined) aboutObject.push(o);
    else unrelated.push({ observed: o, why });
  }
  const forbidden: ForbiddenEvent[] = [];
  if (absence) {
    for (const o of aboutObject) {
      if (!o.event.kinds.some((k) => c.caused.includes(k))) continue;
      const other = absence.forbiddenDevices ? namesOther(o.event, absence.forbiddenDevices) : undefined;
      if (other) forbidden.push({ observed: o, why: `names ${other.id}, a device that did not make the change (${identityShown(o.event)})` });
    }
    if (absence.noDuplicate && pos.positive) {
      for (const o of aboutObject) {
        if (o === pos.positive || !o.event.kinds.includes(c.kind)) continue;
        forbidden.push({ observed: o, why: `a second ${c.kind} event about the object (the first: #${pos.positive.notification.seq}[${pos.positive.event.position}])` });
      }
    }
  }
  const undecodable = push
    .notifications()
    .filter((n) => n.seq >= c.from && n.seq < until && (n.parseError !== undefined || n.problems.length > 0 || n.events.some((e) => e.problems.length > 0)));
  return { ...pos, forbidden, ...(absenceResult ? { absence: absenceResult } : {}), about: aboutObject, unrelated, undecodable };
}

async function concludeAbsence(push: PushEnabler, c: ChangeSpec, a: AbsenceSpec, positiveSeen: boolean): Promise<{ absence: { proven: boolean; basis: string }; until: number }> {
  if (a.delivery.order === 'per-user' && a.sentinel) {
    const s = await a.sentinel();
    const sentinelAbout = isAbout(push.binding, s.object);
    try {
      const [hit] = await push.waitForEvents((o) => o.event.kinds.includes(s.kind) && sentinelAbout(o.event), {
        from: s.from,
        timeoutMs: c.timeoutMs,
        description: `the sentinel's ${s.kind} event (IMDN-Message-ID ${s.object.imdnMessageId})`,
      });
      if (a.delivery.graceMs > 0) await new Promise((r) => setTimeout(r, a.delivery.graceMs));
      return {
        absence: { proven: true, basis: `sentinel barrier: the sentinel's ${s.kind} event arrived as notification #${hit!.notification.seq}, ${Math.round(hit!.notification.t - s.since)} ms after the sentinel change${a.delivery.graceMs ? `, plus ${a.delivery.graceMs} ms grace` : ''}` },
        until: a.delivery.graceMs > 0 ? Number.POSITIVE_INFINITY : hit!.notification.seq + 1,
      };
    } catch (e) {
      if (!(e instanceof ObservationTimeout)) throw e;
      // The sentinel wait was itself an observation window as long as the push timeout.
      return {
        absence: positiveSeen
          ? { proven: true, basis: `the change's own notification arrived; the sentinel's did not within ${c.timeoutMs} ms, so the whole push timeout served as the observation window` }
          : { proven: false, basis: `neither the change's notification nor the sentinel's (${s.kind}, IMDN-Message-ID ${s.object.imdnMessageId}) arrived within ${c.timeoutMs} ms` },
        until: Number.POSITIVE_INFINITY,
      };
    }
  }
  await new Promise((r) => setTimeout(r, a.delivery.quietWindowMs));
  quietTime.ms += a.delivery.quietWindowMs;
  return {
    absence: positiveSeen
      ? { proven: true, basis: `the change's own notification arrived, then a ${a.delivery.quietWindowMs} ms quiet window (the profile declares no delivery order)` }
      : { proven: false, basis: `no notification for this change arrived within ${c.timeoutMs} ms, and the profile declares no delivery order to build a sentinel barrier on` },
    until: Number.POSITIVE_INFINITY,
  };
}

/** Raw body bytes quoted per notification in the evidence. */
const BODY_QUOTE_BYTES = 2048;

export interface EvidenceOptions {
  /** Removes secrets from quoted bodies (the profile's credentials). */
  redact?: (text: string) => string;
  maxUnrelated?: number;
}

/**
 * The evidence of an observation in lines: the timeout in effect, what matched and its latency, what did not match
 * and why, bodies that did not decode, how absence was concluded, and the raw bodies of every notification
 * involved (size-capped, secrets removed).
 */
export function evidenceLines(push: PushEnabler, c: ChangeSpec, o: ChangeObservation, opts: EvidenceOptions = {}): string[] {
  const maxUnrelated = opts.maxUnrelated ?? 20;
  const lines: string[] = [`push evidence (timeout ${c.timeoutMs} ms): ${kindWords(push.binding, c.kind)} about IMDN-Message-ID ${c.object.imdnMessageId} / ${c.object.folder} UID ${c.object.uids.join(',')}`];
  if (o.positive) lines.push(`  matched: ${push.describeEvent(o.positive)} after ${Math.round(o.latencyMs ?? 0)} ms`);
  else lines.push(`  no matching event: ${o.timeout ?? 'not awaited'}`);
  for (const a of o.about) if (a !== o.positive) lines.push(`  also about the object: ${push.describeEvent(a)}`);
  for (const f of o.forbidden) lines.push(`  forbidden: ${push.describeEvent(f.observed)}: ${f.why}`);
  for (const u of o.unrelated.slice(0, maxUnrelated)) lines.push(`  not about the object: ${push.describeEvent(u.observed)}: ${u.why}`);
  if (o.unrelated.length > maxUnrelated) lines.push(`  … ${o.unrelated.length - maxUnrelated} more events not about the object`);
  for (const n of o.undecodable) lines.push(`  could not be read: ${push.describe(n)}`);
  if (o.absence) lines.push(`  absence ${o.absence.proven ? 'proven' : 'NOT proven'}: ${o.absence.basis}`);
  const involved = new Map<number, PushNotification>();
  for (const e of [...(o.positive ? [o.positive] : []), ...o.about, ...o.forbidden.map((f) => f.observed)]) involved.set(e.notification.seq, e.notification);
  for (const n of o.undecodable) involved.set(n.seq, n);
  const redact = opts.redact ?? ((t: string) => t);
  for (const n of [...involved.values()].sort((a, b) => a.seq - b.seq)) {
    const text = redact(n.body.subarray(0, BODY_QUOTE_BYTES).toString('utf8'));
    const cut = n.body.length > BODY_QUOTE_BYTES ? ` … (${n.body.length} bytes in all)` : '';
    lines.push(`  body of #${n.seq} (${n.contentType ?? 'no content type'}, ${n.bodyBytes} bytes): ${text}${cut}`);
  }
  return lines;
}
