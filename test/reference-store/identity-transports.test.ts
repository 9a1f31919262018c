// Identity transports: the IMAP ID key a device announces itself with (imapIdKey), and the PF login models
// (master user, SASL PLAIN authzid, per-user login template).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceStore, type ReferenceStore } from '../../reference-store/index.js';
import { ALICE_PHONE, ALICE_TABLET, ALICE_WEB, RawClient, baseOptions, chatMessage, startStore } from './helpers.js';
import { PushRecorder } from './push-recorder.js';

const plain = (authzid: string, authcid: string, pass: string): string => Buffer.from(`${authzid}\0${authcid}\0${pass}`).toString('base64');

async function tryLogin(store: ReferenceStore, user: string, pass: string): Promise<string> {
  const c = await RawClient.open(store);
  const r = await c.cmd(`LOGIN "${user}" "${pass}"`);
  c.close();
  return r.status;
}

async function tryPlain(store: ReferenceStore, authzid: string, authcid: string, pass: string): Promise<string> {
  const c = await RawClient.open(store);
  const r = await c.cmd(`AUTHENTICATE PLAIN ${plain(authzid, authcid, pass)}`);
  c.close();
  return r.status;
}

describe('imapIdKey', () => {
  let push: PushRecorder;
  let store: ReferenceStore;
  let n = 0;
  beforeAll(async () => {
    push = await PushRecorder.start();
    store = await startStore({ imapIdKey: 'x-device-id', push: { url: push.url } });
  });
  afterAll(async () => { await store.stop(); await push.close(); });

  /** Logs in as plain alice, sends `id`, marks a new object seen; returns the notified triggeringDevice and the ID lines. */
  async function seenAfterId(id: string, before: boolean): Promise<{ device: string | null; lines: string[] }> {
    const imdn = `idkey-${++n}`;
    const c = await RawClient.open(store);
    const idLines = before ? (await c.cmd(`ID ${id}`)).lines : [];
    await c.login('alice', 'alice-pw');
    const after = before ? [] : (await c.cmd(`ID ${id}`)).lines;
    const box = `RCSMessageStore/idkey-${n}`;
    await c.cmd(`CREATE "${box}"`);
    const uid = await c.append(box, chatMessage({ imdn }));
    await c.cmd(`SELECT "${box}"`);
    await c.cmd(`UID STORE ${uid} +FLAGS (\\Seen)`);
    const seen = await push.waitFor((ch) => ch.imdnMessageId === imdn && ch.event === 'seen');
    c.close();
    return { device: seen.triggeringDevice, lines: [...idLines, ...after] };
  }

  it('binds the device named by the configured key, with a bare value, before or after login', async () => {
    expect((await seenAfterId(`("name" "web" "x-device-id" "${ALICE_TABLET}")`, true)).device).toBe(ALICE_TABLET);
    expect((await seenAfterId(`("X-Device-ID" "${ALICE_WEB}")`, false)).device).toBe(ALICE_WEB); // field names are case-insensitive
  });

  it('ignores +sip.instance when another key is configured', async () => {
    expect((await seenAfterId(`("+sip.instance" "<${ALICE_TABLET}>")`, false)).device).toBeNull();
  });

  it('names the configured key in its notes, e.g. for an undeclared device', async () => {
    const r = await seenAfterId('("x-device-id" "urn:uuid:00000000-0000-0000-0000-000000000000")', false);
    expect(r.device).toBeNull();
    expect(r.lines.some((l) => /^\* OK Unknown device/.test(l))).toBe(true);
    const pf = await RawClient.open(store);
    await pf.login('alice*pf', 'pf-pw');
    const lines = (await pf.cmd(`ID ("x-device-id" "${ALICE_TABLET}")`)).lines;
    pf.close();
    expect(lines).toContain('* OK x-device-id ignored for the Participating Function; name the device per change');
  });

  it('is +sip.instance by default, and refuses an unusable key', async () => {
    const s = await startStore({ push: { url: push.url } });
    try {
      const c = await RawClient.open(s);
      await c.login('alice', 'alice-pw');
      const lines = (await c.cmd(`ID ("x-device-id" "${ALICE_TABLET}")`)).lines;
      const pfc = await RawClient.open(s);
      await pfc.login('alice*pf', 'pf-pw');
      expect((await pfc.cmd(`ID ("+sip.instance" "<${ALICE_TABLET}>")`)).lines).toContain('* OK +sip.instance ignored for the Participating Function; name the device per change');
      c.close();
      pfc.close();
      expect(lines.some((l) => /^\* OK/.test(l))).toBe(false);
    } finally { await s.stop(); }
    for (const bad of ['', 'a'.repeat(31), 'x"y']) {
      await expect(startReferenceStore(baseOptions({ imapIdKey: bad }))).rejects.toThrow(/imapIdKey/);
    }
  });
});

