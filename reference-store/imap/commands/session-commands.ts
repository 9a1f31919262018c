// Commands valid in any state or before login: CAPABILITY, NOOP, LOGOUT, ID (RFC 2971), LOGIN,
// AUTHENTICATE PLAIN (RFC 4616, RFC 4959 SASL-IR), OAUTHBEARER (RFC 7628) and XOAUTH2, and after login: ENABLE (RFC 5161), NAMESPACE
// (RFC 2342), IDLE (RFC 2177). ID's `+sip.instance` (or the configured imapIdKey) is how the store learns a device.
import { ParseError, astring, isNil, type Token } from '../parser.js';
import { raw } from '../encode.js';
import { CommandError, type Session } from '../session.js';
import { bareDeviceId } from '../../cpm/identity.js';
import type { Principal } from '../../cpm/accounts.js';

export const SERVER_ID = ['name', 'cpm-reference-store', 'vendor', 'cpm-conformance', 'version', '0.1.0'];

/**
 * Binds the device an ID named (`+sip.instance`, or the configured imapIdKey) to an authenticated session. A device not declared for the user, or a
 * session whose device is already fixed by the login name, keeps its identity; the client gets a
 * plain untagged OK note (no [ALERT]: nothing for the end user to see).
 */
function bindIdDevice(s: Session, value: string): void {
  const p = s.principal!;
  const key = s.ctx.opts.imapIdKey;
  if (p.pf !== null) {
    s.write(`* OK ${key} ignored for the Participating Function; name the device per change`);
    return;
  }
  const declared = s.ctx.accounts.declaredDevice(p.user, value);
  if (declared === null) {
    s.write(`* OK Unknown device ${JSON.stringify(value)} for this user; changes carry no device identity`);
    return;
  }
  if (s.device !== null && s.device !== declared) {
    s.write(`* OK Device already bound by the login name; ${key} ignored`);
    return;
  }
  s.device = declared;
}

function cmdId(s: Session, tag: string, args: Token[]): void {
  const list = args[0];
  if (!list || (list.kind !== 'list' && !isNil(list)) || args.length !== 1) throw new ParseError('ID parameter list or NIL expected');
  const items = list.kind === 'list' ? list.items : [];
  if (items.length % 2 !== 0 || items.length > 60) throw new ParseError('ID field/value pairs expected');
  let instance: string | null = null;
  const idKey = s.ctx.opts.imapIdKey.toLowerCase();
  for (let i = 0; i < items.length; i += 2) {
    const key = astring(items[i]);
    if (key === null) throw new ParseError('ID field name must be a string');
    const value = isNil(items[i + 1]) ? null : astring(items[i + 1]);
    if (key.toLowerCase() === idKey && value) instance = bareDeviceId(value);
  }
  if (instance !== null && s.ctx.opts.deviceLearning.has('imap-id')) {
    if (s.principal) bindIdDevice(s, instance);
    else s.idDeviceBeforeLogin = instance;
  }
  s.untagged(raw('ID'), SERVER_ID);
  s.tagged(tag, 'OK', 'ID completed');
}

function loggedIn(s: Session, tag: string, p: Principal): void {
  s.authenticated(p);
  if (s.idDeviceBeforeLogin !== null) bindIdDevice(s, s.idDeviceBeforeLogin);
  s.ctx.opts.log(`session ${s.id}: login user=${p.user} device=${s.device ?? '-'} pf=${p.pf ?? '-'}`);
  s.tagged(tag, 'OK', 'Logged in', `CAPABILITY ${s.ctx.capabilities().join(' ')}`);
}

function cmdLogin(s: Session, tag: string, args: Token[]): void {
  const user = astring(args[0]);
  const pass = astring(args[1]);
  if (user === null || pass === null || args.length !== 2) throw new ParseError('user name and password expected');
  const p = s.ctx.accounts.authenticate(user, pass);
  if (!p) throw new CommandError('NO', 'AUTHENTICATIONFAILED', 'Authentication failed');
  loggedIn(s, tag, p);
}

