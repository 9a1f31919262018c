// Whether a case applies to the target the profile declares. A case that does not apply is reported as
// "not applicable" with the reason (a runtime skip that every report shows), never silently left out.
import type { Profile } from '../profile/types.js';
import type { CaseMeta, Feature } from './case.js';

export type Applicability = { applicable: true } | { applicable: false; reason: string };

function devicesOfBusiestUser(p: Profile): number {
  return Math.max(0, ...p.accounts.users.map((u) => u.devices.length));
}

/** The unmet need in words, or undefined when the profile provides the feature. */
function missing(feature: Feature, p: Profile): string | undefined {
  const f = p.features;
  switch (feature) {
    case 'notify':
      return f.notify ? undefined : 'the profile does not declare IMAP NOTIFY support (features.notify)';
    case 'push':
      return f.push ? undefined : 'the profile does not declare notifications to the CPM PUSH Enabler (features.push)';
    case 'voicemail':
      return f.voicemail ? undefined : 'the profile does not declare Voicemail Objects (features.voicemail)';
    case 'metadata':
      return undefined;
    case 'audit':
      return f.folders.audit.length > 0 ? undefined : 'the profile names no folder to audit (features.folders.audit)';
    case 'identity-header':
      return f.identityBinding === 'header'
        ? undefined
        : `the profile declares identityBinding "${f.identityBinding}": Message-seen-identity / Message-delete-identity are not exposed in the object`;
    case 'pf':
      return p.accounts.pf && f.pfPath !== 'none' ? undefined : 'the profile declares no Participating Function account or path';
    case 'pf:rewrite':
    case 'pf:keyword': {
      const want = feature.slice(3);
      if (!p.accounts.pf) return 'the profile declares no Participating Function account';
      return f.pfPath === want ? undefined : `the profile declares pfPath "${f.pfPath}", not "${want}"`;
    }
    case 'devices:2':
    case 'devices:3': {
      const want = Number(feature.slice(8));
      const have = devicesOfBusiestUser(p);
      return have >= want ? undefined : `needs a user with ${want} devices; the profile's busiest user has ${have}`;
    }
    case 'users:2':
      return p.accounts.users.length >= 2 ? undefined : 'needs two users; the profile declares one';
    default: {
      const kind = feature.slice(5);
      return (f.objectKinds as readonly string[]).includes(kind)
        ? undefined
        : `the profile does not list object kind "${kind}" (features.objectKinds)`;
    }
  }
}

export function applicability(meta: Pick<CaseMeta, 'features'>, profile: Profile): Applicability {
  const reasons = meta.features.map((f) => missing(f, profile)).filter((r): r is string => r !== undefined);
  return reasons.length === 0 ? { applicable: true } : { applicable: false, reason: reasons.join('; ') };
}
