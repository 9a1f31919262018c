// Mock CPM PUSH Enabler (CR §5.4.2): an HTTP/1.1 endpoint on loopback that records every request the
// store sends, validates JSON payloads against the binding's schema, and extracts the bound fields.
// Invalid or junk requests are recorded, never dropped: they are evidence for the report.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { Ajv } from 'ajv';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { now, type TimelineEntry } from '../imap/timeline.js';
import { isLoopbackHost, LOOPBACK_HINT } from '../profile/loopback.js';
import { defaultPushBinding, eventKindOf, type PushBinding, type PushPointers, type StatusEventKind } from './binding.js';
import { jsonPointerGet } from './json-pointer.js';
import { quietTime } from '../wait.js';

const addFormats = addFormatsModule.default;

/** Requests larger than this are answered 413 (and recorded). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Oversized bodies are read and discarded up to this size so the client sees the 413; beyond it the socket is cut. */
const DISCARD_LIMIT_BYTES = 8 * MAX_BODY_BYTES;
/** Upper bound for close(): sockets are destroyed, so this only guards against a stuck server.close(). */
const CLOSE_BOUND_MS = 2000;
/** Lines of arrivals quoted in a timeout error before eliding. */
const MAX_LISTED = 100;

export interface PushEnablerOptions {
  host?: string;
  port?: number;
  path?: string;
  /** Fields not given take the defaults (shared schema, default pointers, our event names). */
  binding?: Partial<PushBinding>;
  /** Validate JSON payloads against binding.schema (default true). */
  validate?: boolean;
  /** Default timeout for waitFor/waitForCount (profile push.timeoutMs). */
  timeoutMs?: number;
  /** Needed to listen on anything but loopback. */
  allowNonLoopback?: boolean;
}

/** The fields a notification is bound to, extracted through the binding's JSON Pointers. */
export interface PushFields {
  identity?: string;
  event?: string;
  /** Our kind for `event`, via binding.eventNames. */
  eventKind?: StatusEventKind;
  object?: string;
  folder?: string;
  uidValidity?: number;
  uid?: number;
}

export interface SchemaProblem {
  path: string;
  message: string;
}

/** One recorded HTTP request. */
export interface PushNotification {
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
  json?: unknown;
  parseError?: string;
  /** undefined when not validated (no JSON body, or validation off). */
  schemaValid?: boolean;
  schemaErrors: SchemaProblem[];
  fields: PushFields;
  /** Bound pointers that resolved to nothing or to a value of the wrong type. */
  fieldProblems: string[];
  /** Status code we answered (or will answer after the configured delay). */
  status: number;
}

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

