// TCP listener: one Session per connection; nothing a client sends can take the process down.
import { createServer, type Server, type Socket } from 'node:net';
import { Session } from './session.js';
import type { ServerContext } from './context.js';

export class ImapServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly ctx: ServerContext) {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      // Responses are written line by line: without this, Nagle's algorithm holds each tagged completion back
      // until the client's delayed ACK of the untagged data before it (about 40 ms per command on loopback).
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      try {
        ctx.sessions.add(new Session(ctx, socket));
      } catch (err) {
        ctx.opts.log(`connection setup failed: ${String(err)}`);
        socket.destroy();
      }
    });
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') { reject(new Error('no address')); return; }
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  async close(): Promise<void> {
    for (const s of [...this.ctx.sessions]) {
      s.write('* BYE Server shutting down');
      s.end();
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const sock of this.sockets) sock.destroy();
    await closed;
  }
}
