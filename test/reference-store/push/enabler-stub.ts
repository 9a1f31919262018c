// A scriptable CPM PUSH Enabler on 127.0.0.1:0 for the notifier tests. Tests wait on its request events
// (with timeouts), never on wall-clock sleeps.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatusPayload } from '../../../reference-store/push/index.js';

export interface ReceivedPost {
  headers: http.IncomingHttpHeaders;
  body: string;
  payload: StatusPayload;
  /** Answer a request the handler left hanging. */
  respond(status: number, headers?: Record<string, string>): void;
  /** Resolves when the client side closed the connection (e.g. the notifier aborted). */
  closed: Promise<void>;
}

/** Answer with this status, or 'hang' to leave the request open. */
export type Reply = number | 'hang';

export interface EnablerStub {
  url: string;
  posts: ReceivedPost[];
  /** Resolves with the n-th request (1-based) once it has arrived. */
  waitForPost(n: number, timeoutMs?: number): Promise<ReceivedPost>;
  close(): Promise<void>;
}

export async function startEnabler(reply: (post: ReceivedPost, n: number) => Reply = () => 204): Promise<EnablerStub> {
  const posts: ReceivedPost[] = [];
  let waiters: Array<() => void> = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
      const post: ReceivedPost = {
        headers: req.headers,
        body,
        payload: JSON.parse(body) as StatusPayload,
        respond(status, headers = {}) {
          if (!res.headersSent && !res.destroyed) res.writeHead(status, headers).end();
        },
        closed,
      };
      posts.push(post);
      const r = reply(post, posts.length);
      if (r !== 'hang') post.respond(r);
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/notify`,
    posts,
    waitForPost(n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`enabler: request #${n} not received within ${timeoutMs} ms (got ${posts.length})`)),
          timeoutMs,
        );
        const check = (): void => {
          const p = posts[n - 1];
          if (p) {
            clearTimeout(timer);
            resolve(p);
          } else waiters.push(check);
        };
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
