// The load command on its own: `node --import tsx harness/load/main.ts --devices 3 --changes 60`. The
// cpm-conformance CLI offers the same as `cpm-conformance load …` through loadCommand().
import { loadCommand } from './command.js';

loadCommand(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A handle left open by a target must not keep the process alive once the reports are written.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err: unknown) => {
    process.stderr.write(`cpm-conformance load: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
