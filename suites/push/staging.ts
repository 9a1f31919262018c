// Putting a Message or Voicemail Object in place for a 5.4.2 case, and changing its status the three ways the CR
// allows: the device updates the store directly, or the CPM Participating Function updates it on the device's
// behalf (keyword or rewrite convention, harness/cpm/pf-path.ts).
import type { CaseContext } from '../../harness/conformance/context.js';
import { pfExpunge, pfSetStatus, type PfPathKind } from '../../harness/cpm/pf-path.js';
import { fetchHeader, searchHeader, select } from '../../harness/imap/objects.js';
import type { DeviceSession } from '../../harness/imap/session.js';
import { BlockedError } from '../../harness/must/index.js';
import { uniqueSample } from '../../harness/objects/samples.js';
import { voicemailFolder } from '../../harness/profile/index.js';
import { parseObject } from '../../harness/spec/parse-object.js';
import type { Device, User } from '../../harness/profile/types.js';
import { now } from '../../harness/imap/timeline.js';
import type { SentinelChange, StatusEventKind } from '../../harness/push/index.js';

/** The stored objects CR §5.4.2 covers: "[Message and Voicemail Object]". */
export type ObjectType = 'message' | 'voicemail';
export type Path = 'direct' | 'pf-keyword' | 'pf-rewrite';
/** What the acting device does to the object. `expunged` = \Deleted set, then UID EXPUNGE. */
export type Change = 'seen' | 'unseen' | 'deleted' | 'expunged';

export interface StagedObject {
  type: ObjectType;
  folder: string;
  uidValidity: number;
  /** Every UID the object has had, the current one last (the PF rewrite path gives it a new UID). */
  uids: number[];
  imdnMessageId: string;
}

export function currentUid(o: StagedObject): number {
  return o.uids[o.uids.length - 1]!;
}

/** Who changes the status: a device's own session, or the PF's session acting for that device. */
export interface Acting {
  path: Path;
  device: Device;
  session: DeviceSession;
}

const DEVICE_LETTERS = ['A', 'B', 'C', 'D', 'E'];

/** "A", "B", "C" for a user's first, second, third device. */
export function deviceLetter(user: User, device: Device): string {
  return DEVICE_LETTERS[user.devices.indexOf(device)] ?? `#${user.devices.indexOf(device) + 1}`;
}

/** Voicemail Objects go to the profile's voicemail folder: some stores recognise them by folder. */
async function placeFor(c: CaseContext, s: DeviceSession, user: User, type: ObjectType): Promise<string> {
  if (type === 'message') return c.folder(s, user, 'push');
  const folder = voicemailFolder(c.profile, user.name);
  if (!folder) throw new BlockedError('the profile declares voicemail but no features.folders.voicemail');
  await s.run(`CREATE ${folder}`, async (cl) => {
    await cl.mailboxCreate(folder).catch(() => undefined); // exists on most stores
  });
  return folder;
}

/** A second 6-hex-digit tag of the case, for a second object with identifiers of its own. */
export function otherTag(tag: string): string {
  return ((parseInt(tag, 16) ^ 0xffffff) >>> 0).toString(16).padStart(6, '0');
}

/** `s` APPENDs a fresh object of the type (identifiers unique to the case, or to `tag`). */
export async function stageObject(c: CaseContext, s: DeviceSession, user: User, type: ObjectType, tag = c.tag): Promise<StagedObject> {
  const raw = uniqueSample(type === 'message' ? 'standalone' : 'voicemail', tag);
  const imdnMessageId = /^IMDN-Message-ID:[ \t]*(\S+)/im.exec(raw.toString('latin1'))?.[1];
  if (!imdnMessageId) throw new Error(`the ${type} sample has no IMDN-Message-ID`);
  const folder = await placeFor(c, s, user, type);
  const { uid, uidValidity } = await c.append(s, folder, raw);
  c.note(`staged ${type} object IMDN-Message-ID ${imdnMessageId} as ${folder} UIDVALIDITY ${uidValidity} UID ${uid}`);
  return { type, folder, uidValidity, uids: [uid], imdnMessageId };
}

