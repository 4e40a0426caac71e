import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.ts';
import { serveSpec } from './specs.ts';
import { requireString } from '../command.ts';
import { Session } from '../../api/session.ts';
import { createDispatch } from '../../api/dispatch.ts';
import { createHandlers } from '../../api/handlers.ts';
import { startServer, type RunningServer } from '../../serve/server.ts';
import { userStateFile } from '../../common/user-dirs.ts';

const defaultRendererDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../out/renderer');

export const serveCommand: Command = {
  ...serveSpec,
  async run(args, io) {
    const dir = requireString(args, 'project');
    let server: RunningServer | null = null;
    const session = new Session({ emit: (name, payload) => server?.broadcast(name, payload), recentFile: userStateFile('recent.json'), writer: 'serve' });
    await session.openProject(dir, true);
    const rendererDir = typeof args.values.renderer === 'string' ? path.resolve(args.values.renderer) : defaultRendererDir;
    server = await startServer({
      session,
      dispatch: createDispatch(createHandlers(session, 'http')),
      rendererDir: fs.existsSync(path.join(rendererDir, 'index.html')) ? rendererDir : null,
      port: Number(args.values.port ?? 0),
    });
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
