// Public entry point of the reference CPM Message Store (the only module the harness imports).
import { resolveOptions, type ReferenceStoreOptions } from './options.js';
import { FAULTS, FaultSet, validateFaults } from './faults.js';
import { MailStore } from './store/mailstore.js';
import { Accounts } from './cpm/accounts.js';
import { StatusEventSource, cpmStoreHooks } from './cpm/behaviour.js';
import { capabilityList, type ServerContext } from './imap/context.js';
import { ImapServer } from './imap/server.js';
import { createPushNotifier, type NmsBatchPost, type PushNotifier, type StatusPayload } from './push/index.js';

export type {
  ReferenceStoreOptions, UserConfig, DeviceConfig, PushOptions, FolderLayout, DeviceLearning, IdentityBinding, PfPath,
  PfLoginModel, PfLoginOptions,
} from './options.js';
export { FAULTS, type FaultInfo } from './faults.js';
export { DEMO_ACCOUNTS } from './demo-accounts.js';
export { encodeKeywordId, decodeKeywordId, seenKeyword, deletedKeyword, SEEN_BY_PREFIX, DELETED_BY_PREFIX } from './cpm/identity.js';
export type {
  StatusEvent, StatusPayload, PushFormat, NmsBatchPost, NmsBatchList, NmsBatchEvent, NmsJsonBody, NmsDeviceInfo, NmsChangedFolder,
} from './push/index.js';
export {
  CPM_PUSH_NAMESPACE, NMS_XML_NAMESPACE, NMS_JSON_CONTENT_TYPE, NMS_XML_CONTENT_TYPE, buildNmsPosts, serializeNmsPost, shuffleBySeed,
} from './push/index.js';

export interface ReferenceStore {
  host: string;
  port: number;
  /** e.g. `imap://127.0.0.1:14143` */
  imapUrl: string;
  capabilities: readonly string[];
  faults: readonly string[];
  /** Resolves when every PUSH notification produced so far has been delivered or given up. */
  pushIdle(): Promise<void>;
  /** nms-json / nms-xml: sends the PUSH events batched so far at once, without waiting for the batch window. */
  pushFlush(): void;
  stop(): Promise<void>;
}

const PUSH_DELAY_FAULT_MS = 10_000;

/** push-invalid-payload in the NMS formats: changedObject and changedFolder lose their mandatory parentFolder. */
function dropParentFolder(post: NmsBatchPost): NmsBatchPost {
  const copy = structuredClone(post);
  for (const l of copy.lists) {
    for (const ev of l.nmsEvent) {
      if ('changedObject' in ev) delete (ev.changedObject as { parentFolder?: string }).parentFolder;
      if ('changedFolder' in ev) delete (ev.changedFolder as { parentFolder?: string }).parentFolder;
    }
  }
  return copy;
}

export async function startReferenceStore(options: ReferenceStoreOptions): Promise<ReferenceStore> {
  const opts = resolveOptions(options);
  const faultNames = validateFaults(options.faults ?? []);
  const faults = new FaultSet(faultNames);
  const accounts = new Accounts(opts);
  const sessions: ServerContext['sessions'] = new Set();
  const store = new MailStore(cpmStoreHooks(opts, faults, accounts));
  const folders = [opts.folders.root, opts.folders.voicemail, ...(opts.folders.extra ?? [])];
  for (const u of opts.users) store.addUser(u.name, folders);

  let sessionCounter = 0;
  const caps = capabilityList(opts.notify);
  const ctx: ServerContext = {
    opts, store, accounts, faults, sessions,
    capabilities: () => caps,
    nextSessionId: () => ++sessionCounter,
  };
  const server = new ImapServer(ctx);
  const addr = await server.listen(opts.host, opts.port);
  const hostForUrl = addr.host.includes(':') ? `[${addr.host}]` : addr.host;
  const imapUrl = `imap://${hostForUrl}:${addr.port}`;

  let notifier: PushNotifier | null = null;
  let source: StatusEventSource | null = null;
  if (opts.push) {
    notifier = createPushNotifier({
      ...opts.push,
      log: opts.push.log ?? opts.log,
      ...(faults.has('push-delayed') ? { delayMs: PUSH_DELAY_FAULT_MS } : {}),
      ...(faults.has('push-duplicate') ? { transform: (p: StatusPayload) => [p, structuredClone(p)] } : {}),
      ...(faults.has('push-invalid-payload')
        ? { transform: (p: StatusPayload) => { const { occurredAt: _dropped, ...rest } = p.statusChange; return { ...p, statusChange: rest } as StatusPayload; } }
        : {}),
      ...(faults.has('push-duplicate') ? { nmsTransform: (p: NmsBatchPost) => [p, structuredClone(p)] } : {}),
      ...(faults.has('push-invalid-payload') ? { nmsTransform: dropParentFolder } : {}),
    });
    source = new StatusEventSource(store, notifier, faults, accounts, () => imapUrl);
  }
  opts.log(`reference store listening on ${imapUrl}${faultNames.length ? ` faults=${faultNames.join(',')}` : ''}`);

  let stopping: Promise<void> | null = null;
  return {
    host: addr.host,
    port: addr.port,
    imapUrl,
    capabilities: caps,
    faults: faultNames,
    pushIdle: async () => { await notifier?.idle(); },
    pushFlush: () => { notifier?.flush(); },
    stop: () => (stopping ??= (async () => {
      source?.close();
      await server.close();
      await notifier?.close();
    })()),
  };
}
