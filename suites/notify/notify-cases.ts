// Every 5.4.1 IMAP Notifications case (CR §5.4.1, RFC 5465), in the order the suite runs them.
import type { CaseDefinition } from '../../harness/conformance/case.js';
import { commandCases } from './command-cases.js';
import { otherMailboxCases } from './other-mailbox-cases.js';
import { selectedCases } from './selected-cases.js';

export const notifyCases: CaseDefinition[] = [...commandCases, ...selectedCases, ...otherMailboxCases];
