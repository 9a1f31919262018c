// Delivers status notifications to the CPM PUSH Enabler (CR §5.4.2).
//
// The CR sets no delivery rules (notes A-8); this notifier's policy:
// * notify() builds the payload and enqueues it; delivery is asynchronous, so a slow or dead enabler never
//   blocks the store.
// * Per user, payloads are delivered strictly in `index` order, one at a time, retries included; different
//   users are delivered in parallel (up to `concurrency`).
// * `index` is per user, starts at 1 and is taken when the payload is built in notify(). Retries and
//   transform duplicates repeat it; payloads lost to overflow, transform or failure leave a gap the enabler
//   can see (as NMS index gaps would).
// * Retried: connection errors, timeouts, 408, 429, 5xx — exponential back-off (no jitter, so tests are
//   deterministic), Retry-After honoured up to backoff.max. Not retried: any other non-2xx.
// * At-least-once: a retry after a lost response may deliver the same index twice.
// * Logs name the user, index, event and outcome; never the payload, device identity or URL credentials.
// * NMS formats (nms-json, nms-xml): notify() adds the event to a batch; a timer armed at the batch's first event
//   flushes it after batchWindowMs into one POST (nms-json: one list per user; nms-xml: one POST per user and
//   triggering device), each list taking its user's next index. nms-json POSTs, which may carry several users,
//   share one delivery lane, so they too are delivered strictly in order; nms-xml POSTs use the user's lane.
import http from 'node:http';
import https from 'node:https';
import { buildStatusPayload } from './payload.js';
import { buildNmsPosts, serializeNmsPost } from './nms.js';
import { postBody, type AttemptOutcome } from './http-post.js';
import type { NmsBatchPost, PushNotifier, PushNotifierOptions, PushNotifierStats, StatusEvent, StatusPayload } from './types.js';

interface Job {
  seq: number; // global enqueue order: decides which payload is "oldest"
  lane: string; // delivery order is strict per lane: the user, or NMS_JSON_LANE
  label: string; // for logs
  body: string;
  contentType: string;
  notBefore: number; // delayMs fault
}

/** The lane of nms-json POSTs (a POST may carry several users). Store user names never contain '*'. */
const NMS_JSON_LANE = '*nms-json';

const DEFAULTS = {
  requestTimeoutMs: 2000,
  maxAttempts: 5,
  backoffMs: { initial: 100, max: 2000 },
  maxQueue: 10_000,
  delayMs: 0,
  concurrency: 4,
  format: 'reference' as const,
  batchWindowMs: 5,
};

/** How long close() waits for aborted attempts to unwind before resolving anyway. */
const CLOSE_GRACE_MS = 1000;

