import { pushCases } from '../../../suites/push/push-cases.js';
import { killMatrixSuite } from './matrix.js';

killMatrixSuite('push', pushCases);
