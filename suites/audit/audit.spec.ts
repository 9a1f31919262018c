import { registerCases } from '../../harness/conformance/register.js';
import { auditCases } from './audit-cases.js';

registerCases('Audit of stored objects (Table 1, Table 6)', auditCases);
