// Mock CPM PUSH Enabler (CR §5.4.2): an HTTP/1.1 endpoint on loopback that only receives. It records every
// request the store sends (raw body kept), decodes it with the binding (harness/push/decode.ts) and publishes the
// notification and each of its events on the harness's evidence channels (harness/evidence/channel.ts), which
// cases wait on. Invalid or junk requests are recorded, answered with a 4xx and never dropped: they are evidence.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Channel, ObservationTimeout, type Observed } from '../evidence/channel.js';
import { now, type TimelineEntry } from '../imap/timeline.js';
import { isLoopbackHost, LOOPBACK_HINT } from '../profile/loopback.js';
import { defaultPushBinding, type PushBinding } from './binding.js';
import { createDecoder, type DecodedBody, type PushEvent } from './decode.js';

/** Requests larger than this are answered 413 (and recorded). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Oversized bodies are read and discarded up to this size so the client sees the 413; beyond it the socket is cut. */
const DISCARD_LIMIT_BYTES = 8 * MAX_BODY_BYTES;
/** Upper bound for close(): sockets are destroyed, so this only guards against a stuck server.close(). */
const CLOSE_BOUND_MS = 2000;
/** Lines of arrivals quoted in a timeout error before eliding. */
const MAX_LISTED = 100;
/** Raw body bytes quoted in evidence lines. */
const QUOTED_BODY_BYTES = 160;

export interface PushEnablerOptions {
  host?: string;
  port?: number;
  path?: string;
  /** The resolved binding (default: the suite's own one-event payload). */
  binding?: PushBinding;
  /** Validate payloads against binding.schema (default true). */
  validate?: boolean;
  /** Default timeout for waitFor/waitForCount (profile push.timeoutMs). */
  timeoutMs?: number;
  /** Needed to listen on anything but loopback. */
  allowNonLoopback?: boolean;
}

export type { SchemaProblem } from './decode.js';

/**
 * One recorded HTTP request, with what decoding its body gave (DecodedBody: the format, the parsed value, a parse
 * error, the schema verdict, the events and their problems; only for POSTs on the enabler's path).
 */
export interface PushNotification extends Partial<Pick<DecodedBody, 'format' | 'parsed' | 'parseError' | 'schemaValid' | 'index'>>, Pick<DecodedBody, 'schemaErrors' | 'events' | 'problems'> {
  /** 1-based arrival order. */
  seq: number;
  /** When the request was complete: performance.timeOrigin + performance.now(), the clock of the IMAP timelines. */
  t: number;
  wallClock: string;
  method: string;
  path: string;
  httpVersion: string;
  /** Request headers; Authorization, Proxy-Authorization and Cookie values are redacted. */
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Bytes the client sent (more than body.length when the body was refused as too large). */
  bodyBytes: number;
  tooLarge: boolean;
  /** Set when the request was cut short by the client. */
  aborted: boolean;
  contentType?: string;
  /** Status code we answered (or will answer after the configured delay). */
  status: number;
}

/** One event as the evidence channel carries it: the event and the notification it came in. */
export interface ObservedEvent {
  notification: PushNotification;
  event: PushEvent;
}

export type EventPredicate = (e: ObservedEvent) => boolean;

export type NotificationPredicate = (n: PushNotification) => boolean;

export interface WaitOptions {
  timeoutMs?: number;
  /** Says what was awaited; it opens the timeout message. */
  description?: string;
  /** Only consider notifications with seq >= from (see mark()). */
  from?: number;
}

export interface QuietOptions {
  /** Length of the quiet window. */
  forMs: number;
  description?: string;
  from?: number;
}

/**
 * How the mock answers notifications on its path. `{ status: 503 }` answers every one with 503;
 * `{ failFirst: 2 }` answers the next two with 503 (or `status`, if given) and the following ones with 204;
 * `delayMs` holds every answer back (the notification is still recorded on arrival).
 */
export interface Behaviour {
  status?: number;
  delayMs?: number;
  failFirst?: number;
}

/** A harness timeline line (merges with IMAP transcripts via mergeTimelines) plus the one-line summary. */
export interface PushTimelineEntry extends TimelineEntry {
  source: 'push';
  dir: 'S';
  summary: string;
}

