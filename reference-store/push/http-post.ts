// One POST attempt to the enabler. Never throws: every outcome is a value the retry policy can judge.
import http from 'node:http';
import https from 'node:https';

export type AttemptOutcome =
  | { kind: 'status'; status: number; retryAfterMs: number | null }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'network'; message: string };

export interface PostOptions {
  timeoutMs: number;
  signal: AbortSignal;
  agent: http.Agent;
}

/** POST `body` as application/json; the timeout covers connect, response headers and response body. */
export function postJson(url: URL, body: string, opts: PostOptions): Promise<AttemptOutcome> {
  return postBody(url, body, 'application/json', opts);
}

/** POST `body` with the given Content-Type (Accept names the same media type); same timeout rule as postJson. */
export function postBody(url: URL, body: string, contentType: string, opts: PostOptions): Promise<AttemptOutcome> {
  const mediaType = contentType.split(';')[0]!.trim();
  return new Promise((resolve) => {
    if (opts.signal.aborted) return resolve({ kind: 'aborted' });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const transport = url.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    try {
      req = transport.request(url, {
        method: 'POST',
        agent: opts.agent,
        headers: {
          'Content-Type': contentType,
          'Content-Length': Buffer.byteLength(body),
          Accept: `${mediaType}, */*;q=0.1`,
        },
      });
    } catch (err) {
      return finish({ kind: 'network', message: errorText(err) });
    }
    timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      req.destroy();
    }, opts.timeoutMs);
    function onAbort(): void {
      finish({ kind: 'aborted' });
      req.destroy();
    }
    opts.signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish({ kind: 'network', message: errorText(err) }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      // Drain the body so the socket can be reused; the outcome is known once it ends.
      res.resume();
      res.on('end', () => finish({ kind: 'status', status, retryAfterMs }));
      res.on('error', (err) => finish({ kind: 'network', message: errorText(err) }));
    });
    req.end(body);
  });
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
