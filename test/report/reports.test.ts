// One real run against the reference store under a profile with distinctive secrets: every report file is
// written, run.json satisfies its published schema, the Allure report is one self-contained file without the
// analytics snippet, and no password appears in any file under the reports folder.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProfile, secretsOf } from '../../harness/profile/index.js';
import { runReportProblems } from '../../harness/report/run-json.js';
import { runCli, ROOT, type CliResult } from '../cli/spawn.js';

// alice's second and third device both log in as "alice" (they announce themselves with IMAP ID): one password.
const SECRETS = ['Sq7!alice-Device-A-pw', 'Sq7!alice-user-pw', 'Sq7!bob-only-pw', 'Sq7!pf-master-pw'];
const DEVICE_SECRETS = [SECRETS[0]!, SECRETS[1]!, SECRETS[1]!, SECRETS[2]!];

function secretProfile(dir: string): string {
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/profiles/reference.json'), 'utf8'));
  delete p.$schema;
  p.name = 'reference-with-distinctive-secrets';
  let i = 0;
  for (const u of p.accounts.users) for (const d of u.devices) d.credentials = { password: DEVICE_SECRETS[i++]! };
  p.accounts.pf.credentials = { password: SECRETS[3] };
  const file = join(dir, 'profile.json');
  writeFileSync(file, JSON.stringify(p, null, 2));
  return file;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('reports of a run', () => {
  const work = mkdtempSync(join(tmpdir(), 'cpm-reports-'));
  const reports = join(work, 'reports');
  const profile = secretProfile(work);
  let r: CliResult;

  beforeAll(async () => {
    // A stale file of an earlier run must go; a foreign file must stay.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(reports, 'allure-results'), { recursive: true });
    writeFileSync(join(reports, 'allure-results', 'stale-result.json'), '{}');
    writeFileSync(join(reports, 'notes.txt'), 'kept');
    r = await runCli(['run', '--profile', profile, '--grep', '.direct.', '--reports', reports]);
  }, 180_000);

  it('the run passes and lists its report files', () => {
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const f of ['run.json', 'traceability.md', 'statement.md', 'junit.xml', 'allure-report/index.html']) expect(r.stdout).toContain(f);
  });

  it('writes every report, cleans only its own outputs first', () => {
    for (const f of ['junit.xml', 'vitest.json', 'run.json', 'traceability.md', 'traceability.html', 'statement.md', 'statement.html', 'allure-report/index.html']) {
      expect(statSync(join(reports, f)).size, f).toBeGreaterThan(0);
    }
    expect(readdirSync(join(reports, 'allure-results')).some((f) => f.endsWith('-result.json'))).toBe(true);
    expect(readdirSync(join(reports, 'allure-results'))).not.toContain('stale-result.json');
    expect(readFileSync(join(reports, 'notes.txt'), 'utf8')).toBe('kept');
  });

  it('run.json satisfies fixtures/report/run.schema.json and says what ran against what', () => {
    const doc = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8'));
    expect(runReportProblems(doc)).toEqual([]);
    expect(doc.profile).toMatchObject({ name: 'reference-with-distinctive-secrets', sha256: loadProfile(profile).sha256 });
    expect(doc.target.kind).toBe('reference');
    expect(doc.target.greeting).toMatch(/^\* OK/);
    expect(doc.target.capabilities).toContain('NOTIFY');
    expect(doc.suite.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(doc.complete).toBe(true);
    expect(doc.cases.length).toBeGreaterThan(0);
    for (const c of doc.cases) expect(c.rerun).toContain(`--case ${c.id}`);
    // The device identity table: how each device announces itself, never a credential.
    const p = loadProfile(profile);
    const imei = p.accounts.users[0]!.devices[1]!;
    expect(doc.devices).toContainEqual({ user: 'alice', device: imei.id, announce: 'imap-id-before-login', login: 'alice', imapId: { key: '+sip.instance', value: `<${imei.id}>` } });
    expect(doc.devices).toHaveLength(4);
    expect(doc.pf).toEqual({ login: 'pf', authzidFor: 'sasl-plain-authzid' });
  });

  it('the Allure report is a single file with no analytics and no external script', () => {
    const html = readFileSync(join(reports, 'allure-report', 'index.html'), 'utf8');
    expect(html).not.toMatch(/googletagmanager|google-analytics|gtag\(/);
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(readdirSync(join(reports, 'allure-report'))).not.toContain('data');
  });

  it('traceability lists uncovered requirements and the ambiguities verdicts depend on', () => {
    const md = readFileSync(join(reports, 'traceability.md'), 'utf8');
    expect(md).toMatch(/## Requirements no case checks \(uncovered\)/);
    expect(md).toMatch(/## Verdicts that depend on an interpretation/);
    expect(md).toMatch(/`push\.trigger-identity`/);
    const html = readFileSync(join(reports, 'traceability.html'), 'utf8');
    expect(html).toMatch(/<table>/);
    expect(html).not.toMatch(/<script/);
  });

  it('the statement compares declared features with CAPABILITY; a --grep run gives no verdict', () => {
    const md = readFileSync(join(reports, 'statement.md'), 'utf8');
    expect(md).toContain('**Verdict: partial run: no verdict**');
    expect(md).toContain('| selection | `--grep .direct.` (partial run) |');
    expect(md).toMatch(/\| features\.notify \(IMAP NOTIFY, 5\.4\.1\) \| yes \| `NOTIFY` \| yes \|/);
    expect(md).toContain(loadProfile(profile).sha256);
    expect(md).toMatch(/\| alice \| `urn:gsma:imei:[^`]+` \| IMAP ID before login \(`\+sip\.instance` = `<urn:gsma:imei:[^`]+>`\) \| `alice` \|/);
    const html = readFileSync(join(reports, 'statement.html'), 'utf8');
    expect(html).toContain('<figcaption>Outcomes per clause</figcaption>');
    expect(html).toContain('<figcaption>PUSH notification latency per case</figcaption>');
    expect(html).not.toMatch(/<script/);
  });

  it('no secret of the profile, in any encoding, appears in any file under the reports folder', () => {
    const secrets = secretsOf(loadProfile(profile)).filter((s) => s.length >= 6);
    expect(secrets).toEqual(expect.arrayContaining(SECRETS));
    const leaks: string[] = [];
    for (const file of filesUnder(reports)) {
      const text = readFileSync(file).toString('latin1');
      for (const s of secrets) if (text.includes(s)) leaks.push(`${file}: ${s}`);
    }
    expect(leaks).toEqual([]);
  });
});
