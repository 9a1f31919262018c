// Loading a target profile: read → ${env:…} substitution → JSON Schema validation → checks the schema cannot
// express (loopback, uniqueness, known faults, templates, files) → defaults → hash → resolved paths.
// Every problem found in a stage is reported together, each with its JSON Pointer and line/column.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import schema from '../../fixtures/profiles/profile.schema.json' with { type: 'json' };
import { FAULTS } from '../../reference-store/index.js';
import { bindingFromProfile, DEFAULT_PUSH_SCHEMA_PATH, isGeneralForm, type ProfileBinding } from '../push/binding.js';
import { lintBinding } from '../push/lint.js';
import { substituteEnv } from './env.js';
import { readExpectedFailures } from './expected-failures.js';
import { JsonSyntaxError, parseJsonWithPositions, type SourcePosition } from './json-source.js';
import { isLoopbackHost, LOOPBACK_HINT } from './loopback.js';
import { locate, ProfileError, type ProfileProblem } from './problems.js';
import { ajvErrorsToProblems, editDistance } from './schema-errors.js';
import { maskPaths, secretPathsOf } from './secrets.js';
import type { CaSettings, Device, Features, Limits, Profile, PushSettings, Target, Timeouts, User } from './types.js';

const addFormats = addFormatsModule.default;

export const PROFILE_SCHEMA_PATH = fileURLToPath(new URL('../../fixtures/profiles/profile.schema.json', import.meta.url));
export const REFERENCE_PROFILE_PATH = fileURLToPath(new URL('../../fixtures/profiles/reference.json', import.meta.url));

/** Marker for "binding.schema not given": the suite's shared payload schema, not a path next to the profile. */
const SUITE_PUSH_SCHEMA = 'suite:fixtures/push/status-notification.schema.json';

export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({ connectMs: 10_000, commandMs: 10_000, notifyMs: 5_000 });
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({ maxLineBytes: 1_048_576, maxLiteralBytes: 67_108_864 });
export const DEFAULT_CONVERSATION_FOLDER = '{root}/{conversationId}';

/** Names usable as {{name}} in container env and command. */
export const TEMPLATE_NAMES = ['push.url', 'push.host', 'push.port', 'push.path', 'imap.host', 'imap.port'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const FOLDER_PLACEHOLDER = /\{([^{}]*)\}/g;

let validator: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!validator) {
    // strictRequired off: "exactly one of" alternatives ({ oneOf: [{ required: [a] }, { required: [b] }] }) name
    // properties declared by the parent schema, which that check does not see.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, discriminator: true });
    addFormats(ajv);
    // Annotation only: the message validate-profile prints for a failed pattern / alternative.
    ajv.addKeyword({ keyword: 'x-errorMessage', schemaType: 'string' });
    validator = ajv.compile(schema);
  }
  return validator;
}

export interface ValidateOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative paths (push.binding.schema, ca.file) are resolved against. Default: dirname(source). */
  baseDir?: string;
  /** Source positions (from parseJsonWithPositions) for line/column in problems. */
  positions?: ReadonlyMap<string, SourcePosition>;
}

