// Every push-* fault switch changes the nms-json and the nms-xml bodies the way its description claims. One
// IMAP scenario (each step's batch flushed at once) is run without faults and with each fault, per format; each
// row of the table states, on the parsed bodies, what the fault must have changed and what it must have left.
import { beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, type ReferenceStore } from '../../../reference-store/index.js';
import { ALICE_PHONE, ALICE_TABLET, ALICE_WEB, RawClient, chatMessage, startStore } from '../helpers.js';
import { NmsRecorder, eventsOf, nmsJsonErrors, type RawPost, type SeenEvent } from './nms-recorder.js';

type Format = 'nms-json' | 'nms-xml';
const ALICE_DEVICES = [ALICE_PHONE, ALICE_TABLET, ALICE_WEB];

interface Run {
  /** POSTs per step, in arrival order. */
  steps: RawPost[][];
  /** push-delayed only: whether the store went push-idle within the short wait. */
  idleWithin?: boolean;
}

interface Ev extends SeenEvent { step: number }

const events = (r: Run): Ev[] => r.steps.flatMap((posts, step) => posts.flatMap(eventsOf).map((e) => ({ ...e, step })));
const objects = (r: Run): Ev[] => events(r).filter((e) => e.kind !== 'changedFolder');
const posts = (r: Run): RawPost[] => r.steps.flat();
/** Joins the object events of two runs of the scenario (URLs differ by port and UIDVALIDITY). */
const key = (e: Ev): string => `${e.step} ${e.kind} ${e.correlationId} ${(e.flags ?? []).join(',')}`;

async function login(store: ReferenceStore, user: string, pass: string): Promise<RawClient> {
  const c = await RawClient.open(store);
  await c.login(user, pass);
  return c;
}

/**
 * The scenario: 0) the phone appends P-1 and P-3 to a conversation and P-2 to the voicemail folder; 1) the tablet
 * marks P-2 seen; 2) the tablet marks P-1 seen; 3) the phone deletes P-1 and the tablet expunges it; 4) the PF marks
 * P-3 seen naming the web client. push-delayed runs step 0 only.
 */
async function scenario(format: Format, faults: string[]): Promise<Run> {
  const push = await NmsRecorder.start();
  const store = await startStore({ faults, push: { url: push.url, format, batchWindowMs: 60_000, maxAttempts: 1 } });
  const clients: RawClient[] = [];
  try {
    const phone = await login(store, `alice#${ALICE_PHONE}`, 'phone-pw');
    const tablet = await login(store, `alice#${ALICE_TABLET}`, 'tablet-pw');
    const pf = await login(store, 'alice*pf', 'pf-pw');
    clients.push(phone, tablet, pf);
    const run: Run = { steps: [] };
    const step = async (fn: () => Promise<void>): Promise<void> => {
      const from = push.posts.length;
      await fn();
      store.pushFlush();
      await store.pushIdle(); // the recorder stores a POST before it answers it
      run.steps.push(push.posts.slice(from));
    };
    let m = 0;
    let pm = 0;
    let v = 0;
    const delayed = faults.includes('push-delayed');
    const first = async (): Promise<void> => {
      await phone.cmd('CREATE "RCSMessageStore/conv"');
      m = await phone.append('RCSMessageStore/conv', chatMessage({ imdn: 'P-1' }));
      pm = await phone.append('RCSMessageStore/conv', chatMessage({ imdn: 'P-3' }));
      v = await phone.append('RCSMessageStore/Voicemail', chatMessage({ imdn: 'P-2', context: 'voice-message' }));
    };
    if (delayed) {
      await first();
      store.pushFlush();
      let timer: NodeJS.Timeout | undefined;
      run.idleWithin = await Promise.race([
        store.pushIdle().then(() => true),
        new Promise<boolean>((r) => { timer = setTimeout(() => r(false), 1500); }),
      ]);
      clearTimeout(timer);
      run.steps.push(push.posts.slice());
      return run;
    }
    await step(first);
    await step(async () => {
      await tablet.cmd('SELECT "RCSMessageStore/Voicemail"');
      await tablet.cmd(`UID STORE ${v} +FLAGS (\\Seen)`);
    });
    await step(async () => {
      await tablet.cmd('SELECT "RCSMessageStore/conv"');
      await tablet.cmd(`UID STORE ${m} +FLAGS (\\Seen)`);
    });
    await step(async () => {
      await phone.cmd('SELECT "RCSMessageStore/conv"');
      await phone.cmd(`UID STORE ${m} +FLAGS (\\Deleted)`);
      await tablet.cmd('NOOP');
      await tablet.cmd(`UID EXPUNGE ${m}`);
    });
    await step(async () => {
      await pf.cmd('SELECT "RCSMessageStore/conv"');
      await pf.cmd(`UID STORE ${pm} +FLAGS (\\Seen $CPMSeenBy_${ALICE_WEB})`);
    });
    return run;
  } finally {
    for (const c of clients) c.close();
    await store.stop();
    await push.close();
  }
}

