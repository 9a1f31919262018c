// Whether a case applies to the target the profile declares. A case that does not apply is reported with the
// reason (a runtime skip that every report shows), never silently left out. Two reasons differ in what they mean
// for the verdict:
// - the profile does not declare the feature (no NOTIFY, the other PF path, an object kind it does not store):
//   the case is *not applicable* and the verdict covers only what was declared;
// - the feature is declared but the profile lacks what it takes to exercise it (a second device, a second user,
//   a PF account): the case is *not exercised*, the report says what to add to the profile, and the run cannot
//   earn "conformant" (the verdict is "incomplete").
import type { Profile } from '../profile/types.js';
import type { CaseMeta, Feature } from './case.js';

/** One need of a case the profile does not meet. */
export interface UnmetNeed {
  feature: Feature;
  /** The unmet need in words. */
  reason: string;
  /** undeclared: the profile does not declare the feature; unexercised: it does, but lacks what the case needs. */
  kind: 'undeclared' | 'unexercised';
  /** For unexercised needs: what to add to the profile. */
  remedy?: string;
}

export type Applicability =
  | { applicable: true }
  | {
      applicable: false;
      /** Every unmet need, joined: the text reports show. */
      reason: string;
      /** True when every unmet need is a declared feature the profile cannot exercise (no undeclared feature). */
      unexercised: boolean;
      /** What to add to the profile, one entry per unexercised need (empty when a feature is undeclared). */
      remedy: string[];
      unmet: UnmetNeed[];
    };

function devicesOfBusiestUser(p: Profile): number {
  return Math.max(0, ...p.accounts.users.map((u) => u.devices.length));
}

const undeclared = (feature: Feature, reason: string): UnmetNeed => ({ feature, reason, kind: 'undeclared' });
const unexercised = (feature: Feature, reason: string, remedy: string): UnmetNeed => ({ feature, reason, kind: 'unexercised', remedy });

const devicesRemedy = (n: number): string => `give one user ${n} devices in accounts.users[].devices (id, credentials, announce)`;
const DEVICES_REMEDY = /^give one user (\d+) devices in accounts\.users\[\]\.devices/;

/**
 * The remedies of several cases as one list: duplicates once, and of "give one user N devices" only the largest
 * N (three devices also cover the cases that need two).
 */
export function combineRemedies(remedies: readonly string[]): string[] {
  const unique = [...new Set(remedies)];
  const most = Math.max(0, ...unique.map((r) => Number(DEVICES_REMEDY.exec(r)?.[1] ?? 0)));
  return unique.filter((r) => !DEVICES_REMEDY.test(r) || r === devicesRemedy(most));
}

const PF_REMEDY = 'add accounts.pf (login, credentials, authzidFor) so the suite can act as the Participating Function';

/** The unmet need, or undefined when the profile provides the feature. */
function missing(feature: Feature, p: Profile): UnmetNeed | undefined {
  const f = p.features;
  switch (feature) {
    case 'notify':
      return f.notify ? undefined : undeclared(feature, 'the profile does not declare IMAP NOTIFY support (features.notify)');
    case 'push':
      return f.push ? undefined : undeclared(feature, 'the profile does not declare notifications to the CPM PUSH Enabler (features.push)');
    case 'voicemail':
      return f.voicemail ? undefined : undeclared(feature, 'the profile does not declare Voicemail Objects (features.voicemail)');
    case 'metadata':
      return undefined;
    case 'audit':
      // Auditing the store's existing objects is opt-in: naming no folder is a choice, not a gap.
      return f.folders.audit.length > 0 ? undefined : undeclared(feature, 'the profile names no folder to audit (features.folders.audit)');
    case 'identity-header':
      return f.identityBinding === 'header'
        ? undefined
        : undeclared(feature, `the profile declares identityBinding "${f.identityBinding}": Message-seen-identity / Message-delete-identity are not exposed in the object`);
    case 'pf':
      if (f.pfPath === 'none') return undeclared(feature, 'the profile declares no Participating Function path (features.pfPath "none")');
      return p.accounts.pf ? undefined : unexercised(feature, `the profile declares pfPath "${f.pfPath}" but no Participating Function account`, PF_REMEDY);
    case 'pf:rewrite':
    case 'pf:keyword': {
      const want = feature.slice(3);
      if (f.pfPath !== want) return undeclared(feature, `the profile declares pfPath "${f.pfPath}", not "${want}"`);
      return p.accounts.pf ? undefined : unexercised(feature, `the profile declares pfPath "${want}" but no Participating Function account`, PF_REMEDY);
    }
    case 'devices:2':
    case 'devices:3': {
      const want = Number(feature.slice(8));
      const have = devicesOfBusiestUser(p);
      return have >= want
        ? undefined
        : unexercised(
            feature,
            `needs a user with ${want} devices; the profile's busiest user has ${have}`,
            devicesRemedy(want),
          );
    }
    case 'users:2':
      return p.accounts.users.length >= 2
        ? undefined
        : unexercised(feature, 'needs two users; the profile declares one', 'declare a second user in accounts.users (with at least one device)');
    default: {
      const kind = feature.slice(5);
      return (f.objectKinds as readonly string[]).includes(kind)
        ? undefined
        : undeclared(feature, `the profile does not list object kind "${kind}" (features.objectKinds)`);
    }
  }
}

export function applicability(meta: Pick<CaseMeta, 'features'>, profile: Profile): Applicability {
  const unmet = meta.features.map((f) => missing(f, profile)).filter((r): r is UnmetNeed => r !== undefined);
  if (unmet.length === 0) return { applicable: true };
  const isUnexercised = unmet.every((u) => u.kind === 'unexercised');
  return {
    applicable: false,
    reason: unmet.map((u) => u.reason).join('; '),
    unexercised: isUnexercised,
    remedy: isUnexercised ? [...new Set(unmet.map((u) => u.remedy!))] : [],
    unmet,
  };
}
