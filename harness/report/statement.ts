// reports/statement.{md,html}: the conformance statement a certification body files: which target, when, under
// which profile (name and secret-free hash), what the profile declares against what the server advertised in
// CAPABILITY (a declared feature the server does not advertise is a finding), results per clause, and the verdict
// for the declared features.
import type { Profile } from '../profile/types.js';
import { mdCell } from './html.js';
import { failsRun, type CaseVerdict, type RunReport } from './model.js';

export interface FeatureCheck {
  /** What the profile declares, in its own terms. */
  declaration: string;
  declared: boolean;
  /** The CAPABILITY atom(s) that announce it; any one suffices. */
  capability: string[];
  advertised: boolean;
  /** declared but not advertised: the server contradicts the profile. */
  finding: boolean;
  note?: string;
}

/** Compares the profile's declarations with the server's CAPABILITY (after login). */
export function checkDeclaredFeatures(profile: Profile, capabilities: readonly string[]): FeatureCheck[] {
  const caps = new Set(capabilities.map((c) => c.toUpperCase()));
  const has = (...names: string[]): boolean => names.some((n) => caps.has(n));
  const devices = profile.accounts.users.flatMap((u) => u.devices);
  const creds = [...devices.map((d) => d.credentials), ...(profile.accounts.pf ? [profile.accounts.pf.credentials] : [])];
  const rows: FeatureCheck[] = [];
  const row = (declaration: string, declared: boolean, capability: string[], note?: string, findingWhenMissing = true): void => {
    const advertised = has(...capability);
    rows.push({ declaration, declared, capability, advertised, finding: findingWhenMissing && declared && !advertised, ...(note ? { note } : {}) });
  };
  row('features.notify (IMAP NOTIFY, 5.4.1)', profile.features.notify, ['NOTIFY'],
    !profile.features.notify && has('NOTIFY') ? 'advertised but not declared: the 5.4.1 cases were not applied' : undefined);
  row('METADATA (RFC 5464; not a profile setting)', true, ['METADATA', 'METADATA-SERVER'], 'informative: used by cases that read server or mailbox annotations', false);
  row('IDLE (RFC 2177; selected-mailbox notifications)', profile.features.notify, ['IDLE'], undefined, false);
  const byId = devices.filter((d) => d.announce !== 'login');
  row(`devices announce themselves with IMAP ID (${byId.length} device(s))`, byId.length > 0, ['ID']);
  const bearer = creds.filter((c) => 'oauthBearer' in c).length;
  if (bearer > 0) row(`${bearer} credential(s) use OAUTHBEARER`, true, ['AUTH=OAUTHBEARER']);
  const xoauth = creds.filter((c) => 'xoauth2' in c).length;
  if (xoauth > 0) row(`${xoauth} credential(s) use XOAUTH2`, true, ['AUTH=XOAUTH2']);
  row('UIDPLUS (APPENDUID identifies stored objects)', true, ['UIDPLUS'], 'informative: without it objects are found by SEARCH HEADER', false);
  return rows;
}

/**
 * `conformant except for known deviations`: everything passed but the cases the profile lists as expected
 * failures, which failed as listed. Those are still failures of the target; the verdict says how many.
 */
export type StatementVerdict = 'conformant' | 'conformant except for known deviations' | 'not conformant' | 'no verdict';

const list = (ids: readonly string[]): string => `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`;

