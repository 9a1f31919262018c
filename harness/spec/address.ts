// From / To values of stored objects: CPM Addresses (Table 1 rows mo.from / mo.to, Table 6 vm.from / vm.to).
//
// Table 1 fills From/To with "the authenticated originator's / recipient's CPM Address", i.e. a SIP or SIPS
// URI (RFC 3261 §25.1) or a tel URI (RFC 3966), not an RFC 5322 mailbox (A-12d, FMT-05). Accepted forms:
//   addr-spec form:  sip:alice@example.com        tel:+33643209850
//   name-addr form:  "Alice" <sip:alice@example.com>   Alice <tel:+33643209850>   <sip:anonymous@anonymous.invalid>
// A comma-separated list of such addresses is accepted (RFC 5322 address-list).
// Decision on bare MSISDNs (`+33643202148`, seen in deployments): they are not URIs, so they are reported,
// but under their own rule `address.bare-msisdn`, so that a profile can tolerate them separately from
// values that are no address at all (`address.uri`, e.g. an RFC 5322 mailbox `jdoe@machine.example`).
import { finding, type Finding } from './types.js';

const UNRESERVED = "A-Za-z0-9\\-_.!~*'()";
const ESCAPED = '%[0-9A-Fa-f]{2}';
const USER = `(?:[${UNRESERVED}&=+$,;?/]|${ESCAPED})+`;
const PASSWORD = `(?:[${UNRESERVED}&=+$,]|${ESCAPED})*`;
const DOMAINLABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const TOPLABEL = '[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOST = `(?:(?:${DOMAINLABEL}\\.)*${TOPLABEL}\\.?|\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\])`;
const PARAMCHAR = `(?:[${UNRESERVED}\\[\\]/:&+$]|${ESCAPED})`;
const URI_PARAMS = `(?:;${PARAMCHAR}+(?:=${PARAMCHAR}+)?)*`;
const HNV = `(?:[${UNRESERVED}\\[\\]/?:+$]|${ESCAPED})`;
const URI_HEADERS = `(?:\\?${HNV}+=${HNV}*(?:&${HNV}+=${HNV}*)*)?`;

/** RFC 3261 SIP-URI / SIPS-URI. */
export const SIP_URI = new RegExp(`^sips?:(?:${USER}(?::${PASSWORD})?@)?${HOST}(?::\\d{1,5})?${URI_PARAMS}${URI_HEADERS}$`, 'i');

const TEL_PARAMS = `(?:;[A-Za-z0-9-]+(?:=(?:[${UNRESERVED}\\[\\]/:&+$]|${ESCAPED})+)?)*`;
/** RFC 3966 global number: "+" with digits and visual separators. */
const TEL_GLOBAL = new RegExp(`^tel:\\+[0-9\\-.()]*[0-9][0-9\\-.()]*${TEL_PARAMS}$`, 'i');
/** RFC 3966 local number; it must carry a phone-context parameter. */
const TEL_LOCAL = new RegExp(`^tel:[0-9A-Fa-f*#\\-.()]*[0-9A-Fa-f*#][0-9A-Fa-f*#\\-.()]*${TEL_PARAMS}$`, 'i');

export function isTelUri(uri: string): boolean {
  return TEL_GLOBAL.test(uri) || (TEL_LOCAL.test(uri) && /;phone-context=/i.test(uri));
}

export function isSipUri(uri: string): boolean {
  return SIP_URI.test(uri);
}

/** E.164 MSISDN without a URI scheme, with or without the leading "+". */
export const BARE_MSISDN = /^\+?[0-9]{3,15}$/;

export interface Address {
  form: 'sip' | 'tel' | 'bare-msisdn' | 'invalid';
  /** The URI (or MSISDN), without display name and angle brackets. */
  uri: string;
  displayName?: string;
}

const NAME_ADDR = /^(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))[ \t]*<([^<>]*)>$/;

export function parseAddress(value: string): Address {
  const v = value.trim();
  const m = NAME_ADDR.exec(v);
  const uri = m ? (m[3] ?? '').trim() : v;
  const name = m ? (m[1] ?? m[2] ?? '').trim() : '';
  const form = isSipUri(uri) ? 'sip' : isTelUri(uri) ? 'tel' : !m && BARE_MSISDN.test(uri) ? 'bare-msisdn' : 'invalid';
  return name === '' ? { form, uri } : { form, uri, displayName: name };
}

/** Splits an address list at commas outside quoted strings and angle brackets. */
export function splitAddressList(value: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (quoted && c === '\\') {
      cur += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle++;
    else if (!quoted && c === '>') angle = Math.max(0, angle - 1);
    if (c === ',' && !quoted && angle === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

export function checkAddress(value: string, requirement: string, header: string): Finding[] {
  const out: Finding[] = [];
  for (const part of splitAddressList(value)) {
    const a = parseAddress(part);
    if (a.form === 'bare-msisdn') {
      out.push(finding('address.bare-msisdn', requirement, 'CPM Address as tel: or SIP URI, e.g. tel:' + (part.startsWith('+') ? part : '+' + part), part, header));
    } else if (a.form === 'invalid') {
      out.push(finding('address.uri', requirement, 'SIP, SIPS or tel URI, optionally as [display-name] <URI>', part, header));
    }
  }
  return out;
}
