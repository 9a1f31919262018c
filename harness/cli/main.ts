#!/usr/bin/env node
// cpm-conformance: runs the conformance suites against the target a profile declares.
import { parseArgs } from 'node:util';
import { runCommand, listCommand } from './run.js';
import { validateProfileFile } from '../profile/cli-validate.js';

export const EXIT = { PASS: 0, FAILED: 1, SETUP: 2, VACUOUS: 3 } as const;

const HELP = `cpm-conformance — conformance suite for OMA CPM Message Storage servers

Usage:
  cpm-conformance run [--profile FILE] [--grep TEXT] [--clause 5.4.2] [--requirement ID] [--strict]
  cpm-conformance list [--profile FILE] [--grep TEXT] [--clause C] [--requirement ID]
  cpm-conformance validate-profile FILE

Without --profile the suite runs against the embedded reference store.

Options:
  --profile FILE      target profile (JSON, fixtures/profiles/profile.schema.json)
  --grep TEXT         only cases whose ID or statement contains TEXT
  --clause C          only cases of clause C (5.2.1, 5.2.x, 5.4.1, 5.4.2)
  --requirement ID    only cases covering requirement ID (or IDs below it, e.g. "push")
  --strict            SHOULD-level failures fail the run (otherwise they are warnings)

Exit codes:
  0  every applicable mandatory case passed
  1  a mandatory case failed (or any failing case with --strict)
  2  setup or profile error: bad profile, unreachable target, bad credentials, no Docker for a container target
  3  vacuous run: no case selected, or every selected case was not applicable
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      grep: { type: 'string' },
      clause: { type: 'string' },
      requirement: { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command = 'run', ...rest] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(HELP);
    return EXIT.PASS;
  }
  const selection = { grep: values.grep, clause: values.clause, requirement: values.requirement };
  switch (command) {
    case 'run':
      return runCommand({ profile: values.profile, strict: values.strict ?? false, ...selection });
    case 'list':
      return listCommand({ profile: values.profile, strict: false, ...selection });
    case 'validate-profile': {
      const file = rest[0] ?? values.profile;
      if (!file) {
        process.stderr.write('cpm-conformance: validate-profile needs a FILE\n');
        return EXIT.SETUP;
      }
      const r = validateProfileFile(file);
      (r.ok ? process.stdout : process.stderr).write(`${r.message}\n`);
      return r.ok ? EXIT.PASS : r.exitCode;
    }
    default:
      process.stderr.write(`cpm-conformance: unknown command "${command}"\n\n${HELP}`);
      return EXIT.SETUP;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`cpm-conformance: ${(err as Error).message ?? String(err)}\n`);
    process.exit(EXIT.SETUP);
  },
);
