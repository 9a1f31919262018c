// How a vendor's PUSH notifications map onto what the suite checks (CR §5.4.2, spec notes §7.6/§7.7).
// The CR defines no payload format (A-5), so the profile describes it: where the events are in a notification,
// what kind each event is, which object it references, and which device it names. Real stores send OMA NMS
// event lists (several events per POST, any order, other objects' and users' events mixed in), in JSON or XML.
//
// Two profile forms exist. The general form (`events`, `kinds`, `object`, `identity`) is what the harness works
// with; the original shorthand (`pointers` + `eventNames`, one event per notification, RFC 6901 pointers) is
// translated to it here, in resolveBinding(), and nowhere else.
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Status-change kinds the suite provokes. */
export const STATUS_EVENT_KINDS = ['new', 'seen', 'unseen', 'deleted', 'undeleted', 'expunged'] as const;
export type StatusEventKind = (typeof STATUS_EVENT_KINDS)[number];

/**
 * A place in the parsed payload: an RFC 9535 JSONPath (`$…`) or an RFC 6901 JSON Pointer (`/…`, or "" for the
 * whole value). Relative to one event unless `scope` is "notification" (the whole parsed body).
 */
export interface FieldSelector {
  selector: string;
  scope: 'event' | 'notification';
}

/**
 * When an event is of a kind: `selector` selects at least one node (and, with `equals`, one of them equals one of
 * the strings; with `absent`, none does), or a combination.
 */
export type KindRule =
  | { selector: string; scope?: 'event' | 'notification'; equals?: string[]; absent?: boolean }
  | { all: KindRule[] }
  | { any: KindRule[] }
  | { not: KindRule };

/** A device field of an event. `actor` fields must name the device that made the change; others are recorded. */
export interface IdentityField extends FieldSelector {
  name: string;
  role: 'actor' | 'informative';
}

/**
 * What an event says about the object it concerns. Every declared reference the event carries must match the
 * object; at least one must be present. `resourceUrl.pattern` is a regular expression whose named groups
 * (folder, uidValidity, uid, user) are taken from the URL (percent-decoded).
 */
export interface ObjectReferences {
  imdnMessageId?: FieldSelector;
  folder?: FieldSelector;
  uidValidity?: FieldSelector;
  uid?: FieldSelector;
  user?: FieldSelector;
  resourceUrl?: FieldSelector & { pattern: string };
}

export type PayloadFormat = 'json' | 'xml';

/** How notifications are delivered, which decides how absence is concluded (sentinel barrier or quiet window). */
export interface DeliveryOrder {
  /** per-user: a user's notifications arrive in the order of the changes; none: no order at all. */
  order: 'per-user' | 'none';
  /** After the sentinel's notification, how long stragglers may still arrive (ordered stores: 0). */
  graceMs: number;
  /** Fixed observation window for absence when order is none. */
  quietWindowMs: number;
}

export interface ExamplePayload {
  /** Absolute path of the example body. */
  file: string;
  contentType?: string;
  /** The kinds of events the example contains (checked by the profile lint). */
  kinds: StatusEventKind[];
}

/** The general, resolved binding the harness works with. */
export interface PushBinding {
  /** Absent: chosen per request by Content-Type (XML for *\/xml and *+xml, else JSON). */
  format?: PayloadFormat;
  /** JSON Schema of the parsed payload: an absolute file path, the schema itself, or absent (not validated). */
  schema?: string | Record<string, unknown>;
  /** Where the events are in a notification (JSONPath; "$" = the notification is one event). */
  events: string;
  kinds: Partial<Record<StatusEventKind, KindRule>>;
  /** Selector whose value names the event in evidence (e.g. the vendor's event string); optional. */
  label?: FieldSelector;
  object: ObjectReferences;
  identity: IdentityField[];
  /** Notification-level fields kept in the evidence (e.g. the NMS index). */
  notification: { index?: string };
  /** XML: element names (local, without prefix) that always become arrays, so selectors can use [*]. */
  xmlArrays: string[];
  examples: ExamplePayload[];
  /** Which profile form the binding came from (reported in the statement). */
  form: 'shorthand' | 'general';
}