/**
 * `s` APPENDs `n` message objects to one folder of the case (identifiers unique to each), for cases where one
 * command changes several objects.
 */
export async function stageMessages(c: CaseContext, s: DeviceSession, user: User, n: number): Promise<StagedObject[]> {
  const folder = await c.folder(s, user, 'multi');
  const out: StagedObject[] = [];
  for (let i = 0; i < n; i++) {
    const tag = ((parseInt(c.tag, 16) + 0x10f0f1 * (i + 1)) & 0xffffff).toString(16).padStart(6, '0');
    const raw = uniqueSample('standalone', tag);
    const imdnMessageId = /^IMDN-Message-ID:[ \t]*(\S+)/im.exec(raw.toString('latin1'))?.[1];
    if (!imdnMessageId) throw new Error('the message sample has no IMDN-Message-ID');
    const { uid, uidValidity } = await c.append(s, folder, raw);
    out.push({ type: 'message', folder, uidValidity, uids: [uid], imdnMessageId });
  }
  c.note(`staged ${n} message objects in ${folder}: ${out.map((o) => `UID ${o.uids[0]} (${o.imdnMessageId})`).join(', ')}`);
  return out;
}

/** One command of `s` changes every object (all in one folder): UID STORE of the set, then UID EXPUNGE of it. */
export async function changeAll(s: DeviceSession, objects: readonly StagedObject[], change: 'seen' | 'expunged'): Promise<void> {
  const folder = objects[0]!.folder;
  const set = objects.map(currentUid).join(',');
  await select(s, folder);
  await execOk(s, `UID STORE ${set} +FLAGS (${change === 'seen' ? '\\Seen' : '\\Deleted'})`);
  if (change === 'expunged') await execOk(s, s.capabilities.has('UIDPLUS') ? `UID EXPUNGE ${set}` : 'EXPUNGE');
}

/** Removes every copy of a voicemail object from the shared voicemail folder (the case folders go by themselves). */
async function removeCopies(s: DeviceSession, o: StagedObject): Promise<void> {
  const found = await searchHeader(s, o.folder, 'IMDN-Message-ID', o.imdnMessageId);
  const uids = [...new Set([...o.uids, ...found])].sort((x, y) => x - y);
  await s.exec(`UID STORE ${uids.join(',')} +FLAGS.SILENT (\\Deleted)`);
  await s.exec(s.capabilities.has('UIDPLUS') ? `UID EXPUNGE ${uids.join(',')}` : 'EXPUNGE');
}

/**
 * Stages an object with `s`, runs `body`, and afterwards expunges a voicemail object again (best effort, through
 * a fresh session of the user's first device if `s` is gone).
 */
export async function withObject(
  c: CaseContext,
  s: DeviceSession,
  user: User,
  type: ObjectType,
  body: (o: StagedObject) => Promise<void>,
  tag = c.tag,
): Promise<void> {
  const o = await stageObject(c, s, user, type, tag);
  try {
    await body(o);
  } finally {
    if (type === 'voicemail') {
      try {
        await removeCopies(s.client.usable ? s : await c.session(user, user.devices[0]!, `${user.name}/cleanup`), o);
      } catch (err) {
        c.note(`voicemail clean-up failed: ${(err as Error).message}`);
      }
    }
  }
}

/** The session that acts: the device's own, or the PF's for the device. */
export async function acting(c: CaseContext, user: User, device: Device, path: Path): Promise<Acting> {
  const session = path === 'direct' ? await c.session(user, device, `${user.name}/${deviceLetter(user, device)}`) : await c.pf(user);
  return { path, device, session };
}

async function execOk(s: DeviceSession, command: string): Promise<void> {
  const r = await s.exec(command);
  if (r.status !== 'OK') throw new BlockedError(`${command} was refused: ${r.tagged}`);
}

async function directChange(s: DeviceSession, o: StagedObject, change: Change): Promise<void> {
  const uid = currentUid(o);
  await select(s, o.folder);
  if (change === 'seen') await execOk(s, `UID STORE ${uid} +FLAGS (\\Seen)`);
  else if (change === 'unseen') await execOk(s, `UID STORE ${uid} -FLAGS (\\Seen)`);
  else {
    await execOk(s, `UID STORE ${uid} +FLAGS (\\Deleted)`);
    if (change === 'expunged') await execOk(s, s.capabilities.has('UIDPLUS') ? `UID EXPUNGE ${uid}` : 'EXPUNGE');
  }
}

