import { notifyCases } from '../../../suites/notify/notify-cases.js';
import { killMatrixSuite } from './matrix.js';

killMatrixSuite('notify', notifyCases);
