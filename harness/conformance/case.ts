// A conformance case: one behaviour, a stable semantic ID, the requirements it checks, the features it needs
// from the profile, and the test-specification fields (purpose, procedure, pass criteria) that the generated
// test specification prints. The body gets a CaseContext and never touches targets or sockets directly.
import type { Clause } from '../spec/catalog.js';
import type { ObjectKind } from '../profile/types.js';
import type { CaseContext } from './context.js';

/** What a case needs the profile to declare before it is applicable. */
export type Feature =
  | 'notify'
  | 'audit'
  | 'push'
  | 'voicemail'
  | 'metadata'
  | 'identity-header'
  | 'pf'
  | 'pf:rewrite'
  | 'pf:keyword'
  | 'devices:2'
  | 'devices:3'
  | 'users:2'
  | `kind:${ObjectKind}`;

/**
 * Normative strength of what the case checks: MUST (SHALL, MUST, mandatory table row) fails the run; SHOULD is a
 * warning unless the run is strict; MAY is informative (a failure is reported, never fails the run).
 */
export type CaseLevel = 'MUST' | 'SHOULD' | 'MAY';

export interface CaseMeta {
  /** Stable semantic ID, never positional: `<area>.<subject>.<behaviour>`. */
  id: string;
  /** Catalog requirement IDs the case covers (fixtures/spec/requirements.json). */
  requirements: readonly string[];
  clause: Clause;
  level: CaseLevel;
  features: readonly Feature[];
  /** One line: the behaviour that passes. */
  statement: string;
  /** Ambiguity records (fixtures/spec/ambiguities.json) whose interpretation the verdict depends on. */
  interpretations?: readonly string[];
  preconditions?: readonly string[];
  procedure: readonly string[];
  passCriteria: string;
}

export interface CaseDefinition {
  readonly meta: CaseMeta;
  readonly run: (c: CaseContext) => Promise<void>;
}

export function defineCase(meta: CaseMeta, run: (c: CaseContext) => Promise<void>): CaseDefinition {
  return { meta, run };
}
