// Judging a load run from recorded changes and notifications, without a server: every problem category is
// produced by a small hand-made set of notifications.
import { describe, expect, it } from 'vitest';
import { account, problemCount, type AppliedChange, type LoadChangeKind } from '../../../harness/load/accounting.js';
import { latencyFigures, percentile } from '../../../harness/load/stats.js';
import { DEFAULT_PUSH_POINTERS, shorthandBinding } from '../../../harness/push/binding.js';
import type { PushEvent, PushNotification, StatusEventKind } from '../../../harness/push/index.js';

const A = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
const B = 'urn:gsma:imei:35000000-000001-0';

function change(index: number, kind: LoadChangeKind, uid: number, deviceId = A, sentAt = 1000 + index): AppliedChange {
  return {
    index,
    kind,
    label: 'alice/d1',
    user: 'alice',
    deviceId,
    object: { folder: 'F', uidValidity: 7, uid, imdnMessageId: `id-${uid}` },
    sentAt,
  };
}

function event(kind: StatusEventKind, uid: number, identity: string | null = A, object = `id-${uid}`, position = 0): PushEvent {
  return {
    position,
    path: '$',
    raw: {},
    kinds: [kind],
    label: kind,
    refs: { imdnMessageId: object, folder: 'F', uidValidity: 7, uid },
    identities: [{ name: 'identity', role: 'actor', ...(identity !== null ? { value: identity } : { problem: 'identity: nothing at /i' }) }],
    problems: [],
  };
}

let seq = 0;
function note(kind: StatusEventKind, uid: number, t: number, identity: string | null = A, object = `id-${uid}`): PushNotification {
  return notes([event(kind, uid, identity, object)], t);
}

/** One notification carrying several events (an NMS event list). */
function notes(events: PushEvent[], t: number): PushNotification {
  seq += 1;
  return {
    seq,
    t,
    wallClock: '',
    method: 'POST',
    path: '/push',
    httpVersion: '1.1',
    headers: {},
    body: Buffer.alloc(0),
    bodyBytes: 0,
    tooLarge: false,
    aborted: false,
    parsed: {},
    format: 'json',
    schemaErrors: [],
    events: events.map((e, i) => ({ ...e, position: i })),
    problems: [],
    status: 204,
  };
}

const opts = { binding: shorthandBinding(), timeoutMs: 100 };

describe('load accounting', () => {
  it('a change notified once, in time, naming the acting device is clean; delete+expunge is reported by expunged', () => {
    const changes = [change(0, 'seen', 1), change(1, 'unseen', 1), change(2, 'delete-expunge', 1)];
    const a = account(changes, [note('new', 1, 990), note('seen', 1, 1010), note('unseen', 1, 1012), note('deleted', 1, 1013), note('expunged', 1, 1020)], opts);
    expect(a.clean).toBe(3);
    expect(a.other).toBe(1);
    expect(problemCount(a)).toBe(0);
    expect(a.verdicts.map((v) => v.latencyMs)).toEqual([10, 11, 18]);
    expect(a.total).toMatchObject({ applied: 3, notified: 3, lost: 0 });
  });

  it('counts lost, late, duplicated and wrong identity per change, wrong object per notification', () => {
    const changes = [change(0, 'seen', 1), change(1, 'seen', 2), change(2, 'seen', 3), change(3, 'seen', 4), change(4, 'seen', 5)];
    const a = account(
      changes,
      [
        // uid 1: nothing (lost)
        note('seen', 2, 1001 + 150), // late
        note('seen', 3, 1010),
        note('seen', 3, 1011), // duplicated
        note('seen', 4, 1010, B), // another device named
        note('seen', 5, 1010, null), // no device named
        note('seen', 9, 1010, A, 'id-9'), // an object no device changed
        note('undeleted', 3, 1010), // a kind no change of uid 3 causes
      ],
      opts,
    );
    expect(a.total).toMatchObject({ applied: 5, notified: 4, lost: 1, late: 1, duplicated: 1, wrongIdentity: 2 });
    expect(a.wrongObject.map((o) => o.event.kinds[0])).toEqual(['seen', 'undeleted']);
    expect(a.verdicts.map((v) => v.problems)).toEqual([['lost'], ['late'], ['duplicated'], ['wrong-identity'], ['wrong-identity']]);
    expect(a.clean).toBe(0);
    expect(problemCount(a)).toBe(7);
  });

  it('matches by folder and UID when the binding has no object pointer, and compares identities after normalisation', () => {
    const { object: _none, ...pointers } = DEFAULT_PUSH_POINTERS;
    const e = event('seen', 1, `<urn:uuid:${A.slice('urn:uuid:'.length).toUpperCase()}>`);
    const { imdnMessageId: _id, ...refs } = e.refs;
    const a = account([change(0, 'seen', 1)], [notes([{ ...e, refs }], 1001)], { ...opts, binding: shorthandBinding({ pointers }) });
    expect(a.clean).toBe(1);
  });

  it('several events in one notification are each attributed, in any order, other objects\' events aside', () => {
    const changes = [change(0, 'seen', 1), change(1, 'seen', 2)];
    const list = notes([event('seen', 9, A, 'id-9'), event('seen', 2), event('new', 5), event('seen', 1)], 1010);
    const a = account(changes, [list], opts);
    expect(a.clean).toBe(2);
    expect(a.other).toBe(1);
    expect(a.wrongObject.map((o) => o.event.refs.uid)).toEqual([9]);
    expect(a.verdicts.map((v) => v.notifications.map((o) => o.event.position))).toEqual([[3], [1]]);
  });

  it('a failed change is counted as failed, not lost; unreadable notifications are counted apart', () => {
    const failed = { ...change(0, 'seen', 1), error: 'UID STORE 1 +FLAGS (\\Seen) was refused: A1 NO' };
    const { parsed: _p, ...rest } = note('seen', 1, 1001);
    const junk: PushNotification = { ...rest, events: [], parseError: 'not JSON: Unexpected token' };
    const a = account([failed], [junk], opts);
    expect(a.total).toMatchObject({ applied: 1, failed: 1, lost: 0 });
    expect(a.unreadable).toBe(1);
    expect(problemCount(a)).toBe(1);
  });

  it('an interrupted run leaves changes whose window was still open pending, not lost', () => {
    const a = account([change(0, 'seen', 1, A, 1000), change(1, 'seen', 2, A, 1500)], [], { ...opts, lateWindowMs: 100, listenedUntil: 1600 });
    expect(a.total).toMatchObject({ lost: 1, pending: 1 });
  });

  it('refuses a binding that cannot name objects', () => {
    expect(() => account([], [], { binding: shorthandBinding({ pointers: { identity: '/i', event: '/e' } }), timeoutMs: 1 })).toThrow(/declares no object reference/);
  });
});

describe('latency figures', () => {
  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(latencyFigures(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(latencyFigures([])).toBeNull();
    expect(latencyFigures([3.14159])).toEqual({ count: 1, p50: 3.142, p95: 3.142, p99: 3.142, max: 3.142 });
  });
});
