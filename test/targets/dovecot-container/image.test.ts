// The Dovecot image's configuration: the shipped container profile says what the Dovecot process profile says,
// and the image's entry script (render.lua) writes byte for byte the files the process target's rendering code
// (harness/targets/dovecot/config.ts) writes, for the shipped accounts and for awkward ones.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadProfile, validateProfile, voicemailFolder, type Profile } from '../../../harness/profile/index.js';
import { PUSH_POST_BOUND_MS } from '../../../harness/targets/dovecot.js';
import { accountsLua, devicesLua, masterUsersFile, readFixture, renderConfig } from '../../../harness/targets/dovecot/config.js';
import { BUILD_BOUND_MS, PROCESS_PROFILE_PATH, PROFILE_PATH, dovecotImage, needImage, renderInImage, type ImageState } from './image.js';

type ContainerTarget = Extract<Profile['target'], { kind: 'container' }>;

function containerTarget(p: Profile): ContainerTarget {
  if (p.target.kind !== 'container') throw new Error(`${p.source} is not a container profile`);
  return p.target;
}

/** The profile as written, without $comment members. */
function rawProfile(path: string): Record<string, unknown> {
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('$')).map(([k, x]) => [k, strip(x)])) : v;
  return strip(JSON.parse(readFileSync(path, 'utf8'))) as Record<string, unknown>;
}

/** The image's environment for a profile, as the shipped profile spells it (push URL and port filled). */
function imageEnv(p: Profile, port: number, pushUrl: string): Record<string, string> {
  return {
    CPM_IMAP_PORT: String(port),
    CPM_PUSH_URL: pushUrl,
    CPM_PUSH_TIMEOUT_MS: String(Math.min(PUSH_POST_BOUND_MS, p.push.timeoutMs)),
    CPM_STORE_ROOT: p.features.folders.root,
    CPM_VOICEMAIL_FOLDER: (p.features.voicemail ? voicemailFolder(p, '{user}') : undefined) ?? '',
    CPM_ACCOUNTS_JSON: JSON.stringify(p.accounts),
  };
}

/** What the process target's code renders with the image's paths and process owners. */
function hostRendering(p: Profile, port: number, pushUrl: string): Record<string, string> {
  const conf = renderConfig(
    readFixture('dovecot.conf.template'),
    p,
    {
      runDir: '/run/cpm',
      stateDir: '/var/lib/cpm/state',
      mailDir: '/var/lib/cpm/mail',
      authLua: '/etc/cpm/auth.lua',
      pushLua: '/etc/cpm/push.lua',
      devicesLua: '/etc/cpm/devices.lua',
      masterUsersFile: '/etc/cpm/master-users',
    },
    { internalUser: 'dovecot', internalGroup: 'dovecot', loginUser: 'dovenull', mailUid: 65534, mailGid: 65534 },
    { instanceName: `cpm-${port}`, imapPort: port, pushUrl, pushTimeoutMs: Math.min(PUSH_POST_BOUND_MS, p.push.timeoutMs), logPath: '/dev/stderr' },
  );
  return { 'dovecot.conf': conf, 'accounts.lua': accountsLua(p), 'devices.lua': devicesLua(p), 'master-users': masterUsersFile(p) };
}

/** The generated Lua files differ only in their first line, which names their generator. */
const body = (text: string | undefined): string => (text ?? '').split('\n').slice(1).join('\n');

