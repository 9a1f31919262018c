// Starts the target a profile declares.
import { startDovecotTarget } from './dovecot.js';
import { startExternalTarget } from './external.js';
import { startReferenceTarget } from './reference.js';
import { TargetSetupError, type RunningTarget, type TargetStartOptions } from './types.js';

export * from './types.js';

export async function startTarget(opts: TargetStartOptions): Promise<RunningTarget> {
  const kind = opts.profile.target.kind;
  if (kind !== 'reference' && opts.faults && opts.faults.length > 0) {
    throw new TargetSetupError(`fault switches exist only in the reference store; the profile's target is "${kind}"`);
  }
  switch (kind) {
    case 'reference':
      return startReferenceTarget(opts);
    case 'dovecot':
      return startDovecotTarget(opts);
    case 'external':
      return startExternalTarget(opts);
    case 'container':
      // loaded on demand: testcontainers is only needed (and only configured) for container runs
      return (await import('./container.js')).startContainerTarget(opts);
    default:
      throw new TargetSetupError(`target kind "${kind}" is not supported by this version of the harness`);
  }
}
