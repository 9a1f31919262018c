// The CPM Participating Function updating a status on a device's behalf (CR Reason for Change: "the message
// status is updated either by CPM client or the CPM Participating function"), as client-side steps over the PF's
// IMAP session. The CR gives the PF no way to name the device (spec notes §7.5, A-2), so the profile declares one
// of two conventions (features.pfPath):
//
//   keyword  one UID STORE sets the status flag and an identity keyword naming the device (identity-keyword.ts):
//              UID STORE <uid> +FLAGS (\Seen $CPMSeenBy_<encoded id>)
//              UID STORE <uid> +FLAGS (\Deleted $CPMDeletedBy_<encoded id>)
//   rewrite  the CR's literal reading: an IMAP object cannot be edited, so the PF APPENDs the object again
//            with Message-seen-identity / Message-delete-identity written into its header and the status flag set,
//            then removes the old copy (\Deleted + UID EXPUNGE). The object gets a new UID; its IMDN-Message-ID
//            stays the same.
//
// An expunge on the device's behalf is "deleted on its behalf" followed by UID EXPUNGE of the copy that carries
// the deletion. A step the store refuses is a BlockedError: the profile declared a path the store does not take.
import { BlockedError } from '../must/index.js';
import { searchHeader, select } from '../imap/objects.js';
import type { DeviceSession } from '../imap/session.js';
import { identityKeyword, parseIdentityKeyword, type IdentityStatus } from './identity-keyword.js';

export * from './identity-keyword.js';

export type PfPathKind = 'keyword' | 'rewrite';

/** The header fields of CR Tables 1 and 6 that name the device. */
export const IDENTITY_FIELD: Readonly<Record<IdentityStatus, string>> = Object.freeze({
  seen: 'Message-seen-identity',
  deleted: 'Message-delete-identity',
});

const STATUS_FLAG: Readonly<Record<IdentityStatus, string>> = Object.freeze({ seen: '\\Seen', deleted: '\\Deleted' });

export interface PfTarget {
  folder: string;
  uid: number;
}

export interface PfOutcome {
  /** UID of the object that now carries the status (a new UID on the rewrite path). */
  uid: number;
  /** On the rewrite path: the UID of the copy that was replaced. */
  replacedUid?: number;
}

/**
 * Returns the object with `Message-seen-identity` / `Message-delete-identity` set to `deviceId`: any such fields
 * already present are removed, the new one ends the header block. Every other byte is kept as it was.
 */
export function withIdentityField(raw: Buffer, status: IdentityStatus, deviceId: string): Buffer {
  if (/[\r\n]/.test(deviceId)) throw new Error(`device id ${JSON.stringify(deviceId)} contains a line break`);
  const text = raw.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  const useCrlf = crlf >= 0 && (lf < 0 || crlf <= lf);
  const nl = useCrlf || (lf < 0 && text.includes('\r\n')) ? '\r\n' : '\n';
  const end = useCrlf ? crlf + 2 : lf >= 0 ? lf + 1 : text.length;
  const header = text.slice(0, end);
  const rest = useCrlf ? text.slice(crlf + 2) : lf >= 0 ? text.slice(lf + 1) : nl;

  // Header lines with their own line ends; a line starting with SP/HT continues the field before it.
  const lines = header.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const fields: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  const name = IDENTITY_FIELD[status].toLowerCase();
  const kept = fields.filter((f) => f.slice(0, f.indexOf(':')).trim().toLowerCase() !== name);
  if (kept.length > 0 && !kept[kept.length - 1]!.endsWith('\n')) kept[kept.length - 1] += nl;
  const out = `${kept.join('')}${IDENTITY_FIELD[status]}: ${deviceId}${nl}${rest}`;
  return Buffer.from(out, 'latin1');
}

async function execOk(pf: DeviceSession, command: string, why: string): Promise<void> {
  const r = await pf.exec(command);
  if (r.status !== 'OK') throw new BlockedError(`PF path: ${why} was refused: ${r.tagged}`);
}

async function uidExpunge(pf: DeviceSession, uid: number): Promise<void> {
  // Without UIDPLUS a plain EXPUNGE also removes other \Deleted objects of the folder.
  const command = pf.capabilities.has('UIDPLUS') ? `UID EXPUNGE ${uid}` : 'EXPUNGE';
  await execOk(pf, command, `${command} of UID ${uid}`);
}

async function keywordStatus(pf: DeviceSession, target: PfTarget, status: IdentityStatus, deviceId: string): Promise<PfOutcome> {
  await select(pf, target.folder);
  const keyword = identityKeyword(status, deviceId);
  await execOk(pf, `UID STORE ${target.uid} +FLAGS (${STATUS_FLAG[status]} ${keyword})`, `setting ${STATUS_FLAG[status]} with ${keyword}`);
  return { uid: target.uid };
}

async function rewriteStatus(pf: DeviceSession, target: PfTarget, status: IdentityStatus, deviceId: string): Promise<PfOutcome> {
  await select(pf, target.folder);
  const old = await pf.run(`UID FETCH ${target.uid} (FLAGS BODY.PEEK[])`, (c) =>
    c.fetchOne(String(target.uid), { source: true, flags: true }, { uid: true }),
  );
  if (!old || !old.source) throw new BlockedError(`PF path: UID ${target.uid} in ${target.folder} cannot be fetched for the rewrite`);
  const raw = withIdentityField(old.source, status, deviceId);
  const flags = [...(old.flags ?? [])].filter((f) => f.toLowerCase() !== '\\recent' && parseIdentityKeyword(f) === undefined);
  if (!flags.some((f) => f.toLowerCase() === STATUS_FLAG[status].toLowerCase())) flags.push(STATUS_FLAG[status]);

  const appended = await pf.run(`APPEND ${target.folder}`, (c) => c.append(target.folder, raw, flags));
  if (!appended) throw new BlockedError(`PF path: APPEND of the rewritten object to ${target.folder} was refused`);
  let uid = appended.uid;
  if (!uid) {
    // No APPENDUID: the new copy is the highest UID with the object's IMDN-Message-ID.
    const id = /^IMDN-Message-ID:[ \t]*(\S+)/im.exec(raw.toString('latin1'))?.[1];
    const found = id ? (await searchHeader(pf, target.folder, 'IMDN-Message-ID', id)).filter((u) => u > target.uid) : [];
    uid = found.at(-1);
    if (!uid) throw new BlockedError('PF path: the store returned no APPENDUID and the rewritten object is not found by IMDN-Message-ID');
  }

  await select(pf, target.folder);
  await execOk(pf, `UID STORE ${target.uid} +FLAGS.SILENT (\\Deleted)`, `removing the replaced copy (UID ${target.uid})`);
  await uidExpunge(pf, target.uid);
  return { uid, replacedUid: target.uid };
}

/** The PF marks the object read (`seen`) or deleted (`deleted`) on behalf of `deviceId`. */
export function pfSetStatus(pf: DeviceSession, path: PfPathKind, target: PfTarget, status: IdentityStatus, deviceId: string): Promise<PfOutcome> {
  return path === 'keyword' ? keywordStatus(pf, target, status, deviceId) : rewriteStatus(pf, target, status, deviceId);
}

/** The PF deletes the object on behalf of `deviceId` and expunges it; resolves with the expunged copy's UID. */
export async function pfExpunge(pf: DeviceSession, path: PfPathKind, target: PfTarget, deviceId: string): Promise<PfOutcome> {
  const deleted = await pfSetStatus(pf, path, target, 'deleted', deviceId);
  await select(pf, target.folder);
  await uidExpunge(pf, deleted.uid);
  return deleted;
}
