// Builds the reference PUSH body: an OMA NMS NmsEventList with one event, plus the statusChange block
// carrying the triggering device (fixtures/push/README.md).
import type { NmsEvent, StatusEvent, StatusPayload } from './types.js';

/**
 * RFC 5092 IMAP URL of a mailbox: imap://<user>@<host:port>/<mailbox>;UIDVALIDITY=<n>.
 * The mailbox name is percent-encoded as a whole (UTF-8), so its '/' separators become %2F and the
 * ';UIDVALIDITY' / '/;UID' parts stay unambiguous.
 */
export function imapMailboxUrl(imapBaseUrl: string, user: string, folder: string, uidValidity: number): string {
  return `${imapFolderUrl(imapBaseUrl, user, folder)};UIDVALIDITY=${uidValidity}`;
}

/**
 * RFC 5092 IMAP URL of a mailbox without UIDVALIDITY: imap://<user>@<host:port>/<mailbox>, or
 * imap://<user>@<host:port>/ for the root (folder null). Same encoding as imapMailboxUrl.
 */
export function imapFolderUrl(imapBaseUrl: string, user: string, folder: string | null): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/]*@)?([^/]*)/i.exec(imapBaseUrl);
  if (!m) throw new TypeError(`not an IMAP base URL: ${imapBaseUrl}`);
  const [, scheme, hostPort] = m;
  return `${scheme}${encodeURIComponent(user)}@${hostPort}/${folder === null ? '' : encodeURIComponent(folder)}`;
}

/** RFC 5092 IMAP URL of one message: <mailbox URL>/;UID=<uid>. */
export function imapMessageUrl(mailboxUrl: string, uid: number): string {
  return `${mailboxUrl}/;UID=${uid}`;
}

/**
 * The bare device identity the payload carries: a store may hold it as a Contact parameter
 * (+sip.instance="<urn:…>") or in angle brackets; the payload never does (notes §8.5 step 1).
 */
export function bareDeviceIdentity(identity: string | null): string | null {
  if (identity === null) return null;
  let v = identity.trim();
  v = v.replace(/^\+sip\.instance\s*=\s*/i, '');
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
  if (v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1);
  v = v.trim();
  return v === '' ? null : v;
}

/**
 * One payload for one status change. `index` is the caller's per-user counter (NMS 5.1.4.5).
 * Flags are copied (and de-duplicated), so later changes to the event do not alter a queued payload.
 */
export function buildStatusPayload(event: StatusEvent, index: number): StatusPayload {
  const parentFolder = imapMailboxUrl(event.imapBaseUrl, event.user, event.folder, event.uidValidity);
  const resourceURL = imapMessageUrl(parentFolder, event.uid);
  const flags = [...new Set(event.flags)]; // IMAP flags are a set
  const correlation = event.imdnMessageId === null ? {} : { correlationId: event.imdnMessageId };
  const nmsEvent: NmsEvent =
    event.event === 'expunged'
      ? { deletedObject: { resourceURL, lastModSeq: event.modseq, ...correlation } }
      : {
          changedObject: {
            parentFolder,
            flags: { flag: [...flags] },
            resourceURL,
            lastModSeq: event.modseq,
            ...correlation,
          },
        };
  return {
    nmsEventList: { index, nmsEvent: [nmsEvent] },
    statusChange: {
      event: event.event,
      objectType: event.objectType,
      user: event.user,
      folder: event.folder,
      uidValidity: event.uidValidity,
      uid: event.uid,
      imdnMessageId: event.imdnMessageId,
      flags,
      modseq: event.modseq,
      triggeringDevice: bareDeviceIdentity(event.triggeringDevice),
      occurredAt: event.occurredAt.toISOString(),
    },
  };
}
