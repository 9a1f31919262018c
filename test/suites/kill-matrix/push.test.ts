import { pushCases } from '../../../suites/push/push-cases.js';
import { detects, SWITCHES } from '../push-expectations.js';
import { killMatrixSuite } from './matrix.js';

// The push switches also have exact per-case expectations (push-expectations.ts), checked on the same runs.
killMatrixSuite('push', pushCases, { switches: SWITCHES.map((f) => f.name), fails: detects });
