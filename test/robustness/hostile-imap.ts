// Deliberately broken IMAP servers on 127.0.0.1:0, for checking that the harness fails a run cleanly (bounded in
// time, exit code, a message naming the cause, no crash) instead of hanging or dying. Each speaks just enough
// IMAP for a client to get as far as the misbehaviour: greeting, CAPABILITY, ID, LOGIN / AUTHENTICATE PLAIN,
// NOOP, LOGOUT; anything else is where the server turns hostile (or answers NO when it already was).
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type Hostility =
  /** Accepts the connection and never sends a greeting. */
  | 'silent'
  /** Sends bytes that are not IMAP instead of a greeting. */
  | 'garbage'
  /** Greets and answers CAPABILITY, then drops the connection when the client logs in. */
  | 'drop-at-login'
  /** Greets at once, then answers every command only after `delayMs` (longer than the command timeout). */
  | 'slow'
  /** Logs in normally; every command after login is answered only after `delayMs`. */
  | 'slow-after-login'
  /** Logs in normally; the first command after login gets `* 1 FETCH (BODY[] {9999999999}` and a few bytes. */
  | 'huge-literal'
  /** Logs in normally; the first command after login gets untagged responses without end (until the client leaves). */
  | 'flood'
  /** Answers LOGIN with OK, then at once `* BYE <byeText>` and closes. */
  | 'bye-after-login'
  /** Half-closes the connection (FIN, its reading side stays open) when the client logs in, and answers nothing more. */
  | 'half-close'
  /** Sends its greeting one byte per `delayMs` (default 1000 ms). */
  | 'drip-greeting'
  /** Greets, then at once sends bytes that are not IMAP. */
  | 'garbage-after-greeting'
  /** Logs in normally; the first command after login gets bytes that are not IMAP. */
  | 'garbage-after-login'
  /** Logs in normally; the first command after login gets the start of a response, then the connection is closed. */
  | 'disconnect-mid-command';

export interface HostileServer {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections still open. */
  readonly open: number;
  /** Untagged lines written by the flood. */
  readonly flooded: number;
  /** Resolves once no connection is open (the client went away), or rejects after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const CAPS = 'IMAP4rev1 ID AUTH=PLAIN LITERAL+';
const SETUP = new Set(['CAPABILITY', 'ID', 'LOGIN', 'AUTHENTICATE', 'NOOP', 'LOGOUT', 'NAMESPACE']);

export interface HostileOptions {
  /** slow / slow-after-login: how long each answer is held back (default 3000 ms). */
  delayMs?: number;
  /** huge-literal / flood: turn hostile at the last step of logging in (LIST "" "") rather than after it. */
  duringLogin?: boolean;
  /** bye-after-login: the BYE text. */
  byeText?: string;
  /** Stop listening after this many connections: later connections are refused (a target that went away). */
  acceptConnections?: number;
}

/** Not IMAP: what a confused proxy or a binary protocol might send. */
export const GARBAGE = Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0xfe]), Buffer.from(' garbage, not IMAP\r\n')]);

