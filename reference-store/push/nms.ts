// The OMA NMS formats of the PUSH notifier (fixtures/push/nms-json/README.md, fixtures/push/nms-xml/README.md):
// a batch of StatusEvents becomes NmsEventLists (NMS 5.3.2.24) of full-state object events plus the changedFolder
// events of their folders, shuffled deterministically, then serialised as JSON or as XML.
import { bareDeviceIdentity, imapFolderUrl, imapMailboxUrl, imapMessageUrl } from './payload.js';
import type { NmsBatchEvent, NmsBatchList, NmsBatchPost, NmsDeviceInfo, NmsJsonBody, StatusEvent } from './types.js';

export const NMS_XML_NAMESPACE = 'urn:oma:xml:rest:netapi:nms:1';
export const CPM_PUSH_NAMESPACE = 'urn:cpm-conformance:push:1';
export const NMS_JSON_CONTENT_TYPE = 'application/json';
export const NMS_XML_CONTENT_TYPE = 'application/xml; charset=utf-8';

/**
 * Fisher–Yates shuffle driven by mulberry32 seeded with `seed` (the list's index): the order varies from one list to
 * the next but is the same on every run, so tests can recompute it.
 */
export function shuffleBySeed<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** `<imap base url>/subscriptions/<url-encoded user>`, the NmsSubscription link of a user's lists. */
export function subscriptionUrl(imapBaseUrl: string, user: string): string {
  return `${imapBaseUrl.replace(/\/+$/, '')}/subscriptions/${encodeURIComponent(user)}`;
}

/** The NMS object event of one status change: changedObject with all current flags, deletedObject for an expunge. */
export function nmsObjectEvent(e: StatusEvent, withDevices: boolean): NmsBatchEvent {
  const parentFolder = imapMailboxUrl(e.imapBaseUrl, e.user, e.folder, e.uidValidity);
  const resourceURL = imapMessageUrl(parentFolder, e.uid);
  const correlation = e.imdnMessageId === null ? {} : { correlationId: e.imdnMessageId };
  const trigger = bareDeviceIdentity(e.triggeringDevice);
  const session = bareDeviceIdentity(e.sessionDevice ?? null);
  const message: NmsDeviceInfo = {
    ...(trigger !== null ? { 'trigger-device': trigger } : {}),
    ...(session !== null ? { 'session-device': session } : {}),
  };
  const ext = withDevices && Object.keys(message).length > 0 ? { message } : {};
  if (e.event === 'expunged') return { deletedObject: { resourceURL, lastModSeq: e.modseq, ...correlation, ...ext } };
  return {
    changedObject: { parentFolder, flags: { flag: [...new Set(e.flags)] }, resourceURL, lastModSeq: e.modseq, ...correlation, ...ext },
  };
}

/** One list: the object events (identical ones coalesced), one changedFolder per folder, shuffled by `index`. */
function buildList(events: StatusEvent[], index: number, triggeringDevice: string | null, withDevices: boolean): NmsBatchList {
  const first = events[0]!;
  const objects: NmsBatchEvent[] = [];
  const seen = new Set<string>();
  const folders = new Map<string, { e: StatusEvent; lastModSeq: number }>();
  for (const e of events) {
    const ev = nmsObjectEvent(e, withDevices);
    const key = JSON.stringify(ev);
    if (!seen.has(key)) {
      seen.add(key);
      objects.push(ev);
    }
    const fk = `${e.folder}\n${e.uidValidity}`;
    const f = folders.get(fk);
    if (!f) folders.set(fk, { e, lastModSeq: e.modseq });
    else f.lastModSeq = Math.max(f.lastModSeq, e.modseq);
  }
  const folderEvents: NmsBatchEvent[] = [...folders.values()].map(({ e, lastModSeq }) => {
    const slash = e.folder.lastIndexOf('/');
    return {
      changedFolder: {
        parentFolder: imapFolderUrl(e.imapBaseUrl, e.user, slash > 0 ? e.folder.slice(0, slash) : null),
        resourceURL: imapMailboxUrl(e.imapBaseUrl, e.user, e.folder, e.uidValidity),
        name: slash >= 0 ? e.folder.slice(slash + 1) : e.folder,
        lastModSeq,
      },
    };
  });
  return {
    user: first.user,
    index,
    subscriptionUrl: subscriptionUrl(first.imapBaseUrl, first.user),
    triggeringDevice,
    nmsEvent: shuffleBySeed([...objects, ...folderEvents], index),
  };
}