export function statementVerdict(report: RunReport, checks: readonly FeatureCheck[]): { verdict: StatementVerdict; reasons: string[]; deviations: number } {
  const reasons: string[] = [];
  const deviations = report.cases.filter((c) => c.verdict === 'expected-failure').length;
  if (report.outcome === 'setup-error') reasons.push('the run could not be set up');
  if (report.outcome === 'vacuous') reasons.push('no applicable case ran');
  if (!report.complete) reasons.push('the run was incomplete (interrupted or stopped at the first failure)');
  if (reasons.length > 0) return { verdict: 'no verdict', reasons, deviations };
  const failing = report.cases.filter((c) => failsRun(c, report.strict) && c.verdict !== 'unexpected-pass');
  if (failing.length > 0) reasons.push(`${failing.length} case(s) did not pass: ${list(failing.map((c) => c.id))}`);
  const findings = checks.filter((c) => c.finding);
  for (const f of findings) reasons.push(`declared but not advertised: ${f.declaration} (${f.capability.join(' or ')})`);
  if (deviations > 0 && reasons.length > 0) reasons.push(`and ${deviations} known deviation(s) the profile lists as expected failures`);
  if (reasons.length > 0) return { verdict: 'not conformant', reasons, deviations };
  // The profile's list contradicts the target: what it declares cannot be certified until the list is corrected.
  const unexpected = report.cases.filter((c) => c.verdict === 'unexpected-pass');
  if (unexpected.length > 0) {
    reasons.push(
      `${unexpected.length} case(s) the profile lists as expected failures passed (${list(unexpected.map((c) => c.id))}): ` +
        'the expected-failure list is out of date; remove those entries and run again',
    );
    return { verdict: 'no verdict', reasons, deviations };
  }
  if (deviations > 0) {
    reasons.push(
      `${deviations} case(s) failed as the profile's expected-failure list says: known deviations are failures of the target, listed in advance, and the target is not fully conformant until they are fixed`,
    );
    return { verdict: 'conformant except for known deviations', reasons, deviations };
  }
  return { verdict: 'conformant', reasons: [], deviations };
}

function verdictText(verdict: StatementVerdict, deviations: number): string {
  return verdict === 'conformant except for known deviations' ? `conformant except for ${deviations} known deviation${deviations === 1 ? '' : 's'}` : verdict;
}

const COLUMNS: readonly CaseVerdict[] = ['passed', 'failed', 'warning', 'not-applicable', 'blocked', 'error', 'flaky', 'not-run', 'expected-failure', 'unexpected-pass'];

