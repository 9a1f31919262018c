// Target profile: schema (fixtures/profiles/profile.schema.json), loader, secrets and description.
export * from './types.js';
export { ProfileError, formatProblem, type ProfileProblem } from './problems.js';
export {
  loadProfile,
  validateProfile,
  expandTemplates,
  conversationFolder,
  voicemailFolder,
  PROFILE_SCHEMA_PATH,
  REFERENCE_PROFILE_PATH,
  DEFAULT_TIMEOUTS,
  DEFAULT_CONVERSATION_FOLDER,
  TEMPLATE_NAMES,
  type TemplateName,
  type ValidateOptions,
} from './load.js';
export { secretsOf, redact, credentialSecret, SECRET_MASK } from './secrets.js';
export { describeProfile, describeTarget, type ProfileDescription } from './describe.js';
export { isLoopbackHost } from './loopback.js';
export {
  readExpectedFailures,
  unknownExpectedCases,
  expectedFailureOf,
  EXPECTED_FAILURES_SCHEMA_PATH,
  type ExpectedFailure,
  type ExpectedFailures,
} from './expected-failures.js';
