// Secrets in a profile: which values they are, every form they can take on the wire, and redaction.
// Reports, transcripts and error messages pass through redact(); the profile hash masks secret paths.
import { compileJsonPointer, jsonPointerGet, parseJsonPointer } from '../push/json-pointer.js';
import type { EnvSubstitution } from './env.js';
import type { Credentials, Profile } from './types.js';

/** A string is secret when a key on its path looks like this (credentials/*, env ADMIN_PASSWORD, …). */
const SECRET_KEY = /credential|pass(word)?|secret|token|api[-_]?key|bearer|oauth/i;

export const SECRET_MASK = '***';

/** Pointers of all secret string values of a (substituted) profile document. */
export function secretPathsOf(doc: unknown, substitutions: readonly EnvSubstitution[] = []): string[] {
  const paths = new Set<string>();
  const walk = (value: unknown, path: string[], secretContext: boolean): void => {
    if (typeof value === 'string') {
      if (secretContext) paths.add(compileJsonPointer(path));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, String(i)], secretContext));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (!k.startsWith('$')) walk(v, [...path, k], secretContext || SECRET_KEY.test(k));
      }
    }
  };
  walk(doc, [], false);
  // A value fed from a secret-looking variable (e.g. ${env:VENDOR_ADMIN_PW}) is secret wherever it lands.
  for (const s of substitutions) if (s.secretLooking) paths.add(s.path);
  return [...paths].sort();
}

export function credentialSecret(c: Credentials): string {
  return 'password' in c ? c.password : 'oauthBearer' in c ? c.oauthBearer : c.xoauth2;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/**
 * The parts of base64 text that depend only on `secret`, for each of the three byte alignments it can have
 * inside a larger encoded blob (SASL PLAIN with any authzid/authcid, tokens inside JSON, …). Masking these
 * hides the secret whatever surrounds it; at most a few bits at its edges stay visible.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const total = k + bytes.length;
    const skip = [0, 2, 3][k]!; // characters still carrying bits of the k prefix bytes
    const rest = total % 3;
    const end = 4 * Math.floor(total / 3) + [0, 1, 2][rest]!; // drop characters that mix in following bytes
    const core = encoded.slice(skip, end);
    if (core.length >= 4) cores.push(core);
  }
  return cores;
}

/** The forms a credential takes in IMAP traffic: LOGIN quoting, SASL PLAIN / OAUTHBEARER / XOAUTH2 blobs. */
function wireForms(login: string, c: Credentials, authzids: readonly string[]): string[] {
  const secret = credentialSecret(c);
  const forms = [b64(secret), ...base64Cores(secret)];
  if ('password' in c) {
    for (const authzid of ['', ...authzids]) forms.push(b64(`${authzid}\0${login}\0${secret}`));
  } else if ('oauthBearer' in c) {
    forms.push(b64(`n,a=${login},\x01auth=Bearer ${secret}\x01\x01`), b64(`n,,\x01auth=Bearer ${secret}\x01\x01`));
  } else {
    forms.push(b64(`user=${login}\x01auth=Bearer ${secret}\x01\x01`));
  }
  return forms;
}

/** Every secret value of the profile, and the encodings in which it can appear in logs (for redact()). */
export function secretsOf(profile: Profile): string[] {
  const out = new Set<string>();
  for (const path of profile.secretPaths) {
    const v = jsonPointerGet(profile, path);
    if (typeof v === 'string') {
      out.add(v);
      for (const core of base64Cores(v)) out.add(core);
    }
  }
  const userNames = profile.accounts.users.map((u) => u.name);
  for (const user of profile.accounts.users) {
    for (const device of user.devices) for (const f of wireForms(device.login, device.credentials, [])) out.add(f);
  }
  const pf = profile.accounts.pf;
  if (pf) for (const f of wireForms(pf.login, pf.credentials, userNames)) out.add(f);
  // Escaped forms: inside JSON reports and IMAP quoted strings.
  for (const s of [...out]) {
    out.add(JSON.stringify(s).slice(1, -1));
    out.add(s.replace(/[\\"]/g, '\\$&'));
  }
  out.delete('');
  return [...out].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of every secret with ***, longest first (so no fragment of a longer one survives). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== '') out = out.split(secret).join(SECRET_MASK);
  }
  return out;
}

/** Deep copy of `doc` with the values at `paths` replaced by `mask`. */
export function maskPaths<T>(doc: T, paths: readonly string[], mask: string = SECRET_MASK): T {
  const copy = structuredClone(doc) as unknown;
  for (const path of paths) {
    const tokens = parseJsonPointer(path);
    const last = tokens.pop();
    if (last === undefined) continue;
    const parent = jsonPointerGet(copy, compileJsonPointer(tokens));
    if (parent !== null && typeof parent === 'object' && Object.hasOwn(parent, last)) {
      (parent as Record<string, unknown>)[last] = mask;
    }
  }
  return copy as T;
}
