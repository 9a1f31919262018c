// The test specification (`cpm-conformance spec`), generated from the cases themselves, in the layout of an OMA
// ETS / ETSI TSS&TP: per case its ID, purpose, specification reference with the verbatim requirement text,
// applicability in terms of the profile's declarations, preconditions, procedure, pass criteria and the
// interpretations (ambiguity questions) its verdict depends on. Grouped by clause.
import type { CaseMeta, Feature } from '../conformance/case.js';
import type { Catalog } from '../spec/catalog.js';
import { mdCell } from './html.js';

export interface SpecEntry {
  id: string;
  purpose: string;
  clause: string;
  level: string;
  reference: { id: string; level: string; text: string }[];
  applicability: string[];
  preconditions: string[];
  procedure: string[];
  passCriteria: string;
  interpretations: { id: string; question: string; interpretation: string }[];
}

/** The profile declaration that makes a case needing `feature` applicable. */
export function applicabilityCondition(feature: Feature): string {
  switch (feature) {
    case 'notify':
      return 'features.notify = true (the server supports IMAP NOTIFY, RFC 5465)';
    case 'push':
      return 'features.push = true (the server notifies the CPM PUSH Enabler)';
    case 'voicemail':
      return 'features.voicemail = true (the server stores Voicemail Objects)';
    case 'metadata':
      return 'none (METADATA is not a profile setting)';
    case 'identity-header':
      return 'features.identityBinding = "header" (Message-seen-identity / Message-delete-identity exposed in the object)';
    case 'pf':
      return 'accounts.pf is declared and features.pfPath ≠ "none"';
    case 'pf:rewrite':
    case 'pf:keyword':
      return `accounts.pf is declared and features.pfPath = "${feature.slice(3)}"`;
    case 'devices:2':
    case 'devices:3':
      return `a user in accounts.users declares at least ${feature.slice(8)} devices`;
    case 'users:2':
      return 'accounts.users declares at least two users';
    default:
      return `features.objectKinds includes "${feature.slice(5)}"`;
  }
}

const BASE_PRECONDITIONS = [
  'The target declared by the profile is started (or reachable) and every declared device, and the PF if declared, can log in (checked by the preflight).',
  'The case works in folders of its own under features.folders.root, created and removed by the case.',
];

function featurePreconditions(features: readonly Feature[]): string[] {
  const out: string[] = [];
  if (features.includes('push')) out.push('The harness PUSH Enabler mock listens where the profile says (push.listen, push.path) and the target is configured to notify it.');
  if (features.includes('notify')) out.push('A second session of the same user is open to receive IMAP NOTIFY events.');
  if (features.some((f) => f.startsWith('pf'))) out.push('The PF account logs in acting for the user (accounts.pf.authzidFor).');
  return out;
}

export function specEntry(meta: CaseMeta, catalog: Catalog): SpecEntry {
  const reference = meta.requirements.map((id) => {
    const r = catalog.find(id);
    return { id, level: r?.level ?? '', text: r?.text ?? '' };
  });
  const ambiguityIds = [...new Set([...(meta.interpretations ?? []), ...meta.requirements.flatMap((id) => catalog.find(id)?.ambiguities ?? [])])];
  const interpretations = ambiguityIds.map((id) => {
    const a = catalog.ambiguities.find((x) => x.id === id);
    return { id, question: a?.question ?? '', interpretation: a?.suiteInterpretation ?? '' };
  });
  return {
    id: meta.id,
    purpose: meta.statement,
    clause: meta.clause,
    level: meta.level,
    reference,
    applicability: meta.features.length > 0 ? meta.features.map(applicabilityCondition) : ['Always applicable: the case needs no optional feature.'],
    preconditions: [...BASE_PRECONDITIONS, ...featurePreconditions(meta.features), ...(meta.preconditions ?? [])],
    procedure: [...meta.procedure],
    passCriteria: meta.passCriteria,
    interpretations,
  };
}

/** Fields an entry lacks or leaves empty (a requirement without catalog text counts); empty when complete. */
export function missingFields(e: SpecEntry): string[] {
  const missing: string[] = [];
  if (!e.id.trim()) missing.push('id');
  if (!e.purpose.trim()) missing.push('purpose');
  if (!e.clause.trim()) missing.push('clause');
  if (e.reference.length === 0) missing.push('reference');
  for (const r of e.reference) if (!r.text.trim()) missing.push(`reference ${r.id} (not in the catalog)`);
  if (e.applicability.length === 0) missing.push('applicability');
  if (e.preconditions.length === 0) missing.push('preconditions');
  if (e.procedure.length === 0 || e.procedure.some((s) => !s.trim())) missing.push('procedure');
  if (!e.passCriteria.trim()) missing.push('passCriteria');
  for (const i of e.interpretations) if (!i.question.trim()) missing.push(`interpretation ${i.id} (not in the catalog)`);
  return missing;
}

export function renderTestSpecification(cases: readonly CaseMeta[], catalog: Catalog, suiteVersion: string): string {
  const entries = cases.map((m) => specEntry(m, catalog));
  const clauses = [...new Set(entries.map((e) => e.clause))].sort();
  const lines = [
    '# cpm-conformance test specification',
    '',
    `Generated from the cases of cpm-conformance ${suiteVersion} for ${catalog.document.title}${catalog.document.version ? ` ${catalog.document.version}` : ''}. ` +
      `${entries.length} test cases. Level: MUST cases fail a run, SHOULD cases warn (fail under --strict), MAY cases are informative.`,
    '',
    '## Contents',
    '',
    ...clauses.map((c) => `- [Clause ${c}](#clause-${c.replace(/\./g, '.')}) — ${entries.filter((e) => e.clause === c).length} cases`),
    '',
  ];
  for (const clause of clauses) {
    lines.push(`## Clause ${clause}`, '');
    for (const e of entries.filter((x) => x.clause === clause)) {
      lines.push(
        `### ${e.id}`,
        '',
        '| field | |',
        '|---|---|',
        `| Test case ID | \`${e.id}\` |`,
        `| Purpose | ${mdCell(e.purpose)} |`,
        `| Level | ${e.level} |`,
        `| Specification reference | Clause ${e.clause}; ${e.reference.map((r) => `\`${r.id}\``).join(', ')} |`,
        `| Applicability | ${e.applicability.map(mdCell).join('<br>')} |`,
        `| Preconditions | ${e.preconditions.map((p) => `• ${mdCell(p)}`).join('<br>')} |`,
        `| Procedure | ${e.procedure.map((p, i) => `${i + 1}. ${mdCell(p)}`).join('<br>')} |`,
        `| Pass criteria | ${mdCell(e.passCriteria)} |`,
        `| Interpretations | ${e.interpretations.length ? e.interpretations.map((i) => `\`${i.id}\`: ${mdCell(i.question)} — suite: ${mdCell(i.interpretation)}`).join('<br>') : 'None: the verdict depends on no open question.'} |`,
        '',
        'Requirement text:',
        '',
        ...e.reference.map((r) => `- \`${r.id}\` (${r.level}): ${r.text}`),
        '',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
