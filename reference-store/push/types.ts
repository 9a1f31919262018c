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

export interface PushNotifierOptions {
  /** Enabler URL (http:, or https:). Userinfo in the URL is sent as Basic auth and never logged. */
  url: string;
  /** Per attempt (connect + response), default 2000. */
  requestTimeoutMs?: number;
  /** Attempts per payload including the first, default 5. */
  maxAttempts?: number;
  /** Exponential back-off between attempts: initial, doubled per retry, capped at max. Default 100 / 2000. */
  backoffMs?: { initial: number; max: number };
  /** Bounded queue of payloads not yet in flight; beyond it the oldest is dropped and counted. Default 10000. */
  maxQueue?: number;
  /** Fault hooks: rewrite, drop (null) or duplicate (array) a built payload before it is queued. */
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
  /** Payloads discarded unsent: queue overflow (oldest first), queued at close(), or notified after close(). */
  dropped: number;
  /** Payloads waiting (not in flight). */
  queued: number;
  /** Payloads the transform hook dropped (returned null or an empty array). */
  suppressed: number;
}

export interface PushNotifier {
  /** Never blocks, never throws: builds the payload, enqueues it and returns at once. */
  notify(event: StatusEvent): void;
  /** Resolves when the queue is empty and nothing is in flight (or the notifier is closed). */
  idle(): Promise<void>;
  stats(): PushNotifierStats;
  /** Stops retrying, discards the queue, aborts in-flight requests; resolves promptly. */
  close(): Promise<void>;
}
