// Sequence sets (RFC 3501 §9 sequence-set): `1:3,5,7:*`.
import { ParseError } from './parser.js';

export type SeqRange = [number, number]; // Infinity stands for '*'

export function parseSequenceSet(s: string): SeqRange[] {
  if (!/^[0-9*:,]+$/.test(s)) throw new ParseError('invalid sequence set');
  return s.split(',').map((part) => {
    const ends = part.split(':');
    if (ends.length > 2 || ends.some((e) => e === '' || (e !== '*' && (!/^\d+$/.test(e) || Number(e) === 0)))) {
      throw new ParseError('invalid sequence set');
    }
    const nums = ends.map((e) => (e === '*' ? Infinity : Number(e)));
    const a = nums[0]!;
    const b = nums[1] ?? a;
    return [Math.min(a, b), Math.max(a, b)] as SeqRange;
  });
}

/** Does `n` fall into the set, where `*` means `max`? */
export function inSet(ranges: SeqRange[], n: number, max: number): boolean {
  return ranges.some(([a, b]) => {
    const lo = a === Infinity ? max : a;
    const hi = b === Infinity ? max : b;
    return n >= Math.min(lo, hi) && n <= Math.max(lo, hi);
  });
}

/** Highest explicit number in the set (for validating message sequence numbers). */
export function maxExplicit(ranges: SeqRange[]): number {
  return Math.max(0, ...ranges.flat().filter((n) => n !== Infinity));
}

/** Compact form of a sorted list of numbers, e.g. [1,2,3,7] → "1:3,7". */
export function compactSet(nums: number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < nums.length) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    out.push(i === j ? String(nums[i]) : `${nums[i]}:${nums[j]}`);
    i = j + 1;
  }
  return out.join(',');
}
