// What every kind of target (embedded reference store, container, external host, Dovecot process) gives the
// suite once started: where to speak IMAP, what it is, its logs, and how to stop it.
import type { Profile, TlsMode } from '../profile/types.js';

export interface ImapEndpoint {
  host: string;
  port: number;
  tls: TlsMode;
  ca?: Buffer;
  insecureSkipVerify?: boolean;
}

export interface TargetInfo {
  kind: Profile['target']['kind'];
  /** One line a reader of the report understands, e.g. "reference store 0.1.0 on 127.0.0.1:40123". */
  description: string;
  version?: string;
  image?: string;
  imageDigest?: string;
}

export interface RunningTarget {
  readonly imap: ImapEndpoint;
  info(): TargetInfo;
  /** Server-side log lines collected so far, newest last (attached to failing cases). */
  logs(): string[];
  /** Idempotent; bounded in time; never throws. */
  stop(): Promise<void>;
}

export interface TargetStartOptions {
  profile: Profile;
  /** URL of the PUSH enabler mock the target must notify (already listening). */
  pushUrl: string;
  /** Fault switches for the reference store (kill-matrix runs); other targets refuse a non-empty list. */
  faults?: readonly string[];
  log?: (line: string) => void;
}

/** A target could not be started or reached: a setup error (exit code 2), never a case failure. */
export class TargetSetupError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetSetupError';
  }
}
