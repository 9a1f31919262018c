// The metadata of every conformance case, handed to the CLI by its entry point (bin/cpm-conformance.ts): the
// harness never imports the suites, so `list`, `explain`, `spec` and the reports get the cases from here.
import type { CaseMeta } from '../conformance/case.js';

let catalog: readonly CaseMeta[] | undefined;

export function setCaseCatalog(cases: readonly CaseMeta[]): void {
  catalog = cases;
}

export function caseCatalog(): readonly CaseMeta[] {
  if (!catalog) throw new Error('the CLI was started without the suite\'s cases (use bin/cpm-conformance.ts)');
  return catalog;
}
