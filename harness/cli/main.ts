// cpm-conformance command line. Exit codes: 0 pass, 1 mandatory failure, 2 setup/profile error, 3 vacuous run.
const [command = 'run'] = process.argv.slice(2);

function fail(code: number, message: string): never {
  process.stderr.write(`cpm-conformance: ${message}\n`);
  process.exit(code);
}

switch (command) {
  case 'run':
    fail(2, 'no target yet: the embedded reference store is not wired into the harness in this version, so there is nothing to run the conformance cases against.');
  default:
    fail(2, `unknown command "${command}" (known: run)`);
}
