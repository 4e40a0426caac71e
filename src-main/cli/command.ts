import type { Writable } from 'node:stream';

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; description: string; default?: string | boolean };

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** True when stdout is a terminal (progress bars are drawn only then). */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** What a command is called and takes: enough for help and argument parsing, without loading its code. */
export interface CommandSpec {
  /** Words after `postflight`, e.g. ['tasks', 'import']. */
  name: string[];
  summary: string;
  /** Positional arguments shown in the usage line, e.g. '<source>'. */
  args?: string;
  options: Record<string, OptionSpec>;
}

/** One `postflight <name ...>` command: a thin adapter that parses flags and calls a core service. */
export interface Command extends CommandSpec {
  /** Returns the process exit code. Throw AppError for failures the pilot must read. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** Reads a required string option or throws a usage error naming it. */
export function requireString(args: ParsedArgs, name: string): string {
  const v = args.values[name];
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${name} is required`);
  return v;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
