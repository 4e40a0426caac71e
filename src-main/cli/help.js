// @ts-check
/**
 * What the CLI answers without running a command: help, the version, usage for a group, an unknown command.
 * Plain JavaScript (typed by JSDoc, checked by tsc) like the specs it reads, so bin/postflight.js answers these
 * before Node's TypeScript support loads.
 */
import fs from 'node:fs';
import { URL } from 'node:url';
import { commandSpecs } from './commands/specs.js';
/** @import { CommandSpec } from './command.ts' */

/** @param {CommandSpec} cmd */
export function usageLine(cmd) {
  return `postflight ${cmd.name.join(' ')}${cmd.args ? ` ${cmd.args}` : ''} [options]`;
}

/** @param {CommandSpec} cmd */
export function commandHelp(cmd) {
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

export function globalHelp() {
  const width = Math.max(...commandSpecs.map((c) => c.name.join(' ').length)) + 2;
  return [
    'Postflight: drone imagery triage in the field.',
    '',
    'Usage: postflight <command> [options]',
    '',
    'Commands:',
    ...commandSpecs.map((c) => `  ${c.name.join(' ').padEnd(width)}${c.summary}`),
    '',
    "Run `postflight <command> --help` for a command's options.",
    '',
  ].join('\n');
}

/** The version in this checkout's package.json (the CLI runs from its sources, not through npm). */
export function packageVersion() {
  /** @type {{ version?: string }} */
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return pkg.version ?? 'unknown';
}

/**
 * The command named by the first words of argv (longest match first, so `tasks import` wins over a `tasks`).
 * @template {CommandSpec} C
 * @param {readonly C[]} commands
 * @param {string[]} argv
 * @returns {{ cmd: C, rest: string[] } | null}
 */
export function findCommand(commands, argv) {
  const sorted = [...commands].sort((a, b) => b.name.length - a.name.length);
  for (const cmd of sorted) {
    if (cmd.name.every((word, i) => argv[i] === word)) return { cmd, rest: argv.slice(cmd.name.length) };
  }
  return null;
}

/**
 * The answer to argv when it asks for help or the version or names no command; null when a command must run.
 * @param {string[]} argv
 * @returns {{ stream: 'stdout' | 'stderr', text: string, code: number } | null}
 */
export function answerWithoutRunning(argv) {
  if (argv.length === 0) return { stream: 'stdout', text: globalHelp(), code: 1 };
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return { stream: 'stdout', text: globalHelp(), code: 0 };
  if (argv[0] === '--version' || argv[0] === '-V') return { stream: 'stdout', text: `postflight ${packageVersion()}\n`, code: 0 };
  const found = findCommand(commandSpecs, argv);
  const group = found ? [] : commandSpecs.filter((c) => c.name.length > 1 && c.name[0] === argv[0]);
  if (group.length > 0 && (argv.length === 1 || argv.slice(1).every((a) => a === '--help' || a === '-h'))) {
    // `postflight tasks --help`: the commands of that group.
    const text = [`Commands of postflight ${argv[0]}:`, ...group.map((c) => `  ${usageLine(c)}\n      ${c.summary}`), ''].join('\n');
    return argv.length === 1 ? { stream: 'stderr', text, code: 2 } : { stream: 'stdout', text, code: 0 };
  }
  if (!found) return { stream: 'stderr', text: `postflight: unknown command '${argv.join(' ')}'.\n\n${globalHelp()}`, code: 2 };
  if (found.rest.includes('--help') || found.rest.includes('-h')) return { stream: 'stdout', text: commandHelp(found.cmd), code: 0 };
  return null;
}