export interface PushEnabler {
  /** Full notification URL, e.g. http://127.0.0.1:41234/push. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly binding: PushBinding;
  notifications(): PushNotification[];
  /** seq the next arrival will get: pass it as `from` to ignore everything before now. */
  mark(): number;
  /** Events of the notifications with seq >= from, in arrival order. */
  events(from?: number): ObservedEvent[];
  /**
   * Waits for `count` (default 1) events matching the predicate, from notification `from` on; rejects with
   * ObservationTimeout listing every notification that arrived (undecodable ones included).
   */
  waitForEvents(predicate: EventPredicate, opts?: WaitOptions & { count?: number }): Promise<ObservedEvent[]>;
  /** Negative check over a fixed quiet window, on events (UnexpectedObservation when one arrives). */
  expectNoEvent(predicate: EventPredicate, opts: QuietOptions): Promise<void>;
  describeEvent(e: ObservedEvent): string;
  waitFor(predicate: NotificationPredicate, opts?: WaitOptions): Promise<PushNotification>;
  waitForCount(n: number, predicate: NotificationPredicate, opts?: WaitOptions): Promise<PushNotification[]>;
  /**
   * Negative check: resolves after a quiet window of `forMs` in which no matching notification arrived,
   * rejects as soon as one does (or if one had already arrived). This is a bounded observation window for
   * "the store must not notify", not a synchronisation point: never use it to wait for something to happen.
   * Rejects if the mock is (or gets) closed, since a closed mock cannot observe anything.
   */
  expectNone(predicate: NotificationPredicate, opts: QuietOptions): Promise<void>;
  clear(): void;
  behave(b: Behaviour): void;
  timeline(): PushTimelineEntry[];
  /** One line per notification, as used in error messages. */
  describe(n: PushNotification): string;
  close(): Promise<void>;
}

const REDACTED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