export function renderStatement(report: RunReport, profile: Profile): string {
  const checks = checkDeclaredFeatures(profile, report.target.capabilities);
  const { verdict, reasons, deviations } = statementVerdict(report, checks);
  const ef = report.profile.expectedFailures;
  const f = profile.features;
  const t = report.target;
  const lines = [
    '# Conformance statement',
    '',
    `**Verdict: ${verdictText(verdict, deviations)}**${verdict === 'no verdict' ? '' : ' for the features the profile declares'}${report.strict ? ' (strict: SHOULD-level failures count)' : ''}.`,
    '',
    ...reasons.map((r) => `- ${r}`),
    ...(reasons.length ? [''] : []),
    '## Target and run',
    '',
    '| | |',
    '|---|---|',
    `| target | ${mdCell(t.description)} (${t.kind}) |`,
    ...(t.image ? [`| image | \`${t.image}\`${t.imageDigest ? ` (${t.imageDigest})` : ''} |`] : []),
    ...(t.version ? [`| version | ${mdCell(t.version)} |`] : []),
    `| IMAP greeting | ${t.greeting ? `\`${mdCell(t.greeting)}\`` : '—'} |`,
    `| CAPABILITY | ${t.capabilities.length ? t.capabilities.map((c) => `\`${c}\``).join(' ') : '—'} |`,
    `| profile | \`${report.profile.name}\` — ${mdCell(report.profile.description)} |`,
    `| profile sha256 (secrets excluded) | \`${report.profile.sha256}\` |`,
    `| expected failures | ${ef ? `${ef.entries} case(s) in \`${mdCell(ef.file)}\` (sha256 \`${ef.sha256.slice(0, 16)}…\`)` : 'none declared'} |`,
    `| date | ${report.startedAt} – ${report.finishedAt} |`,
    `| suite | cpm-conformance ${report.suite.version} (Node ${report.suite.node}, vitest ${report.suite.vitest}) |`,
    `| specification | ${mdCell(report.specification.title)}${report.specification.version ? ` ${report.specification.version}` : ''} (source sha256 \`${report.specification.sourceSha256.slice(0, 16)}…\`) |`,
    `| selection | ${Object.entries(report.selection).map(([k, v]) => `--${k} ${v}`).join(' ') || 'all cases'}${report.repeat > 1 ? `, each case ${report.repeat} times` : ''} |`,
    `| complete | ${report.complete ? 'yes' : '**no**'} |`,
    '',
    '## Declared features',
    '',
    `NOTIFY: ${f.notify ? 'yes' : 'no'}; PUSH Enabler notifications: ${f.push ? 'yes' : 'no'}; Voicemail Objects: ${f.voicemail ? 'yes' : 'no'}; ` +
      `identity binding: ${f.identityBinding}; PF path: ${f.pfPath}; object kinds: ${f.objectKinds.join(', ')}.`,
    '',
    '## Declared vs advertised',
    '',
    '| declaration | declared | capability | advertised | finding |',
    '|---|---|---|---|---|',
    ...checks.map(
      (c) =>
        `| ${mdCell(c.declaration)} | ${c.declared ? 'yes' : 'no'} | ${c.capability.map((x) => `\`${x}\``).join(' or ')} | ${c.advertised ? 'yes' : 'no'} | ${c.finding ? '**declared but not advertised**' : mdCell(c.note ?? '—')} |`,
    ),
    '',
    '## Results per clause',
    '',
    `| clause | ${COLUMNS.join(' | ')} |`,
    `|---|${COLUMNS.map(() => '---').join('|')}|`,
  ];
  const clauses = [...new Set(report.cases.map((c) => c.clause))].sort();
  for (const clause of [...clauses, 'total']) {
    const of = clause === 'total' ? report.cases : report.cases.filter((c) => c.clause === clause);
    lines.push(`| ${clause === 'total' ? '**total**' : clause} | ${COLUMNS.map((v) => of.filter((c) => c.verdict === v).length).join(' | ')} |`);
  }
  const known = report.cases.filter((c) => c.verdict === 'expected-failure');
  if (known.length > 0) {
    lines.push(
      '',
      '## Known deviations',
      '',
      'Cases the target fails as its profile\'s expected-failure list says. They do not fail the run; they are deviations from the specification all the same.',
      '',
      '| case | level | requirement | reason (from the profile) | evidence | reference |',
      '|---|---|---|---|---|---|',
    );
    for (const c of known) {
      const e = c.expectation;
      lines.push(
        `| \`${c.id}\` | ${c.level} | ${c.failure ? `\`${c.failure.requirement}\`` : c.requirements.map((r) => `\`${r}\``).join(', ')} | ${mdCell(e?.reason ?? '')} | ${mdCell(e?.evidence ?? '')} | ${mdCell(e?.reference ?? '—')} |`,
      );
    }
  }
  const undecided = report.cases.filter((c) => c.expectation?.status === 'undecided');
  if (undecided.length > 0) {
    lines.push('', 'Listed as expected failures but neither failed nor passed in this run (the expectation was not tested):', '');
    for (const c of undecided) lines.push(`- \`${c.id}\`: ${c.verdict}`);
  }
  const failing = report.cases.filter((c) => failsRun(c, report.strict));
  if (failing.length > 0) {
    lines.push('', '## Cases that did not pass', '', '| case | level | verdict | requirement | message |', '|---|---|---|---|---|');
    for (const c of failing) {
      lines.push(`| \`${c.id}\` | ${c.level} | ${c.verdict} | ${c.failure ? `\`${c.failure.requirement}\`` : c.requirements.map((r) => `\`${r}\``).join(', ')} | ${mdCell((c.message ?? '').split('\n')[0] ?? '')} |`);
    }
  }
  if (report.metrics.pushLatencyMs) {
    const m = report.metrics.pushLatencyMs;
    lines.push('', '## PUSH notification latency', '', `${m.count} notification(s): p50 ${m.p50} ms, p95 ${m.p95} ms, max ${m.max} ms.`);
  }
  return `${lines.join('\n')}\n`;
}
