// npm run bench: prints the suite's performance figures as tables. Speed is measured here, never asserted in tests.
import { benchReferenceStore } from './reference-store.js';
import { benchCli } from './cli.js';
import { benchDovecot, dovecotUnavailable } from './dovecot.js';
import { benchFloor } from './floor.js';
import { benchAbsence } from './absence.js';
import { benchScaling } from './scaling.js';
import { benchSuite } from './suite.js';
import { table } from './stats.js';

const only = process.argv[2];
let floor: Awaited<ReturnType<typeof benchFloor>> | undefined;
const dovecotInstalled = async (): Promise<boolean> => (await dovecotUnavailable('process')) === undefined;

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

if (!only || only === 'absence') {
  const rows = await benchAbsence();
  console.log('\n# PUSH negatives (5.4.2 cases, in process): quiet windows against the sentinel barrier\n');
  console.log(
    table([
      ['push.delivery.order', 'applicable cases', 'passed', 'wall time (ms)', 'of which fixed quiet windows (ms)'],
      ...rows.map((r) => [r.order === 'none' ? 'none (quiet window after each change)' : 'per-user (sentinel barrier)', r.cases, r.passed, r.wallMs, r.quietMs]),
    ]),
  );
}

if (!only || only === 'floor' || only === 'cli') {
  const f = await benchFloor();
  console.log('\n# The floor: the suite\'s IMAP traffic replayed by a bare socket client against the reference store\n');
  console.log(
    table([
      ['figure', 'value'],
      [`sessions / client writes replayed`, `${f.sessions} / ${f.writes}`],
      ['replay wall time (ms)', f.replayMs],
      ['replay: waits that ran out / tagged statuses that differed', `${f.divergences} / ${f.statusMismatches}`],
      ['suite in process, same run (ms)', f.suiteMs],
      ['  of which quiet windows (fixed-length negative checks, ms)', f.quietMs],
      ['suite without quiet windows / floor', ((f.suiteMs - f.quietMs) / f.replayMs).toFixed(1)],
    ]),
  );
  floor = f;
}

if (!only || only === 'cli') {
  const inProcess = await benchSuite({ runs: 3 });
  const floorMs = floor?.replayMs ?? Number(inProcess.rows.find((r) => String(r[0]).startsWith('suite wall time'))?.[1]);
  console.log('\n# Conformance suite through the CLI (preflight, vitest, reports) against the reference store\n');
  const rows: (string | number)[][] = [['workers', 'cases', 'wall time, median of 3 (ms)', 'suite / floor', 'peak RSS of the largest process (MiB)']];
  for (const w of [1, 2]) {
    const r = benchCli(w, 3);
    rows.push([w, r.cases, r.medianMs, (r.medianMs / floorMs).toFixed(1), r.peakRssMiB ?? 'n/a (no GNU time)']);
  }
  console.log(table(rows));
  console.log(`\nfloor: the replay above (${floorMs.toFixed(0)} ms); the suite's quiet windows are part of every CLI run`);
  if (await dovecotInstalled()) {
    console.log('\n# Conformance suite through the CLI against stock Dovecot (process target)\n');
    const d: (string | number)[][] = [['workers', 'cases', 'wall time, median of 3 (ms)', 'peak RSS of the largest process (MiB)']];
    for (const w of [1, 2]) {
      const r = benchCli(w, 3, ['--profile', 'fixtures/targets/dovecot/profile.json']);
      d.push([w, r.cases, r.medianMs, r.peakRssMiB ?? 'n/a (no GNU time)']);
    }
    console.log(table(d));
  }
}

if (!only || only === 'scaling') {
  console.log('\n# How the cost grows (in process, reference store)\n');
  console.log(table([['figure', 'value'], ...(await benchScaling())]));
}

if (!only || only === 'dovecot') {
  console.log('\n# Stock Dovecot 2.3.19: process target and offline-built container\n');
  console.log(table([['figure', 'value'], ...(await benchDovecot())]));
}
