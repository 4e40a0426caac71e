import type { Command, CommandSpec } from '../command.ts';
import { classifySpec, ingestSpec, loginSpec, odmSpec, reflySpec, reportSpec, serveSpec, syncSpec, tasksImportSpec, tasksStreamSpec, verifySpec } from './specs.ts';

/**
 * A command whose module (and the services, database driver and SDKs it imports) is loaded only when it runs, so
 * `postflight --help` and usage errors start in the time Node itself takes.
 */
function lazy(spec: CommandSpec, load: () => Promise<Command>): Command {
  return { ...spec, run: async (args, io) => (await load()).run(args, io) };
}

/** Every CLI command, in the order `postflight --help` lists them (the order a pilot uses them). */
export const commands: readonly Command[] = [
  lazy(ingestSpec, async () => (await import('./ingest.ts')).ingestCommand),
  lazy(tasksImportSpec, async () => (await import('./tasks-import.ts')).tasksImportCommand),
  lazy(tasksStreamSpec, async () => (await import('./tasks-stream.ts')).tasksStreamCommand),
  lazy(classifySpec, async () => (await import('./classify.ts')).classifyCommand),
  lazy(reportSpec, async () => (await import('./report.ts')).reportCommand),
  lazy(verifySpec, async () => (await import('./verify.ts')).verifyCommand),
  lazy(loginSpec, async () => (await import('./login.ts')).loginCommand),
  lazy(reflySpec, async () => (await import('./refly.ts')).reflyCommand),
  lazy(syncSpec, async () => (await import('./sync.ts')).syncCommand),
  lazy(odmSpec, async () => (await import('./odm.ts')).odmCommand),
  lazy(serveSpec, async () => (await import('./serve.ts')).serveCommand),
];
