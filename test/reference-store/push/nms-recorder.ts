// A loopback CPM PUSH Enabler for the NMS formats: records every POST raw (content type and body), parses JSON
// bodies and checks XML ones for well-formedness with fast-xml-parser. Tests wait on arrivals with timeouts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import nmsJsonSchema from '../../../fixtures/push/nms-json/nms-json.schema.json' with { type: 'json' };
import type { NmsBatchEvent, NmsJsonBody } from '../../../reference-store/index.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validateNmsJson = ajv.compile(nmsJsonSchema);

/** Schema errors of an nms-json body ('' when valid). */
export function nmsJsonErrors(body: unknown): string {
  return validateNmsJson(body) ? '' : ajv.errorsText(validateNmsJson.errors);
}

/** Parsed nms-xml wrapper; element names keep their prefixes ('cpm:user'); repeated elements are arrays. */
export interface ParsedXml {
  'cpm:statusNotification': {
    '@_xmlns:cpm': string;
    '@_xmlns': string;
    'cpm:user': string;
    'cpm:triggeringDevice'?: string;
    nmsEventList: { nmsEvent: Array<Record<string, Record<string, unknown>>>; index: string };
  };
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'nmsEvent' || name === 'flag',
});

export function parseXml(body: string): ParsedXml {
  const ok = XMLValidator.validate(body);
  if (ok !== true) throw new Error(`not well-formed XML: ${ok.err.msg} (line ${ok.err.line})`);
  return xmlParser.parse(body) as ParsedXml;
}

export interface RawPost {
  contentType: string;
  body: string;
  /** nms-json and reference: the parsed body. */
  json?: NmsJsonBody;
  /** nms-xml: the parsed body. */
  xml?: ParsedXml;
  /** A parse or well-formedness error. */
  error?: string;
}

export class NmsRecorder {
  readonly posts: RawPost[] = [];
  private waiters: Array<() => void> = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<NmsRecorder> {
    let rec: NmsRecorder | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const contentType = req.headers['content-type'] ?? '';
        const post: RawPost = { contentType, body };
        try {
          if (contentType.startsWith('application/xml')) post.xml = parseXml(body);
          else post.json = JSON.parse(body) as NmsJsonBody;
        } catch (e) {
          post.error = String(e);
        }
        res.writeHead(204).end();
        rec?.record(post);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    rec = new NmsRecorder(server, `http://127.0.0.1:${port}/push`);
    return rec;
  }

  private record(post: RawPost): void {
    this.posts.push(post);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves with the posts once at least `n` have arrived in total. */
  waitForCount(n: number, timeoutMs = 5000): Promise<RawPost[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`enabler: ${n} POST(s) expected within ${timeoutMs} ms, got ${this.posts.length}`)), timeoutMs);
      const check = (): void => {
        if (this.posts.length >= n) {
          clearTimeout(timer);
          resolve(this.posts.slice());
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** Waits for `n` POSTs after the current ones and returns those. */
  async next(n = 1, timeoutMs = 5000): Promise<RawPost[]> {
    const from = this.posts.length;
    const all = await this.waitForCount(from + n, timeoutMs);
    return all.slice(from, from + n);
  }

  clear(): void { this.posts.length = 0; }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

// ----- views on the bodies --------------------------------------------------------------------

/** One NMS event of either format, normalised to the JSON model (XML text values stay strings). */
export interface SeenEvent {
  user: string;
  index: number;
  kind: 'changedObject' | 'deletedObject' | 'changedFolder';
  resourceURL: string;
  parentFolder?: string;
  flags?: string[];
  lastModSeq: number;
  correlationId?: string;
  /** nms-json: event level; nms-xml: notification level. */
  triggerDevice?: string;
  /** nms-json only. */
  sessionDevice?: string;
}

export function eventsOf(post: RawPost): SeenEvent[] {
  if (post.json) {
    return post.json.notificationList.flatMap(({ nmsEventList: l }) => l.nmsEvent.map((e) => fromJson(l.callbackData, l.index, e)));
  }
  if (post.xml) {
    const n = post.xml['cpm:statusNotification'];
    const index = Number(n.nmsEventList.index);
    return n.nmsEventList.nmsEvent.map((e) => {
      const [kind, body] = Object.entries(e)[0] as [SeenEvent['kind'], Record<string, unknown>];
      const flags = kind === 'changedObject' ? ((body.flags as { flag?: string[] } | '' | undefined) || {}).flag ?? [] : undefined;
      return {
        user: n['cpm:user'], index, kind,
        resourceURL: body.resourceURL as string,
        ...(body.parentFolder !== undefined ? { parentFolder: body.parentFolder as string } : {}),
        ...(flags ? { flags } : {}),
        lastModSeq: Number(body.lastModSeq),
        ...(body.correlationId !== undefined ? { correlationId: body.correlationId as string } : {}),
        ...(n['cpm:triggeringDevice'] !== undefined && kind !== 'changedFolder' ? { triggerDevice: n['cpm:triggeringDevice'] } : {}),
      };
    });
  }
  throw new Error(`unparsed POST: ${post.error ?? post.body.slice(0, 200)}`);
}

function fromJson(user: string, index: number, e: NmsBatchEvent): SeenEvent {
  if ('changedObject' in e) {
    const o = e.changedObject;
    return {
      user, index, kind: 'changedObject', resourceURL: o.resourceURL, ...(o.parentFolder !== undefined ? { parentFolder: o.parentFolder } : {}),
      flags: o.flags.flag, lastModSeq: o.lastModSeq, ...(o.correlationId !== undefined ? { correlationId: o.correlationId } : {}),
      ...(o.message?.['trigger-device'] !== undefined ? { triggerDevice: o.message['trigger-device'] } : {}),
      ...(o.message?.['session-device'] !== undefined ? { sessionDevice: o.message['session-device'] } : {}),
    };
  }
  if ('deletedObject' in e) {
    const o = e.deletedObject;
    return {
      user, index, kind: 'deletedObject', resourceURL: o.resourceURL, lastModSeq: o.lastModSeq ?? 0,
      ...(o.correlationId !== undefined ? { correlationId: o.correlationId } : {}),
      ...(o.message?.['trigger-device'] !== undefined ? { triggerDevice: o.message['trigger-device'] } : {}),
      ...(o.message?.['session-device'] !== undefined ? { sessionDevice: o.message['session-device'] } : {}),
    };
  }
  const f = e.changedFolder;
  return { user, index, kind: 'changedFolder', resourceURL: f.resourceURL, ...(f.parentFolder !== undefined ? { parentFolder: f.parentFolder } : {}), lastModSeq: f.lastModSeq };
}

/** Object events (not changedFolder) of a set of posts. */
export function objectEvents(posts: RawPost[]): SeenEvent[] {
  return posts.flatMap(eventsOf).filter((e) => e.kind !== 'changedFolder');
}
