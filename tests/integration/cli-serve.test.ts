import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { callApi, runPostflight, startServe } from '../support/cli.ts';
import { makeTemp, repoRoot, rmTemp, sharedData } from '../support/paths.ts';
import { commands } from '../../src-main/cli/commands/index.ts';

describe('postflight CLI', () => {
  it('--help lists every registered command', () => {
    const r = runPostflight(['--help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.stdout).toContain(c.name.join(' '));
  });

  it('each command has its own --help', () => {
    for (const c of commands) {
      const r = runPostflight([...c.name, '--help']);
      expect(r.code, c.name.join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: postflight ${c.name.join(' ')}`);
    }
  });

  it('help, usage and --version load no TypeScript at all, --version prints the package version', () => {
    // A load hook in the child lists every module it loads: these answers need only the plain-JS help and the specs,
    // so Node's TypeScript loader (~0.1 s to start) never runs.
    const hook = `data:text/javascript,${encodeURIComponent(
      "import{registerHooks}from'node:module';registerHooks({load(u,c,n){if(u.includes('/src-main/'))process.stderr.write('LOADED '+u+'\\n');return n(u,c)}})",
    )}`;
    for (const argv of [['--help'], ['--version'], ['ingest', '--help'], ['tasks', '--help'], ['fly-me-home']]) {
      const r = runPostflight(argv, { NODE_OPTIONS: `--import=${hook}` });
      const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.replace(/^.*\/src-main\//, ''));
      expect(loaded.sort(), argv.join(' ')).toEqual(['cli/commands/specs.js', 'cli/help.js']);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(runPostflight(['--version']).stdout).toBe(`postflight ${pkg.version}\n`);
    // A command that runs loads its TypeScript module (the hook sees it), proving the list above can fail.
    const run = runPostflight(['report', '--project', path.join(repoRoot, 'no-such-project')], { NODE_OPTIONS: `--import=${hook}` });
    expect(run.stderr).toContain('cli/commands/report.ts');
  });

  it('a command group has its own --help', () => {
    const group = runPostflight(['tasks', '--help']);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('postflight tasks import <file>');
    const bare = runPostflight(['tasks']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('postflight tasks import');
  });

  it('an unknown command or flag goes to stderr with a non-zero exit', () => {
    const unknown = runPostflight(['fly-me-home']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown command/);
    const badFlag = runPostflight(['serve', '--no-such-flag']);
    expect(badFlag.code).not.toBe(0);
    expect(badFlag.stderr).toMatch(/no-such-flag/);
  });
});

describe('postflight serve (the browser harness)', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServe>>;

  beforeAll(async () => {
    dir = makeTemp();
    server = await startServe(path.join(dir, 'project'), { POSTFLIGHT_STATE_DIR: path.join(dir, 'state') });
  });
  afterAll(async () => {
    await server?.stop();
    rmTemp(dir);
  });

  it('binds to 127.0.0.1 and prints a URL carrying a token', () => {
    expect(server.url.hostname).toBe('127.0.0.1');
    expect(server.token.length).toBeGreaterThanOrEqual(24);
  });

  it('answers contract calls in an envelope', async () => {
    const r = await callApi(server.url, server.token, 'project.current');
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({ name: 'project', dir: path.join(dir, 'project') });
  });

  it('rejects calls without the token, unknown methods and params that fail the schema', async () => {
    const noToken = await fetch(new URL('/api/project.current', server.url), { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
    expect((await callApi(server.url, server.token, 'fs.readFile', { path: '/etc/passwd' })).error?.code).toBe('invalid_input');
    const bad = await callApi(server.url, server.token, 'images.get', { id: '../../etc/passwd' });
    expect(bad.error?.code).toBe('invalid_input');
    const extra = await callApi(server.url, server.token, 'jobs.cancel', { jobId: 'x', also: 1 });
    expect(extra.error?.code).toBe('invalid_input');
  });

  it('answers a missing photo with 404 and a badly encoded path with 400, not a server error', async () => {
    const missing = await fetch(new URL('/media/photo/999999', server.url), { headers: { authorization: `Bearer ${server.token}` } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(new URL('/%E0%A4%A', server.url))).status).toBe(400);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    // fetch() won't let us set Host, so speak plain HTTP.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.url.port, path: '/api/project.current', method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${server.token}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });
});

describe('postflight serve, media', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServe>>;

  beforeAll(async () => {
    dir = makeTemp();
    const card = path.join(dir, 'card');
    fs.mkdirSync(card);
    fs.copyFileSync(path.join(sharedData, 'brighton_beach', 'DJI_0018.JPG'), path.join(card, 'DJI_0018.JPG'));
    expect(runPostflight(['ingest', card, '--project', path.join(dir, 'project')]).code).toBe(0);
    server = await startServe(path.join(dir, 'project'), { POSTFLIGHT_STATE_DIR: path.join(dir, 'state') });
  });
  afterAll(async () => {
    await server?.stop();
    rmTemp(dir);
  });

  it('a browser that drops a photo download half-way does not bring the server down', async () => {
    const firstChunk = await new Promise<number>((resolve, reject) => {
      const req = http.get(
        {
          host: '127.0.0.1',
          port: server.url.port,
          path: '/media/photo/1',
          headers: { host: `127.0.0.1:${server.url.port}`, authorization: `Bearer ${server.token}` },
        },
        (res) => {
          res.once('data', (chunk: Buffer) => {
            resolve(res.statusCode ?? 0);
            req.destroy();
            expect(chunk.length).toBeGreaterThan(0);
          });
        },
      );
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    });
    expect(firstChunk).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.child.exitCode).toBeNull();
    const r = await callApi(server.url, server.token, 'project.current');
    expect(r.result).toMatchObject({ name: 'project' });
  });

  it('media URLs carry no token: a token in the query is refused, the HttpOnly media cookie from an API answer works', async () => {
    const base = new URL(server.url.origin);
    expect((await fetch(new URL(`/media/thumb/1?token=${server.token}`, base))).status).toBe(401);
    const answer = await fetch(new URL('/api/app.info', base), { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{}' });
    const setCookie = answer.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/media\//);
    expect(setCookie).not.toContain(server.token);
    const cookie = setCookie.split(';')[0]!;
    const thumb = await fetch(new URL('/media/thumb/1', base), { headers: { cookie } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toMatch(/^image\//);
    const forged = await fetch(new URL('/media/thumb/1', base), { headers: { cookie: `${cookie.split('=')[0]}=forged` } });
    expect(forged.status).toBe(401);
  });

  it("the events WebSocket refuses another site's page (Origin) and accepts our own", async () => {
    const events = `ws://127.0.0.1:${server.url.port}/events?token=${server.token}`;
    const opens = (origin: string) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(events, { origin });
        ws.once('open', () => {
          ws.close();
          resolve(true);
        });
        ws.once('error', () => resolve(false));
      });
    expect(await opens('http://evil.example')).toBe(false);
    expect(await opens(`http://127.0.0.1:${Number(server.url.port) + 1}`)).toBe(false);
    expect(await opens(`http://127.0.0.1:${server.url.port}`)).toBe(true);
  });
});
