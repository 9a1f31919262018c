// Stock Dovecot 2.3.19 as the target: a private `dovecot -F` instance on a free loopback port, configured
// from fixtures/targets/dovecot/ (config template, auth.lua, push.lua) and the profile's accounts.
// Everything lives in a fresh temp dir; stop() kills the whole process group and removes the dir.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import {
  accountsLua,
  devicesLua,
  masterUsersFile,
  readFixture,
  renderConfig,
  type ConfigPaths,
  type ProcessOwners,
} from './dovecot/config.js';
import { DOVECOT_DIR_PREFIX, writeDovecotOwner } from './leftovers.js';
import { TargetSetupError, type RunningTarget, type TargetStartOptions } from './types.js';

/** A running Dovecot target; confPath and pid (= process group) let tests prove nothing outlives stop(). */
export interface DovecotRunningTarget extends RunningTarget {
  readonly confPath: string;
  readonly pid: number;
}

export const DOVECOT_INSTALL_HINT = 'Dovecot is not installed: apt-get install dovecot-imapd dovecot-auth-lua';

const LOG_LINES_KEPT = 2000;
const LOG_TAIL_IN_ERRORS = 30;
const PORT_ATTEMPTS = 3;
/** SIGTERM lets the master shut its children down; after this the group gets SIGKILL. */
const TERM_GRACE_MS = 3000;
const KILL_WAIT_MS = 2000;
/** Bound of one POST made by push.lua (request_absolute_timeout_msecs), retries included. */
export const PUSH_POST_BOUND_MS = 3000;

const execFileAsync = promisify(execFile);

/** The dovecot binary: the profile's (a path, or a name looked up in PATH and the sbin dirs). */
export function findDovecotBinary(binary = 'dovecot'): string | undefined {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (binary.includes('/')) return executable(binary) ? binary : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  return dirs.filter((d) => d !== '').map((d) => join(d, binary)).find(executable);
}

/** `dovecot --version`, e.g. "2.3.19.1 (9b53102964)". */
export async function dovecotVersion(binary: string): Promise<string> {
  const { stdout } = await execFileAsync(binary, ['--version'], { timeout: 5000 });
  return stdout.trim();
}

function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[2] !== undefined && f[3] !== undefined) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    /* no /etc/passwd: fall through */
  }
  return undefined;
}

function groupName(gid: number): string | undefined {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[2] !== undefined && Number(f[2]) === gid) return f[0];
    }
  } catch {
    /* fall through */
  }
  return undefined;
}

/**
 * Who the Dovecot processes run as. As root: Debian's dovecot (internal) and dovenull (login) accounts,
 * mail as nobody (Dovecot refuses mail access as uid 0). As another user: that user for everything.
 */
