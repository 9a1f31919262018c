// Every fault switch observably changes behaviour: each scenario is run once without faults (baseline)
// and once per fault; the observations must differ. Unknown fault names are refused at start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, startReferenceStore, type ReferenceStore } from '../../reference-store/index.js';
import { ALICE_PHONE, ALICE_TABLET, ALICE_WEB, RawClient, baseOptions, chatMessage, startStore } from './helpers.js';
import { PushRecorder } from './push-recorder.js';

const FULL_MO = [
  'From: <tel:+15551230001>', 'To: <tel:+15551230002>', 'Date: Tue, 24 Nov 2026 10:00:00 +0000', 'Subject: Lunch?',
  'P-Asserted-Service: urn:urn-7:3gpp-service.ims.icsi.oma.cpm.msg', 'Conversation-ID: Conv-7Fd3', 'Contribution-ID: Contrib-9aB1',
  'InReplyTo-Contribution-ID: Contrib-0Ab2', 'IMDN-Message-ID: Mo-Full-1', 'Message-Correlator: Hello there',
  'Message-Context: pager-message', 'Content-Type: Message/CPIM', '', 'From: <tel:+15551230001>', '', 'Content-Type: text/plain', '', 'Hello there', '',
].join('\r\n');
const FULL_VM = [
  'From: <tel:+15551230001>', 'To: <tel:+15551230002>', 'Date: Tue, 24 Nov 2026 10:00:00 +0000', 'Subject: Voice message',
  'Conversation-ID: +15551230001', 'Contribution-ID: Vm-Contrib-7Q', 'IMDN-Message-ID: Vm-Full-1', 'Message-Context: voice-message',
  'Content-Type: Message/CPIM', '', 'Content-Type: audio/amr', '', 'AMR voice data', '',
].join('\r\n');

/** Objects for the value faults the full objects above do not exercise: a group private message whose CPIM part
 * has two To headers and a non-text inner type; a voicemail with UUID Conversation-ID and Contribution-ID. */
const GROUP_MO = [
  'From: <tel:+15551230001>', 'To: <sip:conf-1@conf.example.com>', 'Date: Tue, 24 Nov 2026 10:00:00 +0000', 'Conversation-ID: Conv-G1',
  'Contribution-ID: Contrib-G1', 'IMDN-Message-ID: Mo-Group-1', 'Content-Type: Message/CPIM', '',
  'From: <tel:+15551230001>', 'To: <tel:+15551230002>', 'To: <tel:+15551230003>', '', 'Content-Type: image/png', '', 'PNG data', '',
].join('\r\n');
const UUID_VM = [
  'To: <tel:+15551230002>', 'Conversation-ID: urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'Contribution-ID: 1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  'IMDN-Message-ID: Vm-Uuid-1', 'Message-Context: voice-message', 'Content-Type: Message/CPIM', '', 'Content-Type: audio/amr', '', 'AMR voice data', '',
].join('\r\n');

type Scenario = (faults: string[]) => Promise<string>;

async function withStore<T>(faults: string[], push: PushRecorder | null, fn: (s: ReferenceStore) => Promise<T>): Promise<T> {
  const s = await startStore({ faults, ...(push ? { push: { url: push.url, maxAttempts: 1 } } : {}) });
  try { return await fn(s); } finally { await s.stop(); }
}

async function login(s: ReferenceStore, user: string, pass: string): Promise<RawClient> {
  const c = await RawClient.open(s);
  await c.login(user, pass);
  return c;
}

/** Stored objects: append a full Message and Voicemail Object, mark them seen and deleted, read the bytes back. */
const objectScenario: Scenario = (faults) => withStore(faults, null, async (s) => {
  const phone = await login(s, `alice#${ALICE_PHONE}`, 'phone-pw');
  await phone.cmd('CREATE "RCSMessageStore/conv"');
  const mo = await phone.append('RCSMessageStore/conv', FULL_MO);
  const vm = await phone.append('RCSMessageStore/Voicemail', FULL_VM);
  const out: string[] = [];
  for (const [box, uid] of [['RCSMessageStore/conv', mo], ['RCSMessageStore/Voicemail', vm]] as const) {
    await phone.cmd(`SELECT "${box}"`);
    await phone.cmd(`UID STORE ${uid} +FLAGS (\\Seen \\Deleted)`);
    out.push(...(await phone.cmd(`UID FETCH ${uid} BODY.PEEK[]`)).lines);
  }
  phone.close();
  return out.join('\n');
});