/** Reads and validates a profile file; undefined → the shipped reference profile. Throws ProfileError. */
export function loadProfile(path: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Profile {
  const file = resolve(path ?? REFERENCE_PROFILE_PATH);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProfileError(file, [{ path: '', message: `cannot read the profile (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})` }]);
  }
  let parsed: ReturnType<typeof parseJsonWithPositions>;
  try {
    parsed = parseJsonWithPositions(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new ProfileError(file, [{ path: '', message: `invalid JSON: ${e.reason}`, line: e.position.line, column: e.position.column }]);
  }
  return validateProfile(parsed.value, file, { env, baseDir: dirname(file), positions: parsed.positions });
}

/** Validates an already parsed profile document. Throws ProfileError listing every problem. */
export function validateProfile(json: unknown, source: string, options: ValidateOptions = {}): Profile {
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? dirname(resolve(source));
  const fail = (problems: ProfileProblem[]): never => {
    const located = problems.map((p) => locate(p, options.positions));
    located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
    throw new ProfileError(source, located);
  };

  const substituted = substituteEnv(json, env);
  if (substituted.problems.length > 0) fail(substituted.problems);
  const doc = portsAsNumbers(substituted.value);

  const validate = schemaValidator();
  if (!validate(doc)) fail(ajvErrorsToProblems(validate.errors, schema as Record<string, unknown>));
  const raw = doc as RawProfile;

  const problems = semanticProblems(raw);
  if (problems.length > 0) fail(problems);

  const secretPaths = secretPathsOf(doc, substituted.substitutions);
  const normalized = normalize(raw);
  const expected = raw.expectedFailures === undefined ? undefined : readExpectedFailures(raw.expectedFailures, baseDir);
  // The known deviations are part of what the profile declares: the hash covers the entries (not the file's bytes).
  const declared = expected?.list ? { ...normalized, expectedFailures: { file: raw.expectedFailures, entries: expected.list.entries } } : normalized;
  const sha256 = hashProfile(declared, secretPaths);
  const fileProblems: ProfileProblem[] = [...(expected?.problems ?? [])];
  const resolved = resolvePaths(normalized, baseDir, fileProblems);
  // The binding is linted against its own examples before any case runs (selectors, schema, kinds).
  if (fileProblems.length === 0) fileProblems.push(...lintBinding(resolved.push.binding, { pushDeclared: resolved.features.push }));
  if (fileProblems.length > 0) fail(fileProblems);
  return { ...resolved, ...(expected?.list ? { expectedFailures: expected.list } : {}), source, sha256, secretPaths };
}

// ---- the validated JSON shape (schema guarantees types; optional fields may be absent) ----

interface RawCa { file?: string; insecureSkipVerify?: boolean }
interface RawTarget {
  kind: Target['kind'];
  faults?: string[];
  identityBinding?: 'header' | 'none';
  pfPath?: 'rewrite' | 'keyword' | 'none';
  pushFormat?: 'reference' | 'nms-json' | 'nms-xml';
  host?: string;
  port?: number;
  image?: string;
  env?: Record<string, string>;
  command?: string[];
  ready?: { logLine: string } | { command: string[] };
  imapPort?: number;
  tls?: 'none' | 'starttls' | 'implicit';
  ca?: RawCa;
  startupTimeoutMs?: number;
  allowNonLoopback?: boolean;
  binary?: string;
}
interface RawDevice extends Omit<Device, 'login'> { login?: string }
interface RawProfile {
  name: string;
  description?: string;
  target?: RawTarget;
  accounts: { users: { name: string; devices: RawDevice[] }[]; pf?: Profile['accounts']['pf']; imapId?: { key?: string; value?: string } };
  features: Omit<Features, 'folders'> & { folders: { root: string; conversation?: string; voicemail?: string; audit?: string[] } };
  push?: {
    listen?: { host?: string; port?: number; allowNonLoopback?: boolean };
    path?: string;
    binding?: ProfileBinding;
    delivery?: Partial<PushSettings['delivery']>;
    timeoutMs?: number;
  };
  timeouts?: Partial<Timeouts>;
  limits?: Partial<Limits>;
  expectedFailures?: string;
}

/** Port fields that may be given as "${env:NAME}": a string of digits there becomes the number it names. */
const PORT_PATHS: readonly (readonly string[])[] = [['target', 'port'], ['target', 'imapPort'], ['push', 'listen', 'port']];

function portsAsNumbers(doc: unknown): unknown {
  for (const path of PORT_PATHS) {
    let parent: unknown = doc;
    for (const key of path.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[key] : undefined;
    const last = path[path.length - 1]!;
    if (parent === null || typeof parent !== 'object') continue;
    const v = (parent as Record<string, unknown>)[last];
    if (typeof v === 'string' && /^[0-9]{1,5}$/.test(v)) (parent as Record<string, unknown>)[last] = Number(v);
  }
  return doc;
}

/** Checks the schema cannot express. */
function semanticProblems(p: RawProfile): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const t = p.target;

  const loopback = (host: string | undefined, path: string, allow: boolean | undefined, where: string): void => {
    if (host === undefined || allow === true || isLoopbackHost(host)) return;
    problems.push({
      path,
      message: `"${host}" is not a loopback address: the suite talks to ${LOOPBACK_HINT} unless "allowNonLoopback": true is set in ${where}`,
    });
  };
  if (t) {
    if (t.kind === 'reference') {
      loopback(t.host, '/target/host', false, '(not available for the reference target)');
      const known = FAULTS.map((f) => f.name);
      (t.faults ?? []).forEach((name, i) => {
        if (known.includes(name)) return;
        const closest = known
          .map((k) => ({ k, d: editDistance(k, name) }))
          .sort((a, b) => a.d - b.d)
          .find(({ d }) => d <= Math.max(2, Math.floor(name.length / 4)));
        problems.push({
          path: `/target/faults/${i}`,
          message: `unknown fault "${name}"${closest ? ` (did you mean "${closest.k}"?)` : ''}; the list is in reference-store/faults.ts`,
        });
      });
    }
    if (t.kind === 'external' || t.kind === 'container') {
      loopback(t.host ?? '127.0.0.1', '/target/host', t.allowNonLoopback, '/target');
    }
    if (t.kind === 'container') {
      const check = (value: string, path: string): void => {
        for (const m of value.matchAll(TEMPLATE)) {
          if (!(TEMPLATE_NAMES as readonly string[]).includes(m[1] ?? '')) {
            problems.push({ path, message: `unknown template {{${m[1] ?? ''}}} (known: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(', ')})` });
          }
        }
      };
      for (const [k, v] of Object.entries(t.env ?? {})) check(v, `/target/env/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      (t.command ?? []).forEach((v, i) => check(v, `/target/command/${i}`));
    }
  }
  loopback(p.push?.listen?.host, '/push/listen/host', p.push?.listen?.allowNonLoopback, '/push/listen');

  const userNames = new Map<string, number>();
  const deviceIds = new Map<string, string>();
  p.accounts.users.forEach((user, u) => {
    const first = userNames.get(user.name);
    if (first !== undefined) problems.push({ path: `/accounts/users/${u}/name`, message: `duplicate user name (also /accounts/users/${first}/name)` });
    else userNames.set(user.name, u);
    user.devices.forEach((device, d) => {
      // Identities compare case-insensitively (URN scheme/NID and UUID hex, spec notes §8.5).
      const key = device.id.toLowerCase();
      const where = `/accounts/users/${u}/devices/${d}/id`;
      const seen = deviceIds.get(key);
      if (seen !== undefined) problems.push({ path: where, message: `duplicate device identity (also ${seen})` });
      else deviceIds.set(key, where);
    });
  });

  const pf = p.accounts.pf;
  if (pf?.authzidFor === 'login-template') {
    if (pf.loginTemplate === undefined) problems.push({ path: '/accounts/pf', message: 'authzidFor "login-template" needs loginTemplate, e.g. "{user}#cpm-pf"' });
    else {
      for (const m of pf.loginTemplate.matchAll(FOLDER_PLACEHOLDER)) {
        if (!['user', 'pf'].includes(m[1] ?? '')) problems.push({ path: '/accounts/pf/loginTemplate', message: `unknown placeholder {${m[1] ?? ''}} (allowed: {user}, {pf})` });
      }
      if (!pf.loginTemplate.includes('{user}')) problems.push({ path: '/accounts/pf/loginTemplate', message: 'must contain {user}' });
    }
  } else if (pf?.loginTemplate !== undefined) problems.push({ path: '/accounts/pf/loginTemplate', message: 'is only used with authzidFor "login-template"' });
  if (p.accounts.imapId?.value !== undefined && !p.accounts.imapId.value.includes('{id}')) {
    problems.push({ path: '/accounts/imapId/value', message: 'must contain {id}, the device identity' });
  }

  const f = p.features;
  const listsVoicemail = f.objectKinds.includes('voicemail');
  if (f.voicemail && !listsVoicemail) problems.push({ path: '/features/objectKinds', message: 'must include "voicemail" when features.voicemail is true' });
  if (!f.voicemail && listsVoicemail) problems.push({ path: '/features/voicemail', message: 'must be true when features.objectKinds includes "voicemail"' });

  const placeholders = (value: string | undefined, path: string, allowed: string[], required: string[]): void => {
    if (value === undefined) return;
    const used = [...value.matchAll(FOLDER_PLACEHOLDER)].map((m) => m[1] ?? '');
    for (const name of used) {
      if (!allowed.includes(name)) problems.push({ path, message: `unknown placeholder {${name}} (allowed: ${allowed.map((a) => `{${a}}`).join(', ')})` });
    }
    for (const name of required) {
      if (!used.includes(name)) problems.push({ path, message: `must contain {${name}}` });
    }
  };
  placeholders(f.folders.conversation, '/features/folders/conversation', ['root', 'conversationId', 'user'], ['conversationId']);
  placeholders(f.folders.voicemail, '/features/folders/voicemail', ['root', 'user'], []);
  placeholders(f.folders.root, '/features/folders/root', ['user'], []);
  return problems;
}

function normalize(p: RawProfile): Omit<Profile, 'source' | 'sha256' | 'secretPaths'> {
  const t = p.target ?? { kind: 'reference' };
  const ca = (c: RawCa | undefined): CaSettings | undefined =>
    c === undefined ? undefined : { ...(c.file !== undefined ? { file: c.file } : {}), insecureSkipVerify: c.insecureSkipVerify ?? false };
  let target: Target;
  switch (t.kind) {
    case 'reference':
      target = {
        kind: 'reference',
        faults: t.faults ?? [],
        ...(t.identityBinding !== undefined ? { identityBinding: t.identityBinding } : {}),
        ...(t.pfPath !== undefined ? { pfPath: t.pfPath } : {}),
        ...(t.pushFormat !== undefined ? { pushFormat: t.pushFormat } : {}),
        host: t.host ?? '127.0.0.1',
        port: t.port ?? 0,
      };
      break;
    case 'container': {
      const c = ca(t.ca);
      target = {
        kind: 'container',
        image: t.image!,
        env: t.env ?? {},
        ...(t.command !== undefined ? { command: t.command } : {}),
        ready: t.ready!,
        imapPort: t.imapPort!,
        host: t.host ?? '127.0.0.1',
        tls: t.tls ?? 'none',
        ...(c ? { ca: c } : {}),
        startupTimeoutMs: t.startupTimeoutMs ?? 60_000,
        allowNonLoopback: t.allowNonLoopback ?? false,
      };
      break;
    }
    case 'external': {
      const c = ca(t.ca);
      target = { kind: 'external', host: t.host!, port: t.port!, tls: t.tls!, ...(c ? { ca: c } : {}), allowNonLoopback: t.allowNonLoopback ?? false };
      break;
    }
    case 'dovecot':
      target = { kind: 'dovecot', binary: t.binary ?? 'dovecot' };
      break;
  }
  const users: User[] = p.accounts.users.map((u) => ({
    name: u.name,
    devices: u.devices.map((d) => ({
      id: d.id,
      credentials: d.credentials,
      login: d.login ?? (d.announce === 'login' ? `${u.name}#${d.id}` : u.name),
      announce: d.announce,
    })),
  }));
  const binding = p.push?.binding;
  return {
    name: p.name,
    description: p.description ?? '',
    target,
    accounts: {
      users,
      ...(p.accounts.pf ? { pf: p.accounts.pf } : {}),
      imapId: { key: p.accounts.imapId?.key ?? '+sip.instance', value: p.accounts.imapId?.value ?? '<{id}>' },
    },
    features: {
      ...p.features,
      folders: {
        root: p.features.folders.root,
        conversation: p.features.folders.conversation ?? DEFAULT_CONVERSATION_FOLDER,
        ...(p.features.folders.voicemail !== undefined ? { voicemail: p.features.folders.voicemail } : {}),
        audit: p.features.folders.audit ?? [],
      },
    },
    push: {
      listen: {
        host: p.push?.listen?.host ?? '127.0.0.1',
        port: p.push?.listen?.port ?? 0,
        allowNonLoopback: p.push?.listen?.allowNonLoopback ?? false,
      },
      path: p.push?.path ?? '/push',
      // The one place a profile's binding becomes the general form (a shorthand is translated in binding.ts).
      binding: (() => {
        const b = bindingFromProfile(binding);
        return isGeneralForm(binding) ? b : { ...b, schema: binding?.schema ?? SUITE_PUSH_SCHEMA };
      })(),
      delivery: {
        order: p.push?.delivery?.order ?? 'per-user',
        graceMs: p.push?.delivery?.graceMs ?? 0,
        quietWindowMs: p.push?.delivery?.quietWindowMs ?? 300,
      },
      timeoutMs: p.push?.timeoutMs ?? 5000,
    },
    timeouts: { ...DEFAULT_TIMEOUTS, ...(p.timeouts ?? {}) },
    limits: { ...DEFAULT_LIMITS, ...(p.limits ?? {}) },
  };
}