describe('the Dovecot container profile (no Docker needed)', () => {
  const profile = loadProfile(PROFILE_PATH);
  const processProfile = loadProfile(PROCESS_PROFILE_PATH);
  const target = containerTarget(profile);

  test('runs the offline image with the harness choosing the port, ready on Dovecot\'s start-up line', () => {
    expect(target).toMatchObject({ image: 'cpm-conformance/dovecot:local', imapPort: 0, host: '127.0.0.1', tls: 'none', ready: { logLine: 'starting up for imap' } });
    expect(target.env).toMatchObject({ CPM_IMAP_PORT: '{{imap.port}}', CPM_PUSH_URL: '{{push.url}}' });
  });

  test('declares what the Dovecot process profile declares: accounts, features, push binding, timeouts, known deviations', () => {
    const raw = rawProfile(PROFILE_PATH);
    const rawProcess = rawProfile(PROCESS_PROFILE_PATH);
    for (const key of ['accounts', 'features', 'push', 'timeouts']) expect({ [key]: raw[key] }).toEqual({ [key]: rawProcess[key] });
    expect(profile.expectedFailures?.file).toBe(processProfile.expectedFailures?.file);
    expect(profile.expectedFailures?.entries.length).toBeGreaterThan(0);
  });

  test('the image environment carries exactly the profile\'s accounts, folders and push bound', () => {
    const env = target.env;
    const fromEnv = validateProfile({ ...rawProfile(PROFILE_PATH), accounts: JSON.parse(env.CPM_ACCOUNTS_JSON ?? 'null') as unknown }, PROFILE_PATH);
    expect(fromEnv.accounts).toEqual(profile.accounts);
    expect(env.CPM_STORE_ROOT).toBe(profile.features.folders.root);
    expect(env.CPM_VOICEMAIL_FOLDER).toBe(voicemailFolder(profile, '{user}'));
    expect(env.CPM_PUSH_TIMEOUT_MS).toBe(String(Math.min(PUSH_POST_BOUND_MS, profile.push.timeoutMs)));
  });
});

describe('the image renders what the process target renders', () => {
  let state: ImageState;
  beforeAll(async () => {
    state = await dovecotImage();
  }, BUILD_BOUND_MS);

  test('the shipped profile', async (ctx) => {
    const image = needImage(state, ctx);
    const p = loadProfile(PROFILE_PATH);
    const got = await renderInImage(image, imageEnv(p, 40123, 'http://127.0.0.1:40124/push'));
    const want = hostRendering(p, 40123, 'http://127.0.0.1:40124/push');
    expect(got['dovecot.conf']).toBe(want['dovecot.conf']);
    expect(body(got['accounts.lua'])).toBe(body(want['accounts.lua']));
    expect(body(got['devices.lua'])).toBe(body(want['devices.lua']));
    expect(got['master-users']).toBe(want['master-users']);
  });

  test('awkward values: quotes, backslashes and 8-bit bytes in ids and passwords, a long GRUU, explicit logins, no PF, no push, no voicemail', async (ctx) => {
    const image = needImage(state, ctx);
    const gruu = `sip:carol@example.test;gr=urn:uuid:${'0123456789abcdef'.repeat(8)}`;
    const p = validateProfile(
      {
        name: 'awkward',
        target: { kind: 'dovecot' },
        accounts: {
          users: [
            {
              name: 'carol',
              devices: [
                { id: 'URN:UUID:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6', credentials: { password: 'q"uo\\te\' é' }, announce: 'login' },
                { id: gruu, credentials: { password: 'p w' }, announce: 'login', login: 'carol-phone' },
                { id: 'urn:GSMA:imei:35000000-000003-0', credentials: { password: 'x' }, announce: 'imap-id-before-login', login: 'carol2' },
              ],
            },
            { name: 'dave', devices: [{ id: 'urn:uuid:9b2f3d1e-5c4a-4b8e-9f01-23456789abcd', credentials: { password: 'line\nbreak\ttab' }, announce: 'login' }] },
          ],
        },
        features: { notify: true, push: false, voicemail: false, identityBinding: 'none', pfPath: 'keyword', objectKinds: ['standalone'], folders: { root: 'Store "x" \\ y' } },
      },
      'awkward',
    );
    const got = await renderInImage(image, imageEnv(p, 1, ''));
    const want = hostRendering(p, 1, '');
    expect(got['dovecot.conf']).toBe(want['dovecot.conf']);
    expect(body(got['accounts.lua'])).toBe(body(want['accounts.lua']));
    expect(body(got['devices.lua'])).toBe(body(want['devices.lua']));
    expect(got['master-users']).toBe('');
  });
});
