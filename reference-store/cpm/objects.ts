// CPM stored objects: which objects are Message / Voicemail Objects (CR Tables 1 and 6), the header
// binding of the recorded device identities, and the APPEND-time fault switches on headers and body.
import { fieldValue, parseFields, splitHeaderBody, type HeaderField } from '../store/message.js';
import type { ObjectType, StoredMessage } from '../store/mailstore.js';
import type { FaultSet } from '../faults.js';

export const SEEN_IDENTITY = 'Message-seen-identity';
export const DELETE_IDENTITY = 'Message-delete-identity';

/**
 * Voicemail Object when `Message-Context: voice-message`; Message Object when the object carries an
 * IMDN-Message-ID or is Message/CPIM; session-info and group-state objects are neither (no push).
 */
export function classify(fields: HeaderField[]): ObjectType {
  const ct = (fieldValue(fields, 'content-type') ?? '').toLowerCase();
  if (/^application\/(x-cpm-session|vnd\.oma\.cpm-session|group-state-object\+xml)/.test(ct)) return null;
  if ((fieldValue(fields, 'message-context') ?? '').trim().toLowerCase() === 'voice-message') return 'voicemail';
  if (fieldValue(fields, 'imdn-message-id') !== null || ct.startsWith('message/cpim')) return 'message';
  return null;
}

export function describeObject(raw: Buffer): { objectType: ObjectType; imdnMessageId: string | null; fields: HeaderField[] } {
  const fields = parseFields(splitHeaderBody(raw).header);
  return { objectType: classify(fields), imdnMessageId: fieldValue(fields, 'imdn-message-id'), fields };
}

function eol(header: Buffer): string {
  return header.includes('\r\n') || header.length === 0 ? '\r\n' : '\n';
}

/** Rebuilds a message from a list of raw header fields and the original body. */
function rebuild(raw: Buffer, fields: Buffer[]): Buffer {
  const { header, body } = splitHeaderBody(raw);
  return Buffer.concat([...fields, Buffer.from(eol(header)), body]);
}

/**
 * Header binding: the recorded identities appear as the last fields of the header block, as bare
 * URNs. Client-supplied copies of the two fields are replaced (the store owns them, A-17).
 */
export function renderWithIdentities(msg: StoredMessage, faults: FaultSet): { key: string; build: () => Buffer } {
  if (msg.objectType === null) return { key: '', build: () => msg.raw };
  const vm = msg.objectType === 'voicemail';
  const seen = faults.has(vm ? 'identity-not-recorded:vm' : 'identity-not-recorded') ? null : msg.seenBy;
  const del = faults.has(vm ? 'delete-identity-not-recorded:vm' : 'delete-identity-not-recorded') ? null : msg.deletedBy;
  return {
    key: `${seen ?? ''}|${del ?? ''}`,
    build: () => {
      const { header } = splitHeaderBody(msg.raw);
      const fields = parseFields(header);
      const own = (f: HeaderField): boolean => f.key === 'message-seen-identity' || f.key === 'message-delete-identity';
      if (seen === null && del === null && !fields.some(own)) return msg.raw;
      const nl = eol(header);
      const kept = fields.filter((f) => !own(f)).map((f) => f.raw);
      if (seen !== null) kept.push(Buffer.from(`${SEEN_IDENTITY}: ${seen}${nl}`));
      if (del !== null) kept.push(Buffer.from(`${DELETE_IDENTITY}: ${del}${nl}`));
      return rebuild(msg.raw, kept);
    },
  };
}

