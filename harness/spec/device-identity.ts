// Device identities: values of Message-seen-identity / Message-delete-identity (Table 1 and 6, "sip.instance or
// GRU value or other possible forms of device identity") and the triggering-device identity of push payloads.
//
// Recognised forms (notes §8):
//   uuid-urn        urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6                  (RFC 4122 / RFC 5626 instance-id)
//   imei-urn        urn:gsma:imei:35000000-000001-0   TAC(8)-SNR(6)-spare(1) digits (RFC 7254; ;svn= / ;vers= tolerated)
//   other-urn       any other RFC 8141 URN
//   public-gruu     sip:alice@example.com;gr=urn:uuid:…                             (RFC 5627, gr = the instance-id)
//   temporary-gruu  sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr   (opaque, changes on re-registration)
//   sip-uri         any other SIP/SIPS URI
//   other           any other single run of visible characters ("other possible forms")
// Each may be given bare, in <…>, or as the contact parameter +sip.instance="<…>" (RFC 5626 §4.1).
// A value that starts like one of the forms but breaks its grammar, is empty, or contains white space is
// `invalid` (rule identity.syntax).
//
// Equality (notes §8.5), implemented by normaliseIdentity() / sameDevice():
//   1. the +sip.instance="<…>" wrapper and <…> are stripped;
//   2. "urn:" and the NID compare case-insensitively, UUID hex digits too; IMEI digits compare exactly;
//      the NSS of other URNs compares exactly;
//   3. a public GRUU identifies the device of its gr instance-id: it equals that URN (and any GRUU with the
//      same instance-id);
//   4. temporary GRUUs, other SIP URIs and other values compare exactly (scheme case-insensitive).
import { isSipUri } from './address.js';
import { parseUuid } from './uuid.js';
import { finding, type Finding } from './types.js';

export type IdentityForm = 'uuid-urn' | 'imei-urn' | 'other-urn' | 'public-gruu' | 'temporary-gruu' | 'sip-uri' | 'other' | 'invalid';

export interface DeviceIdentity {
  form: IdentityForm;
  wrapper: 'sip-instance' | 'angle' | 'none';
  /** The identity without wrapper. */
  value: string;
  /** Normalised comparison key; absent for invalid values. */
  key?: string;
  /** Why the value is invalid. */
  problem?: string;
}

const INSTANCE_PARAM = /^\+sip\.instance[ \t]*=[ \t]*"<(.*)>"$/i;
const IMEI = /^(\d{8}-\d{6}-\d)((?:;[A-Za-z]+=[0-9A-Za-z]+)*)$/;
const URN = /^urn:([A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]):([A-Za-z0-9()+,\-.:=@;$_!*'%/?#~&]+)$/i;

function invalid(wrapper: DeviceIdentity['wrapper'], value: string, problem: string): DeviceIdentity {
  return { form: 'invalid', wrapper, value, problem };
}

/** Parses a URN instance-id (no wrapper). */
function parseUrn(value: string, wrapper: DeviceIdentity['wrapper']): DeviceIdentity {
  const m = URN.exec(value);
  if (!m) return invalid(wrapper, value, 'not an RFC 8141 URN (urn:NID:NSS)');
  const nid = (m[1] ?? '').toLowerCase();
  const nss = m[2] ?? '';
  if (nid === 'uuid') {
    const u = parseUuid(value);
    return u ? { form: 'uuid-urn', wrapper, value, key: `urn:uuid:${u.canonical}` } : invalid(wrapper, value, 'urn:uuid: is not followed by an RFC 4122 UUID');
  }
  if (nid === 'gsma' && /^imei:/i.test(nss)) {
    const imei = IMEI.exec(nss.slice(5));
    return imei
      ? { form: 'imei-urn', wrapper, value, key: `urn:gsma:imei:${imei[1]}` }
      : invalid(wrapper, value, 'urn:gsma:imei: is not followed by TAC-SNR-spare (8-6-1 digits, RFC 7254)');
  }
  return { form: 'other-urn', wrapper, value, key: `urn:${nid}:${nss}` };
}

/** The `;name[=value]` parameters of a SIP URI (after the host part; the user part may contain ";"). */
function sipUriParams(uri: string): Map<string, string | undefined> {
  const afterUser = uri.includes('@') ? uri.slice(uri.lastIndexOf('@') + 1) : uri.replace(/^sips?:/i, '');
  const params = new Map<string, string | undefined>();
  for (const p of afterUser.split('?')[0]?.split(';').slice(1) ?? []) {
    const eq = p.indexOf('=');
    params.set((eq < 0 ? p : p.slice(0, eq)).toLowerCase(), eq < 0 ? undefined : p.slice(eq + 1));
  }
  return params;
}

export function parseDeviceIdentity(raw: string): DeviceIdentity {
  const v = raw.trim();
  let wrapper: DeviceIdentity['wrapper'] = 'none';
  let value = v;
  const inst = INSTANCE_PARAM.exec(v);
  if (inst) {
    wrapper = 'sip-instance';
    value = inst[1] ?? '';
  } else if (/^\+sip\.instance/i.test(v)) {
    return invalid('sip-instance', v, 'malformed +sip.instance parameter: expected +sip.instance="<URN>"');
  } else if (v.startsWith('<') && v.endsWith('>')) {
    wrapper = 'angle';
    value = v.slice(1, -1);
  }
  if (value === '') return invalid(wrapper, value, 'empty identity');
  if (!/^[\x21-\x7e]+$/.test(value) || /[<>"]/.test(value)) {
    return invalid(wrapper, value, 'white space, control, non-ASCII or <>" characters in the identity');
  }
  if (/^urn:/i.test(value)) return parseUrn(value, wrapper);
  if (/^sips?:/i.test(value)) {
    if (!isSipUri(value)) return invalid(wrapper, value, 'not a valid SIP/SIPS URI');
    const scheme = value.slice(0, value.indexOf(':')).toLowerCase();
    const keyUri = scheme + value.slice(scheme.length);
    const params = sipUriParams(value);
    if (!params.has('gr')) return { form: 'sip-uri', wrapper, value, key: keyUri };
    const gr = params.get('gr');
    if (gr === undefined) return { form: 'temporary-gruu', wrapper, value, key: keyUri };
    let grValue = gr;
    try {
      grValue = decodeURIComponent(gr);
    } catch {
      // malformed %-escape: checked as written
    }
    const instance = parseUrn(grValue, wrapper);
    return instance.key === undefined
      ? invalid(wrapper, value, `gr parameter "${gr}" is not an instance-id URN (RFC 5627 public GRUU)`)
      : { form: 'public-gruu', wrapper, value, key: instance.key };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:$/.test(value)) return invalid(wrapper, value, 'URI scheme without a value');
  return { form: 'other', wrapper, value, key: value };
}

/** Comparison key of a device identity (notes §8.5), or undefined when the value is invalid. */
export function normaliseIdentity(raw: string): string | undefined {
  return parseDeviceIdentity(raw).key;
}

/** Whether two identity values name the same device (both must be valid). */
export function sameDevice(a: string, b: string): boolean {
  const ka = normaliseIdentity(a);
  return ka !== undefined && ka === normaliseIdentity(b);
}

export function checkDeviceIdentity(raw: string, requirement: string, header: string): Finding[] {
  const id = parseDeviceIdentity(raw);
  return id.form === 'invalid'
    ? [finding('identity.syntax', requirement, 'device identity: urn:uuid:…, urn:gsma:imei:TAC-SNR-spare, GRUU, bare, in <> or as +sip.instance="<…>"', `${raw} (${id.problem ?? 'invalid'})`, header)]
    : [];
}
