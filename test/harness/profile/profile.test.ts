import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  conversationFolder,
  describeProfile,
  expandTemplates,
  loadProfile,
  ProfileError,
  redact,
  REFERENCE_PROFILE_PATH,
  secretsOf,
  validateProfile,
  voicemailFolder,
  type ProfileProblem,
} from '../../../harness/profile/index.js';
import { validateProfileFile } from '../../../harness/profile/cli-validate.js';
import { DEFAULT_PUSH_SCHEMA_PATH } from '../../../harness/push/binding.js';

const PROFILES = new URL('../../../fixtures/profiles/', import.meta.url);
const fixture = (name: string): string => new URL(name, PROFILES).pathname;
const VENDOR_ENV = {
  ACME_ADMIN_PASSWORD: 'adm1n-Pa55',
  ACME_ALICE_PASSWORD: 'al1ce-Pa55"quote',
  ACME_ALICE_TABLET_TOKEN: 'tablet-token-ABC123',
  ACME_ALICE_WEB_TOKEN: 'web-token-XYZ789',
  ACME_BOB_PASSWORD: 'b0b-Pa55',
  ACME_PF_PASSWORD: 'pf-Pa55\\slash',
};

type Doc = Record<string, any>;
const reference = (): Doc => JSON.parse(readFileSync(REFERENCE_PROFILE_PATH, 'utf8')) as Doc;

