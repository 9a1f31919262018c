// reports/statement.{md,html}: the conformance statement a certification body files: which target, when, under
// which profile (name and secret-free hash), what the profile declares against what the server advertised in
// CAPABILITY (a declared feature the server does not advertise is a finding), every setting that changes verdicts
// (faults, strict, repeat, timeouts, expected failures), the device identities, results per clause, what could not
// be exercised and what to add to the profile, and the verdict (statementVerdict: the one the console and run.json
// repeat).
import type { Profile } from '../profile/types.js';
import { combineRemedies } from '../conformance/applicability.js';
import { describeBinding } from '../push/binding.js';
import { mdCell } from './html.js';
import { failsRun, leftUnexercised, VERDICTS, type CaseVerdict, type RunReport, type RunVerdict, type Selection } from './model.js';
import { presentStatus } from './status.js';

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
  const byId = devices.filter((d) => d.announce.startsWith('imap-id'));
  row(`devices announce themselves with IMAP ID (${byId.length} device(s))`, byId.length > 0, ['ID']);
  const bearer = creds.filter((c) => 'oauthBearer' in c).length;
  if (bearer > 0) row(`${bearer} credential(s) use OAUTHBEARER`, true, ['AUTH=OAUTHBEARER']);
  const xoauth = creds.filter((c) => 'xoauth2' in c).length;
  if (xoauth > 0) row(`${xoauth} credential(s) use XOAUTH2`, true, ['AUTH=XOAUTH2']);
  row('UIDPLUS (APPENDUID identifies stored objects)', true, ['UIDPLUS'], 'informative: without it objects are found by SEARCH HEADER', false);
  return rows;
}

/** The verdicts a statement can give (model.ts defines them; re-exported for the statement's readers). */
export type { StatementVerdict } from './model.js';

const list = (ids: readonly string[]): string => ids.join(', ');

type VerdictInput = Pick<RunReport, 'outcome' | 'complete' | 'cases' | 'strict' | 'errors'> & Partial<Pick<RunReport, 'partial' | 'selection'>>;

/** The selection as typed on the command line (`--case a,b --clause 5.4.2`), or "" for the whole suite. */
export function selectionText(selection: Selection | undefined): string {
  return Object.entries(selection ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `--${k} ${v}`)
    .join(' ');
}

/**
 * What the run lets a reader conclude, in this order: a run that could not be set up, stopped early or ran only a
 * selection gives no verdict; a failure (or a declared feature the server does not advertise) is "not conformant";
 * a stale expected-failure list gives no verdict; a mandatory case of a declared feature the profile could not
 * exercise makes it "incomplete"; known deviations give "conformant except for N known deviations"; otherwise
 * "conformant".
 */
export function statementVerdict(report: VerdictInput, checks: readonly FeatureCheck[]): RunVerdict {
  const reasons: string[] = [];
  const deviations = report.cases.filter((c) => c.verdict === 'expected-failure').length;
  if (report.outcome === 'setup-error') {
    reasons.push('the run could not be set up', ...report.errors.map((e) => `setup error: ${e.split('\n')[0]}`));
    return { verdict: 'no verdict', reasons, deviations };
  }
  if (report.outcome === 'vacuous') reasons.push('no applicable case ran');
  if (!report.complete) reasons.push('the run was incomplete (interrupted or stopped at the first failure)');
  if (reasons.length > 0) return { verdict: 'no verdict', reasons, deviations };
  const failing = report.cases.filter((c) => failsRun(c, report.strict) && c.verdict !== 'unexpected-pass');
  if (report.partial) {
    reasons.push(
      `only the selected cases ran (${selectionText(report.selection)}): a verdict needs the whole suite`,
      ...(failing.length > 0 ? [`${failing.length} selected case(s) did not pass: ${list(failing.map((c) => c.id))}`] : []),
    );
    return { verdict: 'partial run: no verdict', reasons, deviations };
  }
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
  const unexercised = report.cases.filter((c) => leftUnexercised(c, report.strict));
  if (unexercised.length > 0) {
    const remedies = combineRemedies(unexercised.flatMap((c) => c.remedy ?? []));
    reasons.push(
      `${unexercised.length} ${report.strict ? '' : 'mandatory '}case(s) of declared features could not be exercised with this profile (see "Not exercised"); ` +
        `add to the profile: ${remedies.join('; ')}`,
    );
    if (deviations > 0) reasons.push(`and ${deviations} known deviation(s) the profile lists as expected failures`);
    return { verdict: 'incomplete', reasons, deviations };
  }
  if (deviations > 0) {
    reasons.push(
      `${deviations} case(s) failed as the profile's expected-failure list says: known deviations are failures of the target, listed in advance, and the target is not fully conformant until they are fixed`,
    );
    return { verdict: 'conformant except for known deviations', reasons, deviations };
  }
  return { verdict: 'conformant', reasons: [], deviations };
}

