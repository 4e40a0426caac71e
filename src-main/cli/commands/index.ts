import type { Command } from '../command.ts';
import { ingestCommand } from './ingest.ts';
import { serveCommand } from './serve.ts';

/** Every CLI command, in the order `postflight --help` lists them (the order a pilot uses them). */
export const commands: readonly Command[] = [ingestCommand, serveCommand];
