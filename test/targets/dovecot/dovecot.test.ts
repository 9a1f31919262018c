// The Dovecot target end to end: a private stock Dovecot 2.3.19 started from fixtures/targets/dovecot/,
// a device per login form, the PF as master user, and the PUSH payloads at the harness's enabler mock.
// Without Dovecot the integration tests are skipped loudly, unless CPM_REQUIRE_DOVECOT=1 (CI) fails them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { loadProfile, validateProfile, type Profile } from '../../../harness/profile/index.js';
import { DEFAULT_PUSH_SCHEMA_PATH } from '../../../harness/push/binding.js';
import { startPushEnabler, type PushEnabler, type PushNotification } from '../../../harness/push/enabler.js';
import { pushEnablerOptions } from '../../../harness/push/from-profile.js';
import { DOVECOT_INSTALL_HINT, PUSH_POST_BOUND_MS, findDovecotBinary, startDovecotTarget, type DovecotRunningTarget } from '../../../harness/targets/dovecot.js';
import { accountsLua, keywordDeviceId, luaString, renderConfig, readFixture } from '../../../harness/targets/dovecot/config.js';
import { TargetSetupError } from '../../../harness/targets/types.js';
import { encodeKeywordId } from '../../../reference-store/cpm/identity.js';

const addFormats = addFormatsModule.default;

const DEVICE_A = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
const DEVICE_B = 'urn:gsma:imei:35000000-000001-0';
const DEVICE_C = 'sip:alice@example.test;gr=urn:uuid:2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d';
const FOLDER = 'RCSMessageStore/conv-1';
const STANDALONE = readFileSync(fileURLToPath(new URL('../../../fixtures/objects/valid/standalone.eml', import.meta.url)));
const PROFILE_PATH = fileURLToPath(new URL('../../../fixtures/targets/dovecot/profile.json', import.meta.url));
/** The fields of a one-event notification (the Dovecot profile uses the shorthand binding). */
const f = (n: PushNotification): { event?: string; uid?: number; folder?: string } => {
  const e = n.events[0];
  return { ...(e?.label !== undefined ? { event: e.label } : {}), ...(e?.refs.uid !== undefined ? { uid: e.refs.uid } : {}), ...(e?.refs.folder !== undefined ? { folder: e.refs.folder } : {}) };
};

const installed = findDovecotBinary() !== undefined;
const required = process.env.CPM_REQUIRE_DOVECOT === '1';
const HOW_TO_ENABLE = `Dovecot target tests SKIPPED: ${DOVECOT_INSTALL_HINT} (set CPM_REQUIRE_DOVECOT=1 to make this a failure)`;
if (!installed && !required) console.warn(`\n*** ${HOW_TO_ENABLE} ***\n`);

/** Skips (loudly) or fails the test when Dovecot is missing. */
function needDovecot(ctx: TestContext): void {
  if (installed) return;
  if (required) throw new Error(`CPM_REQUIRE_DOVECOT=1 but ${DOVECOT_INSTALL_HINT}`);
  ctx.skip(HOW_TO_ENABLE);
}

