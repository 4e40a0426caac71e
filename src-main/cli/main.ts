import { parseArgs } from 'node:util';
import { AppError } from '../common/errors.ts';
import { type CliIo, type ParsedArgs, UsageError } from './command.ts';
import { commands } from './commands/index.ts';
import { answerWithoutRunning, commandHelp, findCommand } from './help.js';

/** Runs the CLI and returns the exit code; errors go to stderr with a non-zero code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const answer = answerWithoutRunning(argv);
  if (answer) {
    io[answer.stream].write(answer.text);
    return answer.code;
  }
  // answerWithoutRunning has answered every argv that names no command.
  const found = findCommand(commands, argv);
  if (!found) throw new Error(`no command for '${argv.join(' ')}'`);
  const { cmd, rest } = found;
  try {
    const options = Object.fromEntries(
      Object.entries(cmd.options).map(([name, o]) => [
        name,
        { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}), ...(o.default !== undefined ? { default: o.default } : {}) },
      ]),
    );
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    return await cmd.run({ values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals }, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`postflight ${cmd.name.join(' ')}: ${(err as Error).message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    if (err instanceof AppError) {
      io.stderr.write(`postflight: ${err.message}\n`);
      if (err.details && Object.keys(err.details).length > 0 && io.env.POSTFLIGHT_DEBUG) {
        io.stderr.write(`${JSON.stringify(err.details, null, 2)}\n`);
      }
      return 1;
    }
    io.stderr.write(`postflight: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