export function processOwners(): ProcessOwners {
  const me = userInfo();
  if (me.uid !== 0) {
    return { internalUser: me.username, internalGroup: groupName(me.gid) ?? String(me.gid), loginUser: me.username, mailUid: me.uid, mailGid: me.gid };
  }
  const internal = passwdEntry('dovecot') ? 'dovecot' : 'nobody';
  const internalGid = passwdEntry(internal)?.gid ?? 65534;
  const nobody = passwdEntry('nobody') ?? { uid: 65534, gid: 65534 };
  return {
    internalUser: internal,
    internalGroup: groupName(internalGid) ?? 'nogroup',
    loginUser: passwdEntry('dovenull') ? 'dovenull' : 'nobody',
    mailUid: nobody.uid,
    mailGid: nobody.gid,
  };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves with the greeting line once the server speaks IMAP; rejects on anything else. */
function readGreeting(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (err: Error | null, line?: string): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(line!);
    };
    const timer = setTimeout(() => done(new Error(`no greeting within ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      buf += d;
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      const line = buf.slice(0, eol);
      if (line.startsWith('* OK')) done(null, line);
      else done(new Error(`unexpected greeting: ${line}`));
    });
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new Error('connection closed before the greeting')));
  });
}

// Every started instance, so that no Dovecot outlives the Node process (exit, SIGINT, SIGTERM).
const live = new Set<{ pgid: number; dir: string }>();
let exitHooksInstalled = false;

function killGroupSync(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const cleanupAll = (): void => {
    for (const inst of live) {
      killGroupSync(inst.pgid, 'SIGKILL');
      rmSync(inst.dir, { recursive: true, force: true });
    }
    live.clear();
  };
  process.on('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanupAll();
      // Keep the default outcome (termination) unless someone else handles the signal too.
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `cond` holds, checking every few ms, for at most `ms`. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

interface Started {
  child: ChildProcess;
  port: number;
  greeting: string;
}

export async function startDovecotTarget(opts: TargetStartOptions): Promise<DovecotRunningTarget> {
  const { profile } = opts;
  if (profile.target.kind !== 'dovecot') throw new TargetSetupError(`profile target kind is "${profile.target.kind}", not "dovecot"`);
  if (opts.faults && opts.faults.length > 0) throw new TargetSetupError('fault switches exist only in the reference store');
  const binary = findDovecotBinary(profile.target.binary);
  if (!binary) throw new TargetSetupError(DOVECOT_INSTALL_HINT);
  let version: string;
  try {
    version = await dovecotVersion(binary);
  } catch (err) {
    throw new TargetSetupError(`${binary} --version failed: ${(err as Error).message}`, { cause: err });
  }

  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
    if (lines.length > LOG_LINES_KEPT) lines.splice(0, lines.length - LOG_LINES_KEPT);
    opts.log?.(line);
  };
  const tail = (): string => lines.slice(-LOG_TAIL_IN_ERRORS).join('\n') || '(no log lines)';

  // Run directory: world-traversable so that the internal, login and mail users reach their files.
  const dir = mkdtempSync(join(tmpdir(), DOVECOT_DIR_PREFIX));
  chmodSync(dir, 0o755);
  const paths: ConfigPaths = {
    runDir: join(dir, 'run'),
    stateDir: join(dir, 'state'),
    mailDir: join(dir, 'mail'),
    authLua: join(dir, 'auth.lua'),
    pushLua: join(dir, 'push.lua'),
    devicesLua: join(dir, 'devices.lua'),
    masterUsersFile: join(dir, 'master-users'),
  };
  const confPath = join(dir, 'dovecot.conf');
  const owners = processOwners();
  let started: Started | undefined;
  try {
    for (const d of [paths.runDir, paths.stateDir, paths.mailDir]) mkdirSync(d, { mode: 0o755 });
    if (userInfo().uid === 0) chownSync(paths.mailDir, owners.mailUid, owners.mailGid);
    writeFileSync(paths.authLua, readFixture('auth.lua'), { mode: 0o644 });
    writeFileSync(paths.pushLua, readFixture('push.lua'), { mode: 0o644 });
    writeFileSync(paths.devicesLua, devicesLua(profile), { mode: 0o644 });
    // Passwords: readable by the auth process only (it runs as the internal user).
    const secretFiles: [string, string][] = [
      [join(dir, 'accounts.lua'), accountsLua(profile)],
      [paths.masterUsersFile, masterUsersFile(profile)],
    ];
    const internal = userInfo().uid === 0 ? passwdEntry(owners.internalUser) : undefined;
    for (const [file, text] of secretFiles) {
      writeFileSync(file, text, { mode: 0o600 });
      if (internal) chownSync(file, internal.uid, internal.gid);
    }
    const template = readFixture('dovecot.conf.template');

    const deadline = Date.now() + profile.timeouts.connectMs;
    for (let attempt = 1; attempt <= PORT_ATTEMPTS && !started; attempt++) {
      const port = await freeLoopbackPort();
      const conf = renderConfig(template, profile, paths, owners, {
        instanceName: `cpm-${port}`,
        imapPort: port,
        pushUrl: opts.pushUrl,
        pushTimeoutMs: Math.min(PUSH_POST_BOUND_MS, profile.push.timeoutMs),
        logPath: '/dev/stderr',
      });
      writeFileSync(confPath, conf, { mode: 0o644 });
      const mark = lines.length;
      const child = spawn(binary, ['-F', '-c', confPath], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const pgid = child.pid;
      if (pgid === undefined) throw new TargetSetupError(`could not start ${binary}: ${tail()}`);
      const inst = { pgid, dir };
      live.add(inst);
      // Who started it: `cpm-conformance clean` (and the next run) remove it if this process dies without stopping it.
      writeDovecotOwner(dir, pgid);
      installExitHooks();
      for (const stream of [child.stdout, child.stderr]) {
        let rest = '';
        stream?.setEncoding('utf8');
        stream?.on('data', (d: string) => {
          const parts = (rest + d).split('\n');
          rest = parts.pop() ?? '';
          for (const p of parts) if (p !== '') log(p);
        });
      }
      child.once('exit', () => live.delete(inst));
      const greeting = await waitForGreeting(child, port, deadline);
      if (typeof greeting === 'string') {
        started = { child, port, greeting };
        break;
      }
      await killGroup(child, pgid);
      live.delete(inst);
      const portTaken = lines.slice(mark).some((l) => l.includes('Address already in use'));
      if (!portTaken || attempt === PORT_ATTEMPTS || Date.now() >= deadline) {
        throw new TargetSetupError(`Dovecot did not greet on 127.0.0.1:${port}: ${greeting.message}\n--- Dovecot log (tail) ---\n${tail()}`);
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    if (err instanceof TargetSetupError) throw err;
    throw new TargetSetupError(`the Dovecot target could not be set up: ${(err as Error).message}\n${tail()}`, { cause: err });
  }

  const { child, port } = started!;
  const pgid = child.pid!;
  let stopped: Promise<void> | undefined;
  return {
    confPath,
    pid: pgid,
    imap: { host: '127.0.0.1', port, tls: 'none' },
    info: () => ({
      kind: 'dovecot',
      description: `Dovecot ${version} on 127.0.0.1:${port} (${confPath})`,
      version,
    }),
    logs: () => [...lines],
    stop: () =>
      (stopped ??= (async () => {
        await killGroup(child, pgid).catch(() => {});
        for (const inst of live) if (inst.pgid === pgid) live.delete(inst);
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}

/** The greeting line, or the reason there is none (process exit, deadline). */
async function waitForGreeting(child: ChildProcess, port: number, deadline: number): Promise<string | Error> {
  let exit: Error | undefined;
  child.once('exit', (code, signal) => {
    exit = new Error(`dovecot exited (${signal ?? `code ${code}`}) before greeting`);
  });
  let last: Error = new Error('no attempt');
  while (Date.now() < deadline) {
    if (exit) return exit;
    try {
      return await readGreeting(port, Math.max(1, Math.min(2000, deadline - Date.now())));
    } catch (err) {
      last = err as Error;
    }
    if (exit) return exit;
    // The listener is not bound yet: try again shortly (readiness probe, bounded by the deadline).
    await new Promise((r) => setTimeout(r, 20));
  }
  return exit ?? new Error(`${last.message} (deadline reached)`);
}

/**
 * SIGTERM to the whole group, then SIGKILL to what is left; waits until the group is empty. (SIGTERM to the
 * master alone makes it wait about 3 s for its children; the run's data is thrown away anyway.)
 */
async function killGroup(child: ChildProcess, pgid: number): Promise<void> {
  killGroupSync(pgid, 'SIGTERM');
  if (!(await exited(child, TERM_GRACE_MS))) killGroupSync(pgid, 'SIGKILL');
  await exited(child, KILL_WAIT_MS);
  if (!(await until(() => !groupAlive(pgid), KILL_WAIT_MS))) {
    killGroupSync(pgid, 'SIGKILL');
    await until(() => !groupAlive(pgid), KILL_WAIT_MS);
  }
}
