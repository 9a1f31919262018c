// RFC 4122 UUID strings (notes §8.3), bare or as a `urn:uuid:` URN.
//
//   UUID = 8HEXDIG "-" 4HEXDIG "-" 4HEXDIG "-" 4HEXDIG "-" 12HEXDIG   ; hex digits case-insensitive on input
// A value "generated according to [RFC4122]" must also carry the RFC 4122 variant (10xx in the clock-seq
// high bits) and a defined version (1..5; 6..8 added by RFC 9562, which keeps the string format). The nil
// UUID fails that test, which is intended: it is not a generated value.
import { finding, type Finding } from './types.js';

export interface Uuid {
  form: 'bare' | 'urn';
  /** Lower-case bare UUID string: the form two UUIDs are compared in. */
  canonical: string;
  version: number;
  /** RFC 4122 §4.1.1 variant of the value. */
  variant: 'ncs' | 'rfc4122' | 'microsoft' | 'future';
}

const UUID = /^(?:(urn:uuid:))?([0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{12})$/i;

export function parseUuid(value: string): Uuid | undefined {
  const m = UUID.exec(value);
  if (!m) return undefined;
  const variantNibble = parseInt(m[4] ?? '0', 16);
  const variant = variantNibble < 8 ? 'ncs' : variantNibble < 12 ? 'rfc4122' : variantNibble < 14 ? 'microsoft' : 'future';
  return { form: m[1] ? 'urn' : 'bare', canonical: (m[2] ?? '').toLowerCase(), version: parseInt(m[3] ?? '0', 16), variant };
}

/** Findings for a value that must be an RFC 4122 UUID (bare or urn:uuid:). */
export function checkUuid(value: string, requirement: string, header?: string): Finding[] {
  const u = parseUuid(value);
  if (!u) return [finding('uuid.syntax', requirement, 'RFC 4122 UUID, e.g. f81d4fae-7dec-11d0-a765-00a0c91e6bf6 or urn:uuid:…', value, header)];
  if (u.variant !== 'rfc4122' || u.version < 1 || u.version > 8) {
    return [finding('uuid.variant', requirement, 'RFC 4122 variant (10xx) with version 1..8', `${value} (variant ${u.variant}, version ${u.version})`, header)];
  }
  return [];
}