// ---- the shorthand form ------------------------------------------------------------------------------------------

/** RFC 6901 pointers into a one-event payload (the original profile form). */
export interface PushPointers {
  identity: string;
  event: string;
  object?: string;
  folder?: string;
  uidValidity?: string;
  uid?: string;
}

export interface ShorthandBinding {
  schema?: string | Record<string, unknown>;
  pointers?: PushPointers;
  /** Our kind → the vendor's event string(s). Kinds not listed are spelled as our kind name. */
  eventNames?: Partial<Record<StatusEventKind, string | string[]>>;
}

/** Shared payload schema shipped with the suite (fixtures/push/). */
export const DEFAULT_PUSH_SCHEMA_PATH = fileURLToPath(new URL('../../fixtures/push/status-notification.schema.json', import.meta.url));

export const DEFAULT_PUSH_POINTERS: Readonly<PushPointers> = Object.freeze({
  identity: '/statusChange/triggeringDevice',
  event: '/statusChange/event',
  object: '/statusChange/imdnMessageId',
  folder: '/statusChange/folder',
  uidValidity: '/statusChange/uidValidity',
  uid: '/statusChange/uid',
});

/** Element names of OMA NMS XML that repeat (nms.xsd maxOccurs="unbounded"). */
export const NMS_XML_ARRAYS: readonly string[] = ['nmsEvent', 'flag', 'link', 'attribute', 'value', 'object', 'notificationList', 'payloadPart'];

const asList = (v: string | string[] | undefined, fallback: string): string[] => (v === undefined ? [fallback] : Array.isArray(v) ? v : [v]);

/** The one translation of the shorthand form: the whole notification is one event, fields by pointer. */
export function shorthandBinding(s: ShorthandBinding = {}): PushBinding {
  const p = s.pointers ?? DEFAULT_PUSH_POINTERS;
  const field = (selector: string | undefined): FieldSelector | undefined => (selector === undefined ? undefined : { selector, scope: 'event' });
  const kinds: Partial<Record<StatusEventKind, KindRule>> = {};
  for (const kind of STATUS_EVENT_KINDS) kinds[kind] = { selector: p.event, equals: asList(s.eventNames?.[kind], kind) };
  const object: ObjectReferences = {};
  const set = (key: keyof Omit<ObjectReferences, 'resourceUrl'>, selector: string | undefined): void => {
    const f = field(selector);
    if (f) object[key] = f;
  };
  set('imdnMessageId', p.object);
  set('folder', p.folder);
  set('uidValidity', p.uidValidity);
  set('uid', p.uid);
  return {
    format: 'json',
    schema: s.schema ?? DEFAULT_PUSH_SCHEMA_PATH,
    events: '$',
    kinds,
    label: { selector: p.event, scope: 'event' },
    object,
    identity: [{ name: 'identity', selector: p.identity, scope: 'event', role: 'actor' }],
    notification: {},
    xmlArrays: [...NMS_XML_ARRAYS],
    examples: [],
    form: 'shorthand',
  };
}

export function defaultPushBinding(): PushBinding {
  return shorthandBinding();
}

/** Whether a binding can tell which object an event is about at all. */
export function canMatchObjects(b: Pick<PushBinding, 'object'>): boolean {
  const o = b.object;
  return o.imdnMessageId !== undefined || o.resourceUrl !== undefined || (o.folder !== undefined && o.uid !== undefined);
}