describe('pfLogin', () => {
  it('the template {user}#cpm-pf with the PF password acts as the PF for that user (keyword path attributed)', async () => {
    const push = await PushRecorder.start();
    const store = await startStore({ pfLogin: { template: '{user}#cpm-pf' }, push: { url: push.url } });
    try {
      const phone = await RawClient.open(store);
      await phone.login(`alice#${ALICE_PHONE}`, 'phone-pw');
      await phone.cmd('CREATE "RCSMessageStore/pf"');
      const uid = await phone.append('RCSMessageStore/pf', chatMessage({ imdn: 'pf-t-1' }));
      const pf = await RawClient.open(store);
      await pf.login('alice#cpm-pf', 'pf-pw');
      await pf.cmd('SELECT "RCSMessageStore/pf"');
      await pf.cmd(`UID STORE ${uid} +FLAGS (\\Seen $CPMSeenBy_${ALICE_WEB})`);
      const seen = await push.waitFor((c) => c.imdnMessageId === 'pf-t-1' && c.event === 'seen');
      expect(seen.triggeringDevice).toBe(ALICE_WEB);
      // the identity keyword is an instruction of the PF: not stored
      const f = await pf.cmd(`UID FETCH ${uid} FLAGS`);
      expect(f.lines.join('\n')).not.toContain('$CPMSeenBy');
      // the session is the PF's: ID does not bind a device
      expect((await pf.cmd(`ID ("+sip.instance" "<${ALICE_TABLET}>")`)).lines.join('\n')).toContain('ignored for the Participating Function');
      pf.close();
      phone.close();
      // the default models stay available next to the template
      expect(await tryLogin(store, 'alice*pf', 'pf-pw')).toBe('OK');
      expect(await tryPlain(store, 'alice', 'pf', 'pf-pw')).toBe('OK');
      // and the device login form is untouched
      expect(await tryLogin(store, `alice#${ALICE_PHONE}`, 'phone-pw')).toBe('OK');
    } finally {
      await store.stop();
      await push.close();
    }
  });

  it('refuses a wrong password, an unknown user, and the user password on the PF name', async () => {
    const store = await startStore({ pfLogin: { template: '{user}#cpm-pf' } });
    try {
      expect(await tryLogin(store, 'alice#cpm-pf', 'alice-pw')).toBe('NO');
      expect(await tryLogin(store, 'alice#cpm-pf', 'wrong')).toBe('NO');
      expect(await tryLogin(store, 'carol#cpm-pf', 'pf-pw')).toBe('NO');
      expect(await tryLogin(store, 'alice#cpm-pfx', 'pf-pw')).toBe('NO');
      expect(await tryLogin(store, 'bob#cpm-pf', 'pf-pw')).toBe('OK');
    } finally { await store.stop(); }
  });

  it('by AUTHENTICATE PLAIN: authcid = the template name, authzid empty or that user', async () => {
    const store = await startStore({ pfLogin: { models: ['template'], template: '{user}#cpm-pf' } });
    try {
      expect(await tryPlain(store, '', 'alice#cpm-pf', 'pf-pw')).toBe('OK');
      expect(await tryPlain(store, 'alice', 'alice#cpm-pf', 'pf-pw')).toBe('OK');
      expect(await tryPlain(store, 'bob', 'alice#cpm-pf', 'pf-pw')).toBe('NO');
    } finally { await store.stop(); }
  });

  it('models select which PF logins exist: template only refuses the master user and the authzid forms', async () => {
    const store = await startStore({ pfLogin: { models: ['template'], template: 'pf-{pf}-{user}' } });
    try {
      expect(await tryLogin(store, 'pf-pf-alice', 'pf-pw')).toBe('OK');
      expect(await tryLogin(store, 'alice*pf', 'pf-pw')).toBe('NO');
      expect(await tryPlain(store, 'alice', 'pf', 'pf-pw')).toBe('NO');
      expect(await tryLogin(store, 'alice', 'alice-pw')).toBe('OK');
    } finally { await store.stop(); }
    const master = await startStore({ pfLogin: { models: ['master-user'] } });
    try {
      expect(await tryLogin(master, 'alice*pf', 'pf-pw')).toBe('OK');
      expect(await tryPlain(master, 'alice', 'pf', 'pf-pw')).toBe('NO');
    } finally { await master.stop(); }
    const none = await startStore({ pfLogin: { models: [] } });
    try {
      expect(await tryLogin(none, 'alice*pf', 'pf-pw')).toBe('NO');
      expect(await tryPlain(none, 'alice', 'pf', 'pf-pw')).toBe('NO');
    } finally { await none.stop(); }
  });

  it('refuses templates it cannot use', async () => {
    for (const [pfLogin, re] of [
      [{ template: '{usr}#pf' }, /unknown placeholder \{usr\}/],
      [{ template: 'cpm-pf' }, /\{user\} exactly once/],
      [{ template: '{user}{user}' }, /\{user\} exactly once/],
      [{ template: '{user}' }, /must differ/],
      [{ template: '{user} pf' }, /no spaces/],
      [{ models: ['template'] }, /template is not set/],
      [{ models: ['master-user'], template: '{user}#cpm-pf' }, /does not include 'template'/],
      [{ models: ['sudo'] }, /unknown model "sudo"/],
    ] as const) {
      await expect(startReferenceStore(baseOptions({ pfLogin: pfLogin as never }))).rejects.toThrow(re);
    }
  });
});
