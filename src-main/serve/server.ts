import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, toErrorEnvelope, type ErrorCode } from '../common/errors.ts';
import type { Dispatch } from '../api/dispatch.ts';
import { parseMediaPath, resolveMedia } from '../api/media.ts';
import type { Session } from '../api/session.ts';
import type { EventName, Events } from '../../src-preload/contract.ts';
import { RENDERER_CSP } from '../common/csp.ts';

const MAX_BODY = 96 * 1024 * 1024;
/** Errors outside an API envelope (media, static files) still answer with the status a browser understands. */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { not_found: 404, invalid_input: 400, project_missing: 409 };
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface ServeOptions {
  session: Session;
  dispatch: Dispatch;
  /** Folder with the built renderer (index.html + assets); API-only when absent. */
  rendererDir: string | null;
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  /** Delivers a core event to every connected browser. */
  broadcast: <E extends EventName>(name: E, payload: Events[E]) => void;
  close(): Promise<void>;
}

/**
 * The browser harness: the same contract as the Electron IPC, over HTTP (calls) and a WebSocket (events), bound to
 * 127.0.0.1 only and guarded by a per-run token, with the Host header checked against DNS rebinding.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const clients = new Set<WebSocket>();
  let port = 0;

  // Media is loaded by <img> and MapLibre, which cannot send a header: an HttpOnly, SameSite=Strict cookie scoped to
  // /media/ carries a separate per-run secret (good for media only), set on every authorised API answer, so no media
  // URL (logged, cached, copied) carries the token.
  const mediaSecret = randomBytes(24).toString('base64url');
  const mediaCookieName = () => `postflight_media_${port}`;
  const bearer = (req: http.IncomingMessage): boolean => {
    const header = req.headers.authorization;
    return header?.startsWith('Bearer ') === true && safeEqual(header.slice(7), token);
  };
  const authorised = (req: http.IncomingMessage, url: URL): boolean => {
    if (bearer(req)) return true;
    const given = url.searchParams.get('token');
    return given !== null && safeEqual(given, token);
  };
  const mediaAuthorised = (req: http.IncomingMessage): boolean => {
    if (bearer(req)) return true;
    const cookie = cookieValue(req.headers.cookie, mediaCookieName());
    return cookie !== null && safeEqual(cookie, mediaSecret);
  };
  const hostAllowed = (req: http.IncomingMessage): boolean =>
    req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  // Browsers always send Origin on a WebSocket: only our own page may listen (a tool without a browser sends none).
  const originAllowed = (req: http.IncomingMessage): boolean =>
    req.headers.origin === undefined || req.headers.origin === `http://127.0.0.1:${port}` || req.headers.origin === `http://localhost:${port}`;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      // A stream cut short (the browser left mid-download) cannot take an error body any more: just drop it.
      if (res.headersSent) res.destroy();
      else {
        const envelope = toErrorEnvelope(err);
        sendJson(res, HTTP_STATUS[envelope.code] ?? 500, { error: envelope });
      }
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostAllowed(req)) return sendJson(res, 403, { error: { code: 'refused', message: 'Bad Host header.' } });
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: { code: 'invalid_input', message: 'POST only.' } });
      if (!authorised(req, url)) return sendJson(res, 401, { error: { code: 'refused', message: 'Missing or wrong token.' } });
      const body = await readJson(req);
      const envelope = await options.dispatch(decodePath(url.pathname.slice(5)), body);
      res.setHeader('set-cookie', `${mediaCookieName()}=${mediaSecret}; HttpOnly; SameSite=Strict; Path=/media/`);
      return sendJson(res, 200, envelope);
    }
    if (url.pathname.startsWith('/media/')) {
      if (!mediaAuthorised(req)) return sendJson(res, 401, { error: { code: 'refused', message: 'Missing or wrong media cookie.' } });
      const ref = parseMediaPath(url.pathname.slice(6));
      if (!ref) return sendJson(res, 404, { error: { code: 'not_found', message: 'No such media.' } });
      const { file, contentType } = resolveMedia(options.session.require().project, ref);
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'private, max-age=3600' });
      await pipeline(fs.createReadStream(file), res);
      return;
    }
    return serveStatic(options.rendererDir, url.pathname, res);
  }

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/events' || !hostAllowed(req) || !authorised(req, url)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    if (!originAllowed(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    broadcast: (name, payload) => {
      const message = JSON.stringify({ event: name, payload });
      for (const ws of clients) ws.send(message);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    throw new AppError('invalid_input', 'Badly encoded path.');
  }
}

/** One cookie's value from a Cookie header, or null. */
function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new AppError('invalid_input', 'Request too large.');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppError('invalid_input', 'The request body is not valid JSON.');
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function serveStatic(root: string | null, pathname: string, res: http.ServerResponse): Promise<void> {
  // A badly encoded path is the request's fault (400) whether or not the app is built.
  const relative = pathname === '/' ? 'index.html' : decodePath(pathname).replace(/^\/+/, '');
  if (!root) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The app is not built: run `npm run build` first (the API is served under /api/).');
    return;
  }
  const file = path.resolve(root, relative);
  if (!file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  const type = STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream';
  const headers: http.OutgoingHttpHeaders = { 'content-type': type, 'x-content-type-options': 'nosniff' };
  if (type.startsWith('text/html')) headers['content-security-policy'] = RENDERER_CSP;
  res.writeHead(200, headers);
  await pipeline(fs.createReadStream(file), res);
}
