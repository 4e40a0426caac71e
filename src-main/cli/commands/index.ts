import type { Command, CommandSpec } from '../command.ts';
import { classifySpec, commandSpecs, ingestSpec, loginSpec, odmSpec, reflySpec, reportSpec, serveSpec, syncSpec, tasksImportSpec, tasksStreamSpec, verifySpec } from './specs.js';

/** Each command's module, loaded only when that command runs (with the services, database driver and SDKs it imports). */
const modules = new Map<CommandSpec, () => Promise<Command>>([
  [ingestSpec, async () => (await import('./ingest.ts')).ingestCommand],
  [tasksImportSpec, async () => (await import('./tasks-import.ts')).tasksImportCommand],
  [tasksStreamSpec, async () => (await import('./tasks-stream.ts')).tasksStreamCommand],
  [classifySpec, async () => (await import('./classify.ts')).classifyCommand],
  [reportSpec, async () => (await import('./report.ts')).reportCommand],
  [verifySpec, async () => (await import('./verify.ts')).verifyCommand],
  [loginSpec, async () => (await import('./login.ts')).loginCommand],
  [reflySpec, async () => (await import('./refly.ts')).reflyCommand],
  [syncSpec, async () => (await import('./sync.ts')).syncCommand],
  [odmSpec, async () => (await import('./odm.ts')).odmCommand],
  [serveSpec, async () => (await import('./serve.ts')).serveCommand],
]);

/** Every CLI command, in the order of commandSpecs (the order `postflight --help` lists them). */
export const commands: readonly Command[] = commandSpecs.map((spec) => {
  const load = modules.get(spec);
  if (!load) throw new Error(`CLI command '${spec.name.join(' ')}' has no module`);
  return { ...spec, run: async (args, io) => (await load()).run(args, io) };
});