export function createPushNotifier(opts: PushNotifierOptions): PushNotifier {
  const url = new URL(opts.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`push enabler URL must be http(s): got ${url.protocol}`);
  }
  const where = `${url.origin}${url.pathname}`; // loggable: no userinfo, no query
  const requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULTS.maxAttempts);
  const backoff = opts.backoffMs ?? DEFAULTS.backoffMs;
  const maxQueue = Math.max(1, opts.maxQueue ?? DEFAULTS.maxQueue);
  const delayMs = Math.max(0, opts.delayMs ?? DEFAULTS.delayMs);
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULTS.concurrency);
  const log = opts.log ?? (() => {});
  const format = opts.format ?? DEFAULTS.format;
  if (format !== 'reference' && format !== 'nms-json' && format !== 'nms-xml') {
    throw new TypeError(`push format must be reference, nms-json or nms-xml: got ${String(format)}`);
  }
  const batchWindowMs = Math.max(0, opts.batchWindowMs ?? DEFAULTS.batchWindowMs);
  const agent = new (url.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: concurrency });

  const counters = { sent: 0, failed: 0, retried: 0, dropped: 0, suppressed: 0 };
  const indexByUser = new Map<string, number>();
  const queues = new Map<string, Job[]>(); // per user, FIFO
  const busyLanes = new Set<string>(); // lanes with a payload in flight
  const inFlight = new Set<AbortController>();
  let queued = 0;
  let seq = 0;
  let closed = false;
  let pumpScheduled = false;
  let batch: StatusEvent[] = []; // NMS formats: events waiting for the batch timer
  let batchTimer: NodeJS.Timeout | undefined;
  let idleWaiters: Array<() => void> = [];
  let drainWaiters: Array<() => void> = []; // close() waiting for aborted attempts to unwind

  function say(line: string): void {
    try {
      log(`push: ${line}`);
    } catch {
      // a broken log sink must not break delivery
    }
  }

  function isIdle(): boolean {
    return closed || (queued === 0 && inFlight.size === 0 && batch.length === 0);
  }

  function settleIdle(): void {
    if (!isIdle() || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  /** The user whose queue head was enqueued first, among users accepted by `eligible`. */
  function oldestHead(eligible: (user: string) => boolean): string | undefined {
    let best: string | undefined;
    let bestSeq = Infinity;
    for (const [user, q] of queues) {
      const head = q[0];
      if (head && head.seq < bestSeq && eligible(user)) {
        best = user;
        bestSeq = head.seq;
      }
    }
    return best;
  }

  function takeHead(user: string): Job | undefined {
    const q = queues.get(user);
    const job = q?.shift();
    if (q && q.length === 0) queues.delete(user);
    if (job) queued--;
    return job;
  }

  function enqueue(job: Job): void {
    let q = queues.get(job.lane);
    if (!q) queues.set(job.lane, (q = []));
    q.push(job);
    queued++;
    while (queued > maxQueue) {
      const victimUser = oldestHead(() => true);
      const victim = victimUser === undefined ? undefined : takeHead(victimUser);
      if (!victim) break;
      counters.dropped++;
      if (counters.dropped === 1 || counters.dropped % 100 === 0) {
        say(`queue full (${maxQueue}): dropped oldest ${victim.label}; ${counters.dropped} dropped so far`);
      }
    }
    schedulePump();
  }

  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    queueMicrotask(() => {
      pumpScheduled = false;
      pump();
    });
  }

  /** Start deliveries for idle users, oldest payload first, up to `concurrency`. */
  function pump(): void {
    while (!closed && inFlight.size < concurrency) {
      const user = oldestHead((u) => !busyLanes.has(u));
      if (user === undefined) break;
      const job = takeHead(user);
      if (!job) break;
      const ctl = new AbortController();
      busyLanes.add(user);
      inFlight.add(ctl);
      void deliver(job, ctl.signal)
        .catch((err: unknown) => {
          counters.failed++;
          say(`${job.label} failed: ${err instanceof Error ? err.message : String(err)}`);
        })
        .finally(() => {
          busyLanes.delete(user);
          inFlight.delete(ctl);
          if (!closed) pump();
          if (inFlight.size === 0) {
            const waiters = drainWaiters;
            drainWaiters = [];
            for (const w of waiters) w();
          }
          settleIdle();
        });
    }
    settleIdle();
  }

  async function deliver(job: Job, signal: AbortSignal): Promise<void> {
    await sleep(job.notBefore - Date.now(), signal);
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) {
        counters.failed++;
        say(`${job.label} abandoned: notifier closed`);
        return;
      }
      const outcome = await postBody(url, job.body, job.contentType, { timeoutMs: requestTimeoutMs, signal, agent });
      if (outcome.kind === 'status' && outcome.status >= 200 && outcome.status < 300) {
        counters.sent++;
        return;
      }
      const what = describe(outcome);
      if (outcome.kind === 'aborted') {
        counters.failed++;
        say(`${job.label} abandoned: notifier closed`);
        return;
      }
      if (!isRetryable(outcome)) {
        counters.failed++;
        say(`${job.label} to ${where} failed: ${what}; not retried`);
        return;
      }
      if (attempt >= maxAttempts) {
        counters.failed++;
        say(`${job.label} to ${where} failed: ${what}; gave up after ${attempt} attempt(s)`);
        return;
      }
      const wait = retryDelay(attempt, outcome);
      counters.retried++;
      say(`${job.label} to ${where}: ${what} (attempt ${attempt}/${maxAttempts}); retrying in ${wait} ms`);
      await sleep(wait, signal);
    }
  }

  function retryDelay(attempt: number, outcome: AttemptOutcome): number {
    const exponential = Math.min(backoff.max, backoff.initial * 2 ** (attempt - 1));
    const hinted = outcome.kind === 'status' && outcome.retryAfterMs !== null ? outcome.retryAfterMs : 0;
    return Math.min(backoff.max, Math.max(exponential, hinted));
  }

  function nextIndex(user: string): number {
    const index = (indexByUser.get(user) ?? 0) + 1;
    indexByUser.set(user, index);
    return index;
  }

  function batchLabel(post: NmsBatchPost): string {
    const users = post.lists.map((l) => l.user).join(',');
    const indexes = post.lists.map((l) => l.index).join(',');
    const events = post.lists.reduce((n, l) => n + l.nmsEvent.length, 0);
    return `${post.format} user=${users} index=${indexes} events=${events}`;
  }

  /** NMS formats: turns the pending batch into POSTs and queues them. */
  function flushBatch(): void {
    batchTimer = undefined;
    const events = batch;
    batch = [];
    if (closed || events.length === 0) return settleIdle();
    const notBefore = Date.now() + delayMs;
    try {
      for (const built of buildNmsPosts(format as 'nms-json' | 'nms-xml', events, nextIndex)) {
        const label = batchLabel(built);
        const out = opts.nmsTransform ? opts.nmsTransform(built) : built;
        const posts = out === null ? [] : Array.isArray(out) ? out : [out];
        if (posts.length === 0) {
          counters.suppressed++;
          say(`${label} suppressed by transform`);
          continue;
        }
        const lane = built.format === 'nms-json' ? NMS_JSON_LANE : built.lists[0]!.user;
        for (const p of posts) {
          const { contentType, body } = serializeNmsPost(p);
          enqueue({ seq: ++seq, lane, label, body, contentType, notBefore });
        }
      }
    } catch (err) {
      counters.failed++;
      say(`cannot build a ${format} batch of ${events.length} event(s): ${err instanceof Error ? err.message : String(err)}`);
    }
    settleIdle();
  }

  return {
    notify(event: StatusEvent): void {
      try {
        if (closed) {
          counters.dropped++;
          say(`notifier closed: ${event.event} for user=${event.user} uid=${event.uid} not sent`);
          return;
        }
        if (format !== 'reference') {
          // copied, so later changes to the caller's event do not alter the batch
          batch.push({ ...event, flags: [...event.flags] });
          batchTimer ??= setTimeout(flushBatch, batchWindowMs);
          return;
        }
        const index = nextIndex(event.user);
        const built = buildStatusPayload(event, index);
        const out = opts.transform ? opts.transform(built, event) : built;
        const payloads = out === null ? [] : Array.isArray(out) ? out : [out];
        const label = `user=${event.user} index=${index} ${event.event}`;
        if (payloads.length === 0) {
          counters.suppressed++;
          say(`${label} suppressed by transform`);
          return;
        }
        const notBefore = Date.now() + delayMs;
        for (const p of payloads) {
          enqueue({ seq: ++seq, lane: event.user, label, body: JSON.stringify(p), contentType: 'application/json', notBefore });
        }
      } catch (err) {
        counters.failed++;
        say(`cannot notify ${event?.event} for user=${event?.user}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },

    flush(): void {
      if (batchTimer === undefined) return;
      clearTimeout(batchTimer);
      flushBatch();
    },

    idle(): Promise<void> {
      if (isIdle()) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },

    stats(): PushNotifierStats {
      return { ...counters, queued };
    },

    async close(): Promise<void> {
      if (!closed) {
        closed = true;
        clearTimeout(batchTimer);
        batchTimer = undefined;
        if (batch.length > 0) say(`closing: ${batch.length} batched event(s) discarded`);
        counters.dropped += queued + batch.length;
        batch = [];
        if (queued > 0) say(`closing: ${queued} queued payload(s) discarded`);
        queues.clear();
        queued = 0;
        for (const ctl of inFlight) ctl.abort();
      }
      // Aborted attempts unwind at once; the grace timer only bounds close() should one not.
      const unwound = new Promise<void>((resolve) => (inFlight.size === 0 ? resolve() : drainWaiters.push(resolve)));
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([unwound, new Promise<void>((r) => (grace = setTimeout(r, CLOSE_GRACE_MS)))]);
      clearTimeout(grace);
      agent.destroy();
      settleIdle();
    },
  };
}

function isRetryable(o: AttemptOutcome): boolean {
  if (o.kind === 'timeout' || o.kind === 'network') return true;
  if (o.kind !== 'status') return false;
  return o.status === 408 || o.status === 429 || o.status >= 500;
}

function describe(o: AttemptOutcome): string {
  switch (o.kind) {
    case 'status':
      return `HTTP ${o.status}`;
    case 'timeout':
      return 'timed out';
    case 'aborted':
      return 'aborted';
    case 'network':
      return o.message;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks the signal). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
