// A loopback HTTP endpoint standing in for the CPM PUSH Enabler: records JSON POST bodies and
// validates each against fixtures/push/status-notification.schema.json.
import { createServer, type Server } from 'node:http';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schema from '../../fixtures/push/status-notification.schema.json' with { type: 'json' };
import type { StatusPayload } from '../../reference-store/index.js';
import { until } from './helpers.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

export class PushRecorder {
  readonly received: StatusPayload[] = [];
  readonly invalid: string[] = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<PushRecorder> {
    let rec: PushRecorder | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StatusPayload;
          if (!validate(body)) rec?.invalid.push(ajv.errorsText(validate.errors));
          rec?.received.push(body);
        } catch (e) { rec?.invalid.push(String(e)); }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('no address');
    rec = new PushRecorder(server, `http://127.0.0.1:${addr.port}/push`);
    return rec;
  }

  changes(filter: (c: StatusPayload['statusChange']) => boolean = () => true): StatusPayload['statusChange'][] {
    return this.received.map((p) => p.statusChange).filter(filter);
  }

  async waitFor(filter: (c: StatusPayload['statusChange']) => boolean, timeoutMs = 3000): Promise<StatusPayload['statusChange']> {
    return until(() => this.changes(filter)[0], timeoutMs, 'push notification');
  }

  clear(): void { this.received.length = 0; }

  close(): Promise<void> { return new Promise((r) => this.server.close(() => r())); }
}