const seenOnly = (e: Ev): boolean => e.kind === 'changedObject' && e.flags!.includes('\\Seen') && !e.flags!.includes('\\Deleted');
const deletion = (e: Ev): boolean => e.kind === 'deletedObject' || (e.kind === 'changedObject' && e.flags!.includes('\\Deleted'));
const isVoicemail = (e: Ev): boolean => e.resourceURL.includes(encodeURIComponent('RCSMessageStore/Voicemail'));
const without = (r: Run, drop: (e: Ev) => boolean): string[] => objects(r).filter((e) => !drop(e)).map(key).sort();

/** What each push fault must do to the bodies of each format, given the baseline run of the same format. */
const CLAIMS: Record<string, (fault: Run, base: Run, format: Format) => void> = {
  'push-omit-identity': (f, b, format) => {
    expect(objects(b).every((e) => e.triggerDevice !== undefined)).toBe(true);
    expect(objects(f).map(key).sort()).toEqual(objects(b).map(key).sort());
    for (const e of objects(f)) {
      expect(e).not.toHaveProperty('triggerDevice');
      expect(e).not.toHaveProperty('sessionDevice');
    }
    for (const p of posts(f)) expect(p.body).not.toMatch(format === 'nms-json' ? /trigger-device|session-device/ : /triggeringDevice/);
  },
  'push-wrong-device': (f, b, format) => {
    const base = new Map(objects(b).map((e) => [key(e), e]));
    expect(objects(f).length).toBe(base.size);
    for (const e of objects(f)) {
      const right = base.get(key(e))!;
      expect(ALICE_DEVICES).toContain(e.triggerDevice);
      expect(e.triggerDevice).not.toBe(right.triggerDevice);
      if (format === 'nms-json' && right.sessionDevice !== undefined) {
        expect(ALICE_DEVICES).toContain(e.sessionDevice);
        expect(e.sessionDevice).not.toBe(right.sessionDevice);
      } else expect(e).not.toHaveProperty('sessionDevice');
    }
  },
  'push-pf-identity': (f, b) => {
    const pfStep = (e: Ev): boolean => e.step === 4;
    expect(objects(b).filter(pfStep).map((e) => e.triggerDevice)).toEqual([ALICE_WEB]);
    expect(objects(f).filter(pfStep)).toHaveLength(1);
    expect(objects(f).filter(pfStep)[0]).not.toHaveProperty('triggerDevice');
    const devices = (r: Run): string[] => objects(r).filter((e) => !pfStep(e)).map((e) => `${key(e)} ${e.triggerDevice} ${e.sessionDevice}`).sort();
    expect(devices(f)).toEqual(devices(b));
  },
  'push-no-delete': (f, b) => {
    expect(objects(b).filter(deletion).map((e) => e.kind).sort()).toEqual(['changedObject', 'deletedObject']);
    expect(objects(f).filter(deletion)).toEqual([]);
    expect(objects(f).map(key).sort()).toEqual(without(b, deletion));
  },
  'push-no-seen': (f, b) => {
    expect(objects(b).filter(seenOnly).map((e) => e.correlationId).sort()).toEqual(['P-1', 'P-2', 'P-3']);
    expect(objects(f).filter(seenOnly)).toEqual([]);
    expect(objects(f).map(key).sort()).toEqual(without(b, seenOnly));
    expect([f.steps[1], f.steps[2], f.steps[4]]).toEqual([[], [], []]); // no POST at all for those changes
  },
  'push-no-voicemail': (f, b) => {
    expect(events(b).filter(isVoicemail).length).toBeGreaterThan(0);
    expect(events(f).filter(isVoicemail)).toEqual([]); // neither the object nor its folder
    expect(objects(f).map(key).sort()).toEqual(without(b, isVoicemail));
  },
  'push-delayed': (f, b) => {
    expect(posts(b).length).toBeGreaterThan(0);
    expect(f.idleWithin).toBe(false);
    expect(posts(f)).toEqual([]);
  },
  'push-duplicate': (f, b) => {
    const fp = posts(f);
    expect(fp.length).toBe(2 * posts(b).length);
    for (let i = 0; i < fp.length; i += 2) expect(fp[i + 1]!.body).toBe(fp[i]!.body); // same index, same events
    expect(objects(f).map(key).sort()).toEqual([...objects(b), ...objects(b)].map(key).sort());
  },
  'push-invalid-payload': (f, b, format) => {
    expect(objects(f).map(key).sort()).toEqual(objects(b).map(key).sort());
    const hasParent = /<(changedObject|changedFolder)>\n\s*<parentFolder>/;
    for (const p of posts(b)) {
      if (format === 'nms-json') expect(nmsJsonErrors(p.json)).toBe('');
      else expect(p.body).toMatch(hasParent);
    }
    for (const p of posts(f)) {
      if (format === 'nms-json') expect(nmsJsonErrors(p.json)).toMatch(/must have required property 'parentFolder'/);
      else expect(p.body).not.toContain('<parentFolder>');
    }
    for (const e of events(f)) if (e.kind !== 'deletedObject') expect(e).not.toHaveProperty('parentFolder');
  },
};

