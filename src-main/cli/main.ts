import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError } from '../common/errors.ts';
import { type CliIo, type Command, type ParsedArgs, UsageError } from './command.ts';
import { commands } from './commands/index.ts';

function usageLine(cmd: Command): string {
  return `postflight ${cmd.name.join(' ')}${cmd.args ? ` ${cmd.args}` : ''} [options]`;
}

function commandHelp(cmd: Command): string {
  const lines = [`Usage: ${usageLine(cmd)}`, '', cmd.summary, '', 'Options:'];
  const entries = Object.entries(cmd.options);
  const width = Math.max(12, ...entries.map(([n, o]) => n.length + (o.type === 'string' ? 8 : 0)));
  for (const [name, opt] of entries) {
    const flag = `--${name}${opt.type === 'string' ? ' <value>' : ''}`;
    const dflt = opt.default !== undefined ? ` (default: ${String(opt.default)})` : '';
    lines.push(`  ${flag.padEnd(width + 4)}${opt.description}${dflt}`);
  }
  lines.push(`  ${'--help'.padEnd(width + 4)}Show this help`);
  return lines.join('\n') + '\n';
}

export function globalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.join(' ').length)) + 2;
  return [
    'Postflight: drone imagery triage in the field.',
    '',
    'Usage: postflight <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.join(' ').padEnd(width)}${c.summary}`),
    '',
    'Run `postflight <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

/** The version in this checkout's package.json (the CLI runs from its sources, not through npm). */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | null {
  // Longest match first, so `tasks import` wins over a hypothetical `tasks`.
  const sorted = [...commands].sort((a, b) => b.name.length - a.name.length);
  for (const cmd of sorted) {
    if (cmd.name.every((word, i) => argv[i] === word)) return { cmd, rest: argv.slice(cmd.name.length) };
  }
  return null;
}

/** Runs the CLI and returns the exit code; errors go to stderr with a non-zero code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(globalHelp());
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.stdout.write(`postflight ${packageVersion()}\n`);
    return 0;
  }
  const found = findCommand(argv);
  const group = found ? [] : commands.filter((c) => c.name.length > 1 && c.name[0] === argv[0]);
  if (group.length > 0 && (argv.length === 1 || argv.slice(1).every((a) => a === '--help' || a === '-h'))) {
    // `postflight tasks --help`: the commands of that group.
    const text = [`Commands of postflight ${argv[0]}:`, ...group.map((c) => `  ${usageLine(c)}\n      ${c.summary}`), ''].join('\n');
    (argv.length === 1 ? io.stderr : io.stdout).write(text);
    return argv.length === 1 ? 2 : 0;
  }
  if (!found) {
    io.stderr.write(`postflight: unknown command '${argv.join(' ')}'.\n\n${globalHelp()}`);
    return 2;
  }
  const { cmd, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(cmd));
    return 0;
  }
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