function redactHeaders(raw: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (REDACTED_HEADERS.has(name)) {
      // Keep the scheme ("Basic", "Bearer") so a case can check which one the store used.
      const first = Array.isArray(value) ? (value[0] ?? '') : value;
      const scheme = /^\S+(?=\s)/.exec(first)?.[0];
      out[name] = scheme !== undefined && name !== 'cookie' ? `${scheme} [REDACTED]` : '[REDACTED]';
    } else {
      out[name] = value;
    }
  }
  return out;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export async function startPushEnabler(opts: PushEnablerOptions = {}): Promise<PushEnabler> {
  const host = opts.host ?? '127.0.0.1';
  const path = opts.path ?? '/push';
  const defaultTimeoutMs = opts.timeoutMs ?? 5000;
  if (!opts.allowNonLoopback && !isLoopbackHost(host)) {
    throw new Error(`push enabler host "${host}" is not a loopback address: ${LOOPBACK_HINT}`);
  }
  const binding: PushBinding = opts.binding ?? defaultPushBinding();
  if (typeof binding.events !== 'string' || !binding.notification) throw new TypeError('push enabler: binding must be a resolved PushBinding (bindingFromProfile / shorthandBinding)');
  const decode = createDecoder(binding, opts.validate !== false);

  const startedAt = now();
  let records: PushNotification[] = [];
  let nextSeq = 1;
  let behaviour = { status: 204, delayMs: 0, failFirst: 0, failStatus: 503 };
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closing: Promise<void> | undefined;

  const quoteBody = (n: PushNotification): string => {
    const text = n.body.subarray(0, QUOTED_BODY_BYTES).toString('utf8').replace(/\s+/g, ' ');
    return `${JSON.stringify(text)}${n.body.length > QUOTED_BODY_BYTES ? ` … (${formatBytes(n.body.length)})` : ''}`;
  };

  const describeEventOnly = (e: PushEvent): string => {
    const r = e.refs;
    const parts = [`[${e.position}] ${e.kinds.length ? e.kinds.join('/') : 'no-kind'}${e.label !== undefined ? ` (${e.label})` : ''}`];
    if (r.imdnMessageId !== undefined) parts.push(`imdn=${r.imdnMessageId}`);
    if (r.folder !== undefined) parts.push(`folder=${r.folder}`);
    if (r.uidValidity !== undefined) parts.push(`uidvalidity=${r.uidValidity}`);
    if (r.uid !== undefined) parts.push(`uid=${r.uid}`);
    if (r.user !== undefined) parts.push(`user=${r.user}`);
    for (const id of e.identities) parts.push(`${id.name}=${id.value ?? '-'}`);
    if (e.problems.length) parts.push(`problems: ${e.problems.join('; ')}`);
    return parts.join(' ');
  };

  const describe = (n: PushNotification): string => {
    const parts = [`#${n.seq}`, `+${(n.t - startedAt).toFixed(1)}ms`, `${n.method} ${n.path}`, `→ ${n.status}`];
    if (n.tooLarge) parts.push(`body-too-large (${formatBytes(n.bodyBytes)})`);
    else if (n.parseError !== undefined) parts.push(`undecodable: ${n.parseError.slice(0, 100)}; body ${quoteBody(n)}`);
    else if (n.format !== undefined) {
      parts.push(`${n.format} ${n.events.length} event(s)`);
      parts.push(`schema=${n.schemaValid === undefined ? 'unchecked' : n.schemaValid ? 'valid' : `invalid(${n.schemaErrors.length})`}`);
      if (n.problems.length) parts.push(`problems: ${n.problems.join('; ')}`);
      if (n.events.length) parts.push(`{ ${n.events.map(describeEventOnly).join(' | ')} }`);
    }
    if (n.aborted) parts.push('aborted');
    return parts.join(' ');
  };

  // The evidence channels: every notification, and every decoded event (with its notification).
  const notificationChannel = new Channel<PushNotification>(describe);
  const eventChannel = new Channel<ObservedEvent>((e) => `#${e.notification.seq} ${describeEventOnly(e.event)}`);
  /** Event-channel mark at the arrival of notification seq (1-based): index seq-1. */
  const eventMarks: number[] = [];
  const eventFrom = (fromSeq: number): number => (fromSeq <= 1 ? 0 : (eventMarks[fromSeq - 1] ?? eventChannel.mark()));
  const notificationFrom = (fromSeq: number): number => Math.max(0, fromSeq - 1);

  const listArrivals = (from: number): string => {
    const seen = records.filter((r) => r.seq >= from);
    if (seen.length === 0) return 'nothing arrived';
    const shown = seen.slice(-MAX_LISTED).map((r) => `  ${describe(r)}`);
    const elided = seen.length > MAX_LISTED ? [`  … ${seen.length - MAX_LISTED} earlier not shown`] : [];
    return `${seen.length} request(s) arrived:\n${[...elided, ...shown].join('\n')}`;
  };

  /** A timeout lists the notifications (decodable or not), which is the evidence a vendor acts on. */
  const withArrivals = async <T>(from: number, wait: Promise<T>): Promise<T> => {
    try {
      return await wait;
    } catch (e) {
      if (!(e instanceof ObservationTimeout)) throw e;
      // The channel's head ("timed out after N ms waiting for X (k/n matched)") with the notifications listed.
      const head = e.message.slice(0, e.message.indexOf(' matched);') + ' matched)'.length);
      throw new ObservationTimeout(`${head}; ${listArrivals(from)}`, e.seen, e.matched);
    }
  };

  const answerStatus = (): number => {
    if (behaviour.failFirst > 0) {
      behaviour.failFirst -= 1;
      return behaviour.failStatus;
    }
    return behaviour.status;
  };

  const record = (n: PushNotification): void => {
    records.push(n);
    eventMarks[n.seq - 1] = eventChannel.mark();
    notificationChannel.push(n);
    for (const event of n.events) eventChannel.push({ notification: n, event });
  };

  const respond = (res: http.ServerResponse, status: number, delayMs: number, closeAfter = false): void => {
    const send = (): void => {
      if (res.destroyed || res.writableEnded) return;
      if (closeAfter) res.setHeader('Connection', 'close');
      const text = status === 204 || status === 304 || status < 200 ? undefined : `${status} ${http.STATUS_CODES[status] ?? ''}\n`;
      if (text === undefined) {
        res.writeHead(status).end();
      } else {
        res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
      }
    };
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, delayMs);
      timers.add(timer);
    } else {
      send();
    }
  };

  const baseRecord = (req: http.IncomingMessage): Omit<PushNotification, 'seq' | 't' | 'wallClock' | 'status'> => ({
    method: req.method ?? '',
    path: req.url ?? '',
    httpVersion: req.httpVersion,
    headers: redactHeaders(req.headers),
    body: Buffer.alloc(0),
    bodyBytes: 0,
    tooLarge: false,
    aborted: false,
    ...(typeof req.headers['content-type'] === 'string' ? { contentType: req.headers['content-type'] } : {}),
    schemaErrors: [],
    events: [],
    problems: [],
  });

  const stamp = (): Pick<PushNotification, 'seq' | 't' | 'wallClock'> => ({
    seq: nextSeq++,
    t: now(),
    wallClock: new Date().toISOString(),
  });

  /** Declared-too-large requests are refused before the body is read (also the answer to Expect: 100-continue). */
  const refuseDeclaredTooLarge = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (!(declared > MAX_BODY_BYTES)) return false;
    record({ ...baseRecord(req), ...stamp(), bodyBytes: declared, tooLarge: true, status: 413 });
    respond(res, 413, 0, true);
    res.on('finish', () => req.socket.destroy());
    return true;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = false;
    let done = false;

    const finish = (aborted: boolean): void => {
      if (done) return;
      done = true;
      const n: PushNotification = { ...baseRecord(req), ...stamp(), status: 0, bodyBytes: received, tooLarge, aborted };
      n.body = tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks);
      const onPath = (req.url ?? '').split('?')[0] === path;
      if (!tooLarge && !aborted && onPath && req.method === 'POST') {
        Object.assign(n, decode(n.body, n.contentType));
      }
      // A body that does not decode is refused (400), so a store that logs its failures can see it; it is still
      // recorded and shown to every case waiting at the time.
      n.status = aborted ? 0 : tooLarge ? 413 : !onPath ? 404 : req.method !== 'POST' ? 405 : n.parseError !== undefined ? 400 : answerStatus();
      record(n);
      if (!aborted) respond(res, n.status, tooLarge ? 0 : behaviour.delayMs, tooLarge);
    };

    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        if (received > DISCARD_LIMIT_BYTES) {
          finish(false);
          req.socket.destroy();
        }
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => finish(false));
    req.on('close', () => {
      if (!req.complete) finish(true);
    });
    req.on('error', () => finish(true));
  };

  const server = http.createServer({ keepAlive: true });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    if (!refuseDeclaredTooLarge(req, res)) handle(req, res);
  });
  // Expect: 100-continue (RFC 9110 §10.1.1): refuse oversized bodies with a final status, else invite the body.
  server.on('checkContinue', (req, res) => {
    if (refuseDeclaredTooLarge(req, res)) return;
    res.writeContinue();
    handle(req, res);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const enabler: PushEnabler = {
    url: `http://${urlHost(host)}:${port}${path}`,
    host,
    port,
    path,
    binding,
    notifications: () => [...records],
    mark: () => nextSeq,
    events: (from = 1) => eventChannel.observed(eventFrom(from)).map((o) => o.item),
    waitForEvents(predicate, o = {}) {
      const from = o.from ?? 1;
      const what = o.description ?? 'a matching PUSH event';
      const wait = eventChannel.waitFor(predicate, { from: eventFrom(from), timeoutMs: o.timeoutMs ?? defaultTimeoutMs, description: what, count: o.count ?? 1 });
      return withArrivals(from, wait.then((hits) => hits.map((h) => h.item)));
    },
    expectNoEvent: (predicate, o) =>
      eventChannel.expectNone(predicate, { forMs: o.forMs, from: eventFrom(o.from ?? 1), description: o.description ?? 'matching PUSH event' }),
    describeEvent: (e) => `#${e.notification.seq} ${describeEventOnly(e.event)}`,
    async waitFor(predicate, o = {}) {
      const [first] = await this.waitForCount(1, predicate, o);
      return first!;
    },
    waitForCount(n, predicate, o = {}) {
      const from = o.from ?? 1;
      const what = o.description ?? (n === 1 ? 'a matching PUSH notification' : `${n} matching PUSH notifications`);
      const wait = notificationChannel.waitFor(predicate, { from: notificationFrom(from), timeoutMs: o.timeoutMs ?? defaultTimeoutMs, description: what, count: n });
      return withArrivals(from, wait.then((hits) => hits.map((h: Observed<PushNotification>) => h.item)));
    },
    expectNone: (predicate, o) =>
      notificationChannel.expectNone(predicate, { forMs: o.forMs, from: notificationFrom(o.from ?? 1), description: o.description ?? 'matching PUSH notification' }),
    clear() {
      // Waits keep working on what arrives later; evidence already handed out stays with the cases.
      records = [];
    },
    behave(b) {
      const failFirst = b.failFirst ?? 0;
      behaviour = {
        status: failFirst > 0 ? 204 : (b.status ?? 204),
        delayMs: b.delayMs ?? 0,
        failFirst,
        failStatus: b.status ?? 503,
      };
    },
    timeline: () =>
      records.map((r) => {
        const summary = describe(r);
        return { t: r.t, source: 'push' as const, dir: 'S' as const, text: summary, summary };
      }),
    describe,
    close() {
      closing ??= (async () => {
        notificationChannel.close('push enabler closed');
        eventChannel.close('push enabler closed');
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        let bound: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise<void>((resolve) => (bound = setTimeout(resolve, CLOSE_BOUND_MS)))]);
        clearTimeout(bound);
      })();
      return closing;
    },
  };
  return enabler;
}
