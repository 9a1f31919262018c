// Preflight: start the target once, log in every declared device and the PF, and note what the server says about
// itself (greeting, CAPABILITY after login, its IMAP ID answer) for the reports. Any problem here is a setup error (exit 2) before
// a single case runs: a wrong password must not show up as 200 failed cases.
import { CaseContext, Run } from '../conformance/context.js';
import { configureSessionLimits, SessionError } from '../imap/session.js';
import type { Profile } from '../profile/index.js';
import type { TargetDetails } from '../report/model.js';
import { TargetSetupError } from '../targets/types.js';

export class SetupFailure extends Error {}

/** The server's IMAP ID answer as string parameters (imapflow keeps it as serverInfo); null when it gave none. */
function imapIdOf(info: unknown): Record<string, string> | null {
  if (!info || typeof info !== 'object') return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(info as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return Object.keys(out).length > 0 ? out : null;
}

/** The tag of an image reference (`acme/store:4.2` → 4.2), null without one. */
function imageTag(image: string | undefined): string | null {
  const last = image?.split('/').at(-1);
  return last?.includes(':') ? last.split(':').at(-1)! : null;
}

/**
 * `faults`: the fault switches the run uses (undefined: the profile's own), so that the preflight target is the
 * target the cases meet, and a fault switch for a target that has none is a setup error before any case.
 */
export async function preflight(profile: Profile, faults?: readonly string[]): Promise<TargetDetails> {
  let run: Run | undefined;
  configureSessionLimits(profile.limits);
  try {
    run = await Run.start({ profile, strict: false, ...(faults ? { faults: [...faults] } : {}) });
    const probe = new CaseContext(run, { id: 'preflight', requirements: [], clause: '5.2.1', level: 'MUST', features: [], statement: '', procedure: [], passCriteria: '' });
    let greeting: string | undefined;
    let capabilities: string[] = [];
    let imapId: Record<string, string> | null = null;
    try {
      for (const user of profile.accounts.users) {
        for (const device of user.devices) {
          const s = await probe.session(user, device, `${user.name}/${device.login}`);
          if (greeting === undefined) {
            greeting = s.transcript().find((e) => e.dir === 'S')?.text;
            capabilities = [...s.capabilities].sort();
            imapId = imapIdOf(s.client.serverInfo);
          }
        }
        if (profile.accounts.pf && profile.features.pfPath !== 'none') await probe.pf(user);
      }
    } finally {
      await probe.finish();
    }
    const info = run.target.info();
    return {
      kind: info.kind,
      description: info.description,
      ...(info.version ? { version: info.version } : {}),
      ...(info.image ? { image: info.image } : {}),
      ...(info.imageDigest ? { imageDigest: info.imageDigest } : {}),
      ...(greeting ? { greeting } : {}),
      capabilities,
      imapId,
      product: imapId?.['name']
        ? { name: imapId['name'], version: imapId['version'] ?? null, source: 'imap-id' }
        : { name: profile.name, version: info.version ?? imageTag(info.image), source: 'profile' },
    };
  } catch (err) {
    if (err instanceof SessionError || err instanceof TargetSetupError) throw new SetupFailure(err.message);
    throw new SetupFailure(`the target could not be started or reached: ${(err as Error).message}`);
  } finally {
    await run?.stop();
  }
}
