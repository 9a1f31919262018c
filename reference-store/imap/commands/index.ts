// Command table by state (RFC 3501 §6): which commands are valid before login, after login, and
// with a mailbox selected.
import { ParseError, atomUpper, type Token } from '../parser.js';
import { CommandError, type Session } from '../session.js';
import { anyStateCommands, authenticatedSessionCommands, notAuthenticatedCommands } from './session-commands.js';
import { mailboxCommands } from './mailboxes.js';
import { cmdExpunge, cmdSearch, cmdStore, copyOrMove, selectedCommands } from './messages.js';
import { cmdFetch } from './fetch.js';
import { cmdNotify } from './notify.js';
import { metadataCommands } from './metadata.js';

type Handler = (s: Session, tag: string, args: Token[]) => void;

const ANY: Record<string, Handler> = anyStateCommands();
const NOT_AUTH: Record<string, Handler> = notAuthenticatedCommands();
const AUTH: Record<string, Handler> = { ...authenticatedSessionCommands(), ...mailboxCommands(), ...metadataCommands() };
const SELECTED: Record<string, Handler> = {
  ...selectedCommands(),
  FETCH: (s, tag, args) => cmdFetch(s, tag, args, false),
  UID: (s, tag, args) => {
    const sub = atomUpper(args[0]);
    const rest = args.slice(1);
    switch (sub) {
      case 'FETCH': return cmdFetch(s, tag, rest, true);
      case 'STORE': return cmdStore(s, tag, rest, true);
      case 'SEARCH': return cmdSearch(s, tag, rest, true);
      case 'COPY': return copyOrMove(s, tag, rest, true, false);
      case 'MOVE': return copyOrMove(s, tag, rest, true, true);
      case 'EXPUNGE': return cmdExpunge(s, tag, rest, true);
      default: throw new ParseError('unknown UID command');
    }
  },
};

export function dispatch(s: Session, tag: string, name: string, args: Token[]): void {
  const notify: Record<string, Handler> = s.ctx.opts.notify ? { NOTIFY: cmdNotify } : {};
  const handler = ANY[name]
    ?? (s.state === 'not-authenticated' ? NOT_AUTH[name] : undefined)
    ?? (s.state === 'authenticated' || s.state === 'selected' ? AUTH[name] ?? notify[name] : undefined)
    ?? (s.state === 'selected' ? SELECTED[name] : undefined);
  if (handler) { handler(s, tag, args); return; }
  const known = name in NOT_AUTH || name in AUTH || name in SELECTED || name in notify;
  throw new CommandError('BAD', null, known ? `${name} not allowed in state ${s.state}` : 'Unknown command');
}
