// The inputs of cr diff: a .docx round trip (the seed CR and the head revision as Word documents with real tables),
// git revisions, and the CLI's exit codes (0 report written; 2 bad input, with a message naming the input).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { crDiff, crImpactProblems, workingCatalog } from '../../harness/cr/command.js';
import { docxToText } from '../../harness/cr/docx.js';
import { checkCatalogAgainstText } from '../../harness/cr/ids.js';
import { ALL_CASES } from '../../suites/index.js';
import { crTextToDocx } from './docx-writer.js';

const FIX = 'fixtures/spec/cr-fixtures';
const cases = ALL_CASES.map((c) => c.meta);
const dir = mkdtempSync(join(tmpdir(), 'cpm-cr-inputs-'));
const shape = (r: Awaited<ReturnType<typeof crDiff>>): unknown[] =>
  r.changes.map((c) => [c.requirement ?? c.proposedRecord?.id, c.changes, c.level, c.text, c.wordDiff]);

describe('cr diff inputs: .docx', () => {
  it('the seed CR as a .docx reads back to the same normative units: the catalog check passes on it', async () => {
    const { text } = await docxToText(crTextToDocx(readFileSync('fixtures/spec/cr-text.txt', 'utf8')));
    expect(checkCatalogAgainstText(workingCatalog(), text)).toEqual([]);
  });

  it('base.txt → head.docx reports the same changes as base.txt → head.txt', async () => {
    const docx = join(dir, 'head.docx');
    writeFileSync(docx, crTextToDocx(readFileSync(`${FIX}/head.txt`, 'utf8')));
    const fromDocx = await crDiff({ base: `${FIX}/base.txt`, head: docx, cases });
    const fromText = await crDiff({ base: `${FIX}/base.txt`, head: `${FIX}/head.txt`, cases });
    expect(fromDocx.head.kind).toBe('docx');
    expect(shape(fromDocx)).toEqual(shape(fromText));
    expect(fromDocx.clausesRenumbered).toEqual(fromText.clausesRenumbered);
    expect(crImpactProblems(fromDocx)).toEqual([]);
  });
});

describe('cr diff inputs: git revisions', () => {
  it("HEAD's catalog against the working tree's CR text: no change", async () => {
    const r = await crDiff({ base: 'HEAD', head: 'fixtures/spec/cr-text.txt', cases });
    expect(r.base).toMatchObject({ kind: 'git', catalog: 'own', rows: 27 });
    expect(r.changes).toEqual([]);
    const explicit = await crDiff({ base: 'git:HEAD', head: `${FIX}/base.txt`, cases });
    expect(explicit.changes.map((c) => [c.requirement, c.changes, c.level])).toEqual([['push.status-change', ['level-changed'], { before: 'SHALL', after: 'SHOULD' }]]);
  });
});

const run = promisify(execFile);
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/cpm-conformance.mjs', 'cr', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cpm-conformance cr: exit codes', () => {
  it('0: writes cr-impact.md and cr-impact.json and prints the summary', async () => {
    const out = join(dir, 'reports');
    const r = await cli('diff', '--base', `${FIX}/base.txt`, '--head', `${FIX}/head.txt`, '--reports', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('8 statements changed, 3 uncovered');
    expect(r.stdout).toContain('level-changed   push.status-change SHOULD → SHALL');
    expect(existsSync(join(out, 'cr-impact.md'))).toBe(true);
    const html = readFileSync(join(out, 'cr-impact.html'), 'utf8');
    expect(html).toContain('<p class="summary">8 statements changed, 3 uncovered');
    expect(html).toContain('<del>along with</del><ins>in</ins>');
    // Self-contained: no script, nothing fetched.
    expect(html).not.toMatch(/<script|<link|src=|href="http|url\(/i);
    expect(crImpactProblems(JSON.parse(readFileSync(join(out, 'cr-impact.json'), 'utf8')))).toEqual([]);
  }, 60_000);

  it('2: a missing file, an unknown revision, an unreadable .docx, a text without normative statements', async () => {
    const notDocx = join(dir, 'broken.docx');
    writeFileSync(notDocx, 'this is not a Word document');
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, 'Change 1: nothing\n5.9\nNothing\nThis clause only describes.\nChange 2: End of changes\n');
    const [missing, revision, docx, none, target] = await Promise.all([
      cli('diff', '--base', join(dir, 'nope.txt'), '--head', `${FIX}/head.txt`),
      cli('diff', '--base', 'git:0123456789abcdef', '--head', `${FIX}/head.txt`),
      cli('diff', '--base', `${FIX}/base.txt`, '--head', notDocx),
      cli('diff', '--base', `${FIX}/base.txt`, '--head', empty),
      cli('diff', '--base', `${FIX}/base.txt`, '--head', `${FIX}/head.txt`, '--target', 'fixtures/profiles/reference.json'),
    ]);
    expect(missing).toMatchObject({ code: 2, stderr: `cpm-conformance cr: --base ${join(dir, 'nope.txt')}: no such file or directory, and not a git revision of this repository\n` });
    expect(revision).toMatchObject({ code: 2, stderr: 'cpm-conformance cr: --base git:0123456789abcdef: no such file or directory and not a git revision of this repository\n' });
    expect(docx.code).toBe(2);
    expect(docx.stderr).toMatch(new RegExp(`^cpm-conformance cr: --head ${notDocx.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a readable \\.docx: `));
    expect(none).toMatchObject({ code: 2, stderr: `cpm-conformance cr: --head ${empty}: no normative statements found (no table rows, no SHALL / SHOULD / MAY / MUST sentence)\n` });
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('--target (re-running the affected cases against live targets) is not supported yet');
  }, 60_000);

  it('cr check: 0 when the catalog and the CR text agree', async () => {
    const r = await cli('check');
    expect(r).toMatchObject({ code: 0, stdout: 'fixtures/spec: the catalog and the CR text agree (38 normative units)\n' });
  }, 60_000);
});