/** Stored objects that only some value faults touch: appended and read back. */
const variantScenario: Scenario = (faults) => withStore(faults, null, async (s) => {
  const phone = await login(s, `alice#${ALICE_PHONE}`, 'phone-pw');
  await phone.cmd('CREATE "RCSMessageStore/group"');
  const mo = await phone.append('RCSMessageStore/group', GROUP_MO);
  const vm = await phone.append('RCSMessageStore/Voicemail', UUID_VM);
  const out: string[] = [];
  for (const [box, uid] of [['RCSMessageStore/group', mo], ['RCSMessageStore/Voicemail', vm]] as const) {
    await phone.cmd(`SELECT "${box}"`);
    out.push(...(await phone.cmd(`UID FETCH ${uid} BODY.PEEK[]`)).lines);
  }
  phone.close();
  return out.join('\n');
});

/** Faults the full objects of objectScenario do not exercise. */
const VARIANT_FAULTS = new Set(['drop-cpim-to:extra', 'rewrite-cpim-inner-type', 'unhyphenate-uuid:vm:conversation-id', 'unhyphenate-uuid:vm:contribution-id']);

/** PUSH: new, seen, deleted, expunged for a message and a voicemail, a PF keyword change, a barrier. */
const pushScenario: Scenario = async (faults) => {
  const push = await PushRecorder.start();
  try {
    return await withStore(faults, push, async (s) => {
      const phone = await login(s, `alice#${ALICE_PHONE}`, 'phone-pw');
      const tablet = await login(s, `alice#${ALICE_TABLET}`, 'tablet-pw');
      const pf = await login(s, 'alice*pf', 'pf-pw');
      await phone.cmd('CREATE "RCSMessageStore/conv"');
      const m = await phone.append('RCSMessageStore/conv', chatMessage({ imdn: 'P-1' }));
      const v = await phone.append('RCSMessageStore/Voicemail', chatMessage({ imdn: 'P-2', context: 'voice-message' }));
      const pm = await phone.append('RCSMessageStore/conv', chatMessage({ imdn: 'P-3' }));
      await tablet.cmd('SELECT "RCSMessageStore/Voicemail"');
      await tablet.cmd(`UID STORE ${v} +FLAGS (\\Seen)`);
      await tablet.cmd('SELECT "RCSMessageStore/conv"');
      await tablet.cmd(`UID STORE ${m} +FLAGS (\\Seen)`);
      await phone.cmd('SELECT "RCSMessageStore/conv"');
      await phone.cmd(`UID STORE ${m} +FLAGS (\\Deleted)`);
      await phone.cmd(`UID EXPUNGE ${m}`);
      await pf.cmd('SELECT "RCSMessageStore/conv"');
      await pf.cmd(`UID STORE ${pm} +FLAGS (\\Seen $CPMSeenBy_${ALICE_WEB})`);
      await phone.append('INBOX', chatMessage({ imdn: 'P-barrier' }));
      await push.waitFor((c) => c.imdnMessageId === 'P-barrier', 1500).catch(() => null);
      for (const c of [phone, tablet, pf]) c.close();
      return push.changes().map((c) => `${c.event} ${c.objectType} ${c.imdnMessageId} ${c.triggeringDevice}${'occurredAt' in c ? '' : ' (no occurredAt)'}`).join('\n');
    });
  } finally { await push.close(); }
};

const NOTIFY_ALL = 'NOTIFY SET STATUS (SELECTED (MessageNew (UID) MessageExpunge FlagChange)) (PERSONAL (MessageNew MessageExpunge FlagChange MailboxName))';

/** IMAP NOTIFY as seen by the tablet while the phone changes things. */
const notifyScenario: Scenario = (faults) => withStore(faults, null, async (s) => {
  const a = await login(s, `alice#${ALICE_TABLET}`, 'tablet-pw');
  const b = await login(s, `alice#${ALICE_PHONE}`, 'phone-pw');
  await b.cmd('CREATE "RCSMessageStore/sel"');
  await b.cmd('CREATE "RCSMessageStore/other"');
  await a.cmd('SELECT "RCSMessageStore/sel"');
  const mark = a.lines.length;
  await a.cmd(NOTIFY_ALL);
  await b.append('RCSMessageStore/sel', chatMessage({ imdn: 'N-1' }));
  await b.cmd('SELECT "RCSMessageStore/sel"');
  await b.cmd('UID STORE 1 +FLAGS (\\Seen)');
  await a.cmd('UID STORE 1 +FLAGS (\\Flagged)');
  await b.append('RCSMessageStore/other', chatMessage({ imdn: 'N-2' }));
  await b.cmd('UID STORE 1 +FLAGS (\\Deleted)');
  await b.cmd('UID EXPUNGE 1');
  await b.cmd('CREATE "RCSMessageStore/barrier"');
  await a.waitLine(/barrier/, mark, 1500).catch(() => null);
  await a.cmd('NOTIFY SET (PERSONAL (MessageNew MessageExpunge AnnotationChange))');
  a.close();
  b.close();
  return a.lines.slice(mark).map((l) => l.replace(/UIDVALIDITY \d+/g, 'UIDVALIDITY x').replace(/^t\d+/, 'tag')).join('\n');
});