/**
 * The rewrite path names the object again by its IMDN-Message-ID; a store that did not keep that header has
 * failed the Table 1 cases already, so the push case is blocked rather than failed for it.
 */
async function requireStoredIdentifier(s: DeviceSession, o: StagedObject): Promise<void> {
  const header = await fetchHeader(s, o.folder, currentUid(o));
  const stored = header ? parseObject(Buffer.concat([header, Buffer.from('\r\n')])).first('IMDN-Message-ID')?.value : undefined;
  if (stored !== o.imdnMessageId) {
    throw new BlockedError(
      `prerequisite failed: the stored object no longer carries IMDN-Message-ID ${o.imdnMessageId} byte for byte (found ${stored ?? 'none'}), which the PF rewrite path identifies it by (see the mo/vm.imdn-message-id cases)`,
    );
  }
}

/** Applies the change; on the rewrite path the object's new UID is added to `o.uids`. */
export async function applyChange(a: Acting, o: StagedObject, change: Change): Promise<void> {
  if (a.path === 'direct') return directChange(a.session, o, change);
  const path: PfPathKind = a.path === 'pf-keyword' ? 'keyword' : 'rewrite';
  const target = { folder: o.folder, uid: currentUid(o) };
  if (change === 'unseen') throw new Error('the PF path conventions cover \\Seen and \\Deleted being set, not removed');
  if (path === 'rewrite') await requireStoredIdentifier(a.session, o);
  const r = change === 'expunged' ? await pfExpunge(a.session, path, target, a.device.id) : await pfSetStatus(a.session, path, target, change, a.device.id);
  if (r.uid !== currentUid(o)) o.uids.push(r.uid);
}

/** A further 6-hex-digit tag of the case for its n-th sentinel object (distinct from tag and otherTag). */
function sentinelTag(tag: string, n: number): string {
  return ((((parseInt(tag, 16) ^ 0x5a5a5a) + n) & 0xffffff) >>> 0).toString(16).padStart(6, '0');
}

const sentinelFolders = new WeakMap<CaseContext, Map<string, string>>();
const sentinelCount = new WeakMap<CaseContext, number>();

/**
 * The sentinel of a barrier: `s` APPENDs a message object of its own (in a folder of the case's, made once) and
 * sets \Seen or \Deleted on it. Once the store notified it, a store that delivers a user's notifications in
 * order has delivered everything about earlier changes.
 */
export async function sentinelChange(c: CaseContext, s: DeviceSession, user: User, kind: Extract<StatusEventKind, 'seen' | 'deleted'>): Promise<SentinelChange> {
  let folders = sentinelFolders.get(c);
  if (!folders) sentinelFolders.set(c, (folders = new Map()));
  let folder = folders.get(user.name);
  if (folder === undefined) {
    folder = await c.folder(s, user, 'sentinel');
    folders.set(user.name, folder);
  }
  const n = (sentinelCount.get(c) ?? 0) + 1;
  sentinelCount.set(c, n);
  const raw = uniqueSample('standalone', sentinelTag(c.tag, n));
  const imdnMessageId = /^IMDN-Message-ID:[ \t]*(\S+)/im.exec(raw.toString('latin1'))?.[1];
  if (!imdnMessageId) throw new Error('the sentinel sample has no IMDN-Message-ID');
  const { uid, uidValidity } = await c.append(s, folder, raw);
  await select(s, folder);
  const from = c.push.mark();
  const since = now();
  await execOk(s, `UID STORE ${uid} +FLAGS (${kind === 'seen' ? '\\Seen' : '\\Deleted'})`);
  c.note(`sentinel: ${kind} on IMDN-Message-ID ${imdnMessageId} (${folder} UID ${uid})`);
  return { object: { imdnMessageId, folder, uidValidity, uids: [uid], user: user.name }, kind, from, since };
}