/** JSON with sorted keys, so the hash does not depend on property order in the file. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hash of what the profile declares: defaults applied, paths as written, secrets masked. */
function hashProfile(normalized: object, secretPaths: readonly string[]): string {
  return createHash('sha256').update(canonicalJson(maskPaths(normalized, secretPaths, '<secret>'))).digest('hex');
}

function resolvePaths(
  p: Omit<Profile, 'source' | 'sha256' | 'secretPaths'>,
  baseDir: string,
  problems: ProfileProblem[],
): Omit<Profile, 'source' | 'sha256' | 'secretPaths'> {
  const file = (value: string, path: string): string => {
    const abs = isAbsolute(value) ? value : resolve(baseDir, value);
    if (!existsSync(abs)) problems.push({ path, message: `file not found: ${abs}` });
    return abs;
  };
  const out = structuredClone(p);
  const t = out.target;
  if ((t.kind === 'external' || t.kind === 'container') && t.ca?.file !== undefined) t.ca.file = file(t.ca.file, '/target/ca/file');
  const schemaPath = out.push.binding.schema;
  if (typeof schemaPath === 'string') out.push.binding.schema = schemaPath === SUITE_PUSH_SCHEMA ? DEFAULT_PUSH_SCHEMA_PATH : file(schemaPath, '/push/binding/schema');
  out.push.binding.examples.forEach((e, i) => (e.file = file(e.file, `/push/binding/examples/${i}/file`)));
  return out;
}

