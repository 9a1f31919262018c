// What a load run reports: a table on the terminal and `<reports>/load.json` (schema harness/load/load.schema.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { describeProfile, redact, secretsOf } from '../profile/index.js';
import type { ObservedEvent } from '../push/index.js';
import { LOAD_CHANGE_KINDS, problemCount, type ChangeVerdict, type KindCounts, type LoadChangeKind } from './accounting.js';
import type { LoadResult } from './runner.js';
import type { LatencyFigures } from './stats.js';

export const LOAD_EXIT = { CLEAN: 0, ANOMALIES: 1, SETUP: 2, INTERRUPTED: 130 } as const;
/** Examples of each kind of problem quoted in load.json and on the terminal. */
const EXAMPLES = 10;

export interface LoadReport {
  $schema: string;
  format: 1;
  suite: { name: string; version: string; node: string };
  profile: { name: string; source: string; sha256: string };
  target: { kind: string; description: string };
  faults: string[];
  settings: LoadResult['settings'];
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  stoppedBy: LoadResult['stoppedBy'];
  changePhaseMs: number;
  devices: { label: string; user: string; id: string; origin: string; changes: number; error?: string }[];
  counts: KindCounts & { requested: number; clean: number; wrongObject: number; otherNotifications: number; unreadableNotifications: number; notifications: number };
  byKind: Record<LoadChangeKind, KindCounts>;
  latencyMs: LatencyFigures | null;
  problems: { change?: number; kind?: string; device?: string; object?: string; problem: string; detail: string }[];
  errors: string[];
  outcome: 'clean' | 'anomalies' | 'interrupted';
  exitCode: number;
}

export function outcomeOf(r: LoadResult): { outcome: LoadReport['outcome']; exitCode: number } {
  if (r.interrupted) return { outcome: 'interrupted', exitCode: LOAD_EXIT.INTERRUPTED };
  if (problemCount(r.accounting) > 0 || r.errors.length > 0) return { outcome: 'anomalies', exitCode: LOAD_EXIT.ANOMALIES };
  return { outcome: 'clean', exitCode: LOAD_EXIT.CLEAN };
}

function describeNotification(o: ObservedEvent): string {
  const e = o.event;
  const r = e.refs;
  const ids = e.identities.map((i) => `${i.name}=${i.value ?? '-'}`).join(' ');
  return `#${o.notification.seq}[${e.position}] kinds=${e.kinds.join('/') || '-'}${e.label !== undefined ? ` (${e.label})` : ''} ${ids} object=${r.imdnMessageId ?? '-'}${r.folder !== undefined ? ` folder=${r.folder}` : ''}${r.uid !== undefined ? ` uid=${r.uid}` : ''}`;
}

function problemEntries(r: LoadResult): LoadReport['problems'] {
  const out: LoadReport['problems'] = [];
  const perProblem = new Map<string, number>();
  const take = (problem: string): boolean => {
    const k = perProblem.get(problem) ?? 0;
    perProblem.set(problem, k + 1);
    return k < EXAMPLES;
  };
  const timeout = r.settings.pushTimeoutMs;
  const detail = (v: ChangeVerdict, problem: string): string => {
    const c = v.change;
    switch (problem) {
      case 'lost':
        return `no ${c.kind === 'delete-expunge' ? 'expunged' : c.kind} notification within ${timeout + r.settings.lateWindowMs} ms`;
      case 'late':
        return `first notification after ${v.latencyMs?.toFixed(1)} ms (push timeout ${timeout} ms)`;
      case 'duplicated':
        return `${v.notifications.length} notifications: ${v.notifications.map(describeNotification).join('; ')}`;
      default:
        return `acting device ${c.deviceId}; ${v.notifications.map(describeNotification).join('; ')}`;
    }
  };
  for (const v of r.accounting.verdicts) {
    const c = v.change;
    const base = { change: c.index, kind: c.kind, device: c.label, object: `${c.object.imdnMessageId} (${c.object.folder} UID ${c.object.uid})` };
    if (c.error !== undefined && take('failed')) out.push({ ...base, problem: 'failed', detail: c.error });
    for (const p of v.problems) if (take(p)) out.push({ ...base, problem: p, detail: detail(v, p) });
  }
  for (const n of r.accounting.wrongObject) {
    if (take('wrong-object')) out.push({ problem: 'wrong-object', detail: `no change explains ${describeNotification(n)}` });
  }
  return out;
}