/** The references a binding matches objects on, in words (for statements and failure messages). */
export function describeReferences(b: Pick<PushBinding, 'object'>): string[] {
  const o = b.object;
  const out: string[] = [];
  if (o.imdnMessageId) out.push(`IMDN-Message-ID at ${o.imdnMessageId.selector}`);
  if (o.resourceUrl) out.push(`resource URL at ${o.resourceUrl.selector} (pattern ${o.resourceUrl.pattern})`);
  if (o.folder) out.push(`folder at ${o.folder.selector}`);
  if (o.uidValidity) out.push(`UIDVALIDITY at ${o.uidValidity.selector}`);
  if (o.uid) out.push(`UID at ${o.uid.selector}`);
  if (o.user) out.push(`user at ${o.user.selector}`);
  return out;
}

/** A kind rule in words. */
export function describeKindRule(r: KindRule | undefined): string {
  if (r === undefined) return 'not declared';
  if ('all' in r) return r.all.map(describeKindRule).join(' and ');
  if ('any' in r) return `(${r.any.map(describeKindRule).join(' or ')})`;
  if ('not' in r) return `not (${describeKindRule(r.not)})`;
  const at = r.scope === 'notification' ? `notification ${r.selector}` : r.selector;
  if (r.equals === undefined) return r.absent ? `nothing at ${at}` : `${at} present`;
  const values = r.equals.map((v) => JSON.stringify(v)).join(' or ');
  return r.absent ? `no ${values} at ${at}` : `${at} = ${values}`;
}

// ---- the profile's form ------------------------------------------------------------------------------------------

type RawSelector = string | { selector: string; scope?: 'event' | 'notification' };
type RawKindRule =
  | { selector: string; scope?: 'event' | 'notification'; equals?: string | string[]; absent?: boolean }
  | { all: RawKindRule[] }
  | { any: RawKindRule[] }
  | { not: RawKindRule };
type RawIdentity = string | { selector: string; scope?: 'event' | 'notification'; name?: string; role?: 'actor' | 'informative' };

/** push.binding as a profile writes it: the shorthand fields, or the general ones. */
export interface ProfileBinding extends ShorthandBinding {
  format?: PayloadFormat;
  events?: string;
  kinds?: Partial<Record<StatusEventKind, RawKindRule>>;
  label?: RawSelector;
  object?: Partial<Record<'imdnMessageId' | 'folder' | 'uidValidity' | 'uid' | 'user', RawSelector>> & {
    resourceUrl?: { selector: string; scope?: 'event' | 'notification'; pattern: string };
  };
  identity?: RawIdentity | RawIdentity[];
  notification?: { index?: string };
  xml?: { arrays?: string[] };
  examples?: { file: string; contentType?: string; kinds: StatusEventKind[] }[];
}

/** Whether the profile uses the general form (an event selector); otherwise it is the shorthand. */
export function isGeneralForm(b: ProfileBinding | undefined): boolean {
  return b !== undefined && (b.events !== undefined || b.kinds !== undefined || b.object !== undefined || b.identity !== undefined);
}

const field = (r: RawSelector): FieldSelector => (typeof r === 'string' ? { selector: r, scope: 'event' } : { selector: r.selector, scope: r.scope ?? 'event' });

function kindRule(r: RawKindRule): KindRule {
  if ('all' in r) return { all: r.all.map(kindRule) };
  if ('any' in r) return { any: r.any.map(kindRule) };
  if ('not' in r) return { not: kindRule(r.not) };
  return {
    selector: r.selector,
    ...(r.scope ? { scope: r.scope } : {}),
    ...(r.equals !== undefined ? { equals: Array.isArray(r.equals) ? r.equals : [r.equals] } : {}),
    ...(r.absent ? { absent: true } : {}),
  };
}

/**
 * The profile's binding in the general form (paths as written: the profile loader resolves schema and example
 * files). The shorthand goes through shorthandBinding(); the general form is translated field by field.
 */
