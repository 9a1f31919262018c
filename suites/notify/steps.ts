// Steps the 5.4.1 cases share: a listening and an acting session of one user, NOTIFY SET, waiting for a
// notification (a missed one is a conformance failure with everything that did arrive as evidence), quiet
// windows for notifications that must not come, IDLE, and the mailbox's current STATUS as the truth to compare.
import type { CaseContext } from '../../harness/conformance/context.js';
import { isOverflow, parseStatus, quoted, sameMailbox, type StatusResponse } from '../../harness/imap/notify.js';
import { select } from '../../harness/imap/objects.js';
import type { Untagged } from '../../harness/imap/response-reader.js';
import type { CommandResult, DeviceSession } from '../../harness/imap/session.js';
import { BlockedError, must } from '../../harness/must/index.js';
import { uniqueSample } from '../../harness/objects/samples.js';
import type { User } from '../../harness/profile/types.js';
import type { ObjectKind } from '../../harness/spec/types.js';
import { WaitTimeoutError } from '../../harness/wait.js';

export { quoted } from '../../harness/imap/notify.js';

export const SHALL_NOTIFY = 'notify.imap.shall-notify';

/**
 * Quiet window of the negative checks: long enough for a server that pushes at once to have pushed (checks start
 * after a barrier event where one exists), short enough to keep the suite fast. It proves absence only.
 */
export const QUIET_MS = 400;

/** Message events every NOTIFY-capable server supports (RFC 5465 §5: MessageNew and MessageExpunge go together). */
export const NEW_EXPUNGE = '(MessageNew MessageExpunge)';
export const NEW_EXPUNGE_FLAGS = '(MessageNew MessageExpunge FlagChange)';

export interface Actors {
  user: User;
  /** The session that asks for notifications. */
  listener: DeviceSession;
  /** Another device of the same user that changes the store. */
  actor: DeviceSession;
}

/** A listening session on the user's first device and an acting session on the second. */
export async function actors(c: CaseContext): Promise<Actors> {
  const user = c.user({ devices: 2 });
  const listener = await c.session(user, user.devices[0]!, `${user.name}/listener`);
  const actor = await c.session(user, user.devices[1]!, `${user.name}/actor`);
  return { user, listener, actor };
}

/** A stored object of a kind the profile lists, with identifiers unique to this case and `n`. */
export function sampleObject(c: CaseContext, n: number): Buffer {
  const kinds = c.profile.features.objectKinds as readonly ObjectKind[];
  const kind = kinds.find((k) => k !== 'voicemail') ?? kinds[0];
  if (!kind) throw new BlockedError('the profile lists no object kind to store');
  const tag = ((parseInt(c.tag, 16) + n * 0x1000) % 0x1000000).toString(16).padStart(6, '0');
  return uniqueSample(kind, tag);
}

/** NOTIFY <args>; a refusal of a valid request fails `requirement` (by default the CR's SHALL). */
export async function notify(s: DeviceSession, args: string, requirement = SHALL_NOTIFY): Promise<CommandResult> {
  const r = await s.exec(`NOTIFY ${args}`);
  must.ok(r.status === 'OK', { requirement, what: `NOTIFY ${args} is accepted`, expected: 'tagged OK', actual: r.tagged });
  return r;
}

export interface Expectation {
  requirement: string;
  /** The notification awaited, in words. */
  what: string;
  /** Untagged index from `s.untagged.mark()` taken before the action. */
  since: number;
}

/** Waits for a notification; when none comes in the profile's IMAP notification timeout the case fails. */
export async function expectUntagged(c: CaseContext, s: DeviceSession, pred: (u: Untagged) => boolean, e: Expectation): Promise<Untagged> {
  try {
    return await s.waitForUntagged(pred, { timeoutMs: c.imapNotifyTimeoutMs, description: e.what, since: e.since });
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const overflow = s.untagged.find(isOverflow, e.since) ? ' (the server had announced NOTIFICATIONOVERFLOW)' : '';
    return must.fail({
      requirement: e.requirement,
      what: `${s.spec.label} receives ${e.what}`,
      expected: `${e.what} within ${c.imapNotifyTimeoutMs} ms`,
      actual: err.seen.length ? `only:\n      ${err.seen.join('\n      ')}${overflow}` : `no untagged response at all${overflow}`,
    });
  }
}

/** Nothing matching arrives in a quiet window (QUIET_MS) counted from now; `since` also covers earlier arrivals. */
export async function expectQuiet(s: DeviceSession, pred: (u: Untagged) => boolean, e: Expectation): Promise<void> {
  try {
    await s.untagged.expectNone(pred, { forMs: QUIET_MS, description: e.what, since: e.since });
  } catch (err) {
    must.fail({
      requirement: e.requirement,
      what: `${s.spec.label} receives no ${e.what}`,
      expected: `no ${e.what} (quiet window ${QUIET_MS} ms)`,
      actual: (err as Error).message,
    });
  }
}

/** A STATUS notification for `folder`. */
export const statusFor =
  (folder: string, extra: (s: StatusResponse) => boolean = () => true) =>
  (u: Untagged): boolean => {
    const st = parseStatus(u);
    return st !== undefined && sameMailbox(st.mailbox, folder) && extra(st);
  };

/** The mailbox's STATUS now, asked by `s` (the truth a notification's values are compared with). */
export async function statusNow(s: DeviceSession, folder: string, items = 'MESSAGES UIDNEXT UIDVALIDITY'): Promise<StatusResponse> {
  const r = await s.exec(`STATUS ${quoted(folder)} (${items})`);
  const st = r.untagged.map(parseStatus).find((x) => x !== undefined && sameMailbox(x.mailbox, folder));
  if (r.status !== 'OK' || !st) throw new BlockedError(`STATUS ${folder} (${items}) failed: ${r.tagged}`);
  return st;
}

export interface Idling {
  /** Ends IDLE (DONE) and waits for its completion. */
  done(): Promise<void>;
}

/**
 * Puts the session in IDLE. Cases listen for selected-mailbox events in IDLE because RFC 5465 §4 lets a server
 * deliver them there; delivery without IDLE has its own case (notify.selected.unsolicited-after-own-command).
 */
/**
 * The listening side of a selected-mailbox case: SELECT the folder, NOTIFY SET for it, then sit in IDLE (RFC 5465
 * §4 lets a server deliver selected-mailbox events there). `since` marks where the responses to watch begin.
 */
export async function listenSelected(s: DeviceSession, folder: string, notifySet: string): Promise<Idling & { since: number }> {
  await select(s, folder);
  await notify(s, notifySet);
  const idling = idle(s);
  return { since: s.untagged.mark(), done: () => idling.done() };
}

export function idle(s: DeviceSession): Idling {
  const running = s.client.idle().catch(() => false);
  return {
    async done() {
      const preCheck = (s.client as unknown as { preCheck?: () => Promise<void> }).preCheck;
      if (typeof preCheck === 'function') await preCheck.call(s.client);
      await running;
    },
  };
}

/** Whether the server advertises `capability` (after login). */
export function advertises(s: DeviceSession, capability: string): boolean {
  return s.capabilities.has(capability.toUpperCase());
}
