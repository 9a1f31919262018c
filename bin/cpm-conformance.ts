// Entry point of the cpm-conformance command: the suite's cases plus the harness's CLI.
import { runCli } from '../harness/cli/main.js';
import { ALL_CASES } from '../suites/index.js';

runCli(ALL_CASES.map((c) => c.meta));
