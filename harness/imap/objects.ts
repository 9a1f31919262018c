// Reading and changing stored objects through a device session, the way a Message Storage Client does.
// Every read uses BODY.PEEK so that observing an object never changes its \Seen state.
import type { DeviceSession } from './session.js';

export async function select(s: DeviceSession, folder: string): Promise<void> {
  await s.run(`SELECT ${folder}`, (c) => c.mailboxOpen(folder));
}

/** The whole stored object as the server returns it (BODY.PEEK[]). */
export async function fetchSource(s: DeviceSession, folder: string, uid: number): Promise<Buffer | undefined> {
  await select(s, folder);
  const msg = await s.run(`UID FETCH ${uid} BODY.PEEK[]`, (c) => c.fetchOne(String(uid), { source: true }, { uid: true }));
  return msg ? msg.source : undefined;
}

/** The header block as the server returns it (BODY.PEEK[HEADER]). */
export async function fetchHeader(s: DeviceSession, folder: string, uid: number): Promise<Buffer | undefined> {
  await select(s, folder);
  const msg = await s.run(`UID FETCH ${uid} BODY.PEEK[HEADER]`, (c) => c.fetchOne(String(uid), { headers: true }, { uid: true }));
  return msg ? msg.headers : undefined;
}

export async function fetchFlags(s: DeviceSession, folder: string, uid: number): Promise<Set<string> | undefined> {
  await select(s, folder);
  const msg = await s.run(`UID FETCH ${uid} FLAGS`, (c) => c.fetchOne(String(uid), { flags: true }, { uid: true }));
  return msg ? msg.flags : undefined;
}

/** UID STORE +FLAGS / -FLAGS. */
export async function storeFlags(s: DeviceSession, folder: string, uid: number, op: '+' | '-', flags: string[]): Promise<void> {
  await select(s, folder);
  await s.run(`UID STORE ${uid} ${op}FLAGS (${flags.join(' ')})`, (c) =>
    op === '+' ? c.messageFlagsAdd(String(uid), flags, { uid: true }) : c.messageFlagsRemove(String(uid), flags, { uid: true }),
  );
}

/** Sets \Deleted and expunges just this UID (UID EXPUNGE when available). */
export async function expungeUid(s: DeviceSession, folder: string, uid: number): Promise<void> {
  await select(s, folder);
  await s.run(`UID EXPUNGE ${uid}`, (c) => c.messageDelete(String(uid), { uid: true }));
}

/** UID SEARCH HEADER <name> <value>. */
export async function searchHeader(s: DeviceSession, folder: string, name: string, value: string): Promise<number[]> {
  await select(s, folder);
  const r = await s.run(`UID SEARCH HEADER ${name}`, (c) => c.search({ header: { [name]: value } }, { uid: true }));
  return Array.isArray(r) ? r : [];
}

/** Every object of a folder (EXAMINE, read-only; BODY.PEEK[]), at most `limit`, in UID order. */
export async function fetchAllSources(s: DeviceSession, folder: string, limit: number): Promise<{ uid: number; source: Buffer }[]> {
  await s.run(`EXAMINE ${folder}`, (c) => c.mailboxOpen(folder, { readOnly: true }));
  const out: { uid: number; source: Buffer }[] = [];
  await s.run(`UID FETCH 1:* BODY.PEEK[] in ${folder}`, async (c) => {
    for await (const m of c.fetch('1:*', { uid: true, source: true }, { uid: true })) {
      if (m.source) out.push({ uid: m.uid, source: m.source });
      if (out.length >= limit) break;
    }
  });
  return out;
}
