import { registerCases } from '../../harness/conformance/register.js';
import { tableCases } from './table-cases.js';

registerCases('5.2.1 Message Object (Table 1)', tableCases('table-1'));
