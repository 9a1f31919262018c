// `list`, `explain CASE` and `spec`: what the suite contains, read from the case definitions (suites/index.ts)
// without starting a target.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { applicability } from '../conformance/applicability.js';
import type { CaseMeta } from '../conformance/case.js';
import { selected } from '../conformance/register.js';
import { expectedFailureOf, type Profile } from '../profile/index.js';
import { htmlPage } from '../report/html.js';
import { EXIT } from '../report/model.js';
import { renderTestSpecification, specEntry } from '../report/test-spec.js';
import { loadCatalog } from '../spec/catalog.js';
import { caseCatalog } from './cases.js';
import { loadOrExplain, rerunCommand, selectionEnv, type SelectionArgs } from './run.js';

export function selectedCases(args: SelectionArgs): CaseMeta[] {
  const env = selectionEnv(args);
  return caseCatalog().filter((m) => selected(m, env));
}

function profileOrExit(path: string | undefined): Profile | number {
  try {
    return loadOrExplain(path);
  } catch (err) {
    process.stderr.write(`cpm-conformance: ${(err as Error).message}\n`);
    return EXIT.SETUP;
  }
}

export function listCommand(args: SelectionArgs): number {
  const profile = profileOrExit(args.profile);
  if (typeof profile === 'number') return profile;
  const metas = selectedCases(args);
  const rows = metas.map((m) => {
    const a = applicability(m, profile);
    return [m.id, m.clause, m.level, m.features.join(',') || '-', a.applicable ? 'applicable' : a.unexercised ? `not exercised: ${a.reason} (add: ${a.remedy.join('; ')})` : `n/a: ${a.reason}`];
  });
  for (const r of rows) process.stdout.write(`${r.join('\t')}\n`);
  const applicable = rows.filter((r) => r[4] === 'applicable').length;
  process.stderr.write(`${metas.length} case(s), ${applicable} applicable to profile "${profile.name}"\n`);
  if (metas.length === 0 || applicable === 0) return EXIT.VACUOUS;
  return EXIT.PASS;
}

export function explainCommand(id: string | undefined, args: SelectionArgs): number {
  if (!id) {
    process.stderr.write('cpm-conformance: explain needs a CASE id (see `cpm-conformance list`)\n');
    return EXIT.SETUP;
  }
  const profile = profileOrExit(args.profile);
  if (typeof profile === 'number') return profile;
  const meta = caseCatalog().find((m) => m.id === id);
  if (!meta) {
    const near = caseCatalog().map((m) => m.id).filter((x) => x.includes(id)).slice(0, 10);
    process.stderr.write(`cpm-conformance: no case "${id}"${near.length ? `; did you mean:\n  ${near.join('\n  ')}` : ''}\n`);
    return EXIT.SETUP;
  }
  const catalog = loadCatalog();
  const e = specEntry(meta, catalog);
  const a = applicability(meta, profile);
  const expected = expectedFailureOf(profile.expectedFailures, meta.id);
  const out = [
    `${e.id}  [${e.level}, clause ${e.clause}]`,
    '',
    `Statement: ${e.purpose}`,
    '',
    'Requirements:',
    ...e.reference.map((r) => `  ${r.id} (${r.level}): ${r.text}`),
    '',
    'Applicability:',
    ...e.applicability.map((x) => `  - ${x}`),
    `  for profile "${profile.name}": ${a.applicable ? 'applicable' : a.unexercised ? `not exercised: ${a.reason}; add to the profile: ${a.remedy.join('; ')}` : `not applicable: ${a.reason}`}`,
    ...(expected ? [`  expected failure for this profile: ${expected.reason} (evidence ${expected.evidence}${expected.reference ? `; ${expected.reference}` : ''})`] : []),
    '',
    'Preconditions:',
    ...e.preconditions.map((x) => `  - ${x}`),
    '',
    'Procedure:',
    ...e.procedure.map((x, i) => `  ${i + 1}. ${x}`),
    '',
    `Pass criteria: ${e.passCriteria}`,
    '',
    'Interpretations:',
    ...(e.interpretations.length
      ? e.interpretations.flatMap((i) => [`  ${i.id}: ${i.question}`, `    suite: ${i.interpretation}`])
      : ['  none: the verdict depends on no open question of the CR']),
    '',
    `Reproduce: ${rerunCommand(meta, { profile: args.profile, strict: false })}`,
    '  (the wire timeline of the case is attached to its result in the Allure report and, on failure, printed)',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT.PASS;
}

export function specCommand(outDir: string): number {
  const catalog = loadCatalog();
  const md = renderTestSpecification(caseCatalog(), catalog, pkg.version);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'test-specification.md'), md);
  writeFileSync(join(dir, 'test-specification.html'), htmlPage('cpm-conformance test specification', md));
  process.stdout.write(`${join(dir, 'test-specification.md')}\n${join(dir, 'test-specification.html')}\n${caseCatalog().length} case(s)\n`);
  return EXIT.PASS;
}
