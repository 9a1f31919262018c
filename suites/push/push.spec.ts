import { registerCases } from '../../harness/conformance/register.js';
import { pushCases } from './push-cases.js';

registerCases('5.4.2 Notifications to CPM PUSH Enabler', pushCases);
