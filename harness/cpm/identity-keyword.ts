// The identity keywords of the PF keyword path (profile features.pfPath = "keyword").
//
// The CR (Reason for Change) lets the CPM Participating Function update a status on a device's behalf but gives
// the store no way to learn which device that was (spec notes §7.5, A-2). This suite's convention: the PF names
// the device with a keyword set in the SAME UID STORE as the status flag,
//
//   UID STORE <uid> +FLAGS (\Seen $CPMSeenBy_<encoded device id>)
//   UID STORE <uid> +FLAGS (\Deleted $CPMDeletedBy_<encoded device id>)
//
// so the store sees flag and device in one change. An EXPUNGE is attributed to the device named when \Deleted
// was set. The keyword is an instruction for that change; whether the store keeps it as a flag is its business.
//
// Encoding of the device id (the identity as the profile declares it: a bare URN or GRUU):
//   letters, digits and  : . - _ @ + ; /  stand for themselves;
//   every other byte of the id's UTF-8 form, "=" included, is written "=XX" (two upper-case hex digits).
// The result is an IMAP atom (RFC 3501 atom-char: no SP, CTL, ( ) { % * " \ ]) and decodes to the exact id, e.g.
//   urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6   →  $CPMSeenBy_urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6
//   sip:alice@example.test;gr=urn:uuid:2c5e…         →  $CPMSeenBy_sip:alice@example.test;gr=3Durn:uuid:2c5e…
// Stores match the prefixes case-insensitively (IMAP keywords are case-insensitive); decoding accepts lower-case
// hex digits too.

export type IdentityStatus = 'seen' | 'deleted';

export const SEEN_BY_PREFIX = '$CPMSeenBy_';
export const DELETED_BY_PREFIX = '$CPMDeletedBy_';

const PREFIX: Record<IdentityStatus, string> = { seen: SEEN_BY_PREFIX, deleted: DELETED_BY_PREFIX };

/** Bytes (as ASCII code points) that stand for themselves in an encoded id. */
const KEPT = /^[A-Za-z0-9:.\-_@+;/]$/;
const ENCODED = /^(?:[A-Za-z0-9:.\-_@+;/]|=[0-9A-Fa-f]{2})*$/;

export function encodeKeywordDeviceId(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && KEPT.test(ch) ? ch : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The device id an encoded keyword suffix stands for; undefined when it is not a valid encoding of UTF-8 text. */
export function decodeKeywordDeviceId(encoded: string): string | undefined {
  if (encoded === '' || !ENCODED.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '=') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(encoded.charCodeAt(i));
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** The keyword naming `deviceId` as the device that read (`seen`) or deleted (`deleted`) the object. */
export function identityKeyword(status: IdentityStatus, deviceId: string): string {
  return PREFIX[status] + encodeKeywordDeviceId(deviceId);
}

/** Reads an identity keyword back (prefix case-insensitive); undefined for any other flag. */
export function parseIdentityKeyword(flag: string): { status: IdentityStatus; deviceId: string } | undefined {
  for (const status of ['seen', 'deleted'] as const) {
    const prefix = PREFIX[status];
    if (flag.length > prefix.length && flag.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()) {
      const deviceId = decodeKeywordDeviceId(flag.slice(prefix.length));
      return deviceId === undefined ? undefined : { status, deviceId };
    }
  }
  return undefined;
}
