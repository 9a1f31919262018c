// npm run bench: prints the suite's performance figures as tables. Speed is measured here, never asserted in tests.
import { benchReferenceStore } from './reference-store.js';
import { benchSuite } from './suite.js';
import { table } from './stats.js';

const only = process.argv[2];

if (!only || only === 'reference-store') {
  const r = await benchReferenceStore();
  console.log('\n# Reference store\n');
  console.log(
    table([
      ['figure', 'value'],
      ['start-up (ms)', r.startMs],
      [`IMAP commands/s (FETCH/STORE mix, ${r.sessions} sessions, ${r.commands} commands)`, r.commandsPerSecond],
      [`STORE-to-push latency p50 (ms, ${r.pushSamples} samples)`, r.pushP50Ms],
      ['STORE-to-push latency p99 (ms)', r.pushP99Ms],
    ]),
  );
}

if (!only || only === 'suite') {
  const s = await benchSuite({ runs: 3 });
  console.log('\n# Conformance suite, in process (no test framework), against the reference store\n');
  console.log(table([['figure', 'value'], ...s.rows]));
}