function finishPlain(s: Session, tag: string, b64: string): void {
  if (b64 === '*') { s.tagged(tag, 'BAD', 'Authentication cancelled'); return; }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) { s.tagged(tag, 'BAD', 'Invalid base64'); return; }
  const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) { s.tagged(tag, 'NO', 'Malformed PLAIN response', 'AUTHENTICATIONFAILED'); return; }
  const [authzid, authcid, pass] = parts as [string, string, string];
  const p = s.ctx.accounts.authenticate(authcid, pass, authzid);
  if (!p) { s.tagged(tag, 'NO', 'Authentication failed', 'AUTHENTICATIONFAILED'); return; }
  loggedIn(s, tag, p);
}

/**
 * OAUTHBEARER (RFC 7628: `n,a=<user>,` ^A `host=…` ^A `port=…` ^A `auth=Bearer <token>` ^A ^A) and XOAUTH2
 * (`user=<user>` ^A `auth=Bearer <token>` ^A ^A). A failure is answered with a tagged NO at once.
 */
function finishOauth(s: Session, tag: string, mech: 'OAUTHBEARER' | 'XOAUTH2', b64: string): void {
  if (b64 === '*') { s.tagged(tag, 'BAD', 'Authentication cancelled'); return; }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) { s.tagged(tag, 'BAD', 'Invalid base64'); return; }
  const fields = Buffer.from(b64, 'base64').toString('utf8').split('\x01');
  const auth = fields.find((f) => /^auth=Bearer /i.test(f))?.slice('auth=Bearer '.length) ?? '';
  const user = mech === 'XOAUTH2'
    ? fields.find((f) => f.startsWith('user='))?.slice(5)
    : /^n,a=((?:[^,=]|=2C|=3D)*),/.exec(fields[0] ?? '')?.[1]?.replace(/=2C/g, ',').replace(/=3D/g, '=');
  const p = user ? s.ctx.accounts.authenticateToken(user, auth) : null;
  if (!p) { s.tagged(tag, 'NO', 'Authentication failed', 'AUTHENTICATIONFAILED'); return; }
  loggedIn(s, tag, p);
}

function cmdAuthenticate(s: Session, tag: string, args: Token[]): void {
  const mech = astring(args[0])?.toUpperCase();
  if (mech !== 'PLAIN' && mech !== 'OAUTHBEARER' && mech !== 'XOAUTH2') {
    throw new CommandError('NO', null, 'Unsupported authentication mechanism');
  }
  const finish = (b64: string): void => (mech === 'PLAIN' ? finishPlain(s, tag, b64) : finishOauth(s, tag, mech, b64));
  const initial = astring(args[1]);
  if (initial !== null) { finish(initial === '=' ? '' : initial); return; }
  s.waitForSasl(tag, (line) => {
    if (s.state !== 'not-authenticated') return;
    finish(line.trim());
  });
}

export function anyStateCommands(): Record<string, (s: Session, tag: string, args: Token[]) => void> {
  return {
    CAPABILITY: (s, tag) => {
      s.untagged(raw('CAPABILITY'), ...s.ctx.capabilities().map((c) => raw(c)));
      s.tagged(tag, 'OK', 'CAPABILITY completed');
    },
    NOOP: (s, tag) => { s.flushUpdates(true, false); s.tagged(tag, 'OK', 'NOOP completed'); },
    LOGOUT: (s, tag) => {
      s.write('* BYE Logging out');
      s.tagged(tag, 'OK', 'LOGOUT completed');
      s.end();
    },
    ID: cmdId,
  };
}

export function notAuthenticatedCommands(): Record<string, (s: Session, tag: string, args: Token[]) => void> {
  return { LOGIN: cmdLogin, AUTHENTICATE: cmdAuthenticate };
}

export function authenticatedSessionCommands(): Record<string, (s: Session, tag: string, args: Token[]) => void> {
  return {
    ENABLE: (s, tag, args) => {
      if (!args.length) throw new ParseError('capability names expected');
      const enabled: string[] = [];
      for (const a of args) {
        const c = astring(a)?.toUpperCase();
        if (c === 'CONDSTORE') { s.condstore = true; enabled.push(c); }
      }
      s.untagged(raw('ENABLED'), ...enabled.map((e) => raw(e)));
      s.tagged(tag, 'OK', 'ENABLE completed');
    },
    NAMESPACE: (s, tag) => {
      s.untagged(raw('NAMESPACE'), [['', '/']], null, null);
      s.tagged(tag, 'OK', 'NAMESPACE completed');
    },
    IDLE: (s, tag, args) => {
      if (args.length) throw new ParseError('IDLE takes no arguments');
      s.startIdle(tag);
    },
  };
}