function groupBy<K>(events: readonly StatusEvent[], key: (e: StatusEvent) => K): Map<K, StatusEvent[]> {
  const groups = new Map<K, StatusEvent[]>(); // first-appearance order
  for (const e of events) {
    const k = key(e);
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  return groups;
}

/**
 * The POSTs of one batch, in the order they are sent. nms-json: one POST with one list per user; nms-xml: one POST
 * per (user, triggering device). `nextIndex(user)` hands out the user's next index (called once per list).
 */
export function buildNmsPosts(format: 'nms-json' | 'nms-xml', events: readonly StatusEvent[], nextIndex: (user: string) => number): NmsBatchPost[] {
  if (events.length === 0) return [];
  if (format === 'nms-json') {
    const lists = [...groupBy(events, (e) => e.user).values()].map((g) => buildList(g, nextIndex(g[0]!.user), null, true));
    return [{ format, lists }];
  }
  const groups = groupBy(events, (e) => JSON.stringify([e.user, bareDeviceIdentity(e.triggeringDevice)]));
  return [...groups.values()].map((g) => {
    const trigger = bareDeviceIdentity(g[0]!.triggeringDevice);
    return { format, lists: [buildList(g, nextIndex(g[0]!.user), trigger, false)] };
  });
}

/** nms-json wire body of a POST. */
export function nmsJsonBody(post: NmsBatchPost): NmsJsonBody {
  return {
    notificationList: post.lists.map((l) => ({
      nmsEventList: {
        index: l.index,
        callbackData: l.user,
        link: [{ rel: 'NmsSubscription' as const, href: l.subscriptionUrl }],
        nmsEvent: l.nmsEvent,
      },
    })),
  };
}

// ----- XML ------------------------------------------------------------------------------------

/** XML 1.0 text / attribute escaping; characters XML 1.0 cannot carry at all become U+FFFD. */
export function escapeXml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

type XmlNode = { name: string; text: string } | { name: string; children: XmlNode[] };

function leaf(name: string, value: string | number | undefined): XmlNode[] {
  return value === undefined ? [] : [{ name, text: String(value) }];
}

function render(node: XmlNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  if ('text' in node) {
    out.push(`${pad}<${node.name}>${escapeXml(node.text)}</${node.name}>`);
  } else if (node.children.length === 0) {
    out.push(`${pad}<${node.name}/>`);
  } else {
    out.push(`${pad}<${node.name}>`);
    for (const c of node.children) render(c, depth + 1, out);
    out.push(`${pad}</${node.name}>`);
  }
}

/** Element order of the NMS XSD (20140619): ChangedObject, DeletedObject, ChangedFolder. */
function xmlEvent(ev: NmsBatchEvent): XmlNode {
  let inner: XmlNode;
  if ('changedObject' in ev) {
    const o = ev.changedObject;
    inner = {
      name: 'changedObject',
      children: [
        ...leaf('parentFolder', o.parentFolder),
        { name: 'flags', children: (o.flags?.flag ?? []).map((f) => ({ name: 'flag', text: f })) },
        ...leaf('resourceURL', o.resourceURL),
        ...leaf('lastModSeq', o.lastModSeq),
        ...leaf('correlationId', o.correlationId),
      ],
    };
  } else if ('deletedObject' in ev) {
    const o = ev.deletedObject;
    inner = {
      name: 'deletedObject',
      children: [...leaf('resourceURL', o.resourceURL), ...leaf('lastModSeq', o.lastModSeq), ...leaf('correlationId', o.correlationId)],
    };
  } else {
    const f = ev.changedFolder;
    inner = {
      name: 'changedFolder',
      children: [...leaf('parentFolder', f.parentFolder), ...leaf('resourceURL', f.resourceURL), ...leaf('name', f.name), ...leaf('lastModSeq', f.lastModSeq)],
    };
  }
  return { name: 'nmsEvent', children: [inner] };
}

/** nms-xml wire body of a POST (one list): the NMS NmsEventList in our cpm:statusNotification wrapper. */
export function nmsXmlBody(post: NmsBatchPost): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<cpm:statusNotification xmlns:cpm="${CPM_PUSH_NAMESPACE}" xmlns="${NMS_XML_NAMESPACE}">`];
  for (const l of post.lists) {
    render({ name: 'cpm:user', text: l.user }, 1, out);
    if (l.triggeringDevice !== null) render({ name: 'cpm:triggeringDevice', text: l.triggeringDevice }, 1, out);
    render({ name: 'nmsEventList', children: [...l.nmsEvent.map(xmlEvent), ...leaf('index', l.index)] }, 1, out);
  }
  out.push('</cpm:statusNotification>');
  return out.join('\n') + '\n';
}

/** Content type and body bytes of a POST. */
export function serializeNmsPost(post: NmsBatchPost): { contentType: string; body: string } {
  return post.format === 'nms-json'
    ? { contentType: NMS_JSON_CONTENT_TYPE, body: JSON.stringify(nmsJsonBody(post)) }
    : { contentType: NMS_XML_CONTENT_TYPE, body: nmsXmlBody(post) };
}
