// Every conformance case, by suite file title: what the project's own tests check for catalog coverage and
// what the kill matrix and the benchmark run without vitest.
import type { CaseDefinition } from '../harness/conformance/case.js';
import { auditCases } from './audit/audit-cases.js';
import { tableCases } from './objects/table-cases.js';
import { notifyCases } from './notify/notify-cases.js';
import { pushCases } from './push/push-cases.js';

export const SUITES: readonly { title: string; cases: readonly CaseDefinition[] }[] = [
  { title: '5.2.1 Message Object (Table 1)', cases: tableCases('table-1') },
  { title: '5.2.x Voicemail Object (Table 6)', cases: tableCases('table-6') },
  { title: 'Audit of stored objects (Table 1, Table 6)', cases: auditCases },
  { title: '5.4.1 IMAP Notifications', cases: notifyCases },
  { title: '5.4.2 Notifications to CPM PUSH Enabler', cases: pushCases },
];

export const ALL_CASES: readonly CaseDefinition[] = SUITES.flatMap((s) => s.cases);
