// Sample stored objects (fixtures/objects/valid/<kind>.eml) and small edits of them, so each case appends an
// object of its own with identifiers no other case uses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ObjectKind } from '../spec/types.js';

const VALID_DIR = new URL('../../fixtures/objects/valid/', import.meta.url);

/** The canonical valid sample of a kind, exactly as in the fixture (CRLF line ends). */
export function loadSample(kind: ObjectKind): Buffer {
  return readFileSync(fileURLToPath(new URL(`${kind}.eml`, VALID_DIR)));
}

/** Header block and body of a raw object (split at the first empty line). */
export function splitObject(raw: Buffer): { header: Buffer; body: Buffer } {
  const at = raw.indexOf('\r\n\r\n');
  if (at < 0) return { header: raw, body: Buffer.alloc(0) };
  return { header: raw.subarray(0, at + 2), body: raw.subarray(at + 4) };
}

const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Replaces the value of the first top-level header `name` everywhere it occurs in the object. A UUID stays a
 * UUID (its last six hex digits become the hex `tag`); any other value gets `-<tag>` appended.
 */
export function retagHeaderValue(raw: Buffer, name: string, tag: string): Buffer {
  const { header } = splitObject(raw);
  const m = new RegExp(`^${name.replace(/[-]/g, '\\-')}:[ \\t]*(\\S+)[ \\t]*$`, 'im').exec(header.toString('latin1'));
  if (!m) return raw;
  const value = m[1]!;
  const next = UUID.test(value) && /^[0-9a-f]{6}$/i.test(tag) ? `${value.slice(0, -6)}${tag}` : `${value}-${tag}`;
  return Buffer.from(raw.toString('latin1').split(value).join(next), 'latin1');
}

/** Makes the object's identifiers unique to a case (IMDN-Message-ID, Contribution-ID); `tag` is 6 hex digits. */
export function uniqueSample(kind: ObjectKind, tag: string): Buffer {
  let raw = loadSample(kind);
  for (const h of ['IMDN-Message-ID', 'Contribution-ID']) raw = retagHeaderValue(raw, h, tag);
  return raw;
}
