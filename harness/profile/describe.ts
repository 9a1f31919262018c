// What reports say about the target: a redacted copy of the profile and its secret-free hash.
import { maskPaths } from './secrets.js';
import type { Profile } from './types.js';

export interface ProfileDescription {
  name: string;
  description: string;
  source: string;
  /** Stable across password/token changes (secrets are excluded from the hash). */
  sha256: string;
  /** One line: kind and address of the target. */
  target: string;
  /** The profile with defaults applied and every secret replaced by ***. */
  profile: Omit<Profile, 'source' | 'sha256' | 'secretPaths'>;
}

export function describeTarget(profile: Pick<Profile, 'target'>): string {
  const t = profile.target;
  switch (t.kind) {
    case 'reference':
      return `embedded reference store${t.faults.length > 0 ? ` with faults ${t.faults.join(', ')}` : ''}`;
    case 'container':
      return `container ${t.image} (IMAP ${t.host}:${t.imapPort}, tls ${t.tls})`;
    case 'external':
      return `external server ${t.host}:${t.port} (tls ${t.tls})`;
    case 'dovecot':
      return `local Dovecot (${t.binary})`;
  }
}

export function describeProfile(profile: Profile): ProfileDescription {
  const { source, sha256, secretPaths, ...declared } = profile;
  return {
    name: profile.name,
    description: profile.description,
    source,
    sha256,
    target: describeTarget(profile),
    profile: maskPaths(declared, secretPaths),
  };
}
