import { SUITES } from '../../../suites/index.js';
import { killMatrixSuite } from './matrix.js';

killMatrixSuite('objects', SUITES.filter((s) => s.title.startsWith('5.2')).flatMap((s) => s.cases));