export function bindingFromProfile(b: ProfileBinding | undefined): PushBinding {
  if (!isGeneralForm(b)) {
    const s = shorthandBinding(b ?? {});
    return b?.examples ? { ...s, examples: b.examples.map((e) => ({ ...e })) } : s;
  }
  const g = b!;
  const ids = g.identity === undefined ? [] : Array.isArray(g.identity) ? g.identity : [g.identity];
  const object: ObjectReferences = {};
  for (const key of ['imdnMessageId', 'folder', 'uidValidity', 'uid', 'user'] as const) {
    const r = g.object?.[key];
    if (r !== undefined) object[key] = field(r);
  }
  if (g.object?.resourceUrl) object.resourceUrl = { selector: g.object.resourceUrl.selector, scope: g.object.resourceUrl.scope ?? 'event', pattern: g.object.resourceUrl.pattern };
  const kinds: Partial<Record<StatusEventKind, KindRule>> = {};
  for (const [k, r] of Object.entries(g.kinds ?? {}) as [StatusEventKind, RawKindRule][]) kinds[k] = kindRule(r);
  return {
    ...(g.format ? { format: g.format } : {}),
    ...(g.schema !== undefined ? { schema: g.schema } : {}),
    events: g.events ?? '$',
    kinds,
    ...(g.label !== undefined ? { label: field(g.label) } : {}),
    object,
    identity: ids.map((r, i) => {
      const f = field(r);
      const name = typeof r === 'object' && r.name ? r.name : i === 0 ? 'identity' : `identity${i + 1}`;
      return { ...f, name, role: typeof r === 'object' && r.role ? r.role : 'actor' };
    }),
    notification: { ...(g.notification?.index ? { index: g.notification.index } : {}) },
    xmlArrays: g.xml?.arrays ?? [...NMS_XML_ARRAYS],
    examples: (g.examples ?? []).map((e) => ({ ...e })),
    form: 'general',
  };
}

/** Identity comparison the suite applies before comparing devices (harness/spec/device-identity.ts, notes §8.5). */
export const IDENTITY_NORMALISATION: readonly string[] = [
  'the +sip.instance="<…>" contact-parameter wrapper and <…> are removed',
  '"urn:", the NID and UUID hex digits compare case-insensitively; IMEI digits and other URN NSS exactly',
  'a public GRUU (sip:…;gr=<instance>) is the device of its instance-id URN',
  'temporary GRUUs, other SIP URIs and other values compare exactly (scheme case-insensitive)',
];

/** A file path as a reader of the statement can use it: relative to the working directory when below it. */
function shownPath(p: string): string {
  const r = isAbsolute(p) ? relative(process.cwd(), p) : p;
  return r.startsWith('..') || isAbsolute(r) ? p : r;
}

/** The binding and delivery rules in words, as the conformance statement prints them. */
export function describeBinding(b: PushBinding, d: DeliveryOrder): [string, string][] {
  const rows: [string, string][] = [
    ['form', b.form === 'shorthand' ? 'shorthand (one event per notification, JSON Pointers), translated to the general form' : 'general'],
    ['format', b.format ?? 'by Content-Type (XML for */xml and *+xml, else JSON)'],
    ['schema', b.schema === undefined ? 'none (payloads are not validated)' : typeof b.schema === 'string' ? shownPath(b.schema) : 'inline'],
    ['events', b.events === '$' ? 'the whole notification is one event' : b.events],
  ];
  for (const k of STATUS_EVENT_KINDS) if (b.kinds[k]) rows.push([`kind ${k}`, describeKindRule(b.kinds[k])]);
  rows.push(['object references', describeReferences(b).join('; ') || 'none']);
  for (const i of b.identity) rows.push([`identity ${i.name} (${i.role === 'actor' ? 'must name the acting device' : 'recorded only'})`, `${i.scope === 'notification' ? 'notification ' : ''}${i.selector}`]);
  rows.push([
    'absence concluded by',
    d.order === 'per-user'
      ? `a sentinel barrier (per-user delivery order declared)${d.graceMs ? ` plus ${d.graceMs} ms grace` : ''}`
      : `a ${d.quietWindowMs} ms quiet window (no delivery order declared)`,
  ]);
  rows.push(['identity comparison', IDENTITY_NORMALISATION.join('; ')]);
  return rows;
}
