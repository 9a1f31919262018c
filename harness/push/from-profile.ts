// The PUSH Enabler mock as a profile declares it (push.listen, push.path, push.binding, push.timeoutMs).
import type { PushSettings } from '../profile/types.js';
import type { PushEnablerOptions } from './enabler.js';

export function pushEnablerOptions(push: PushSettings, validate = true): PushEnablerOptions {
  return {
    host: push.listen.host,
    port: push.listen.port,
    path: push.path,
    binding: push.binding,
    validate,
    timeoutMs: push.timeoutMs,
    allowNonLoopback: push.listen.allowNonLoopback,
  };
}
