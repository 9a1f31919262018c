// P-Asserted-Service value (Table 1 mo.p-asserted-service): "Includes the CPM Feature Tag present in the SIP
// request", i.e. the RFC 6050 Service-ID list of that request, e.g. urn:urn-7:3gpp-service.ims.icsi.oma.cpm.msg
//   PAssertedService-value = Service-ID *(COMMA Service-ID)
//   Service-ID    = "urn:urn-7:" urn-service-id
//   urn-service-id = top-level *("." sub-service-id)
//   top-level = let-dig [ *26let-dig ]    sub-service-id = let-dig [ *(let-dig / "-") ]    ("3gpp-service" shows
//   that the top level takes "-" too)
import { finding, type Finding } from './types.js';

const SERVICE_ID = /^urn:urn-7:[A-Za-z0-9-]{1,27}(?:\.[A-Za-z0-9][A-Za-z0-9-]*)*$/i;

export function checkPAssertedService(value: string, requirement: string): Finding[] {
  const ids = value.split(',').map((s) => s.trim());
  return ids.every((id) => SERVICE_ID.test(id))
    ? []
    : [finding('p-asserted-service.syntax', requirement, 'RFC 6050 Service-ID list, e.g. urn:urn-7:3gpp-service.ims.icsi.oma.cpm.msg', value, 'P-Asserted-Service')];
}