interface Waiter {
  accepts(n: PushNotification): void;
  fail(reason: string): void;
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

function loadSchema(schema: PushBinding['schema']): Record<string, unknown> {
  if (typeof schema !== 'string') return schema;
  let text: string;
  try {
    text = readFileSync(schema, 'utf8');
  } catch (e) {
    throw new Error(`push payload schema ${schema} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); set push.binding.schema in the profile or start the mock with validate: false`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`push payload schema ${schema} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Vendor schemas may be draft-07 or 2020-12; they are the vendor's, so ajv's strict mode stays off. */
function compilePayloadSchema(schema: Record<string, unknown>): ValidateFunction {
  const declared = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  const ajv = /draft-0[67]/.test(declared)
    ? new Ajv({ allErrors: true, strict: false })
    : new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function schemaProblems(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((e) => {
    const params = e.params as { additionalProperty?: string; unevaluatedProperty?: string };
    const unknown = params.additionalProperty ?? params.unevaluatedProperty;
    return {
      path: e.instancePath === '' ? '/' : e.instancePath,
      message: `${e.message ?? e.keyword}${unknown !== undefined ? ` "${unknown}"` : ''}`,
    };
  });
}

function extractFields(json: unknown, binding: PushBinding): { fields: PushFields; problems: string[] } {
  const fields: PushFields = {};
  const problems: string[] = [];
  const asString = (name: keyof PushPointers): string | undefined => {
    const pointer = binding.pointers[name];
    if (pointer === undefined) return undefined;
    const v = jsonPointerGet(json, pointer);
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    problems.push(v === undefined ? `${name}: nothing at ${pointer}` : `${name}: ${pointer} is ${JSON.stringify(v)?.slice(0, 60)}, expected a string`);
    return undefined;
  };
  const asNumber = (name: keyof PushPointers): number | undefined => {
    const pointer = binding.pointers[name];
    if (pointer === undefined) return undefined;
    const v = jsonPointerGet(json, pointer);
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^[0-9]+$/.test(v)) return Number(v);
    problems.push(v === undefined ? `${name}: nothing at ${pointer}` : `${name}: ${pointer} is ${JSON.stringify(v)?.slice(0, 60)}, expected an integer`);
    return undefined;
  };
  const set = <K extends keyof PushFields>(key: K, value: PushFields[K] | undefined): void => {
    if (value !== undefined) fields[key] = value;
  };
  set('identity', asString('identity'));
  set('event', asString('event'));
  if (fields.event !== undefined) set('eventKind', eventKindOf(binding, fields.event));
  set('object', asString('object'));
  set('folder', asString('folder'));
  set('uidValidity', asNumber('uidValidity'));
  set('uid', asNumber('uid'));
  return { fields, problems };
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
  const defaults = defaultPushBinding();
  const binding: PushBinding = {
    schema: opts.binding?.schema ?? defaults.schema,
    pointers: opts.binding?.pointers ?? defaults.pointers,
    eventNames: opts.binding?.eventNames ?? defaults.eventNames,
  };
  const validatePayload = opts.validate === false ? undefined : compilePayloadSchema(loadSchema(binding.schema));

  const startedAt = now();
  let records: PushNotification[] = [];
  let nextSeq = 1;
  let behaviour = { status: 204, delayMs: 0, failFirst: 0, failStatus: 503 };
  const waiters = new Set<Waiter>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closing: Promise<void> | undefined;

  const describe = (n: PushNotification): string => {
    const parts = [`#${n.seq}`, `+${(n.t - startedAt).toFixed(1)}ms`, `${n.method} ${n.path}`, `→ ${n.status}`];
    if (n.tooLarge) parts.push(`body-too-large (${formatBytes(n.bodyBytes)})`);
    else if (n.parseError !== undefined) parts.push(`not-json (${n.parseError.slice(0, 60)})`);
    else {
      parts.push(`event=${n.fields.event ?? '-'}`, `identity=${n.fields.identity ?? '-'}`, `object=${n.fields.object ?? '-'}`);
      if (n.fields.uid !== undefined) parts.push(`uid=${n.fields.uid}`);
      parts.push(`schema=${n.schemaValid === undefined ? 'unchecked' : n.schemaValid ? 'valid' : `invalid(${n.schemaErrors.length})`}`);
    }
    if (n.aborted) parts.push('aborted');
    return parts.join(' ');
  };

  const listArrivals = (from: number): string => {
    const seen = records.filter((r) => r.seq >= from);
    if (seen.length === 0) return 'nothing arrived';
    const shown = seen.slice(-MAX_LISTED).map((r) => `  ${describe(r)}`);
    const elided = seen.length > MAX_LISTED ? [`  … ${seen.length - MAX_LISTED} earlier not shown`] : [];
    return `${seen.length} request(s) arrived:\n${[...elided, ...shown].join('\n')}`;
  };

  const answerStatus = (): number => {
    if (behaviour.failFirst > 0) {
      behaviour.failFirst -= 1;
      return behaviour.failStatus;
    }
    return behaviour.status;
  };

  /** A throwing predicate must fail its own wait, not the request handler (which would take the server down). */
  const guarded = (predicate: NotificationPredicate): { test: NotificationPredicate; error: () => Error | undefined } => {
    let error: Error | undefined;
    return {
      test(n) {
        try {
          return predicate(n);
        } catch (e) {
          error ??= new Error(`notification predicate threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
          return false;
        }
      },
      error: () => error,
    };
  };

  const record = (n: PushNotification): void => {
    records.push(n);
    for (const w of [...waiters]) w.accepts(n);
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
    schemaErrors: [],
    fields: {},
    fieldProblems: [],
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
      if (!tooLarge && !aborted) {
        const text = n.body.toString('utf8');
        if (text.trim() === '') n.parseError = 'empty body';
        else {
          try {
            n.json = JSON.parse(text);
          } catch (e) {
            n.parseError = (e as Error).message;
          }
        }
        if (n.json !== undefined) {
          if (validatePayload !== undefined) {
            n.schemaValid = validatePayload(n.json);
            n.schemaErrors = schemaProblems(validatePayload.errors);
          }
          const { fields, problems } = extractFields(n.json, binding);
          n.fields = fields;
          n.fieldProblems = problems;
        }
      }
      n.status = aborted ? 0 : tooLarge ? 413 : !onPath ? 404 : req.method !== 'POST' ? 405 : answerStatus();
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

  const waitMatching = (
    count: number,
    predicate: NotificationPredicate,
    opts: WaitOptions,
  ): Promise<PushNotification[]> => {
    const from = opts.from ?? 1;
    const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
    const what = opts.description ?? (count === 1 ? 'a matching PUSH notification' : `${count} matching PUSH notifications`);
    const guard = guarded(predicate);
    const matches = records.filter((r) => r.seq >= from && guard.test(r)).slice(0, count);
    if (guard.error()) return Promise.reject(guard.error());
    if (matches.length >= count) return Promise.resolve(matches);
    if (closing) return Promise.reject(new Error(`push enabler is closed; ${what} never came`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        accepts(n) {
          const hit = n.seq >= from && guard.test(n);
          const error = guard.error();
          if (error) {
            cleanup();
            reject(error);
            return;
          }
          if (!hit) return;
          matches.push(n);
          if (matches.length < count) return;
          cleanup();
          resolve(matches);
        },
        fail(reason) {
          cleanup();
          reject(new Error(`${reason} waiting for ${what} (${matches.length}/${count} matched); ${listArrivals(from)}`));
        },
      };
      const timer = setTimeout(() => waiter.fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      timers.add(timer);
      const cleanup = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
    });
  };

  const enabler: PushEnabler = {
    url: `http://${urlHost(host)}:${port}${path}`,
    host,
    port,
    path,
    binding,
    notifications: () => [...records],
    mark: () => nextSeq,
    async waitFor(predicate, o = {}) {
      const [first] = await waitMatching(1, predicate, o);
      return first as PushNotification;
    },
    waitForCount: (n, predicate, o = {}) => waitMatching(n, predicate, o),
    expectNone(predicate, o) {
      const from = o.from ?? 1;
      const what = o.description ?? 'matching PUSH notification';
      const guard = guarded(predicate);
      const early = records.find((r) => r.seq >= from && guard.test(r));
      if (guard.error()) return Promise.reject(guard.error());
      if (early) return Promise.reject(new Error(`unexpected ${what}: ${describe(early)}`));
      // A closed mock observes nothing, so silence would prove nothing.
      if (closing) return Promise.reject(new Error(`push enabler is closed; cannot observe the absence of ${what}`));
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          accepts(n) {
            const hit = n.seq >= from && guard.test(n);
            const error = guard.error();
            if (error) {
              cleanup();
              reject(error);
              return;
            }
            if (!hit) return;
            cleanup();
            reject(new Error(`unexpected ${what} within the ${o.forMs} ms quiet window: ${describe(n)}`));
          },
          fail(reason) {
            cleanup();
            if (reason === '') {
              quietTime.ms += o.forMs;
              resolve();
            } else reject(new Error(`${reason} observing the quiet window for ${what}`));
          },
        };
        const timer = setTimeout(() => waiter.fail(''), o.forMs);
        timers.add(timer);
        const cleanup = (): void => {
          clearTimeout(timer);
          timers.delete(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
      });
    },
    clear() {
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
        for (const w of [...waiters]) w.fail('push enabler closed while');
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