const tmp = mkdtempSync(join(tmpdir(), 'cpm-profile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function writeProfile(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

/** The problems a document produces (validated as if it lived in fixtures/profiles/). */
function problemsOf(doc: unknown, env: Record<string, string> = {}): ProfileProblem[] {
  try {
    validateProfile(doc, fixture('under-test.json'), { env });
  } catch (e) {
    if (e instanceof ProfileError) return e.problems;
    throw e;
  }
  return [];
}
const lines = (doc: unknown, env: Record<string, string> = {}): string[] => problemsOf(doc, env).map((p) => `${p.path}: ${p.message}`);

describe('shipped profiles', () => {
  test('the reference profile is the default and declares alice with three devices, one per announce method', () => {
    const p = loadProfile(undefined, {});
    expect(p.source).toBe(REFERENCE_PROFILE_PATH);
    expect(p.target).toEqual({ kind: 'reference', faults: [], host: '127.0.0.1', port: 0 });
    const [alice, bob] = p.accounts.users;
    expect(alice?.name).toBe('alice');
    expect(alice?.devices.map((d) => d.announce)).toEqual(['login', 'imap-id-before-login', 'imap-id-after-login']);
    expect(alice?.devices.map((d) => d.id)).toEqual([
      expect.stringMatching(/^urn:uuid:/),
      'urn:gsma:imei:35000000-000001-0',
      expect.stringMatching(/^urn:uuid:/),
    ]);
    expect(alice?.devices.map((d) => d.login)).toEqual([`alice#${alice?.devices[0]?.id}`, 'alice', 'alice']);
    expect(bob?.devices).toHaveLength(1);
    expect(p.accounts.pf?.login).toBe('pf');
    expect(p.features).toMatchObject({ notify: true, push: true, voicemail: true, identityBinding: 'header', pfPath: 'keyword' });
    expect(p.features.objectKinds).toHaveLength(9);
    expect(p.push.binding.schema).toBe(DEFAULT_PUSH_SCHEMA_PATH);
    expect(p.push.binding.identity[0]?.selector).toBe('/statusChange/triggeringDevice');
    expect(p.push.binding.form).toBe('shorthand');
    expect(p.push.delivery).toEqual({ order: 'per-user', graceMs: 0, quietWindowMs: 300 });
    expect(p.timeouts).toEqual({ connectMs: 10000, commandMs: 10000, notifyMs: 5000 });
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('reference-minimal validates and gets every default', () => {
    const p = loadProfile(fixture('reference-minimal.json'), {});
    expect(p.target.kind).toBe('reference');
    expect(p.features.folders).toEqual({ root: 'RCSMessageStore', conversation: '{root}/{conversationId}', audit: [] });
    expect(p.push).toMatchObject({ listen: { host: '127.0.0.1', port: 0, allowNonLoopback: false }, path: '/push', timeoutMs: 5000 });
    expect(p.description).toBe('Embedded reference store declared without NOTIFY, PUSH, voicemail or identity binding.');
  });

  test('example-vendor validates with its variables set, resolving files next to the profile', () => {
    const p = loadProfile(fixture('example-vendor.json'), VENDOR_ENV);
    expect(p.target).toMatchObject({
      kind: 'container',
      image: 'acme/cpm-store:4.2',
      tls: 'starttls',
      ready: { logLine: 'IMAP listener ready' },
      ca: { file: fixture('example-vendor/test-ca.pem'), insecureSkipVerify: false },
    });
    if (p.target.kind !== 'container') throw new Error('container expected');
    expect(p.target.env['ACME_ADMIN_PASSWORD']).toBe('adm1n-Pa55');
    expect(p.accounts.users[0]?.devices[0]).toMatchObject({ login: 'alice@acme.test/phone', credentials: { password: 'al1ce-Pa55"quote' } });
    expect(p.accounts.users[0]?.devices[1]?.credentials).toEqual({ oauthBearer: 'tablet-token-ABC123' });
    expect(p.push.binding.schema).toBe(fixture('example-vendor/push.schema.json'));
    expect(p.push.binding).toMatchObject({ form: 'general', events: "$['push-message'].nmsEventList.nmsEvent[*]" });
    expect(p.push.binding.examples.map((e) => e.file)).toEqual([fixture('example-vendor/push-seen.json'), fixture('example-vendor/push-delete.json')]);
  });

  test('every shipped profile points editors at the schema, and the README documents every schema field', () => {
    for (const name of ['reference.json', 'reference-minimal.json', 'example-vendor.json']) {
      expect((JSON.parse(readFileSync(fixture(name), 'utf8')) as Doc)['$schema']).toBe('./profile.schema.json');
    }
    const schema = JSON.parse(readFileSync(fixture('profile.schema.json'), 'utf8')) as Doc;
    const readme = readFileSync(fixture('README.md'), 'utf8');
    const names = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'properties') Object.keys(v as object).filter((n) => !n.startsWith('$')).forEach((n) => names.add(n));
          walk(v);
        }
      }
    };
    walk(schema);
    const undocumented = [...names].filter((n) => !new RegExp(`\`[^\`]*\\b${n}\\b[^\`]*\``).test(readme));
    expect(undocumented).toEqual([]);
  });

  test('validate-profile: ok summary, or exit code 2 with one "path: reason" line per problem', () => {
    const ok = validateProfileFile(fixture('reference.json'), {});
    expect(ok).toMatchObject({ ok: true, message: expect.stringContaining('valid profile "reference"') });
    const bad = validateProfileFile(fixture('example-vendor.json'), { ...VENDOR_ENV, ACME_BOB_PASSWORD: undefined as unknown as string });
    expect(bad).toEqual({
      ok: false,
      exitCode: 2,
      message: `${fixture('example-vendor.json')}: 1 problem(s)\n/accounts/users/1/devices/0/credentials/password: environment variable ACME_BOB_PASSWORD is not set (line 50, column 97)`,
    });
  });
});

