// Types of the reference PUSH notification (fixtures/push/README.md, schema in
// fixtures/push/status-notification.schema.json).

export type StatusEventKind = 'new' | 'seen' | 'unseen' | 'deleted' | 'undeleted' | 'expunged';
export type StatusObjectType = 'message' | 'voicemail';

/** What the store reports: one per object per status change. */
export interface StatusEvent {
  event: StatusEventKind;
  objectType: StatusObjectType;
  user: string;
  /** Mailbox name, unencoded, e.g. 'RCSMessageStore/conv-1'. */
  folder: string;
  uidValidity: number;
  uid: number;
  imdnMessageId: string | null;
  /** All current flags of the object after the change (not the delta). */
  flags: string[];
  modseq: number;
  /** Bare URN / GRUU of the device that made the change; null when none is known. */
  triggeringDevice: string | null;
  /**
   * Device of the IMAP session that issued the command (nms-json `session-device`); null or absent when that
   * session has no device, e.g. the PF's own session. The reference payload does not carry it.
   */
  sessionDevice?: string | null;
  occurredAt: Date;
  /** e.g. 'imap://127.0.0.1:14143' — base of parentFolder / resourceURL. */
  imapBaseUrl: string;
}

/** NMS FlagList (5.3.2.x). */
export interface NmsFlagList {
  flag: string[];
}

/** NMS ChangedObject (5.3.2.27): creation or flag change. */
export interface NmsChangedObject {
  parentFolder: string;
  flags: NmsFlagList;
  resourceURL: string;
  lastModSeq: number;
  correlationId?: string;
}

/** NMS DeletedObject (5.3.2.25): user-initiated deletion. */
export interface NmsDeletedObject {
  resourceURL: string;
  lastModSeq: number;
  correlationId?: string;
}

export type NmsEvent = { changedObject: NmsChangedObject } | { deletedObject: NmsDeletedObject };

/** NMS NmsEventList (5.3.2.24), one event per POST. */
export interface NmsEventList {
  index: number;
  nmsEvent: NmsEvent[];
}

/** The CR addition: which object changed how, and which device did it. */
export interface StatusChange {
  event: StatusEventKind;
  objectType: StatusObjectType;
  user: string;
  folder: string;
  uidValidity: number;
  uid: number;
  imdnMessageId: string | null;
  flags: string[];
  modseq: number;
  triggeringDevice: string | null;
  /** RFC 3339 / ISO 8601 UTC timestamp. */
  occurredAt: string;
}

/** One POST body. */
export interface StatusPayload {
  nmsEventList: NmsEventList;
  statusChange: StatusChange;
}

/**
 * Wire format of the notifications:
 * * `reference` — one JSON StatusPayload per status change (fixtures/push/README.md). The default.
 * * `nms-json` — OMA NMS JSON, events batched: one POST `{ notificationList: [ { nmsEventList } per user ] }`
 *   (fixtures/push/nms-json/README.md).
 * * `nms-xml` — OMA NMS XML in a `cpm:statusNotification` wrapper, one POST per (user, triggering device) of a
 *   batch (fixtures/push/nms-xml/README.md).
 */
export type PushFormat = 'reference' | 'nms-json' | 'nms-xml';

/** Device identities the nms-json format adds to an object event (`message` block, after the Samsung PNS shape). */
export interface NmsDeviceInfo {
  /** The device that triggered the change (bare URN / GRUU); absent when unknown. */
  'trigger-device'?: string;
  /** The device of the IMAP session that issued the command; absent when the session has none (PF). */
  'session-device'?: string;
}

/** NMS ChangedObject as the NMS formats send it: all current flags; `message` in nms-json only. */
export interface NmsBatchChangedObject extends NmsChangedObject {
  message?: NmsDeviceInfo;
}

/** NMS DeletedObject (expunge) as the NMS formats send it; `message` in nms-json only. */
export interface NmsBatchDeletedObject extends NmsDeletedObject {
  message?: NmsDeviceInfo;
}

/** NMS ChangedFolder (5.3.2.28): the folder of the changed objects, with its new lastModSeq. */
export interface NmsChangedFolder {
  /** RFC 5092 URL of the folder's parent (no UIDVALIDITY); `imap://<user>@<host>/` for a top-level folder. */
  parentFolder: string;
  /** RFC 5092 URL of the folder, as in the object events' parentFolder. */
  resourceURL: string;
  /** The last name segment of the folder ('conv-1' for 'RCSMessageStore/conv-1'). */
  name: string;
  /** Highest MODSEQ among the batch's object events in that folder. */
  lastModSeq: number;
}

