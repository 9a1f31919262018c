import { describe, expect, it } from 'vitest';
import { parseUntagged } from '../../../harness/imap/response-reader.js';
import {
  fetchedSection,
  hasFlag,
  isOverflow,
  oldName,
  parseCode,
  parseFetch,
  parseItems,
  parseList,
  parseStatus,
  quoted,
  sameMailbox,
} from '../../../harness/imap/notify.js';

const u = (text: string) => parseUntagged(text, 0)!;

describe('parseItems', () => {
  it('reads atoms, numbers, quoted strings with escapes, NIL and nested lists', () => {
    expect(parseItems('A 12 "x \\"y\\" \\\\" NIL (B (C))')).toEqual([
      { kind: 'atom', value: 'A' },
      { kind: 'atom', value: '12' },
      { kind: 'string', value: 'x "y" \\' },
      { kind: 'nil' },
      { kind: 'list', items: [{ kind: 'atom', value: 'B' }, { kind: 'list', items: [{ kind: 'atom', value: 'C' }] }] },
    ]);
  });
  it('counts literal lengths in bytes and keeps bracketed fetch names whole', () => {
    const items = parseItems('(BODY[HEADER.FIELDS (IMDN-MESSAGE-ID)] {5}\r\nÄb\r\n UID 3)');
    expect(items[0]).toEqual({
      kind: 'list',
      items: [
        { kind: 'atom', value: 'BODY[HEADER.FIELDS (IMDN-MESSAGE-ID)]' },
        { kind: 'string', value: 'Äb\r\n' },
        { kind: 'atom', value: 'UID' },
        { kind: 'atom', value: '3' },
      ],
    });
  });
  it('takes the reader placeholder of a long literal as its value', () => {
    expect(parseItems('{5000}\r\n<5000 bytes> X')).toEqual([{ kind: 'string', value: '<5000 bytes>' }, { kind: 'atom', value: 'X' }]);
  });
  it('rejects an unterminated list', () => {
    expect(() => parseItems('(A B')).toThrow(/unterminated/);
  });
});

describe('NOTIFY responses', () => {
  it('STATUS: mailbox and numeric items by upper-case name', () => {
    const s = parseStatus(u('* STATUS "RCSMessageStore/a b" (messages 2 UIDNEXT 7 UIDVALIDITY 99 HIGHESTMODSEQ 12)'))!;
    expect(s.mailbox).toBe('RCSMessageStore/a b');
    expect(Object.fromEntries(s.items)).toEqual({ MESSAGES: 2, UIDNEXT: 7, UIDVALIDITY: 99, HIGHESTMODSEQ: 12 });
    expect(parseStatus(u('* 3 EXISTS'))).toBeUndefined();
  });
  it('FETCH: sequence number, UID, FLAGS and a fetched header section', () => {
    const f = parseFetch(u('* 4 FETCH (UID 9 FLAGS (\\Seen $Label) BODY[HEADER.FIELDS (IMDN-MESSAGE-ID)] {24}\r\nIMDN-Message-ID: abc\r\n\r\n)'))!;
    expect(f.seq).toBe(4);
    expect(f.uid).toBe(9);
    expect(f.flags).toEqual(['\\Seen', '$Label']);
    expect(fetchedSection(f, 'BODY[HEADER.FIELDS')).toContain('IMDN-Message-ID: abc');
    expect(hasFlag(f.flags, '\\SEEN')).toBe(true);
    expect(parseFetch(u('* 4 EXPUNGE'))).toBeUndefined();
  });
  it('FETCH without UID has no uid', () => {
    expect(parseFetch(u('* 1 FETCH (FLAGS ())'))?.uid).toBeUndefined();
  });
  it('LIST: attributes, delimiter, name and OLDNAME', () => {
    const l = parseList(u('* LIST () "/" "R/new" ("OLDNAME" ("R/old"))'))!;
    expect(l).toMatchObject({ attributes: [], delimiter: '/', mailbox: 'R/new' });
    expect(oldName(l)).toBe('R/old');
    const gone = parseList(u('* LIST (\\NonExistent) "/" R/x'))!;
    expect(hasFlag(gone.attributes, '\\nonexistent')).toBe(true);
    expect(oldName(gone)).toBeUndefined();
  });
  it('response codes with a list, and the overflow code', () => {
    expect(parseCode('BADEVENT (MessageNew MessageExpunge)')).toEqual({ name: 'BADEVENT', args: ['MessageNew', 'MessageExpunge'] });
    expect(parseCode('NOTIFICATIONOVERFLOW')).toEqual({ name: 'NOTIFICATIONOVERFLOW', args: [] });
    expect(parseCode(undefined)).toBeUndefined();
    expect(isOverflow(u('* OK [NOTIFICATIONOVERFLOW] too many'))).toBe(true);
    expect(isOverflow(u('* OK still here'))).toBe(false);
  });
  it('mailbox names: INBOX is case-insensitive, others exact; quoting escapes', () => {
    expect(sameMailbox('inbox', 'INBOX')).toBe(true);
    expect(sameMailbox('R/a', 'r/a')).toBe(false);
    expect(quoted('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
  });
});
