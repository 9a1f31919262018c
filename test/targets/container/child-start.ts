// Child process for the interruption test: starts the container target from the profile given as argv[2] (imapPort
// chosen free), prints "STARTED <runId> <containerId>" and waits to be signalled.
import { loadProfile } from '../../../harness/profile/index.js';
import { startContainerTarget } from '../../../harness/targets/container.js';

const profile = loadProfile(process.argv[2]);
if (profile.target.kind === 'container') profile.target.imapPort = 0;
const target = await startContainerTarget({ profile, pushUrl: 'http://127.0.0.1:9/push' }, { runId: process.argv[3] });
console.log(`STARTED ${target.runId} ${target.containerId}`);
// Keep the event loop alive until a signal arrives.
setInterval(() => {}, 60_000);
