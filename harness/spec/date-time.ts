// RFC 5322 §3.3 date-time, for the Date header of Message Objects (mo.date) and Voicemail Objects (vm.date).
//
//   date-time = [ day-of-week "," ] date time [CFWS]      date = day month year
//   day = [FWS] 1*2DIGIT FWS     year = FWS 4*DIGIT FWS    time = hour ":" minute [ ":" second ] FWS zone
//   zone = ( "+" / "-" ) 4DIGIT
// Day and month names are ABNF literals, hence case-insensitive. A comment is allowed only at the end.
// §4.3 obsolete forms (2- or 3-digit years, alphabetic zones, comments or spaces inside the date, around
// ":" or before ",") are reported as `date-time.obsolete`: RFC 5322 says they MUST NOT be generated.
// "A date-time specification MUST be semantically valid": the day-of-week must be that of the date, the day
// must exist in the month, hour <= 23, minute <= 59, second <= 60 (leap second), year >= 1900, zone
// minutes <= 59 and the offset within the ±14:00 that real zones use (the last bound is this suite's reading).
import { finding, type Finding } from './types.js';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAYS = DAY_NAMES.map((d) => d.toLowerCase());
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_RE = DAYS.join('|');
const MONTH_RE = MONTHS.join('|');

const STRICT = new RegExp(
  `^(?:(${DAY_RE}),[ \\t]*)?(\\d{1,2})[ \\t]+(${MONTH_RE})[ \\t]+(\\d{4,})[ \\t]+(\\d{2}):(\\d{2})(?::(\\d{2}))?[ \\t]+([+-])(\\d{2})(\\d{2})$`,
  'i',
);
// Obsolete zones of RFC 5322 §4.3 with their offsets in minutes (military zones other than Z are "unknown" → 0).
const OBS_ZONES: Record<string, number> = { ut: 0, gmt: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };
const OBS = new RegExp(
  `^(?:(${DAY_RE})[ \\t]*,[ \\t]*)?(\\d{1,2})[ \\t]+(${MONTH_RE})[ \\t]+(\\d{2,})[ \\t]+(\\d{2})[ \\t]*:[ \\t]*(\\d{2})(?:[ \\t]*:[ \\t]*(\\d{2}))?[ \\t]*(?:([+-])(\\d{2})(\\d{2})|(ut|gmt|[ecmp][sd]t|[a-ik-z]))$`,
  'i',
);

export interface DateTimeResult {
  /** 'valid': strict grammar; 'obsolete': only the §4.3 grammar matches; 'invalid': neither. */
  syntax: 'valid' | 'obsolete' | 'invalid';
  /** Why the value is not semantically valid (empty when it is, or when the syntax is invalid). */
  semanticProblems: string[];
  /** The instant, when the value parses and is semantically valid. */
  instant?: Date;
}

/** Removes comments (nesting and quoted-pairs honoured); `inner` tells whether text follows a comment. */
function stripComments(value: string): { text: string; inner: boolean } {
  let out = '';
  let depth = 0;
  let firstComment = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (depth > 0 && c === '\\') i++;
    else if (c === '(') {
      if (depth === 0 && firstComment < 0) firstComment = out.length;
      depth++;
    } else if (c === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ' ';
    } else if (depth === 0) out += c;
  }
  if (depth > 0) return { text: value, inner: false }; // unclosed comment: leave it to the grammar to reject
  return { text: out.trim(), inner: firstComment >= 0 && out.slice(firstComment).trim() !== '' };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

export function parseDateTime(value: string): DateTimeResult {
  const unfolded = value.replace(/\r?\n(?=[ \t])/g, '').trim();
  const { text, inner } = stripComments(unfolded);
  let m = inner ? null : STRICT.exec(text);
  let syntax: DateTimeResult['syntax'] = 'valid';
  let offset: number | undefined;
  let zoneProblem: string | undefined;
  if (m) {
    offset = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
    if (Number(m[10]) > 59) zoneProblem = `zone minutes ${m[10]} > 59`;
    else if (Math.abs(offset) > 14 * 60) zoneProblem = `zone offset ${m[8]}${m[9]}${m[10]} beyond ±1400`;
  } else {
    m = OBS.exec(text);
    if (!m) return { syntax: 'invalid', semanticProblems: [] };
    syntax = 'obsolete';
    offset = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) : (OBS_ZONES[(m[11] ?? '').toLowerCase()] ?? 0);
  }
  const [, dow, dayS, monS, yearS, hourS, minS, secS] = m;
  let year = Number(yearS);
  if (syntax === 'obsolete' && (yearS ?? '').length === 2) year += year < 50 ? 2000 : 1900;
  else if (syntax === 'obsolete' && (yearS ?? '').length === 3) year += 1900;
  const month = MONTHS.indexOf((monS ?? '').toLowerCase());
  const day = Number(dayS);
  const hour = Number(hourS);
  const minute = Number(minS);
  const second = secS === undefined ? 0 : Number(secS);
  const problems: string[] = [];
  if (year < 1900) problems.push(`year ${year} < 1900`);
  if (day < 1 || day > daysInMonth(year, month)) problems.push(`day ${day} does not exist in ${monS} ${year}`);
  if (hour > 23) problems.push(`hour ${hour} > 23`);
  if (minute > 59) problems.push(`minute ${minute} > 59`);
  if (second > 60) problems.push(`second ${second} > 60`);
  if (zoneProblem) problems.push(zoneProblem);
  if (problems.length === 0 && dow !== undefined) {
    const actual = new Date(Date.UTC(year, month, day)).getUTCDay();
    if (DAYS.indexOf(dow.toLowerCase()) !== actual) problems.push(`${dow} ${day} ${monS} ${year} is a ${DAY_NAMES[actual] ?? ''}`);
  }
  if (problems.length > 0) return { syntax, semanticProblems: problems };
  const instant = new Date(Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - (offset ?? 0) * 60_000);
  return { syntax, semanticProblems: [], instant };
}

/** Findings for one Date header value. */
export function checkDateTime(value: string, requirement: string, header = 'Date'): Finding[] {
  const r = parseDateTime(value);
  const out: Finding[] = [];
  if (r.syntax === 'invalid') {
    out.push(finding('date-time.syntax', requirement, 'RFC 5322 date-time, e.g. "Fri, 30 Oct 2015 16:26:16 +0100"', value, header));
  } else if (r.syntax === 'obsolete') {
    out.push(finding('date-time.obsolete', requirement, 'RFC 5322 §3.3 date-time without §4.3 obsolete forms', value, header));
  }
  if (r.semanticProblems.length > 0) {
    out.push(finding('date-time.semantic', requirement, 'a semantically valid date-time', `${value} (${r.semanticProblems.join('; ')})`, header));
  }
  return out;
}
