// Validation of mailbox names as sent by a client (RFC 3501 §5.1, §5.1.3, §9). Names are kept as sent (UTF-8, with
// any modified UTF-7 left encoded), so two different byte strings must never map to one name: a NUL, bytes that are
// not UTF-8, or an ill-formed modified UTF-7 sequence is refused instead of being replaced (no U+FFFD collisions).
import { CommandError } from './session.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

/** Why a modified UTF-7 name is ill-formed (RFC 3501 §5.1.3), or null when it is well-formed. */
export function mutf7Problem(name: string): string | null {
  for (let i = 0; i < name.length; i++) {
    if (name[i] !== '&') continue;
    const end = name.indexOf('-', i + 1);
    if (end < 0) return 'an "&" sequence is not closed with "-"';
    const run = name.slice(i + 1, end);
    i = end;
    if (run === '') continue; // "&-" is "&"
    let bits = 0;
    let acc = 0;
    const units: number[] = [];
    for (const ch of run) {
      const v = B64.indexOf(ch);
      if (v < 0) return `"${ch}" is not modified BASE64`;
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        units.push((acc >> bits) & 0xffff);
        acc &= (1 << bits) - 1;
      }
    }
    if (bits >= 6 || acc !== 0) return 'a modified BASE64 sequence has leftover bits';
    if (!units.length) return 'an empty modified BASE64 sequence';
    for (let k = 0; k < units.length; k++) {
      const u = units[k]!;
      if (u >= 0x20 && u <= 0x7e) return 'printable US-ASCII must not be BASE64-encoded';
      if (u >= 0xd800 && u <= 0xdbff) {
        const lo = units[k + 1];
        if (lo === undefined || lo < 0xdc00 || lo > 0xdfff) return 'an unpaired UTF-16 surrogate';
        k++;
      } else if (u >= 0xdc00 && u <= 0xdfff) return 'an unpaired UTF-16 surrogate';
    }
    if (name[end + 1] === '&' && name[end + 2] !== '-') return 'two adjacent BASE64 sequences';
  }
  return null;
}

/** The name as text, or a CommandError naming the problem. */
export function validMailboxName(bytes: Buffer): string {
  if (bytes.includes(0)) throw new CommandError('BAD', null, 'NUL is not allowed in a mailbox name');
  let name: string;
  try {
    name = UTF8.decode(bytes);
  } catch {
    throw new CommandError('NO', 'CANNOT', 'Mailbox name is not valid UTF-8');
  }
  if (/[\r\n]/.test(name)) throw new CommandError('BAD', null, 'CR and LF are not allowed in a mailbox name');
  const problem = mutf7Problem(name);
  if (problem) throw new CommandError('NO', 'CANNOT', `Mailbox name is not valid modified UTF-7: ${problem}`);
  return name;
}
