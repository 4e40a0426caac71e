/**
 * Runs `postflight sync` (the real command object) in a child process with the given flags, as the CLI would, with a
 * terminal-style progress line on stderr. Tests kill it mid-upload to prove a rerun resumes from the journal.
 * Usage: node tests/support/sync-child.ts --project DIR --endpoint URL --bucket B ...
 */
import { parseArgs } from 'node:util';
import { syncCommand } from '../../src-main/cli/commands/sync.ts';
import type { ParsedArgs } from '../../src-main/cli/command.ts';

const options = Object.fromEntries(
  Object.entries(syncCommand.options).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }]),
);
const { values, positionals } = parseArgs({ args: process.argv.slice(2), options, allowPositionals: true });
const code = await syncCommand.run({ values: values as ParsedArgs['values'], positionals }, { stdout: process.stdout, stderr: process.stderr, isTty: true, env: process.env });
process.exit(code);