export function buildLoadReport(r: LoadResult): LoadReport {
  const d = describeProfile(r.profile);
  const a = r.accounting;
  const { outcome, exitCode } = outcomeOf(r);
  return {
    $schema: 'https://cpm-conformance.example.invalid/schemas/load.schema.json',
    format: 1,
    suite: { name: 'cpm-conformance', version: pkg.version, node: process.version },
    profile: { name: d.name, source: d.source, sha256: d.sha256 },
    target: { kind: r.profile.target.kind, description: r.targetDescription },
    faults: r.faults,
    settings: r.settings,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt.toISOString(),
    complete: !r.interrupted && r.changes.length === r.settings.changes,
    stoppedBy: r.stoppedBy,
    changePhaseMs: Math.round(r.changePhaseMs * 1000) / 1000,
    devices: r.devices.map((x) => ({
      label: x.label,
      user: x.user.name,
      id: x.device.id,
      origin: x.origin,
      changes: x.changes,
      ...(x.error !== undefined ? { error: x.error } : {}),
    })),
    counts: {
      requested: r.settings.changes,
      ...a.total,
      clean: a.clean,
      wrongObject: a.wrongObject.length,
      otherNotifications: a.other,
      unreadableNotifications: a.unreadable,
      notifications: r.notifications.length,
    },
    byKind: a.byKind,
    latencyMs: a.latency,
    problems: problemEntries(r),
    errors: r.errors,
    outcome,
    exitCode,
  };
}

const KIND_LABEL: Record<LoadChangeKind, string> = { seen: 'seen', unseen: 'unseen', 'delete-expunge': 'delete+expunge' };

function table(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

const ms = (v: number): string => `${v.toFixed(2)} ms`;

/** The terminal summary of a load run. */
export function renderLoadSummary(report: LoadReport, reportFile?: string): string {
  const s = report.settings;
  const c = report.counts;
  const reuse = report.devices.some((d) => d.origin === 'reused') ? ', sessions share profile devices' : report.devices.some((d) => d.origin === 'generated') ? ', extra devices generated' : '';
  const lines = [
    `load: ${report.devices.length} device(s)${reuse}; ${c.applied} of ${s.changes} change(s) at ≤ ${s.ratePerSecond}/s in ${(report.changePhaseMs / 1000).toFixed(1)} s (stopped by ${report.stoppedBy}); push timeout ${s.pushTimeoutMs} ms, late window ${s.lateWindowMs} ms`,
    `target: ${report.target.description}`,
    '',
    table([
      ['change', 'applied', 'failed', 'notified', 'lost', 'late', 'duplicated', 'wrong identity'],
      ...LOAD_CHANGE_KINDS.map((k) => {
        const x = report.byKind[k];
        return [KIND_LABEL[k], x.applied, x.failed, x.notified, x.lost, x.late, x.duplicated, x.wrongIdentity];
      }),
      ['total', c.applied, c.failed, c.notified, c.lost, c.late, c.duplicated, c.wrongIdentity],
    ]),
    '',
    `wrong object: ${c.wrongObject} notification(s) no change explains; also ${c.otherNotifications} about new objects, ${c.unreadableNotifications} unreadable (of ${c.notifications} received)`,
    report.latencyMs
      ? `latency (change sent → notification received, n=${report.latencyMs.count}): p50 ${ms(report.latencyMs.p50)}  p95 ${ms(report.latencyMs.p95)}  p99 ${ms(report.latencyMs.p99)}  max ${ms(report.latencyMs.max)}`
      : 'latency: no notification received',
  ];
  if (c.pending > 0) lines.push(`pending: ${c.pending} change(s) had no notification yet when the run was interrupted (neither lost nor late)`);
  if (report.stoppedBy === 'duration' && c.applied < s.changes) lines.push(`note: the ${s.durationMs / 1000} s cap ended the run after ${c.applied} of ${s.changes} changes`);
  for (const e of report.errors) lines.push(`error: ${e}`);
  for (const p of report.problems) lines.push(`${p.problem}: ${p.change !== undefined ? `change #${p.change} ${p.kind} by ${p.device} on ${p.object}: ` : ''}${p.detail}`);
  const verdict =
    report.outcome === 'clean'
      ? 'every change was notified once, in time, naming the acting device (exit 0)'
      : report.outcome === 'interrupted'
        ? 'interrupted: partial figures (exit 130)'
        : `${c.applied - c.clean} change(s) with a problem, ${c.wrongObject} wrong-object notification(s), ${report.errors.length} device error(s) (exit 1)`;
  lines.push(`result: ${verdict}`);
  if (reportFile) lines.push(`report: ${reportFile}`);
  return `${lines.join('\n')}\n`;
}

/** Writes `<dir>/load.json` (profile secrets masked) and returns its path. */
export function writeLoadReport(dir: string, report: LoadReport, result: Pick<LoadResult, 'profile'>): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'load.json');
  writeFileSync(path, redact(`${JSON.stringify(report, null, 2)}\n`, secretsOf(result.profile)));
  return path;
}
