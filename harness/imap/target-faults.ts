// Failures that are the target's, not a case's: the server is unreachable, does not greet, breaks the profile's
// line or literal limit, sends data that is not IMAP, or floods a command with untagged responses. A session
// reports each one here as it happens; the case executor (harness/conformance/execute.ts) listens while a case
// runs and decides, with a re-probe, whether the target is still worth talking to (the circuit breaker).
// A correct target never produces one of these: they are what the profile's bounds and the protocol forbid.

export type TargetFaultKind =
  /** Connection refused, host unreachable, TLS handshake failed. */
  | 'unreachable'
  /** No greeting, an incomplete (dripping) greeting, a non-IMAP or BYE greeting. */
  | 'greeting'
  /** A line or literal over the profile's limits. */
  | 'limit'
  /** Bytes that are not an IMAP response. */
  | 'garbage'
  /** Untagged responses without end while a command waited for its completion. */
  | 'flood';

export interface TargetFault {
  kind: TargetFaultKind;
  /** The finding in words, without the session label: `the server sent a 9999999999-byte literal; …`. */
  cause: string;
  /** The session it happened in (`alice/d1`). */
  session: string;
  at: number;
}

type Listener = (fault: TargetFault) => void;
const listeners = new Set<Listener>();

/** Calls `listener` for every target fault any session of this process reports, until the returned function is called. */
export function onTargetFault(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportTargetFault(fault: Omit<TargetFault, 'at'>): TargetFault {
  const f = { ...fault, at: Date.now() };
  for (const l of [...listeners]) {
    try {
      l(f);
    } catch {
      // a listener's problem is not the session's
    }
  }
  return f;
}
