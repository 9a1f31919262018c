// Conversation-ID, Contribution-ID and InReplyTo-Contribution-ID values (Table 1 rows, notes §4).
//
// The "Appendix C" ABNF the table points to was not available. This is the test grammar of notes §4.2,
// which accepts every value seen in deployments (decimal strings, 32-hex, UUIDs, the non-UUID example
// `abcdef-1234-5678-90ab-cdef01234567` of CPM Conversation Functions C.1.2):
//   cpm-id-value = 1*( ALPHA / DIGIT / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )  ; RFC 3261 token
// Comparison: "Conversation-IDs are case-sensitive and are simply compared byte-by-byte" (C.1.1); the same is
// applied to Contribution-IDs.
import { finding, type Finding } from './types.js';

export const CPM_ID = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export function isCpmId(value: string): boolean {
  return CPM_ID.test(value);
}

export function checkCpmId(value: string, requirement: string, header: string): Finding[] {
  return isCpmId(value) ? [] : [finding('cpm-id.syntax', requirement, 'cpm-id-value: 1*(ALPHA / DIGIT / "-.!%*_+`\'~") (notes §4.2)', value, header)];
}

/** Byte-by-byte, case-sensitive equality of two CPM identifiers (C.1.1). */
export function sameCpmId(a: string, b: string): boolean {
  return Buffer.from(a, 'utf8').equals(Buffer.from(b, 'utf8'));
}