function swapCase(v: string): string {
  const out = v.replace(/[A-Za-z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
  return out === v ? v + '0' : out;
}

const UUID = /^(urn:uuid:)?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;
const PHONE = /^(tel:)?\+?[0-9][0-9\-.()]*$/i;

/** The new value of a header under the value faults of its table, or null when none applies. */
function faultyValue(f: HeaderField, fields: HeaderField[], vm: boolean, faults: FaultSet): string | null {
  if (!vm) {
    if (f.key === 'message-context' && faults.has('quote-header:message-context')) return `"${f.value}"`;
    if (f.key === 'p-asserted-service' && faults.has('feature-tag-param:p-asserted-service')) return `+g.3gpp.icsi-ref="${encodeURIComponent(f.value)}"`;
    return null;
  }
  if (f.key === 'date' && faults.has('reformat-date:vm')) {
    const v = f.value.replace(/^[A-Za-z]{3},\s*/, '');
    return v === f.value ? null : v;
  }
  const uuid = UUID.exec(f.value);
  if (uuid && (f.key === 'conversation-id' || f.key === 'contribution-id') && faults.has(`unhyphenate-uuid:vm:${f.key}`)) {
    return (uuid[1] ?? '') + uuid.slice(2).join('');
  }
  if (f.key === 'conversation-id' && faults.has('callee-conversation-id:vm') && PHONE.test(f.value)) {
    const callee = (fieldValue(fields, 'to') ?? '').replace(/^.*<|>.*$/g, '').replace(/^tel:|[^0-9+]/gi, '');
    return callee === '' ? null : f.value.replace(/\+?[0-9][0-9\-.()]*/, callee);
  }
  return null;
}

/**
 * CPIM-part faults of a Message/CPIM body: extra CPIM To headers dropped, a non-text inner Content-Type rewritten.
 * Returns the body unchanged when no such fault applies.
 */
function faultyCpimBody(body: Buffer, faults: FaultSet, nl: string): Buffer {
  const dropTo = faults.has('drop-cpim-to:extra');
  const innerType = faults.has('rewrite-cpim-inner-type');
  if (!dropTo && !innerType) return body;
  const cpim = splitHeaderBody(body);
  const inner = splitHeaderBody(cpim.body);
  let changed = false;
  let toSeen = false;
  const cpimFields = parseFields(cpim.header).filter((f) => {
    if (!dropTo || !f.raw.toString('latin1').startsWith('To:')) return true; // CPIM header names are case-sensitive
    if (!toSeen) return (toSeen = true);
    changed = true;
    return false;
  });
  const innerFields = parseFields(inner.header).map((f) => {
    if (!innerType || f.key !== 'content-type' || /^text\//i.test(f.value)) return f.raw;
    changed = true;
    return Buffer.from(`Content-Type: application/octet-stream${nl}`);
  });
  if (!changed) return body;
  return Buffer.concat([...cpimFields.map((f) => f.raw), Buffer.from(nl), ...innerFields, Buffer.from(nl), inner.body]);
}

/**
 * Applies the APPEND-time fault switches for the object's table; returns the bytes to store. Objects that are
 * not Voicemail Objects follow Table 1, session-info and group-state objects included (Table 1 covers them
 * through its notes), although they produce no push.
 */
export function applyAppendFaults(raw: Buffer, objectType: ObjectType, faults: FaultSet): Buffer {
  const p = objectType === 'voicemail' ? 'vm:' : '';
  const bodyFault = faults.has(objectType === 'voicemail' ? 'corrupt-body:vm' : 'corrupt-body');
  const ctFault = faults.has(objectType === 'voicemail' ? 'rewrite-content-type:vm' : 'rewrite-content-type');
  const { header, body } = splitHeaderBody(raw);
  const fields = parseFields(header);
  let changed = false;
  const out: Buffer[] = [];
  const nl = eol(header);
  for (const f of fields) {
    if (faults.has(`drop-header:${p}${f.key}`)) { changed = true; continue; }
    if (faults.has(`rewrite-header:${p}${f.key}`)) {
      const name = f.raw.toString('utf8').slice(0, f.raw.toString('utf8').indexOf(':'));
      out.push(Buffer.from(`${name}: ${swapCase(f.value)}${nl}`));
      changed = true;
      continue;
    }
    const value = faultyValue(f, fields, objectType === 'voicemail', faults);
    if (value !== null) {
      const name = f.raw.toString('utf8').slice(0, f.raw.toString('utf8').indexOf(':'));
      out.push(Buffer.from(`${name}: ${value}${nl}`));
      changed = true;
      continue;
    }
    if (ctFault && f.key === 'content-type') {
      out.push(Buffer.from(`Content-Type: application/octet-stream${nl}`));
      changed = true;
      continue;
    }
    out.push(f.raw);
  }
  let newBody = body;
  if (objectType !== 'voicemail' && /^message\/cpim/i.test(fieldValue(fields, 'content-type') ?? '')) {
    newBody = faultyCpimBody(body, faults, nl);
    changed ||= newBody !== body;
  }
  if (bodyFault) {
    const text = body.toString('latin1');
    const i = text.search(/[A-Za-z]/);
    newBody = i < 0 ? Buffer.concat([body, Buffer.from('!')])
      : Buffer.from(text.slice(0, i) + swapCase(text[i]!) + text.slice(i + 1), 'latin1');
    changed = true;
  }
  if (!changed) return raw;
  return Buffer.concat([...out, Buffer.from(nl), newBody]);
}
