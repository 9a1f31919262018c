// `cpm-conformance cr …`: what a revision of the change request changes, for spec editors.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { schemaChecker } from '../report/schema-check.js';
import schema from '../../fixtures/report/cr-impact.schema.json' with { type: 'json' };
import type { CaseMeta } from '../conformance/case.js';
import { loadCatalog } from '../spec/catalog.js';
import { checkCatalogAgainstText } from './ids.js';
import { type CrImpactReport, buildImpact } from './impact.js';
import { renderHtml } from './html.js';
import { renderConsole, renderMarkdown } from './render.js';
import { loadRuns } from './results.js';
import { type CatalogData, InputError, loadVersion } from './sources.js';

export const CR_HELP = `cpm-conformance cr — what a revision of the change request changes

Usage:
  cpm-conformance cr diff --base X --head Y [--results DIR]… [--reports DIR] [--json]
  cpm-conformance cr check [CATALOG_DIR]

X and Y are each:
  a CR text file       plain text as fixtures/spec/cr-text.txt (a Word CR saved as text)
  a .docx file         a Word CR as circulated (read with mammoth)
  a catalog directory  requirements.json (+ ambiguities.json and the CR text it names), e.g. fixtures/spec
  a git revision       REV or git:REV: this repository's fixtures/spec at that revision (git show REV:…)

diff: aligns the normative statements (table rows with their status and presence per object kind; every
sentence with SHALL, SHALL NOT, SHOULD, MAY, MUST) of the two versions, regardless of reflowed lines,
renumbered clauses and moved paragraphs, and reports per statement: added, removed, reworded (word diff),
level changed, presence changed, moved; each with its requirement ID, the cases covering it, and for an
uncovered statement a proposed catalog record. Cases whose requirement is removed are listed as orphaned,
ambiguity records whose statements or clause changed as to revisit.

  --results DIR   stored runs (a run.json, a run's reports folder or a folder of them, e.g. reports/;
                  repeatable): for a level change the verdict each stored case gets (a SHOULD warning is a
                  failure under SHALL); cases of reworded or re-scoped statements are listed to re-run
  --reports DIR   where cr-impact.md, cr-impact.html (self-contained) and cr-impact.json go
                  (default: reports/)
  --json          print cr-impact.json on stdout instead of the summary

check: every normative statement of the CR text is in the catalog and every catalog requirement is in the
text (default: fixtures/spec). Lists each mismatch.

Exit codes: 0 report written (check: catalog and text agree); 1 check: they disagree; 2 bad input (a missing
or unreadable file, an unreadable .docx, a text without normative statements, an unknown git revision, a
run.json of another format), with a message naming the input.
`;

/** Schema problems of a cr-impact.json document (fixtures/report/cr-impact.schema.json); empty when valid. */
export const crImpactProblems: (doc: unknown) => string[] = schemaChecker(schema);

export function workingCatalog(): CatalogData {
  const c = loadCatalog();
  return { tables: c.document.tables, requirements: c.requirements, ambiguities: c.ambiguities };
}

export interface DiffOptions {
  base: string;
  head: string;
  results?: readonly string[];
  cases: readonly CaseMeta[];
  now?: Date;
}

/** Reads both sides and the stored runs and builds the report; throws InputError on bad input. */
export async function crDiff(o: DiffOptions): Promise<CrImpactReport> {
  const base = await loadVersion(o.base).catch(prefix('--base'));
  const head = await loadVersion(o.head).catch(prefix('--head'));
  const runs = loadRuns(o.results ?? []);
  const report = buildImpact({ base, head, workingCatalog: workingCatalog(), cases: o.cases, runs, ...(o.now ? { now: o.now } : {}) });
  const problems = crImpactProblems(report);
  if (problems.length > 0) throw new Error(`cr-impact.json does not match ${'fixtures/report/cr-impact.schema.json'}:\n  ${problems.join('\n  ')}`);
  return report;
}

const prefix = (opt: string) => (err: unknown): never => {
  if (err instanceof InputError) throw new InputError(`${opt} ${err.message}`);
  throw err;
};

const fail = (message: string): number => {
  process.stderr.write(`cpm-conformance cr: ${message}\n`);
  return 2;
};

export async function crCommand(argv: readonly string[], cases: readonly CaseMeta[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        base: { type: 'string' },
        head: { type: 'string' },
        results: { type: 'string', multiple: true },
        target: { type: 'string', multiple: true },
        reports: { type: 'string', default: 'reports' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${CR_HELP}`);
  }
  const { values, positionals } = parsed;
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined || sub === 'help') {
    process.stdout.write(CR_HELP);
    return sub === undefined && !values.help ? 2 : 0;
  }
  try {
    if (sub === 'check') {
      const dir = rest[0] ?? 'fixtures/spec';
      const v = await loadVersion(dir);
      if (!v.catalog || v.text === null) return fail(`${dir}: needs a catalog with its CR text`);
      const problems = checkCatalogAgainstText(v.catalog, v.text);
      if (problems.length === 0) {
        process.stdout.write(`${dir}: the catalog and the CR text agree (${v.extracted.units.length} normative units)\n`);
        return 0;
      }
      process.stdout.write(`${dir}: ${problems.length} mismatch${problems.length === 1 ? '' : 'es'} between catalog and CR text:\n  ${problems.join('\n  ')}\n`);
      return 1;
    }
    if (sub !== 'diff') return fail(`unknown subcommand "${sub}"\n\n${CR_HELP}`);
    if (!values.base || !values.head) return fail('diff needs --base X and --head Y');
    if (values.target && values.target.length > 0) {
      return fail('--target (re-running the affected cases against live targets) is not supported yet; use --results with stored runs');
    }
    const report = await crDiff({ base: values.base, head: values.head, results: values.results ?? [], cases });
    const dir = values.reports ?? 'reports';
    mkdirSync(dir, { recursive: true });
    const mdFile = join(dir, 'cr-impact.md');
    const htmlFile = join(dir, 'cr-impact.html');
    const jsonFile = join(dir, 'cr-impact.json');
    writeFileSync(mdFile, renderMarkdown(report));
    writeFileSync(htmlFile, renderHtml(report));
    writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderConsole(report, [mdFile, htmlFile, jsonFile]));
    return 0;
  } catch (err) {
    if (err instanceof InputError) return fail(err.message);
    throw err;
  }
}