function smallProfile(): Profile {
  return validateProfile(
    {
      name: 'dovecot-test',
      target: { kind: 'dovecot' },
      accounts: {
        users: [
          {
            name: 'alice',
            devices: [
              { id: DEVICE_A, credentials: { password: 'pw-a' }, announce: 'login' },
              { id: DEVICE_B, credentials: { password: 'pw-b' }, announce: 'imap-id-before-login' },
              { id: DEVICE_C, credentials: { password: 'pw-c' }, announce: 'login' },
            ],
          },
        ],
        pf: { login: 'pf', credentials: { password: 'pf-pw' }, authzidFor: 'login-star' },
      },
      features: {
        notify: true,
        push: true,
        voicemail: true,
        identityBinding: 'none',
        pfPath: 'keyword',
        objectKinds: ['standalone', 'voicemail'],
        folders: { root: 'RCSMessageStore', voicemail: '{root}/Voicemail' },
      },
    },
    'dovecot-test',
  );
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validatePayload = ajv.compile(JSON.parse(readFileSync(DEFAULT_PUSH_SCHEMA_PATH, 'utf8')) as object);

function expectValidPayload(n: PushNotification): Record<string, any> {
  const ok = validatePayload(n.parsed);
  expect(ok ? [] : validatePayload.errors, n.body.toString()).toEqual([]);
  expect(n.schemaValid).toBe(true);
  return n.parsed as Record<string, any>;
}

describe('Dovecot target files (no Dovecot needed)', () => {
  test('the PF keyword encoding of device ids is the reference store one', () => {
    for (const id of [DEVICE_A, DEVICE_B, DEVICE_C, 'urn:uuid:X=Y', 'sip:é@x;gr=urn:uuid:1']) {
      expect(keywordDeviceId(id)).toBe(encodeKeywordId(id));
    }
    expect(keywordDeviceId(DEVICE_C)).toBe('sip:alice@example.test;gr=3Durn:uuid:2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d');
  });

  test('Lua string literals escape quotes, backslashes, control and 8-bit bytes', () => {
    expect(luaString('a"b\\c\n\u00e9')).toBe('"a\\034b\\092c\\010\\195\\169"');
  });

  test('accounts.lua maps each login form to the user and its device', () => {
    const lua = accountsLua(smallProfile());
    expect(lua).toContain(`["alice#${DEVICE_A}"] = { user = "alice", device = "${DEVICE_A}" }`);
    expect(lua).toContain('["alice"] = { user = "alice" }');
    expect(lua).toContain(`key = "${DEVICE_B}", password = "pw-b"`);
  });

  test('the config template is filled completely; a password other than a plain one is refused', () => {
    const profile = smallProfile();
    const conf = renderConfig(
      readFixture('dovecot.conf.template'),
      profile,
      { runDir: '/r', stateDir: '/s', mailDir: '/m', authLua: '/a.lua', pushLua: '/p.lua', devicesLua: '/d.lua', masterUsersFile: '/mu' },
      { internalUser: 'dovecot', internalGroup: 'dovecot', loginUser: 'dovenull', mailUid: 65534, mailGid: 65534 },
      { instanceName: 'x', imapPort: 1234, pushUrl: 'http://127.0.0.1:9/push', pushTimeoutMs: 3000, logPath: '/dev/stderr' },
    );
    expect(conf).not.toMatch(/\{\{/);
    expect(conf).toContain('cpm_voicemail_folder = "RCSMessageStore/Voicemail"');
    expect(conf).toContain('port = 1234');
    const oauth = structuredClone(profile);
    oauth.accounts.users[0]!.devices[0]!.credentials = { oauthBearer: 't' };
    expect(() => accountsLua(oauth)).toThrow(TargetSetupError);
  });

  test('the shipped Dovecot profile validates', () => {
    const p = loadProfile(PROFILE_PATH);
    expect(p.target).toEqual({ kind: 'dovecot', binary: 'dovecot' });
    expect(p.features.pfPath).toBe('keyword');
    expect(p.features.identityBinding).toBe('none');
  });

  test('a missing binary is a setup error that says how to install Dovecot', async () => {
    const profile = smallProfile();
    profile.target = { kind: 'dovecot', binary: '/nonexistent/dovecot' };
    await expect(startDovecotTarget({ profile, pushUrl: 'http://127.0.0.1:9/push' })).rejects.toThrow(
      new TargetSetupError(DOVECOT_INSTALL_HINT),
    );
  });
});

describe('Dovecot target against a running Dovecot', () => {
  let profile: Profile;
  let enabler: PushEnabler | undefined;
  let target: DovecotRunningTarget | undefined;
  let startMs = 0;
  const clients: ImapFlow[] = [];

  beforeAll(async () => {
    if (!installed) return;
    profile = smallProfile();
    enabler = await startPushEnabler(pushEnablerOptions(profile.push));
    const t0 = performance.now();
    target = await startDovecotTarget({ profile, pushUrl: enabler.url });
    startMs = performance.now() - t0;
    console.info(`Dovecot start to greeting: ${startMs.toFixed(0)} ms (${target.info().description})`);
  });

  afterAll(async () => {
    for (const c of clients) await c.logout().catch(() => c.close());
    await target?.stop();
    await enabler?.close();
  });

  async function connect(auth: { user: string; pass: string; authzid?: string }, clientInfo?: Record<string, string>): Promise<ImapFlow> {
    const c = new ImapFlow({
      host: target!.imap.host,
      port: target!.imap.port,
      secure: false,
      auth,
      logger: false,
      disableAutoIdle: true,
      ...(clientInfo ? { clientInfo } : {}),
    });
    await c.connect();
    clients.push(c);
    return c;
  }

  function pushFor(event: string, uid: number, from: number): Promise<PushNotification> {
    return enabler!.waitFor((n) => f(n).event === event && f(n).uid === uid && f(n).folder === FOLDER, {
      from,
      timeoutMs: 5000,
      description: `a ${event} notification for ${FOLDER} UID ${uid}`,
    });
  }

  test('a device session sees NOTIFY and METADATA; APPENDed objects read back byte for byte; new is pushed', async (ctx) => {
    needDovecot(ctx);
    expect(target!.info().version).toMatch(/^2\.3\./);
    const a = await connect({ user: `alice#${DEVICE_A}`, pass: 'pw-a' });
    expect(a.capabilities.has('NOTIFY')).toBe(true);
    expect(a.capabilities.has('METADATA')).toBe(true);
    await a.mailboxCreate(FOLDER);
    const from = enabler!.mark();
    const appended = await a.append(FOLDER, STANDALONE);
    expect(appended).toBeTruthy();
    const uid = (appended as { uid: number }).uid;
    const lock = await a.getMailboxLock(FOLDER);
    try {
      const raw = await a.fetchOne(String(uid), { source: true }, { uid: true });
      expect(raw && raw.source?.equals(STANDALONE)).toBe(true);
    } finally {
      lock.release();
    }
    const n = await pushFor('new', uid, from);
    const body = expectValidPayload(n);
    expect(body.statusChange).toMatchObject({ event: 'new', objectType: 'message', user: 'alice', imdnMessageId: null, triggeringDevice: DEVICE_A });
  });

  test('\\Seen from device A: a seen push naming A, flags and MODSEQ as the store reports them', async (ctx) => {
    needDovecot(ctx);
    const a = await connect({ user: `alice#${DEVICE_A}`, pass: 'pw-a' });
    const appended = (await a.append(FOLDER, STANDALONE)) as { uid: number };
    const lock = await a.getMailboxLock(FOLDER);
    try {
      const latencies: number[] = [];
      let body: Record<string, any> = {};
      for (let i = 0; i < 3; i++) {
        const from = enabler!.mark();
        const t0 = performance.now();
        await a.messageFlagsAdd(String(appended.uid), ['\\Seen'], { uid: true });
        const n = await pushFor('seen', appended.uid, from);
        latencies.push(performance.now() - t0);
        body = expectValidPayload(n);
        await a.messageFlagsRemove(String(appended.uid), ['\\Seen'], { uid: true });
        expectValidPayload(await pushFor('unseen', appended.uid, from));
      }
      console.info(`STORE +FLAGS \\Seen to push: ${latencies.map((l) => l.toFixed(1)).join(', ')} ms`);
      await a.messageFlagsAdd(String(appended.uid), ['\\Seen'], { uid: true });
      const from = enabler!.mark();
      await a.messageFlagsAdd(String(appended.uid), ['\\Flagged'], { uid: true });
      await a.messageFlagsRemove(String(appended.uid), ['\\Seen'], { uid: true });
      body = expectValidPayload(await pushFor('unseen', appended.uid, from));
      const msg = await a.fetchOne(String(appended.uid), { flags: true, uid: true }, { uid: true });
      expect(body.statusChange.triggeringDevice).toBe(DEVICE_A);
      expect(body.statusChange.flags).toEqual([...(msg ? msg.flags ?? [] : [])].filter((f) => f !== '\\Recent'));
      expect(body.statusChange.flags).toContain('\\Flagged');
      expect(body.statusChange.modseq).toBe(Number(msg && msg.modseq));
      expect(body.nmsEventList.nmsEvent[0].changedObject.resourceURL).toBe(
        `imap://alice@127.0.0.1:${target!.imap.port}/RCSMessageStore%2Fconv-1;UIDVALIDITY=${body.statusChange.uidValidity}/;UID=${appended.uid}`,
      );
    } finally {
      lock.release();
    }
  });

  test('the device announced by IMAP ID before LOGIN is the triggering device', async (ctx) => {
    needDovecot(ctx);
    const b = await connect({ user: 'alice', pass: 'pw-b' }, { name: 'cpm-test', '+sip.instance': `<${DEVICE_B.replace('urn:gsma', 'URN:GSMA')}>` });
    const from = enabler!.mark();
    const { uid } = (await b.append(FOLDER, STANDALONE)) as { uid: number };
    const body = expectValidPayload(await pushFor('new', uid, from));
    expect(body.statusChange.triggeringDevice).toBe(DEVICE_B);
  });

  test('the PF (master user) names the device with $CPMSeenBy_ / $CPMDeletedBy_ keywords; expunge is pushed', async (ctx) => {
    needDovecot(ctx);
    const a = await connect({ user: `alice#${DEVICE_A}`, pass: 'pw-a' });
    const { uid } = (await a.append(FOLDER, STANDALONE)) as { uid: number };
    // LOGIN alice*pf and AUTHENTICATE PLAIN with authzid alice both act for alice.
    const pf = await connect({ user: 'alice*pf', pass: 'pf-pw' });
    const pf2 = await connect({ user: 'pf', pass: 'pf-pw', authzid: 'alice' });
    let from = enabler!.mark();
    const lock2 = await pf2.getMailboxLock(FOLDER);
    try {
      // Named in another spelling (NID upper-case): reported as configured.
      await pf2.messageFlagsAdd(String(uid), ['\\Seen', `$CPMSeenBy_${keywordDeviceId(DEVICE_B.replace('gsma', 'GSMA'))}`], { uid: true });
      const body = expectValidPayload(await pushFor('seen', uid, from));
      expect(body.statusChange.triggeringDevice).toBe(DEVICE_B);
      expect(body.statusChange.flags).toContain(`$CPMSeenBy_${DEVICE_B.replace('gsma', 'GSMA')}`);
    } finally {
      lock2.release();
    }

    const lock = await pf.getMailboxLock(FOLDER);
    try {
      from = enabler!.mark();
      await pf.messageFlagsAdd(String(uid), ['\\Deleted', `$CPMDeletedBy_${keywordDeviceId(DEVICE_C)}`], { uid: true });
      let body = expectValidPayload(await pushFor('deleted', uid, from));
      expect(body.statusChange.triggeringDevice).toBe(DEVICE_C);
      expect(body.statusChange.flags).toEqual(expect.arrayContaining(['\\Seen', '\\Deleted']));

      from = enabler!.mark();
      await pf.messageDelete(String(uid), { uid: true });
      body = expectValidPayload(await pushFor('expunged', uid, from));
      expect(body.statusChange.triggeringDevice).toBe(DEVICE_C);
      expect(body.nmsEventList.nmsEvent[0].deletedObject.resourceURL).toMatch(new RegExp(`/;UID=${uid}$`));

      // The PF appending without naming a device: no device is known.
      from = enabler!.mark();
      const appended = (await pf.append(FOLDER, STANDALONE)) as { uid: number };
      body = expectValidPayload(await pushFor('new', appended.uid, from));
      expect(body.statusChange.triggeringDevice).toBeNull();
    } finally {
      lock.release();
    }
  });

  test('voicemail folder objects are pushed as voicemail; a 503 from the enabler is retried with the same payload', async (ctx) => {
    needDovecot(ctx);
    const a = await connect({ user: `alice#${DEVICE_A}`, pass: 'pw-a' });
    await a.mailboxCreate('RCSMessageStore/Voicemail');
    let from = enabler!.mark();
    const vm = (await a.append('RCSMessageStore/Voicemail', STANDALONE)) as { uid: number };
    const n = await enabler!.waitFor((x) => f(x).folder === 'RCSMessageStore/Voicemail' && f(x).uid === vm.uid, { from, timeoutMs: 5000 });
    expect(expectValidPayload(n).statusChange.objectType).toBe('voicemail');

    enabler!.behave({ failFirst: 1 });
    from = enabler!.mark();
    const { uid } = (await a.append(FOLDER, STANDALONE)) as { uid: number };
    const [first, second] = await enabler!.waitForCount(2, (x) => f(x).uid === uid && f(x).folder === FOLDER, { from, timeoutMs: 5000 });
    expect(first!.status).toBe(503);
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(f(second!).uid).toBe(uid);
  });

  test('an enabler that does not answer delays the IMAP command by the push bound at most, and the change stays', async (ctx) => {
    needDovecot(ctx);
    const a = await connect({ user: `alice#${DEVICE_A}`, pass: 'pw-a' });
    enabler!.behave({ delayMs: 20_000 });
    const from = enabler!.mark();
    const t0 = performance.now();
    try {
      const { uid } = (await a.append(FOLDER, STANDALONE)) as { uid: number };
      const took = performance.now() - t0;
      console.info(`APPEND with a silent enabler: ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(PUSH_POST_BOUND_MS + 1500);
      // Later attempts may queue behind the stalled one on the same connection: at least one arrived.
      await enabler!.waitFor((x) => f(x).uid === uid, { from, timeoutMs: 1000, description: 'the first attempt' });
      const lock = await a.getMailboxLock(FOLDER);
      try {
        expect(await a.fetchOne(String(uid), { uid: true }, { uid: true })).toMatchObject({ uid });
      } finally {
        lock.release();
      }
    } finally {
      enabler!.behave({ delayMs: 0 });
    }
  });

  test('nmsEventList.index counts 1, 2, 3 ... per user across sessions', async (ctx) => {
    needDovecot(ctx);
    // Retried deliveries repeat their index; undelivered ones leave a gap.
    const delivered = enabler!.notifications().filter((n) => n.status < 300 && f(n).uid !== undefined);
    const indexes = delivered.map((n) => (n.parsed as { nmsEventList: { index: number } }).nmsEventList.index);
    expect(indexes.length).toBeGreaterThan(5);
    expect(indexes).toEqual(indexes.map((_, i) => i + 1));
  });

  test('stop() leaves no Dovecot process and removes the run directory', async (ctx) => {
    needDovecot(ctx);
    const t = target!;
    for (const c of clients.splice(0)) await c.logout().catch(() => c.close());
    const t0 = performance.now();
    await t.stop();
    console.info(`Dovecot stop: ${(performance.now() - t0).toFixed(0)} ms`);
    await t.stop(); // idempotent
    expect(pgrep(['-f', t.confPath])).toEqual([]);
    expect(pgrep(['-g', String(t.pid)])).toEqual([]);
    expect(existsSync(t.confPath)).toBe(false);
  });
});

/** pids pgrep finds (none: exit status 1). */
function pgrep(args: string[]): string[] {
  try {
    return execFileSync('pgrep', args, { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}
