// How a vendor's PUSH payload maps onto what the suite checks (CR §5.4.2, spec notes §7.6/§7.7).
// The CR defines no payload format, so the profile binds the fields by JSON Pointer.
import { fileURLToPath } from 'node:url';

/** Status-change kinds the suite provokes; the vendor may spell them differently (eventNames). */
export const STATUS_EVENT_KINDS = ['new', 'seen', 'unseen', 'deleted', 'undeleted', 'expunged'] as const;
export type StatusEventKind = (typeof STATUS_EVENT_KINDS)[number];

/** RFC 6901 pointers into the payload. identity and event are what PN-23 needs; the rest refine matching. */
export interface PushPointers {
  identity: string;
  event: string;
  object?: string;
  folder?: string;
  uidValidity?: string;
  uid?: string;
}

export interface PushBinding {
  /** JSON Schema for the payload: an absolute/cwd-relative file path, or the schema itself. */
  schema: string | Record<string, unknown>;
  pointers: PushPointers;
  /** Our kind → the vendor's event string(s). Kinds not listed are spelled as our kind name. */
  eventNames: Partial<Record<StatusEventKind, string | string[]>>;
}

/** Shared payload schema shipped with the suite (fixtures/push/). */
export const DEFAULT_PUSH_SCHEMA_PATH = fileURLToPath(
  new URL('../../fixtures/push/status-notification.schema.json', import.meta.url),
);

export const DEFAULT_PUSH_POINTERS: Readonly<PushPointers> = Object.freeze({
  identity: '/statusChange/triggeringDevice',
  event: '/statusChange/event',
  object: '/statusChange/imdnMessageId',
  folder: '/statusChange/folder',
  uidValidity: '/statusChange/uidValidity',
  uid: '/statusChange/uid',
});

export function defaultPushBinding(): PushBinding {
  return { schema: DEFAULT_PUSH_SCHEMA_PATH, pointers: { ...DEFAULT_PUSH_POINTERS }, eventNames: {} };
}

/** The vendor strings that mean `kind`. */
export function vendorEventNames(binding: Pick<PushBinding, 'eventNames'>, kind: StatusEventKind): string[] {
  const names = binding.eventNames[kind];
  if (names === undefined) return [kind];
  return Array.isArray(names) ? names : [names];
}

/** Maps a vendor event string back to our kind (undefined when the string is not bound). */
export function eventKindOf(binding: Pick<PushBinding, 'eventNames'>, vendorEvent: string): StatusEventKind | undefined {
  return STATUS_EVENT_KINDS.find((kind) => vendorEventNames(binding, kind).includes(vendorEvent));
}