/** The verdict as a sentence: "conformant except for 2 known deviations". */
export function verdictText(v: Pick<RunVerdict, 'verdict' | 'deviations'>): string {
  return v.verdict === 'conformant except for known deviations' ? `conformant except for ${v.deviations} known deviation${v.deviations === 1 ? '' : 's'}` : v.verdict;
}

const COLUMNS: readonly CaseVerdict[] = VERDICTS;

const ANNOUNCE: Record<string, string> = {
  login: 'per-device login name',
  'imap-id-before-login': 'IMAP ID before login',
  'imap-id-after-login': 'IMAP ID after login',
  credentials: 'its own credentials (per-device password or token)',
};

/** The conformance statement. `profile` is absent when it could not be loaded (a setup error). */
export function renderStatement(report: RunReport, profile: Profile | undefined): string {
  const checks = profile ? checkDeclaredFeatures(profile, report.target.capabilities) : [];
  const v = statementVerdict(report, checks);
  const ef = report.profile.expectedFailures;
  const t = report.target;
  const scoped = v.verdict === 'conformant' || v.verdict === 'conformant except for known deviations' || v.verdict === 'not conformant';
  const faults = report.faults;
  const lines = [
    '# Conformance statement',
    '',
    `**Verdict: ${verdictText(v)}**${scoped ? ' for the features the profile declares' : ''}${report.strict ? ' (strict: SHOULD-level failures count)' : ''}.`,
    '',
    ...v.reasons.map((r) => `- ${r}`),
    ...(v.reasons.length ? [''] : []),
    ...(report.errors.length > 0 ? ['## Setup errors', '', ...report.errors.map((e) => `- ${mdCell(e)}`), ''] : []),
    '## Target and run',
    '',
    '| | |',
    '|---|---|',
    `| target | ${mdCell(t.description)} (${t.kind}) |`,
    ...(t.product ? [`| product | ${mdCell(t.product.name)}${t.product.version ? ` ${mdCell(t.product.version)}` : ''} (from ${t.product.source === 'imap-id' ? 'the server\'s IMAP ID answer' : 'the profile'}) |`] : []),
    `| IMAP ID answer | ${t.imapId ? Object.entries(t.imapId).map(([k, val]) => `${mdCell(k)}=\`${mdCell(val)}\``).join(', ') : t.imapId === null ? 'none (ID not supported or NIL)' : '—'} |`,
    ...(t.image ? [`| image | \`${t.image}\`${t.imageDigest ? ` (${t.imageDigest})` : ''} |`] : []),
    ...(t.version ? [`| version | ${mdCell(t.version)} |`] : []),
    `| IMAP greeting | ${t.greeting ? `\`${mdCell(t.greeting)}\`` : '—'} |`,
    `| CAPABILITY | ${t.capabilities.length ? t.capabilities.map((c) => `\`${c}\``).join(' ') : '—'} |`,
    `| profile | \`${mdCell(report.profile.name)}\`${report.profile.description ? ` — ${mdCell(report.profile.description)}` : ''} (${mdCell(report.profile.source)}) |`,
    `| profile sha256 (secrets excluded) | ${report.profile.sha256 ? `\`${report.profile.sha256}\`` : '— (not loaded)'} |`,
    `| expected failures | ${ef ? `${ef.entries} case(s) in \`${mdCell(ef.file)}\` (sha256 \`${ef.sha256}\`)` : 'none declared'} |`,
    `| date | ${report.startedAt} – ${report.finishedAt} |`,
    `| run | \`${report.runId}\` |`,
    `| suite | cpm-conformance ${report.suite.version}${report.suite.git.revision ? ` (git ${report.suite.git.revision}${report.suite.git.dirty ? ', with uncommitted changes' : ''})` : ' (git revision unknown)'}; Node ${report.suite.node}, vitest ${report.suite.vitest} |`,
    `| specification | ${mdCell(report.specification.title)}${report.specification.version ? ` ${report.specification.version}` : ''} (source sha256 \`${report.specification.sourceSha256.slice(0, 16)}…\`) |`,
    `| selection | ${report.partial ? `\`${mdCell(selectionText(report.selection))}\` (partial run)` : 'all cases'} |`,
    `| complete | ${report.complete ? 'yes' : '**no**'} |`,
    '',
    '## Settings that change verdicts',
    '',
    '| setting | value |',
    '|---|---|',
    `| fault switches | ${faults.names.length > 0 ? `**${faults.names.map((f) => `\`${f}\``).join(', ')}** (from ${faults.source}): the target is deliberately broken` : 'none'} |`,
    `| strict (SHOULD/MAY failures fail the run) | ${report.strict ? 'yes' : 'no'} |`,
    `| repeat (executions per case) | ${report.repeat} |`,
    `| bail (stop at the first mandatory failure) | ${report.bail ? 'yes' : 'no'} |`,
    `| workers | ${report.workers ?? 'vitest default'} |`,
    ...(report.timeouts
      ? [
          `| timeouts | connect ${report.timeouts.connectMs} ms, command ${report.timeouts.commandMs} ms, IMAP notification ${report.timeouts.notifyMs} ms, PUSH notification ${report.timeouts.pushMs} ms, case ${report.timeouts.caseMs} ms, suite setup ${report.timeouts.hookMs} ms |`,
        ]
      : []),
    '',
  ];
  if (report.devices.length > 0 || report.pf) {
    lines.push('## Device identities', '', 'How each declared device makes itself known to the store (credentials are never recorded).', '', '| user | device id | announces itself by | login |', '|---|---|---|---|');
    for (const d of report.devices) {
      const how = `${ANNOUNCE[d.announce] ?? d.announce}${d.imapId ? ` (\`${mdCell(d.imapId.key)}\` = \`${mdCell(d.imapId.value)}\`)` : ''}`;
      lines.push(`| ${mdCell(d.user)} | \`${mdCell(d.device)}\` | ${how} | \`${mdCell(d.login)}\` |`);
    }
    if (report.pf) lines.push(`| (Participating Function) | — | ${mdCell(report.pf.authzidFor)} | \`${mdCell(report.pf.login)}\` |`);
    lines.push('');
  }
  if (profile?.features.push) {
    lines.push('## How PUSH notifications are read', '', 'The profile\'s binding (fixtures/profiles/README.md), as the 5.4.2 cases apply it.', '', '| | |', '|---|---|');
    for (const [k, v] of describeBinding(profile.push.binding, profile.push.delivery)) lines.push(`| ${mdCell(k)} | ${mdCell(v)} |`);
    lines.push('');
  }
  if (profile) {
    const f = profile.features;
    lines.push(
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
    );
  }
  lines.push('## Results per clause', '', `| clause | ${COLUMNS.join(' | ')} |`, `|---|${COLUMNS.map(() => '---').join('|')}|`);
  const clauses = [...new Set(report.cases.map((c) => c.clause))].sort();
  for (const clause of [...clauses, 'total']) {
    const of = clause === 'total' ? report.cases : report.cases.filter((c) => c.clause === clause);
    lines.push(`| ${clause === 'total' ? '**total**' : clause} | ${COLUMNS.map((v) => of.filter((c) => c.verdict === v).length).join(' | ')} |`);
  }
  const gaps = report.cases.filter((c) => c.verdict === 'not-exercised');
  if (gaps.length > 0) {
    lines.push(
      '',
      '## Not exercised',
      '',
      'Cases of declared features that need more than the profile provides. Until they run, the statement cannot say "conformant".',
      '',
      '| case | level | requirements | why | add to the profile |',
      '|---|---|---|---|---|',
    );
    for (const c of gaps) {
      lines.push(`| \`${c.id}\` | ${c.level} | ${c.requirements.map((r) => `\`${r}\``).join(', ')} | ${mdCell(c.message ?? '')} | ${mdCell((c.remedy ?? []).join('; '))} |`);
    }
  }
  const na = report.cases.filter((c) => c.verdict === 'not-applicable');
  if (na.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const c of na) byReason.set(c.message ?? '', [...(byReason.get(c.message ?? '') ?? []), c.id]);
    lines.push('', '## Not applicable', '', 'Cases of features the profile does not declare (or rules the server\'s capabilities make optional).', '', '| reason | cases |', '|---|---|');
    for (const [reason, ids] of byReason) lines.push(`| ${mdCell(reason)} | ${ids.map((id) => `\`${id}\``).join('<br>')} |`);
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
  const failing = report.cases.filter((c) => failsRun(c, report.strict) || c.verdict === 'warning' || c.verdict === 'blocked' || c.verdict === 'error');
  if (failing.length > 0) {
    lines.push('', '## Cases that did not pass', '', '| case | level | status | verdict | requirement | message |', '|---|---|---|---|---|---|');
    for (const c of failing) {
      lines.push(
        `| \`${c.id}\` | ${c.level} | ${presentStatus(c).label} | ${c.verdict} | ${c.failure ? `\`${c.failure.requirement}\`` : c.requirements.map((r) => `\`${r}\``).join(', ')} | ${mdCell((c.message ?? '').split('\n')[0] ?? '')} |`,
      );
    }
  }
  if (report.metrics.pushLatencyMs) {
    const m = report.metrics.pushLatencyMs;
    lines.push('', '## PUSH notification latency', '', `${m.count} notification(s): p50 ${m.p50} ms, p95 ${m.p95} ms, p99 ${m.p99} ms, max ${m.max} ms${report.timeouts ? ` (timeout ${report.timeouts.pushMs} ms)` : ''}.`);
  }
  return `${lines.join('\n')}\n`;
}
