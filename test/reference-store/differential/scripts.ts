// The command scripts sent to both servers. Each runs in its own folder (named after the script) so that the
// scripts share one server pair; `a` and `b` are two sessions of alice (`bob` is bob). A step's responses are
// compared after normalisation (normalise.ts) and the accepted differences (accepted-differences.json).
import { ADDRESSES, CPIM, MIXED, NESTED, PLAIN } from './corpus.js';

export type SessionName = 'a' | 'b' | 'bob';
export interface Step { s?: SessionName; c: string }
export interface Script { name: string; steps: Step[] }

/** `APPEND mailbox (flags) "date" {n+}` with the message as a non-synchronising literal (LITERAL+, both servers). */
export function append(mailbox: string, message: string, flags = '', date = '24-Nov-2026 10:00:00 +0000'): string {
  return `APPEND ${mailbox} ${flags ? `(${flags}) ` : ''}"${date}" {${Buffer.byteLength(message)}+}\r\n${message}`;
}

const a = (c: string): Step => ({ s: 'a', c });
const b = (c: string): Step => ({ s: 'b', c });

const ALL_ITEMS = 'FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY';

export const SCRIPTS: Script[] = [
  {
    name: 'basics',
    steps: [
      a('CAPABILITY'), a('NOOP'), a('CREATE basics'), a('CREATE basics/sub'), a('LIST "" basics*'), a('LIST "" basics/%'),
      a('LIST "basics/" %'), a('LIST "" ""'), a('CREATE basics'), a('SELECT basics/none'),
      a(append('basics', PLAIN)), a(append('basics', PLAIN, '\\Seen \\Flagged')),
      a('STATUS basics (MESSAGES RECENT UIDNEXT UNSEEN)'), a('SELECT basics'), a('FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE)'),
      a('FETCH 1 FAST'), a('FETCH 2 ALL'), a('UID FETCH 2 (FLAGS)'), a('FETCH 3 FLAGS'), a('UID FETCH 9 FLAGS'),
      a('STORE 1 +FLAGS (\\Answered)'), a('STORE 1 -FLAGS.SILENT (\\Answered)'), a('STORE 1:2 FLAGS (\\Draft)'),
      a('COPY 1 basics/sub'), a('UID COPY 2 basics/nowhere'), a('STORE 1 +FLAGS (\\Deleted)'), a('EXPUNGE'), a('UID SEARCH ALL'),
      a('RENAME basics/sub basics/renamed'), a('LIST "" basics/*'), a('STATUS basics/renamed (MESSAGES UIDNEXT)'),
      a('DELETE basics/renamed'), a('LIST "" basics/*'), a('CLOSE'), a('FETCH 1 FLAGS'), a('BOGUS'), a('FETCH'),
    ],
  },
  {
    name: 'sections',
    steps: [
      a('CREATE sections'), a(append('sections', NESTED)), a(append('sections', MIXED)), a(append('sections', PLAIN)), a(append('sections', CPIM)),
      a('EXAMINE sections'),
      a('FETCH 1 (BODY[1] BODY[1.1] BODY[1.1.MIME] BODY[1.2] BODY[1.2.1] BODY[1.2.HEADER] BODY[1.2.TEXT] BODY[1.2.1.MIME])'),
      a('FETCH 1 (BODY[1.HEADER] BODY[1.TEXT] BODY[1.MIME] BODY[1.2.MIME] BODY[2] BODY[1.3] BODY[1.1.1])'),
      a('FETCH 2 (BODY[1] BODY[1.1] BODY[1.2] BODY[1.1.MIME] BODY[1.MIME] BODY[2] BODY[2.MIME] BODY[2.HEADER] BODY[2.TEXT] BODY[2.1])'),
      a('FETCH 2 (BODY[3] BODY[3.MIME] BODY[TEXT] BODY[HEADER] BODY[4] BODY[2.1.1])'),
      a('FETCH 2 (BODY[HEADER.FIELDS (SUBJECT FROM)] BODY[HEADER.FIELDS.NOT (SUBJECT)] BODY[2.HEADER.FIELDS (Subject)])'),
      a('FETCH 2 (BODY[]<0.20> BODY[1.2]<5.100> BODY[TEXT]<2000.10>)'),
      a('FETCH 3 (BODY[1] BODY[1.MIME] BODY[1.1] BODY[TEXT] BODY[2] RFC822.HEADER RFC822.TEXT)'),
      a('FETCH 4 (BODY[1] BODY[TEXT] BODY[HEADER.FIELDS (Conversation-ID)])'),
      a(`FETCH 1:4 (${ALL_ITEMS})`), a('FETCH 1:4 RFC822'), a('FETCH 1 BODY[MIME]'), a('FETCH 1 BODY[0]'), a('FETCH 1 BODY[1.0]'),
    ],
  },
  {
    name: 'envelope',
    steps: [
      a('CREATE envelope'), a(append('envelope', ADDRESSES)), a(append('envelope', MIXED)), a(append('envelope', PLAIN)), a('SELECT envelope'),
      a('FETCH 1:3 ENVELOPE'),
      a('SEARCH FROM "comment"'), a('SEARCH FROM "a.b@c.example"'), a('SEARCH FROM "Al (x)"'), a('SEARCH FROM "foo bar"'),
      a('SEARCH FROM "x@y.example"'), a('SEARCH CC "just comment"'), a('SEARCH CC "quoted local"'), a('SEARCH FROM "c2"'),
      a('SEARCH BCC esc'), a('SEARCH TO bob'), a('SEARCH FROM "mixed, sender"'), a('SEARCH SUBJECT "café"'), a('SEARCH SUBJECT "naïve"'),
      a('SEARCH CHARSET UTF-8 SUBJECT "CAFÉ"'), a('SEARCH HEADER Message-ID addr-1'), a('SEARCH HEADER X-Missing ""'),
      a('SEARCH HEADER In-Reply-To ""'), a('SEARCH BODY "forwarded body"'), a('SEARCH TEXT "address test"'), a('SEARCH TEXT "Zürich"'),
    ],
  },
  {
    name: 'search',
    steps: [
      a('CREATE search'),
      a(append('search', ADDRESSES, '', '25-Nov-2026 04:30:00 +0000')),
      a(append('search', NESTED, '\\Seen', '25-Nov-2026 07:00:00 +0000')),
      a(append('search', MIXED, '\\Flagged $Work', '27-Nov-2026 07:59:59 +0000')),
      a(append('search', PLAIN, '\\Answered \\Draft', '01-Dec-2026 00:00:00 +0000')),
      a('SELECT search'),
      a('SEARCH SENTON 24-Nov-2026'), a('SEARCH SENTON 25-Nov-2026'), a('SEARCH SENTBEFORE 25-Nov-2026'), a('SEARCH SENTSINCE 25-Nov-2026'),
      a('SEARCH SENTON 26-Nov-2026'), a('SEARCH SENTSINCE 27-Nov-2026'),
      a('SEARCH ON 25-Nov-2026'), a('SEARCH BEFORE 27-Nov-2026'), a('SEARCH SINCE 27-Nov-2026'),
      a('SEARCH SEEN'), a('SEARCH UNSEEN'), a('SEARCH FLAGGED'), a('SEARCH UNFLAGGED'), a('SEARCH ANSWERED DRAFT'), a('SEARCH UNANSWERED'),
      a('SEARCH KEYWORD $Work'), a('SEARCH UNKEYWORD $Work'), a('SEARCH NOT SEEN'), a('SEARCH OR SEEN FLAGGED'), a('SEARCH (SEEN) (UNFLAGGED)'),
      a('SEARCH 2:3'), a('SEARCH UID 3:*'), a('SEARCH LARGER 400'), a('SEARCH SMALLER 400'), a('SEARCH NEW'), a('SEARCH OLD'), a('SEARCH RECENT'),
      a('UID SEARCH NOT 1'), a('SEARCH BOGUSKEY'), a('SEARCH SENTON 32-Nov-2026'),
    ],
  },
  {
    name: 'flags',
    steps: [
      a('CREATE flags'), a(append('flags', PLAIN)), a(append('flags', PLAIN, '$Old')), a('SELECT flags'), b('SELECT flags'),
      a('STORE 1 +FLAGS ($Label1)'), b('NOOP'), a('STORE 2 +FLAGS.SILENT ($Label2 \\Seen)'), b('FETCH 1:2 FLAGS'),
      a('STORE 1 -FLAGS ($Label1)'), b('NOOP'), b('SELECT flags'), a('STORE 1:2 FLAGS (\\Flagged)'), b('NOOP'),
      a('STORE 1 +FLAGS (\\Recent)'), a('STORE 1 +FLAGS (bad"flag)'), a('UID STORE 1:* +FLAGS ($Label3)'), b('UID FETCH 1:* FLAGS'),
      a('EXAMINE flags'), a('STORE 1 +FLAGS (\\Seen)'),
    ],
  },
  {
    name: 'recent',
    steps: [
      a('CREATE recent'), a(append('recent', PLAIN)), a(append('recent', PLAIN)), a('EXAMINE recent'), a('FETCH 1:* FLAGS'),
      a('SEARCH RECENT'), a('STATUS recent (RECENT)'), b('STATUS recent (RECENT MESSAGES)'), b('SELECT recent'), b('FETCH 1:* FLAGS'),
      a('EXAMINE recent'), b(append('recent', PLAIN)), b('NOOP'), a('NOOP'), b('CLOSE'), a('EXAMINE recent'),
      b('STATUS recent (RECENT)'),
    ],
  },
  {
    name: 'lsub',
    steps: [
      a('CREATE lsub'), a('CREATE lsub/P'), a('CREATE lsub/P/c'), a('CREATE lsub/Q'), a('SUBSCRIBE lsub/P/c'), a('SUBSCRIBE lsub/Q'),
      a('UNSUBSCRIBE lsub/P'), a('UNSUBSCRIBE lsub'), a('LSUB "" lsub/%'), a('LSUB "" lsub/*'), a('LSUB "lsub/" %'), a('LSUB "" lsub/P/%'),
      a('LSUB "" %'), a('SUBSCRIBE lsub/P'), a('LSUB "" lsub/%'), a('LIST "" lsub/%'), a('LIST "" lsub/*'), a('LIST "" lsub/P/%'),
    ],
  },
  {
    name: 'atoms',
    steps: [
      a('CREATE atoms'), a('CREATE atoms/a[b'), a('CREATE "atoms/c]d"'), a('CREATE atoms/e]f'), a('LIST "" atoms/*'), a('SELECT atoms/a[b'),
      a('STATUS atoms/a[b (MESSAGES)'), a(append('atoms/a[b', PLAIN)), a('FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]'),
      a('FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] UID)'), a('RENAME atoms/a[b atoms/x[y'), a('LIST "" atoms/*'),
    ],
  },
  {
    name: 'strict',
    steps: [
      a('CREATE strict'), a('CREATE "strict/a\0b"'), a('SELECT "strict/a\0b"'),
      a('CREATE "strict/x&AGE-y"'), a('CREATE "strict/x&Jjo"'), a('CREATE "strict/x&AGEA-y"'), a('CREATE "strict/x&-y"'),
      a('CREATE "strict/x&ZeVnLIqe-"'), a('CREATE "strict/x&2D3-"'), a('LIST "" strict/*'), a('SELECT "strict/x&ZeVnLIqe-"'),
      a('STATUS "strict/x&-y" (MESSAGES)'), a('CREATE {10+}\r\nstrict/c\0d'), a('LIST "" strict/*'),
    ],
  },
  {
    name: 'uidplus',
    steps: [
      a('CREATE uidplus'), a('CREATE uidplus/to'), a(append('uidplus', PLAIN)), a(append('uidplus', CPIM)), a(append('uidplus', MIXED)),
      a('SELECT uidplus'), a('UID COPY 1:2 uidplus/to'), a('UID MOVE 3 uidplus/to'), a('STORE 1 +FLAGS.SILENT (\\Deleted)'),
      a('STORE 2 +FLAGS.SILENT (\\Deleted)'), a('UID EXPUNGE 2'), a('FETCH 1:* (UID FLAGS)'), a('EXPUNGE'), a('STATUS uidplus/to (MESSAGES UIDNEXT)'),
      a('SELECT uidplus/to'), a('FETCH 1:* (UID FLAGS RFC822.SIZE)'), a('UNSELECT'), a('APPEND uidplus/none {3+}\r\nx\r\n'),
    ],
  },
  {
    name: 'condstore',
    steps: [
      a('CREATE condstore'), a(append('condstore', PLAIN)), a(append('condstore', PLAIN)), a('ENABLE CONDSTORE'), a('SELECT condstore'),
      a('FETCH 1:* (UID MODSEQ)'), a('STORE 1 +FLAGS (\\Seen)'), a('FETCH 1:* (FLAGS) (CHANGEDSINCE 3)'),
      a('STORE 2 (UNCHANGEDSINCE 1) +FLAGS (\\Flagged)'), a('SEARCH MODSEQ 4'), a('STATUS condstore (HIGHESTMODSEQ MESSAGES)'),
      b('SELECT condstore (CONDSTORE)'), a('STORE 2 +FLAGS ($Cs)'), b('NOOP'),
    ],
  },
];
