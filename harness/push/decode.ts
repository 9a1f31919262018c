// Turns one PUSH request body into the events the binding describes: parse (JSON, or XML with fast-xml-parser),
// validate against the binding's schema, select the events, and for each event its kinds, the object references
// it carries and the device identities it names. Pure: no sockets, no clocks, so it is tested on bytes alone.
// Anything that does not decode is a named problem kept with the body, never a silent drop.
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ajv } from 'ajv';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { STATUS_EVENT_KINDS, type FieldSelector, type PayloadFormat, type PushBinding, type StatusEventKind } from './binding.js';
import { paths, type JsonValue } from 'jsonpath-rfc9535';
import { ruleHolds, scalarText, select, selectField, selectorSyntax } from './select.js';

const addFormats = addFormatsModule.default;

export interface SchemaProblem {
  path: string;
  message: string;
}

/** What one event says about the object it concerns (only the references the binding declares and found). */
export interface EventReferences {
  imdnMessageId?: string;
  folder?: string;
  uidValidity?: number;
  uid?: number;
  user?: string;
}

export interface EventIdentity {
  name: string;
  role: 'actor' | 'informative';
  /** The device the field names; undefined when the field is missing or ambiguous (see problem). */
  value?: string;
  problem?: string;
}

export interface PushEvent {
  /** 0-based place of the event in its notification's event list. */
  position: number;
  /** Where the event is in the parsed body, as a normalized JSONPath. */
  path: string;
  raw: unknown;
  kinds: StatusEventKind[];
  /** The binding's label for the event (e.g. the vendor's event name), for evidence. */
  label?: string;
  refs: EventReferences;
  identities: EventIdentity[];
  /** Declared fields that were missing, malformed or ambiguous in this event. */
  problems: string[];
}

export interface DecodedBody {
  format: PayloadFormat;
  parsed?: unknown;
  /** Set when the body is not well-formed JSON / XML (or is empty). */
  parseError?: string;
  /** undefined when not validated (no schema, or the body did not parse). */
  schemaValid?: boolean;
  schemaErrors: SchemaProblem[];
  events: PushEvent[];
  /** Notification-level problems (e.g. the event selector selected nothing). */
  problems: string[];
  index?: string;
}

export type Decoder = (body: Buffer, contentType: string | undefined) => DecodedBody;