describe.each(['nms-json', 'nms-xml'] as const)('push faults in %s', (format) => {
  let base: Run;
  beforeAll(async () => { base = await scenario(format, []); }, 30_000);

  it('the table covers every push-* fault switch', () => {
    expect(Object.keys(CLAIMS).sort()).toEqual(FAULTS.map((f) => f.name).filter((n) => n.startsWith('push-')).sort());
  });

  it('the baseline: every change notified once, attributed to the acting device', () => {
    expect(objects(base).map((e) => `${key(e)} ${e.triggerDevice}`)).toEqual(expect.arrayContaining([
      `1 changedObject P-2 \\Seen ${ALICE_TABLET}`,
      `2 changedObject P-1 \\Seen ${ALICE_TABLET}`,
      `3 changedObject P-1 \\Deleted,\\Seen ${ALICE_PHONE}`,
      `3 deletedObject P-1  ${ALICE_PHONE}`,
      `4 changedObject P-3 \\Seen ${ALICE_WEB}`,
    ]));
    expect(objects(base)).toHaveLength(3 + 5);
  });

  it('no claim holds for the correct store (each row is a real difference)', () => {
    for (const [fault, claim] of Object.entries(CLAIMS)) {
      expect(() => claim(base, base, format), fault).toThrow();
    }
  });

  it.each(Object.keys(CLAIMS))('%s', async (fault) => {
    CLAIMS[fault]!(await scenario(format, [fault]), base, format);
  }, 20_000);
});