export async function startHostileImap(mode: Hostility, opts: HostileOptions = {}): Promise<HostileServer> {
  const delayMs = opts.delayMs ?? (mode === 'drip-greeting' ? 1000 : 3000);
  const byeText = opts.byeText ?? 'hostile server: session ended by policy';
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let accepted = 0;
  let flooded = 0;
  let idleWaiters: (() => void)[] = [];

  const later = (fn: () => void, ms: number): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const flood = (socket: Socket): void => {
    // Writes as fast as the client reads (back-pressure), never completing the command.
    const pump = (): void => {
      while (!socket.destroyed) {
        flooded += 64;
        const chunk = Array.from({ length: 64 }, (_, i) => `* ${(flooded + i) % 1000} EXISTS\r\n* OK [ALERT] flood ${flooded + i}\r\n`).join('');
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };

  const onConnection = (socket: Socket): void => {
    accepted += 1;
    sockets.add(socket);
    if (opts.acceptConnections !== undefined && accepted >= opts.acceptConnections && server.listening) server.close();
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size > 0) return;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    });
    socket.on('error', () => {});
    // A half-closed connection stays open for reading (allowHalfOpen) until the client ends its side too.
    if (mode === 'half-close') socket.on('end', () => socket.destroy());
    const send = (line: string): void => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    let loggedIn = false;
    let hostileDone = false;
    let pendingAuthTag: string | undefined;

    if (mode === 'silent') return;
    if (mode === 'garbage') {
      socket.write(Buffer.concat([Buffer.from('HTTP/1.1 400 Bad Request\r\nServer: not-imap\r\n\r\n'), Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10])]));
      return;
    }
    const greeting = `* OK [CAPABILITY ${CAPS}] hostile test server (${mode})\r\n`;
    if (mode === 'drip-greeting') {
      // One byte now, one more per delayMs: the greeting would be complete only after minutes.
      let i = 0;
      const drip = (): void => {
        if (socket.destroyed || i >= greeting.length) return;
        socket.write(greeting[i++]!);
        later(drip, delayMs);
      };
      drip();
      return;
    }
    socket.write(greeting);
    if (mode === 'garbage-after-greeting') socket.write(GARBAGE);

    const byeAfterLogin = (): void => {
      if (mode !== 'bye-after-login') return;
      send(`* BYE ${byeText}`);
      socket.end();
    };

    const answer = (tag: string, command: string, rest: string): void => {
      switch (command) {
        case 'CAPABILITY':
          send(`* CAPABILITY ${CAPS}`);
          return send(`${tag} OK CAPABILITY completed`);
        case 'ID':
          send('* ID ("name" "hostile")');
          return send(`${tag} OK ID completed`);
        case 'NOOP':
          return send(`${tag} OK NOOP completed`);
        case 'LIST':
          send('* LIST (\\Noselect) "/" ""');
          return send(`${tag} OK LIST completed`);
        case 'NAMESPACE':
          send('* NAMESPACE (("" "/")) NIL NIL');
          return send(`${tag} OK NAMESPACE completed`);
        case 'LOGOUT':
          send('* BYE logging out');
          send(`${tag} OK LOGOUT completed`);
          socket.end();
          return;
        case 'LOGIN':
          if (mode === 'drop-at-login') return void socket.destroy();
          if (mode === 'half-close') return void socket.end();
          loggedIn = true;
          send(`${tag} OK [CAPABILITY ${CAPS}] LOGIN completed`);
          return byeAfterLogin();
        case 'AUTHENTICATE':
          if (mode === 'drop-at-login') return void socket.destroy();
          if (mode === 'half-close') return void socket.end();
          if (/^PLAIN \S+/i.test(rest)) {
            loggedIn = true;
            send(`${tag} OK [CAPABILITY ${CAPS}] AUTHENTICATE completed`);
            return byeAfterLogin();
          }
          pendingAuthTag = tag;
          return send('+ ');
        default:
          return send(`${tag} NO [CANNOT] ${command} is not offered here`);
      }
    };

    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let eol = buffer.indexOf('\r\n'); eol >= 0; eol = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        if (pendingAuthTag !== undefined) {
          // the SASL PLAIN response line
          const tag = pendingAuthTag;
          pendingAuthTag = undefined;
          loggedIn = true;
          send(`${tag} OK [CAPABILITY ${CAPS}] AUTHENTICATE completed`);
          byeAfterLogin();
          continue;
        }
        const m = /^(\S+) (\S+) ?(.*)$/.exec(line);
        if (!m) continue;
        const [, tag = '*', word = '', rest = ''] = m;
        const command = word.toUpperCase() === 'UID' ? `UID ${rest.split(' ')[0]?.toUpperCase()}` : word.toUpperCase();
        // imapflow's connect ends with LIST "" "" (hierarchy delimiter): part of logging in, unless the server is
        // to turn hostile during login.
        const setup = SETUP.has(command) || (command === 'LIST' && rest === '"" ""' && !opts.duringLogin);
        if (mode === 'slow' || (mode === 'slow-after-login' && loggedIn && !setup)) {
          later(() => answer(tag, command, rest), delayMs);
          continue;
        }
        const afterLogin = mode === 'huge-literal' || mode === 'flood' || mode === 'garbage-after-login' || mode === 'disconnect-mid-command';
        if (loggedIn && !setup && !hostileDone && afterLogin) {
          hostileDone = true;
          if (mode === 'huge-literal') socket.write('* 1 FETCH (BODY[] {9999999999}\r\nFrom: a\r\nTo: b\r\n');
          else if (mode === 'garbage-after-login') socket.write(GARBAGE);
          else if (mode === 'disconnect-mid-command') socket.end('* 1 FETCH (UID 1 FLAGS (\\Seen) BODY[] {200}\r\nFrom: a\r\n', () => socket.destroy());
          else flood(socket);
          continue;
        }
        answer(tag, command, rest);
      }
    });
  };

  // allowHalfOpen: a half-closing server keeps reading after its FIN.
  const server: Server = createServer({ allowHalfOpen: mode === 'half-close' }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    host: address,
    port,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    get flooded() {
      return flooded;
    },
    idle: (timeoutMs) =>
      sockets.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${sockets.size} connection(s) still open after ${timeoutMs} ms`)), timeoutMs);
            idleWaiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
