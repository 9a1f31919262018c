import { registerCases } from '../../harness/conformance/register.js';
import { notifyCases } from './notify-cases.js';

registerCases('5.4.1 IMAP Notifications', notifyCases);
