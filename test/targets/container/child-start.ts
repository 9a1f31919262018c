// Child process for the interruption tests: starts the container target from the profile given as argv[2] (imapPort
// chosen free, run id argv[3]), prints "STARTED <runId> <containerId>", then waits to be signalled or, with
// argv[4] = "exit", calls process.exit() at once without stopping the target.
import { loadProfile } from '../../../harness/profile/index.js';
import { startContainerTarget } from '../../../harness/targets/container.js';

const profile = loadProfile(process.argv[2]);
if (profile.target.kind === 'container') profile.target.imapPort = 0;
const target = await startContainerTarget({ profile, pushUrl: 'http://127.0.0.1:9/push' }, { runId: process.argv[3] });
console.log(`STARTED ${target.runId} ${target.containerId}`);
if (process.argv[4] === 'exit') process.exit(0);
// Keep the event loop alive until a signal arrives.
setInterval(() => {}, 60_000);
