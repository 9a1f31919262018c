// `cpm-conformance load`: N devices apply M status changes at a bounded rate for a bounded time while the PUSH
// Enabler mock judges every notification (lost, late, duplicated, wrong identity, wrong object) and measures
// latency. Exit 0 clean, 1 anything lost or wrong, 2 setup error, 130 interrupted. First Ctrl-C: no further
// change, sessions closed, folders removed, target stopped, partial load.json; a second Ctrl-C exits at once.
import { resolve, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadProfile, ProfileError, formatProblem, type Profile } from '../profile/index.js';
import { buildLoadReport, LOAD_EXIT, renderLoadSummary, writeLoadReport } from './report.js';
import { LOAD_DEFAULTS, LoadSetupError, runLoad, type LoadOptions } from './runner.js';

export const LOAD_HELP = `cpm-conformance load — status changes under load, judged at the PUSH Enabler mock

Usage:
  cpm-conformance load --devices N --changes M [--rate R] [--duration S] [--late-window MS]
                       [--profile FILE] [--reports DIR] [--fault NAME]…

  --devices N        acting device sessions; beyond the profile's devices the reference target gets
                     generated devices, other targets reuse the profile's devices with further sessions
  --changes M        status changes in all (seen, unseen, delete+expunge, in turn per object)
  --rate R           at most R changes per second over all devices (default ${LOAD_DEFAULTS.ratePerSecond})
  --duration S       no change starts after S seconds (default ${LOAD_DEFAULTS.durationMs / 1000})
  --late-window MS   a notification later than push.timeoutMs but within this much more is "late",
                     after it "lost" (default: push.timeoutMs)
  --reports DIR      where load.json goes (default reports/)
  --fault NAME       reference-store fault switch (repeatable; also CPM_FAULTS=a,b)

Exit codes: 0 every change notified once, in time, naming the acting device; 1 a change lost, late,
duplicated, misattributed or failed, or a notification about no changed object; 2 setup or profile
error; 130 interrupted.
`;

export interface LoadCommandArgs {
  devices: number;
  changes: number;
  rate?: number;
  /** Seconds. */
  duration?: number;
  lateWindowMs?: number;
  profile?: string;
  reports: string;
  faults: string[];
}

/** Parses the load command's arguments (without the `load` word); a string is the problem to report. */
export function parseLoadArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadCommandArgs | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        devices: { type: 'string' },
        changes: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        'late-window': { type: 'string' },
        profile: { type: 'string' },
        reports: { type: 'string', default: 'reports' },
        fault: { type: 'string', multiple: true, default: [] },
      },
    }));
  } catch (err) {
    return (err as Error).message;
  }
  const number = (name: string, raw: string | undefined, integer: boolean): number | string | undefined => {
    if (raw === undefined) return undefined;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) return `--${name} needs a positive ${integer ? 'integer' : 'number'}, not "${raw}"`;
    return v;
  };
  if (values.devices === undefined) return '--devices N is required';
  if (values.changes === undefined) return '--changes M is required';
  const devices = number('devices', values.devices, true);
  const changes = number('changes', values.changes, true);
  const rate = number('rate', values.rate, false);
  const duration = number('duration', values.duration, false);
  const late = values['late-window'] === '0' ? 0 : number('late-window', values['late-window'], false);
  for (const v of [devices, changes, rate, duration, late]) if (typeof v === 'string') return v;
  const faults = [...(values.fault ?? []), ...(env['CPM_FAULTS'] ?? '').split(',')].map((f) => f.trim()).filter(Boolean);
  return {
    devices: devices as number,
    changes: changes as number,
    ...(rate !== undefined ? { rate: rate as number } : {}),
    ...(duration !== undefined ? { duration: duration as number } : {}),
    ...(late !== undefined ? { lateWindowMs: late as number } : {}),
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
    reports: values.reports ?? 'reports',
    faults: [...new Set(faults)],
  };
}

export interface LoadIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: LoadIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Runs the load command; resolves with the exit code. Installs SIGINT/SIGTERM handlers for its duration. */
export async function loadCommand(argv: readonly string[], io: LoadIo = processIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(LOAD_HELP);
    return LOAD_EXIT.CLEAN;
  }
  const args = parseLoadArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`cpm-conformance load: ${args}\n\n${LOAD_HELP}`);
    return LOAD_EXIT.SETUP;
  }
  let profile: Profile;
  try {
    profile = loadProfile(args.profile);
  } catch (err) {
    if (!(err instanceof ProfileError)) throw err;
    io.stderr(`cpm-conformance load: setup error: profile ${args.profile ?? '(reference)'} is invalid:\n${err.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\n`);
    return LOAD_EXIT.SETUP;
  }

  const stop = new AbortController();
  const onSignal = (): void => {
    if (!stop.signal.aborted) {
      io.stderr('cpm-conformance load: interrupted; no further change, closing sessions and stopping the target (Ctrl-C again to exit now)\n');
      stop.abort();
    } else {
      process.exit(LOAD_EXIT.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const options: LoadOptions = {
      profile,
      devices: args.devices,
      changes: args.changes,
      ...(args.rate !== undefined ? { ratePerSecond: args.rate } : {}),
      ...(args.duration !== undefined ? { durationMs: args.duration * 1000 } : {}),
      ...(args.lateWindowMs !== undefined ? { lateWindowMs: args.lateWindowMs } : {}),
      faults: args.faults,
      signal: stop.signal,
      onProgress: (line) => io.stdout(`load: ${line}\n`),
    };
    const result = await runLoad(options);
    const report = buildLoadReport(result);
    const file = writeLoadReport(resolve(args.reports), report, result);
    io.stdout(renderLoadSummary(report, relative(process.cwd(), file) || file));
    return report.exitCode;
  } catch (err) {
    if (err instanceof LoadSetupError) {
      io.stderr(`cpm-conformance load: setup error: ${err.message}\n`);
      return stop.signal.aborted ? LOAD_EXIT.INTERRUPTED : LOAD_EXIT.SETUP;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