describe('broken profiles name the exact place', () => {
  test('wrong enum value', () => {
    const doc = reference();
    doc['target'] = { kind: 'external', host: '127.0.0.1', port: 143, tls: 'ssl' };
    expect(lines(doc)).toEqual(['/target/tls: must be one of none, starttls, implicit']);
  });

  test('missing required property deep inside devices', () => {
    const doc = reference();
    delete doc['accounts'].users[0].devices[1].announce;
    expect(lines(doc)).toEqual(['/accounts/users/0/devices/1/announce: is required']);
  });

  test('unknown property by name, with a suggestion', () => {
    const doc = reference();
    const device = doc['accounts'].users[0].devices[2];
    device.annouce = device.announce;
    delete device.announce;
    doc['features'].pushh = true;
    expect(lines(doc)).toEqual([
      '/accounts/users/0/devices/2/announce: is required',
      '/accounts/users/0/devices/2/annouce: unknown property "annouce" (did you mean "announce"?)',
      '/features/pushh: unknown property "pushh" (did you mean "push"?)',
    ]);
    doc['features'].zzz = 1;
    expect(lines(doc)).toContain('/features/zzz: unknown property "zzz" (allowed: notify, push, voicemail, identityBinding, pfPath, objectKinds, folders)');
  });

  test('wrong type deep inside devices', () => {
    const doc = reference();
    doc['accounts'].users[0].devices[2].credentials = { password: 5 };
    doc['accounts'].users[1].devices[0].announce = ['login'];
    expect(lines(doc)).toEqual([
      '/accounts/users/0/devices/2/credentials/password: must be a string',
      '/accounts/users/1/devices/0/announce: must be one of login, imap-id-before-login, imap-id-after-login, credentials',
    ]);
  });

  test('credentials need exactly one mechanism', () => {
    const doc = reference();
    doc['accounts'].users[0].devices[0].credentials = {};
    doc['accounts'].users[0].devices[1].credentials = { password: 'a', xoauth2: 'b' };
    expect(lines(doc)).toEqual([
      '/accounts/users/0/devices/0/credentials: must have exactly one of "password", "oauthBearer", "xoauth2"',
      '/accounts/users/0/devices/1/credentials: must have exactly one of "password", "oauthBearer", "xoauth2"',
    ]);
  });

  test('target kind: unknown, missing, and errors inside the selected kind only', () => {
    const doc = reference();
    doc['target'] = { kind: 'vm' };
    expect(lines(doc)).toEqual(['/target/kind: must be one of reference, container, external, dovecot']);
    doc['target'] = {};
    expect(lines(doc)).toEqual(['/target/kind: is required']);
    doc['target'] = { kind: 'container', image: 'x', ready: { logLine: 'up', command: ['true'] } };
    expect(lines(doc)).toEqual([
      '/target/imapPort: is required',
      '/target/ready: must have exactly one of "logLine" (a string the container logs when ready) or "command" (argv run inside the container, exit 0 = ready)',
    ]);
  });

  test('device identity syntax', () => {
    const doc = reference();
    doc['accounts'].users[1].devices[0].id = 'imei:35000000-000001-0';
    expect(lines(doc)).toEqual([
      '/accounts/users/1/devices/0/id: must be a device identity: urn:uuid:<8-4-4-4-12 hex>, urn:gsma:imei:<8 digits>-<6 digits>-<1 digit>, or a public GRUU sip:user@host;gr=urn:…',
    ]);
    doc['accounts'].users[1].devices[0].id = 'sip:bob@example.test;gr=urn:uuid:9b2f3d1e-5c4a-4b8e-9f01-23456789abcd';
    expect(lines(doc)).toEqual([]);
    doc['accounts'].users[1].devices[0].id = 'URN:UUID:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6';
    expect(lines(doc)).toEqual(['/accounts/users/1/devices/0/id: duplicate device identity (also /accounts/users/0/devices/0/id)']);
  });

  test('at least one user with at least one device', () => {
    const doc = reference();
    doc['accounts'].users[1].devices = [];
    expect(lines(doc)).toEqual(['/accounts/users/1/devices: must have at least 1 item']);
    doc['accounts'].users = [];
    expect(lines(doc)).toEqual(['/accounts/users: must have at least 1 item']);
  });

  test('non-loopback hosts need allowNonLoopback', () => {
    const doc = reference();
    doc['target'] = { kind: 'external', host: '10.1.2.3', port: 143, tls: 'implicit' };
    doc['push'] = { listen: { host: '192.0.2.7' } };
    expect(lines(doc)).toEqual([
      '/target/host: "10.1.2.3" is not a loopback address: the suite talks to loopback only (127.0.0.0/8, ::1, localhost) unless "allowNonLoopback": true is set in /target',
      '/push/listen/host: "192.0.2.7" is not a loopback address: the suite talks to loopback only (127.0.0.0/8, ::1, localhost) unless "allowNonLoopback": true is set in /push/listen',
    ]);
    doc['target'].allowNonLoopback = true;
    doc['push'].listen.allowNonLoopback = true;
    expect(lines(doc)).toEqual([]);
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', '0:0:0:0:0:0:0:1']) {
      expect(lines({ ...doc, target: { kind: 'external', host, port: 143, tls: 'none' } })).toEqual([]);
    }
  });

  test('checks the schema cannot express: faults, templates, folders, voicemail consistency', () => {
    const doc = reference();
    doc['target'].faults = ['push-omit-identity', 'drop-header:vm:from', 'push-omit-identiy'];
    expect(lines(doc)).toEqual([
      '/target/faults/2: unknown fault "push-omit-identiy" (did you mean "push-omit-identity"?); the list is in reference-store/faults.ts',
    ]);
    const vendor = JSON.parse(readFileSync(fixture('example-vendor.json'), 'utf8')) as Doc;
    vendor['target'].env.ACME_PUSH_URL = '{{push.uri}}';
    vendor['features'].objectKinds = ['chat'];
    vendor['features'].folders.conversation = '{root}/{conversation}';
    expect(lines(vendor, VENDOR_ENV)).toEqual([
      '/target/env/ACME_PUSH_URL: unknown template {{push.uri}} (known: {{push.url}}, {{push.host}}, {{push.port}}, {{push.path}}, {{imap.host}}, {{imap.port}})',
      '/features/objectKinds: must include "voicemail" when features.voicemail is true',
      '/features/folders/conversation: unknown placeholder {conversation} (allowed: {root}, {conversationId}, {user})',
      '/features/folders/conversation: must contain {conversationId}',
    ]);
    const noVmFolder = reference();
    delete noVmFolder['features'].folders.voicemail;
    expect(lines(noVmFolder)).toEqual(['/features/folders/voicemail: is required']);
  });

  test('files named by the profile must exist', () => {
    const vendor = JSON.parse(readFileSync(fixture('example-vendor.json'), 'utf8')) as Doc;
    vendor['push'].binding.schema = './nope.schema.json';
    expect(lines(vendor, VENDOR_ENV)).toEqual([`/push/binding/schema: file not found: ${fixture('nope.schema.json')}`]);
  });

  test('JSON syntax errors carry line and column and never quote the source', () => {
    const file = writeProfile('syntax.json', '{\n  "name": "x",\n  "accounts": { "users": [] },\n  "password": "hunter2-secret" "features": {}\n}\n');
    const err = (() => {
      try {
        loadProfile(file, {});
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ProfileError);
    expect((err as ProfileError).exitCode).toBe(2);
    expect((err as ProfileError).problems).toEqual([
      { path: '', message: "invalid JSON: expected ',' or '}' after property value, found a string", line: 4, column: 32 },
    ]);
    expect((err as Error).message).not.toContain('hunter2');
    expect(validateProfileFile(file, {})).toMatchObject({ ok: false, exitCode: 2, message: expect.stringContaining('/: invalid JSON') });

    const trailing = writeProfile('trailing.json', '{ "name": "x", }');
    expect(() => loadProfile(trailing, {})).toThrow(/trailing comma before '}' \(line 1, column 16\)/);
    const dup = writeProfile('dup.json', '{\n  "name": "a",\n  "name": "b"\n}');
    expect(() => loadProfile(dup, {})).toThrow(/invalid JSON: duplicate property "name" \(line 3, column 3\)/);
    expect(() => loadProfile(join(tmp, 'missing.json'), {})).toThrow(/cannot read the profile \(no such file\)/);
  });

  test('schema problems from a file carry line and column', () => {
    const doc = reference();
    doc['accounts'].users[0].devices[1].announce = 'sms';
    const file = writeProfile('enum.json', JSON.stringify(doc, null, 2));
    const text = readFileSync(file, 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes('"sms"')) + 1;
    try {
      loadProfile(file, {});
      expect.unreachable();
    } catch (e) {
      expect((e as ProfileError).problems).toEqual([
        {
          path: '/accounts/users/0/devices/1/announce',
          message: 'must be one of login, imap-id-before-login, imap-id-after-login, credentials',
          line,
          column: text[line - 1]!.indexOf('"sms"') + 1,
        },
      ]);
    }
  });
});

describe('${env:…} secrets', () => {
  test('substitutes whole and embedded references, and $comment is left alone', () => {
    const doc = reference();
    doc['accounts'].users[0].devices[0].credentials.password = '${env:ALICE_PW}';
    doc['name'] = 'ref-${env:SITE}-${env:SITE}';
    doc['$comment'] = 'uses ${env:NOT_SET}';
    const p = validateProfile(doc, fixture('x.json'), { env: { ALICE_PW: 'pw-from-env', SITE: 'lab' } });
    expect(p.accounts.users[0]?.devices[0]?.credentials).toEqual({ password: 'pw-from-env' });
    expect(p.name).toBe('ref-lab-lab');
  });

  test('a missing variable names the path and the variable, never a value', () => {
    const doc = reference();
    doc['accounts'].users[0].devices[0].credentials.password = '${env:ALICE_PW}';
    doc['accounts'].users[1].devices[0].credentials.password = 'prefix-${env:BOB_PW}';
    doc['accounts'].users[0].devices[1].credentials.password = '${env:bad-name}';
    const env = { BOB_PW: 'bob-value-from-env', UNRELATED_TOKEN: 'tok-value' };
    try {
      validateProfile(doc, 'inline', { env });
      expect.unreachable();
    } catch (e) {
      const err = e as ProfileError;
      expect(err.problems).toEqual([
        { path: '/accounts/users/0/devices/0/credentials/password', message: 'environment variable ALICE_PW is not set' },
        { path: '/accounts/users/0/devices/1/credentials/password', message: 'malformed environment reference ${env:bad-name} (a variable name is letters, digits and _)' },
      ]);
      expect(err.message).not.toMatch(/bob-value|tok-value|alice-secret|alice-device-a/);
    }
  });

  test('an unset variable in a file is located', () => {
    const vendor = readFileSync(fixture('example-vendor.json'), 'utf8');
    const file = writeProfile('vendor-copy.json', vendor);
    expect(() => loadProfile(file, { ...VENDOR_ENV, ACME_PF_PASSWORD: undefined as unknown as string })).toThrow(
      /\/accounts\/pf\/credentials\/password: environment variable ACME_PF_PASSWORD is not set \(line 54, column 61\)/,
    );
  });
});

describe('hash, description and redaction', () => {
  test('the hash ignores secrets, property order and $comment, but not what the profile declares', () => {
    const base = validateProfile(reference(), 'a').sha256;
    const changed = reference();
    changed['accounts'].users[0].devices[0].credentials.password = 'another-password';
    changed['accounts'].pf.credentials = { password: 'rotated' };
    changed['$comment'] = 'edited';
    expect(validateProfile(changed, 'b').sha256).toBe(base);
    const reordered = Object.fromEntries(Object.entries(reference()).reverse());
    expect(validateProfile(reordered, 'c').sha256).toBe(base);
    const explicitDefaults = reference();
    delete explicitDefaults['timeouts'];
    delete explicitDefaults['push'];
    expect(validateProfile(explicitDefaults, 'd').sha256).toBe(base);

    const other = reference();
    other['features'].notify = false;
    expect(validateProfile(other, 'e').sha256).not.toBe(base);
    const env1 = loadProfile(fixture('example-vendor.json'), VENDOR_ENV).sha256;
    const env2 = loadProfile(fixture('example-vendor.json'), Object.fromEntries(Object.keys(VENDOR_ENV).map((k) => [k, `${k}-rotated`]))).sha256;
    expect(env2).toBe(env1);
  });

  test('describeProfile contains no secret and a redacted copy with defaults', () => {
    const p = loadProfile(fixture('example-vendor.json'), VENDOR_ENV);
    const d = describeProfile(p);
    const text = JSON.stringify(d);
    for (const value of Object.values(VENDOR_ENV)) expect(text).not.toContain(value);
    expect(d).toMatchObject({ name: 'acme-cpm-store-4.2', sha256: p.sha256, target: 'container acme/cpm-store:4.2 (IMAP 127.0.0.1:14143, tls starttls)' });
    expect(d.profile.accounts.users[0]?.devices[0]?.credentials).toEqual({ password: '***' });
    expect((d.profile.target as { env: Record<string, string> }).env).toMatchObject({ ACME_ADMIN_PASSWORD: '***', ACME_LOG_LEVEL: 'debug' });
    expect(d.profile.timeouts.notifyMs).toBe(8000);
  });

  test('secretsOf lists every credential and redact hides it in every wire form', () => {
    const p = loadProfile(fixture('example-vendor.json'), VENDOR_ENV);
    const secrets = secretsOf(p);
    for (const value of Object.values(VENDOR_ENV)) expect(secrets).toContain(value);
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const transcript = [
      `C: a1 LOGIN "alice@acme.test/phone" "al1ce-Pa55\\"quote"`,
      `C: a2 AUTHENTICATE PLAIN ${b64('\0bob@acme.test#urn:uuid:3f2e1d0c-9b8a-4765-a432-10fedcba9876\0b0b-Pa55')}`,
      `C: a6 AUTHENTICATE PLAIN ${b64('x\0bob\0b0b-Pa55')}`,
      `C: a7 AUTHENTICATE PLAIN ${b64('xy\0bob\0b0b-Pa55')}`,
      `C: a3 AUTHENTICATE PLAIN ${b64('alice@acme.test\0cpm-pf\0pf-Pa55\\slash')}`,
      `C: a4 AUTHENTICATE XOAUTH2 ${b64('user=alice@acme.test\x01auth=Bearer web-token-XYZ789\x01\x01')}`,
      `C: a5 AUTHENTICATE OAUTHBEARER ${b64('n,a=alice@acme.test,\x01auth=Bearer tablet-token-ABC123\x01\x01')}`,
      `env: {"ACME_ADMIN_PASSWORD":"adm1n-Pa55","ALICE":${JSON.stringify('al1ce-Pa55"quote')}}`,
    ].join('\n');
    const clean = redact(transcript, secrets);
    for (const value of Object.values(VENDOR_ENV)) expect(clean).not.toContain(value);
    expect(clean).not.toContain('al1ce-Pa55');
    for (const line of clean.split('\n').filter((l) => l.includes('PLAIN'))) {
      const token = line.split(' ').pop()!;
      expect(token).toContain('***');
      expect(Buffer.from(token.replace('***', ''), 'base64').toString('latin1')).not.toMatch(/b0b-Pa55|pf-Pa55/);
    }
    expect(clean).toContain('C: a1 LOGIN "alice@acme.test/phone" "***"');
    expect(clean).toContain('"ACME_ADMIN_PASSWORD":"***"');
  });

  test('reference profile secrets are its passwords', () => {
    const secrets = secretsOf(loadProfile(undefined, {}));
    for (const pw of ['alice-device-a', 'alice-secret', 'bob-secret', 'pf-secret']) expect(secrets).toContain(pw);
    expect(secrets).not.toContain('alice');
    expect(redact('pw alice-secret and alice-device-a', secrets)).toBe('pw *** and ***');
  });
});

describe('helpers', () => {
  test('expandTemplates fills known names and leaves others', () => {
    expect(expandTemplates('url={{push.url}} port={{ imap.port }} x={{other}}', { 'push.url': 'http://127.0.0.1:5/push', 'imap.port': 14143 })).toBe(
      'url=http://127.0.0.1:5/push port=14143 x={{other}}',
    );
  });

  test('conversation and voicemail folders from the templates', () => {
    const p = loadProfile(undefined, {});
    expect(conversationFolder(p, 'conv-1')).toBe('RCSMessageStore/conv-1');
    expect(voicemailFolder(p)).toBe('RCSMessageStore/Voicemail');
    const v = loadProfile(fixture('example-vendor.json'), VENDOR_ENV);
    expect(voicemailFolder(v)).toBe('Default/VV-Mail');
    expect(voicemailFolder(loadProfile(fixture('reference-minimal.json'), {}))).toBeUndefined();
  });
});

describe('ports from the environment', () => {
  test('a port given as ${env:NAME} becomes a number; a non-numeric one is a schema error naming the field', () => {
    const doc = JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as Doc;
    (doc['push'] as Doc)['listen'] = { host: '127.0.0.1', port: '${env:CPM_TEST_PUSH_PORT}' };
    const p = validateProfile(doc, fixture('ports.json'), { env: { CPM_TEST_PUSH_PORT: '14180' } });
    expect(p.push.listen.port).toBe(14180);
    expect(() => validateProfile(doc, fixture('ports.json'), { env: { CPM_TEST_PUSH_PORT: 'eighty' } })).toThrow(/\/push\/listen\/port/);
  });
});
