import type { Command } from '../command.ts';
import { classifyCommand } from './classify.ts';
import { ingestCommand } from './ingest.ts';
import { odmCommand } from './odm.ts';
import { reportCommand } from './report.ts';
import { serveCommand } from './serve.ts';
import { syncCommand } from './sync.ts';
import { tasksImportCommand } from './tasks-import.ts';
import { verifyCommand } from './verify.ts';

/** Every CLI command, in the order `postflight --help` lists them (the order a pilot uses them). */
export const commands: readonly Command[] = [
  ingestCommand,
  tasksImportCommand,
  classifyCommand,
  reportCommand,
  verifyCommand,
  syncCommand,
  odmCommand,
  serveCommand,
];
