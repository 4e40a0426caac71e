import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.ts';
import { serveSpec } from './specs.js';
import { requireString } from '../command.ts';
import { Session } from '../../api/session.ts';
import { createDispatch } from '../../api/dispatch.ts';
import { createHandlers } from '../../api/handlers.ts';
import { startServer, type RunningServer } from '../../serve/server.ts';
import { userStateFile } from '../../common/user-dirs.ts';
import { AppError } from '../../common/errors.ts';
import { UsageError } from '../command.ts';

const defaultRendererDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../out/renderer');

export const serveCommand: Command = {
  ...serveSpec,
  async run(args, io) {
    const dir = requireString(args, 'project');
    const port = parsePort(args.values.port);
    let server: RunningServer | null = null;
    const session = new Session({ emit: (name, payload) => server?.broadcast(name, payload), recentFile: userStateFile('recent.json'), writer: 'serve' });
    await session.openProject(dir, true);
    const rendererDir = typeof args.values.renderer === 'string' ? path.resolve(args.values.renderer) : defaultRendererDir;
    try {
      server = await startServer({
        session,
        dispatch: createDispatch(createHandlers(session, 'http')),
        rendererDir: fs.existsSync(path.join(rendererDir, 'index.html')) ? rendererDir : null,
        port,
      });
    } catch (err) {
      await session.close();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new AppError('conflict', `Port ${port} is already in use on 127.0.0.1: pick another with --port, or leave it out to get a free one.`, { port });
      if (code === 'EACCES') throw new AppError('refused', `Port ${port} needs administrator rights on this computer: pick a port above 1023, or leave --port out.`, { port });
      throw err;
    }
    io.stdout.write(`${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await session.close();
    return 0;
  },
};

/** --port: a whole number 0..65535 (0 or absent: any free port). */
function parsePort(value: unknown): number {
  if (value === undefined) return 0;
  const text = typeof value === 'string' ? value.trim() : JSON.stringify(value);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535 (got "${text}")`);
  return port;
}
