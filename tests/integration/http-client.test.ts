/**
 * The renderer's HTTP transport (the one a browser uses against `postflight serve`) run under Node against a real
 * harness: envelopes become results or ApiCallError, a non-JSON answer is worded, and after the harness restarts
 * the client reconnects and brings jobs that ended while it was away up to date.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src-main/api/session.ts';
import { createDispatch } from '../../src-main/api/dispatch.ts';
import { createHandlers } from '../../src-main/api/handlers.ts';
import { startServer, type RunningServer } from '../../src-main/serve/server.ts';
import { httpClient } from '../../src-renderer/src/api/http-client.ts';
import { ApiCallError } from '../../src-renderer/src/api/api-client.ts';
import type { JobInfo } from '../../src-preload/contract.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

describe('renderer HTTP client against the real harness', () => {
  let dir: string;
  let session: Session;
  let server: RunningServer | null = null;
  const start = async (port = 0, token?: string) => {
    server = await startServer({
      session,
      dispatch: createDispatch(createHandlers(session, 'http')),
      rendererDir: null,
      port,
      ...(token ? { token } : {}),
    });
    return server;
  };

  beforeAll(async () => {
    dir = makeTemp();
    session = new Session({ emit: (name, payload) => server?.broadcast(name, payload), recentFile: null });
    await session.openProject(path.join(dir, 'project'), true);
    await start();
  });
  afterAll(async () => {
    await server?.close();
    await session.close();
    rmTemp(dir);
  });

  it('turns envelopes into results and typed errors', async () => {
    const client = httpClient(server!.token, `http://127.0.0.1:${server!.port}`);
    expect((await client.call('project.current', {}))?.name).toBe('project');
    const err = await client.call('tasks.verify', { taskId: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as ApiCallError).code).toBe('not_found');
  });

  it('words an answer that is not JSON instead of failing to parse it', async () => {
    const client = httpClient('wrong-token-but-long-enough', `http://127.0.0.1:${server!.port}`);
    // Unauthorised answers are JSON too; a path outside /api/ answered by the static server is not.
    const err = await client.call('project.current', {}).catch((e: unknown) => e);
    expect((err as ApiCallError).code).toBe('refused');
    const plain = httpClient(server!.token, `http://127.0.0.1:${server!.port}/not-the-api-root`);
    const wrapped = await plain.call('project.current', {}).catch((e: unknown) => e);
    expect(wrapped).toBeInstanceOf(ApiCallError);
    expect((wrapped as ApiCallError).message).toMatch(/answered 404/);
  });

  it('after the harness restarts, reconnects and delivers the jobs that ended while it was down', async () => {
    const { port, token } = server!;
    const client = httpClient(token, `http://127.0.0.1:${port}`);
    const seen: JobInfo[] = [];
    client.on('job.updated', (job) => seen.push(job));
    // A live event proves the socket is up: start trivial jobs until one's final update has arrived.
    const started: string[] = [];
    await expect.poll(async () => {
      const id = session.require().jobs.start('coverage', {}, async () => 'first');
      started.push(id);
      await session.require().jobs.wait(id);
      return seen.some((j) => started.includes(j.id) && j.state === 'done');
    }, { timeout: 10_000, interval: 300 }).toBe(true);

    await server!.close();
    server = null;
    const missedId = session.require().jobs.start('classify', {}, async () => 'ran while the harness was down');
    await session.require().jobs.wait(missedId);
    expect(seen.some((j) => j.id === missedId)).toBe(false);

    await start(port, token);
    await expect.poll(() => seen.find((j) => j.id === missedId)?.state, { timeout: 10_000 }).toBe('done');
  });
});
