// What every session shares: options, store, accounts, fault switches, capability list.
import type { ResolvedOptions } from '../options.js';
import type { MailStore } from '../store/mailstore.js';
import type { Accounts } from '../cpm/accounts.js';
import type { FaultSet } from '../faults.js';
import type { Session } from './session.js';

export interface ServerContext {
  opts: ResolvedOptions;
  store: MailStore;
  accounts: Accounts;
  faults: FaultSet;
  sessions: Set<Session>;
  capabilities(): string[];
  nextSessionId(): number;
}

export function capabilityList(notify: boolean): string[] {
  return ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'AUTH=PLAIN', 'AUTH=OAUTHBEARER', 'AUTH=XOAUTH2', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE',
    'CONDSTORE', ...(notify ? ['NOTIFY'] : []), 'METADATA', 'UNSELECT'];
}
