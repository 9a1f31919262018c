import { registerCases } from '../../harness/conformance/register.js';
import { tableCases } from './table-cases.js';

registerCases('5.2.x Voicemail Object (Table 6)', tableCases('table-6'));
