// The suite only talks to loopback unless a profile opts out explicitly: a conformance run must never
// poke a production message store or expose the PUSH mock on a shared network by accident.
import { isIP } from 'node:net';

/** True for localhost, 127.0.0.0/8, ::1 and IPv4-mapped ::ffff:127.x.y.z (with or without [brackets]). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    if (h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h) || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped !== null && mapped[1] !== undefined && mapped[1].startsWith('127.');
  }
  return false;
}

export const LOOPBACK_HINT = 'loopback only (127.0.0.0/8, ::1, localhost)';