/** NOTIFY SET validation and the implicit NOOP, as answered to the tablet; SELECTED-DELAYED holding an expunge. */
const NOTIFY_STRICTNESS = new Set(['notify-set-no-noop', 'notify-lenient-event-set', 'notify-lenient-selected', 'notify-expensive-as-bad', 'notify-delayed-as-selected']);
const notifySetScenario: Scenario = (faults) => withStore(faults, null, async (s) => {
  const a = await login(s, `alice#${ALICE_TABLET}`, 'tablet-pw');
  const b = await login(s, `alice#${ALICE_PHONE}`, 'phone-pw');
  await b.cmd('CREATE "RCSMessageStore/sel"');
  await a.cmd('SELECT "RCSMessageStore/sel"');
  const mark = a.lines.length;
  await b.append('RCSMessageStore/sel', chatMessage({ imdn: 'S-1' }));
  await a.cmd('NOTIFY SET (SELECTED (MessageNew MessageExpunge))');
  await a.cmd('NOTIFY SET (SELECTED (FlagChange))');
  await a.cmd('NOTIFY SET (SELECTED (MessageNew))');
  await a.cmd('NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (SELECTED-DELAYED (MessageNew MessageExpunge))');
  await a.cmd('NOTIFY SET (PERSONAL (MessageNew MessageExpunge FlagChange))');
  await a.cmd('NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge))');
  await b.cmd('SELECT "RCSMessageStore/sel"');
  await b.cmd('UID STORE 1 +FLAGS (\\Deleted)');
  await b.cmd('UID EXPUNGE 1');
  await a.waitLine(/EXPUNGE/, mark, 500).catch(() => null);
  a.close();
  b.close();
  return a.lines.slice(mark).map((l) => l.replace(/^t\d+/, 'tag')).join('\n');
});

function scenarioFor(fault: string): Scenario {
  if (NOTIFY_STRICTNESS.has(fault)) return notifySetScenario;
  if (fault.startsWith('push-')) return pushScenario;
  if (fault.startsWith('notify-')) return notifyScenario;
  if (VARIANT_FAULTS.has(fault)) return variantScenario;
  return objectScenario;
}

const baselines = new Map<Scenario, string>();
beforeAll(async () => {
  for (const sc of [objectScenario, variantScenario, pushScenario, notifyScenario, notifySetScenario]) baselines.set(sc, await sc([]));
}, 60_000);

describe('fault switches', () => {
  it('baselines show the conformant behaviour', () => {
    expect(baselines.get(objectScenario)).toContain(`Message-seen-identity: ${ALICE_PHONE}`);
    expect(baselines.get(pushScenario)).toContain(`seen message P-3 ${ALICE_WEB}`);
    expect(baselines.get(notifyScenario)).toMatch(/\* 1 EXISTS/);
  });

  it('scenarios are deterministic without faults (so a difference is caused by the fault)', async () => {
    for (const sc of [objectScenario, variantScenario, pushScenario, notifyScenario, notifySetScenario]) expect(await sc([])).toBe(baselines.get(sc));
  }, 30_000);

  it('every fault has a name, a description and requirement ids', () => {
    const names = FAULTS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FAULTS) {
      expect(f.description.length).toBeGreaterThan(10);
      expect(f.violates.length).toBeGreaterThan(0);
      for (const v of f.violates) expect(v).toMatch(/^(push|mo|vm|notify|rfc5465)\.[a-z0-9.-]+$/);
    }
  });

  it('refuses an unknown fault name and lists the known ones', async () => {
    await expect(startReferenceStore(baseOptions({ faults: ['push-omit-identiy'] }))).rejects.toThrow(/Unknown fault.*push-omit-identity/);
  });

  it.each(FAULTS.map((f) => [f.name]))('%s changes what a client or the enabler observes', async (name) => {
    const sc = scenarioFor(name);
    const observed = await sc([name]);
    expect(observed).not.toBe(baselines.get(sc));
  }, 20_000);
});

afterAll(() => { baselines.clear(); });