function loadSchema(schema: string | Record<string, unknown>): Record<string, unknown> {
  if (typeof schema !== 'string') return schema;
  let text: string;
  try {
    text = readFileSync(schema, 'utf8');
  } catch (e) {
    throw new Error(`push payload schema ${schema} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); set push.binding.schema in the profile`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`push payload schema ${schema} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Vendor schemas may be draft-07 or 2020-12; they are the vendor's, so ajv's strict mode stays off. */
export function compilePayloadSchema(schema: string | Record<string, unknown>): ValidateFunction {
  const s = loadSchema(schema);
  const declared = typeof s['$schema'] === 'string' ? s['$schema'] : '';
  const ajv = /draft-0[67]/.test(declared) ? new Ajv({ allErrors: true, strict: false }) : new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(s);
}

function schemaProblems(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((e) => {
    const params = e.params as { additionalProperty?: string; unevaluatedProperty?: string };
    const unknown = params.additionalProperty ?? params.unevaluatedProperty;
    return { path: e.instancePath === '' ? '/' : e.instancePath, message: `${e.message ?? e.keyword}${unknown !== undefined ? ` "${unknown}"` : ''}` };
  });
}

/** XML for *\/xml and *+xml content types, JSON otherwise; a binding that names its format wins. */
export function formatOf(binding: Pick<PushBinding, 'format'>, contentType: string | undefined): PayloadFormat {
  if (binding.format) return binding.format;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return /[/+]xml$/.test(type) ? 'xml' : 'json';
}

/**
 * How XML reaches the selectors: element local names (namespace prefixes removed) are keys, attributes are
 * `@_name`, an element with attributes keeps its text as `#text`, values stay strings, and the elements named
 * in binding.xmlArrays are always arrays (so `nmsEvent[*]` works for one event as for several).
 */
export function xmlParser(arrays: readonly string[]): XMLParser {
  const always = new Set(arrays);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    trimValues: true,
    isArray: (name) => always.has(name),
  });
}

export function parseBody(text: string, format: PayloadFormat, xml: XMLParser): { parsed?: unknown; parseError?: string } {
  if (text.trim() === '') return { parseError: 'empty body' };
  if (format === 'json') {
    try {
      return { parsed: JSON.parse(text) as unknown };
    } catch (e) {
      return { parseError: `not JSON: ${(e as Error).message}` };
    }
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { parseError: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})` };
  try {
    return { parsed: xml.parse(text) as unknown };
  } catch (e) {
    return { parseError: `not well-formed XML: ${(e as Error).message}` };
  }
}

const short = (v: unknown): string => (JSON.stringify(v) ?? String(v)).slice(0, 80);

/** One scalar from a field: a missing field, a non-scalar or several different values are problems. */
function oneValue(event: unknown, notification: unknown, name: string, f: FieldSelector): { value?: string; problem?: string } {
  let nodes: unknown[];
  try {
    nodes = selectField(event, notification, f);
  } catch (e) {
    return { problem: `${name}: selector ${f.selector} failed: ${(e as Error).message}` };
  }
  if (nodes.length === 0) return { problem: `${name}: nothing at ${f.selector}` };
  const texts = nodes.map(scalarText);
  const bad = nodes.find((_, i) => texts[i] === undefined);
  if (bad !== undefined) return { problem: `${name}: ${f.selector} is ${short(bad)}, expected a string` };
  const distinct = [...new Set(texts as string[])];
  if (distinct.length > 1) return { problem: `${name}: ${f.selector} selected ${distinct.length} different values (${distinct.map((d) => JSON.stringify(d)).join(', ')}), expected one` };
  return { value: distinct[0]! };
}

function integer(text: string | undefined): number | undefined {
  return text !== undefined && /^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

function decodeEvent(binding: PushBinding, event: unknown, notification: unknown, position: number, path: string): PushEvent {
  const problems: string[] = [];
  const kinds = STATUS_EVENT_KINDS.filter((k) => {
    const rule = binding.kinds[k];
    if (!rule) return false;
    try {
      return ruleHolds(rule, event, notification);
    } catch (e) {
      problems.push(`kind ${k}: ${(e as Error).message}`);
      return false;
    }
  });
  const refs: EventReferences = {};
  const o = binding.object;
  const text = (name: string, f: FieldSelector | undefined): string | undefined => {
    if (!f) return undefined;
    const r = oneValue(event, notification, name, f);
    if (r.problem) problems.push(r.problem);
    return r.value;
  };
  const num = (name: string, f: FieldSelector | undefined): number | undefined => {
    const t = text(name, f);
    const n = integer(t);
    if (t !== undefined && n === undefined) problems.push(`${name}: ${f!.selector} is ${JSON.stringify(t)}, expected an integer`);
    return n;
  };
  const put = <K extends keyof EventReferences>(k: K, v: EventReferences[K] | undefined): void => {
    if (v !== undefined) refs[k] = v;
  };
  put('imdnMessageId', text('IMDN-Message-ID', o.imdnMessageId));
  put('folder', text('folder', o.folder));
  put('uidValidity', num('UIDVALIDITY', o.uidValidity));
  put('uid', num('UID', o.uid));
  put('user', text('user', o.user));
  if (o.resourceUrl) {
    const url = text('resource URL', o.resourceUrl);
    if (url !== undefined) {
      const m = new RegExp(o.resourceUrl.pattern).exec(url);
      if (!m) problems.push(`resource URL ${JSON.stringify(url)} does not match the pattern ${o.resourceUrl.pattern}`);
      else {
        const g = m.groups ?? {};
        const dec = (s: string | undefined): string | undefined => {
          if (s === undefined) return undefined;
          try {
            return decodeURIComponent(s);
          } catch {
            return s;
          }
        };
        // References stated twice (URL and a field of their own) must agree, else the event is ambiguous.
        const agree = <K extends keyof EventReferences>(k: K, v: EventReferences[K] | undefined): void => {
          if (v === undefined) return;
          if (refs[k] !== undefined && refs[k] !== v) problems.push(`${k}: the resource URL says ${JSON.stringify(v)}, the ${k} field ${JSON.stringify(refs[k])}`);
          else refs[k] = v;
        };
        agree('folder', dec(g['folder']));
        agree('uidValidity', integer(g['uidValidity']));
        agree('uid', integer(g['uid']));
        agree('user', dec(g['user']));
      }
    }
  }
  const identities: EventIdentity[] = binding.identity.map((f) => {
    const r = oneValue(event, notification, f.name, f);
    return { name: f.name, role: f.role, ...(r.value !== undefined ? { value: r.value } : {}), ...(r.problem ? { problem: r.problem } : {}) };
  });
  let label: string | undefined;
  if (binding.label) {
    try {
      label = selectField(event, notification, binding.label).map(scalarText).find((t) => t !== undefined);
    } catch {
      label = undefined;
    }
  }
  return { position, path, raw: event, kinds, ...(label !== undefined ? { label } : {}), refs, identities, problems };
}

/** The events of a parsed notification, each decoded. */
export function decodeEvents(binding: PushBinding, parsed: unknown): { events: PushEvent[]; problems: string[] } {
  let nodes: unknown[];
  try {
    nodes = binding.events === '$' ? [parsed] : select(parsed, binding.events);
  } catch (e) {
    return { events: [], problems: [`event selector ${binding.events} failed: ${(e as Error).message}`] };
  }
  const problems = nodes.length === 0 ? [`the event selector ${binding.events} selected no event in this notification`] : [];
  const where = binding.events === '$' || selectorSyntax(binding.events) === 'pointer' ? nodes.map(() => binding.events) : paths(parsed as JsonValue, binding.events);
  const events = nodes.map((ev, i) => decodeEvent(binding, ev, parsed, i, where[i] ?? binding.events));
  return { events, problems };
}

/** A decoder for the binding: the schema is compiled once. */
export function createDecoder(binding: PushBinding, validate = true): Decoder {
  const validator = validate && binding.schema !== undefined ? compilePayloadSchema(binding.schema) : undefined;
  const xml = xmlParser(binding.xmlArrays);
  return (body, contentType) => {
    const format = formatOf(binding, contentType);
    const { parsed, parseError } = parseBody(body.toString('utf8'), format, xml);
    if (parseError !== undefined) return { format, parseError, schemaErrors: [], events: [], problems: [] };
    const out: DecodedBody = { format, parsed, schemaErrors: [], events: [], problems: [] };
    if (validator) {
      out.schemaValid = validator(parsed);
      out.schemaErrors = schemaProblems(validator.errors);
    }
    const { events, problems } = decodeEvents(binding, parsed);
    out.events = events;
    out.problems = problems;
    if (binding.notification.index) {
      const idx = select(parsed, binding.notification.index).map(scalarText).find((t) => t !== undefined);
      if (idx !== undefined) out.index = idx;
    }
    return out;
  };
}