/** Fills {{push.url}}-style templates (container env and command). Unknown names are left as they are. */
export function expandTemplates(value: string, vars: Partial<Record<TemplateName, string | number>>): string {
  return value.replace(TEMPLATE, (whole, name: string) => {
    const v = vars[name as TemplateName];
    return v === undefined ? whole : String(v);
  });
}

/** The folder of a conversation, from features.folders.conversation. */
export function conversationFolder(profile: Pick<Profile, 'features'>, conversationId: string, user = ''): string {
  const f = profile.features.folders;
  return fillFolder(f.conversation, { root: fillFolder(f.root, { user }), conversationId, user });
}

/** The voicemail folder (undefined when the profile declares none). */
export function voicemailFolder(profile: Pick<Profile, 'features'>, user = ''): string | undefined {
  const f = profile.features.folders;
  return f.voicemail === undefined ? undefined : fillFolder(f.voicemail, { root: fillFolder(f.root, { user }), user });
}

function fillFolder(template: string, vars: Record<string, string>): string {
  // A store without a root folder: "{root}/x" is the top-level "x", not "/x".
  const t = vars['root'] === '' ? template.replace(/^\{root\}\//, '') : template;
  return t.replace(FOLDER_PLACEHOLDER, (whole, name: string) => vars[name] ?? whole);
}