export type NmsBatchEvent =
  | { changedObject: NmsBatchChangedObject }
  | { deletedObject: NmsBatchDeletedObject }
  | { changedFolder: NmsChangedFolder };

/** One NmsEventList of a batch: the events of one user (nms-xml: of one user and one triggering device). */
export interface NmsBatchList {
  user: string;
  /** Per-user counter shared with every format: 1 for the user's first notification list, +1 for each further one. */
  index: number;
  /** `<imap base url>/subscriptions/<url-encoded user>`: nms-json `link[0].href`. */
  subscriptionUrl: string;
  /** nms-xml `cpm:triggeringDevice` (bare); null when unknown, then the element is absent. */
  triggeringDevice: string | null;
  /** Object events (coalesced when identical) and one changedFolder per folder, in the shuffled order sent. */
  nmsEvent: NmsBatchEvent[];
}

/** One POST of an NMS format before serialisation (what the nmsTransform fault hook sees). */
export interface NmsBatchPost {
  format: 'nms-json' | 'nms-xml';
  /** nms-json: one list per user of the batch; nms-xml: exactly one. */
  lists: NmsBatchList[];
}

/** nms-json wire body. */
export interface NmsJsonBody {
  notificationList: Array<{
    nmsEventList: {
      index: number;
      callbackData: string;
      link: Array<{ rel: 'NmsSubscription'; href: string }>;
      nmsEvent: NmsBatchEvent[];
    };
  }>;
}

export interface PushNotifierOptions {
  /** Enabler URL (http:, or https:). Userinfo in the URL is sent as Basic auth and never logged. */
  url: string;
  /** Wire format, default 'reference'. */
  format?: PushFormat;
  /**
   * NMS formats: events are collected for this long after the first one of a batch (a timer armed at that event),
   * then sent. Default 5. Ignored by 'reference', which sends each change at once.
   */
  batchWindowMs?: number;
  /** Fault hook of the NMS formats: rewrite, drop (null) or duplicate (array) a POST before it is serialised. */
  nmsTransform?: (post: NmsBatchPost) => NmsBatchPost | NmsBatchPost[] | null;
  /** Per attempt (connect + response), default 2000. */
  requestTimeoutMs?: number;
  /** Attempts per payload including the first, default 5. */
  maxAttempts?: number;
  /** Exponential back-off between attempts: initial, doubled per retry, capped at max. Default 100 / 2000. */
  backoffMs?: { initial: number; max: number };
  /** Bounded queue of payloads not yet in flight; beyond it the oldest is dropped and counted. Default 10000. */
  maxQueue?: number;
  /** Fault hooks of 'reference': rewrite, drop (null) or duplicate (array) a built payload before it is queued. */
  transform?: (payload: StatusPayload, event: StatusEvent) => StatusPayload | StatusPayload[] | null;
  /** Each payload is delivered no earlier than delayMs after notify() (fault "push delayed"). Default 0. */
  delayMs?: number;
  log?: (line: string) => void;
  /** Users delivered to in parallel (each user stays strictly ordered). Default 4. */
  concurrency?: number;
}

export interface PushNotifierStats {
  /** Payloads the enabler accepted (2xx). */
  sent: number;
  /** Payloads given up: non-retryable status, attempts exhausted, or aborted by close(). */
  failed: number;
  /** Retry attempts made (attempts beyond the first). */
  retried: number;
  /**
   * Payloads discarded unsent: queue overflow (oldest first), queued at close(), or notified after close().
   * NMS formats: POSTs, plus one per event still waiting in a batch at close().
   */
  dropped: number;
  /** Payloads waiting (not in flight). */
  queued: number;
  /** Payloads the transform hook dropped (returned null or an empty array). */
  suppressed: number;
}

export interface PushNotifier {
  /** Never blocks, never throws: builds the payload (NMS formats: adds the event to the batch), enqueues it and returns at once. */
  notify(event: StatusEvent): void;
  /** Resolves when no batch is pending, the queue is empty and nothing is in flight (or the notifier is closed). */
  idle(): Promise<void>;
  /** NMS formats: sends the pending batch now instead of when its timer fires (no-op otherwise). */
  flush(): void;
  stats(): PushNotifierStats;
  /** Stops retrying, discards the queue, aborts in-flight requests; resolves promptly. */
  close(): Promise<void>;
}
