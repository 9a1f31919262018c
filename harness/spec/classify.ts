// Which object kind a stored object is, read from its own headers: used by the audit mode, which validates objects
// the store's own network functions wrote (the suite did not choose their kind). The rules follow the tables and the
// object formats of the spec notes §3; where they cannot tell (a chat message and a standalone message look alike
// apart from P-Asserted-Service, which Table 1 requires for standalone and forbids for chat), the rule is stated.
import type { ParsedObject } from './parse-object.js';
import type { ObjectKind } from './types.js';

const lower = (s: string | undefined): string => (s ?? '').toLowerCase();

export function classifyObject(obj: ParsedObject): ObjectKind {
  const contentType = lower(obj.first('Content-Type')?.value);
  const context = lower(obj.first('Message-Context')?.value).replace(/"/g, '').trim();
  if (context === 'voice-message') return 'voicemail';
  if (context === 'pager-message') return 'sms';
  if (context === 'multimedia-message') return 'mms';
  if (/application\/group-state-object\+xml/.test(contentType)) return 'group-state';
  if (/x-cpm-session/.test(contentType)) return 'session-info';
  if (/x-cpm-file-transfer/.test(contentType)) return 'ft-history';
  if (contentType.startsWith('message/cpim') && /message\/imdn\+xml/i.test(obj.body.toString('latin1'))) return 'imdn';
  // Standalone messages carry the CPM Feature Tag; chat messages carry it in their session info object instead.
  return obj.first('P-Asserted-Service') ? 'standalone' : 'chat';
}
