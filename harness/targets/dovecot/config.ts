// Files a Dovecot target runs from: dovecot.conf filled from the template, the accounts table auth.lua
// reads, and the PF's master-user passwd-file. Pure functions of the profile and the run directory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { voicemailFolder } from '../../profile/load.js';
import type { Credentials, Profile } from '../../profile/types.js';
import { TargetSetupError } from '../types.js';

/** fixtures/targets/dovecot/: the config template, auth.lua, push.lua. */
export const DOVECOT_FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/targets/dovecot/', import.meta.url));

export const SEEN_BY_PREFIX = '$CPMSeenBy_';
export const DELETED_BY_PREFIX = '$CPMDeletedBy_';

/**
 * Device id inside a $CPMSeenBy_ / $CPMDeletedBy_ keyword: bytes outside [A-Za-z0-9:.\-_@+;/] become =XX
 * (upper-case hex of the UTF-8 byte), as reference-store/cpm/identity.ts does and push.lua decodes.
 */
export function keywordDeviceId(id: string): string {
  let out = '';
  for (const ch of id) {
    if (/[A-Za-z0-9:.\-_@+;/]/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '=' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Comparison key of a device id, as auth.lua computes it (spec notes §8.5). */
export function deviceKey(id: string): string {
  let v = id.trim().replace(/^\+?sip\.instance\s*=\s*/i, '');
  v = v.replace(/^"(.*)"$/, '$1').replace(/^<(.*)>$/, '$1').trim();
  if (/^urn:uuid:/i.test(v)) return v.toLowerCase();
  const m = /^urn:([^:]+):(.*)$/i.exec(v);
  return m ? `urn:${m[1]!.toLowerCase()}:${m[2]!}` : v;
}

function passwordOf(c: Credentials, what: string): string {
  if ('password' in c) return c.password;
  throw new TargetSetupError(`${what}: the Dovecot target authenticates with passwords only (LOGIN / AUTH=PLAIN)`);
}

/** A Lua string literal: printable ASCII as is, every other byte as a decimal escape. */
export function luaString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c) out += String.fromCharCode(b);
    else out += '\\' + String(b).padStart(3, '0');
  }
  return out + '"';
}

/** accounts.lua: users with their declared devices, and every login name the profile resolves. */
export function accountsLua(profile: Profile): string {
  const lines = ['-- Generated from the target profile by harness/targets/dovecot/config.ts. Read by auth.lua.', 'return {', '  users = {'];
  const logins: string[] = [];
  for (const u of profile.accounts.users) {
    lines.push(`    [${luaString(u.name)}] = { devices = {`);
    for (const d of u.devices) {
      const pw = passwordOf(d.credentials, `device ${d.id} of ${u.name}`);
      lines.push(`      { id = ${luaString(d.id)}, key = ${luaString(deviceKey(d.id))}, password = ${luaString(pw)} },`);
      // A device-bearing login (announce=login) names its device; other logins are the plain user name,
      // whose device comes from an IMAP ID before LOGIN.
      if (d.announce === 'login') logins.push(`    [${luaString(d.login)}] = { user = ${luaString(u.name)}, device = ${luaString(d.id)} },`);
      else if (d.login !== u.name) logins.push(`    [${luaString(d.login)}] = { user = ${luaString(u.name)} },`);
    }
    lines.push('    } },');
    logins.push(`    [${luaString(u.name)}] = { user = ${luaString(u.name)} },`);
  }
  lines.push('  },', '  logins = {', ...new Set(logins), '  },', '}', '');
  return lines.join('\n');
}

/** devices.lua: user → { comparison key → configured id }, for push.lua (no secrets, world-readable). */
export function devicesLua(profile: Profile): string {
  const lines = ['-- Generated from the target profile by harness/targets/dovecot/config.ts. Read by push.lua.', 'return {'];
  for (const u of profile.accounts.users) {
    const ids = u.devices.map((d) => `[${luaString(deviceKey(d.id))}] = ${luaString(d.id)}`);
    lines.push(`  [${luaString(u.name)}] = { ${ids.join(', ')} },`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

/** passwd-file line of the PF master user ({SHA256} so that any password character is safe). */
export function masterUsersFile(profile: Profile): string {
  const pf = profile.accounts.pf;
  if (!pf) return '';
  if (/[:\s]/.test(pf.login) || pf.login === '') throw new TargetSetupError(`PF login ${JSON.stringify(pf.login)}: no ':' or white space allowed by Dovecot's passwd-file`);
  const digest = createHash('sha256').update(passwordOf(pf.credentials, 'PF account'), 'utf8').digest('base64');
  return `${pf.login}:{SHA256}${digest}\n`;
}

/** Longest keyword the PF path needs, with room to spare; Dovecot's default (50) is too short for GRUUs. */
export function maxKeywordLength(profile: Profile): number {
  let longest = 0;
  for (const u of profile.accounts.users) {
    for (const d of u.devices) longest = Math.max(longest, DELETED_BY_PREFIX.length + keywordDeviceId(d.id).length);
  }
  return Math.max(255, longest + 64);
}

/** A config value in double quotes (Dovecot's quoting: backslash escapes). */
function quoted(v: string): string {
  if (/[\r\n]/.test(v)) throw new TargetSetupError(`config value ${JSON.stringify(v)} contains a line break`);
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface ProcessOwners {
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  mailUid: number;
  mailGid: number;
}

export interface ConfigPaths {
  runDir: string;
  stateDir: string;
  mailDir: string;
  authLua: string;
  pushLua: string;
  devicesLua: string;
  masterUsersFile: string;
}

export interface ConfigValues {
  instanceName: string;
  imapPort: number;
  pushUrl: string;
  pushTimeoutMs: number;
  /** '/dev/stderr' sends every process's log to the master's stderr (collected by the harness). */
  logPath: string;
}

/** dovecot.conf from the template; throws if a placeholder is left unfilled. */
export function renderConfig(template: string, profile: Profile, paths: ConfigPaths, owners: ProcessOwners, values: ConfigValues): string {
  const f = profile.features;
  const vars: Record<string, string | number> = {
    ...paths,
    ...values,
    internalUser: owners.internalUser,
    internalGroup: owners.internalGroup,
    loginUser: owners.loginUser,
    mailUid: owners.mailUid,
    mailGid: owners.mailGid,
    firstValidUid: Math.min(owners.mailUid, 100),
    firstValidGid: Math.min(owners.mailGid, 100),
    maxKeywordLength: maxKeywordLength(profile),
    pushUrl: f.push ? values.pushUrl : '',
    // {user} stays for push.lua to fill per user.
    storeRoot: quoted(f.folders.root),
    voicemailFolder: quoted(f.voicemail ? (voicemailFolder(profile, '{user}') ?? '') : ''),
  };
  const out = template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined ? whole : String(v);
  });
  const left = /\{\{\w+\}\}/.exec(out);
  if (left) throw new TargetSetupError(`dovecot.conf.template: no value for ${left[0]}`);
  return out;
}

export function readFixture(name: string): string {
  return readFileSync(DOVECOT_FIXTURES_DIR + name, 'utf8');
}
