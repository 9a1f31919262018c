// Preflight: start the target once, log in every declared device and the PF, and note what the server says about
// itself (greeting, CAPABILITY after login) for the reports. Any problem here is a setup error (exit 2) before
// a single case runs: a wrong password must not show up as 200 failed cases.
import { CaseContext, Run } from '../conformance/context.js';
import { SessionError } from '../imap/session.js';
import type { Profile } from '../profile/index.js';
import type { TargetDetails } from '../report/model.js';
import { TargetSetupError } from '../targets/types.js';

export class SetupFailure extends Error {}

export async function preflight(profile: Profile): Promise<TargetDetails> {
  let run: Run | undefined;
  try {
    run = await Run.start({ profile, strict: false });
    const probe = new CaseContext(run, { id: 'preflight', requirements: [], clause: '5.2.1', level: 'MUST', features: [], statement: '', procedure: [], passCriteria: '' });
    let greeting: string | undefined;
    let capabilities: string[] = [];
    try {
      for (const user of profile.accounts.users) {
        for (const device of user.devices) {
          const s = await probe.session(user, device, `${user.name}/${device.login}`);
          if (greeting === undefined) {
            greeting = s.transcript().find((e) => e.dir === 'S')?.text;
            capabilities = [...s.capabilities].sort();
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
    };
  } catch (err) {
    if (err instanceof SessionError || err instanceof TargetSetupError) throw new SetupFailure(err.message);
    throw new SetupFailure(`the target could not be started or reached: ${(err as Error).message}`);
  } finally {
    await run?.stop();
  }
}
