import path from 'node:path';
import { expect } from 'vitest';
import { Session } from '../../src-main/api/session.ts';
import { createDispatch, type Dispatch } from '../../src-main/api/dispatch.ts';
import { createHandlers } from '../../src-main/api/handlers.ts';
import type { JobInfo } from '../../src-preload/contract.ts';

/**
 * The service facade as the app drives it (the same dispatch the adapters use, no transport in between), with a
 * project open in `dir`: `ok` calls a method and expects a result, `settle` waits until no job is queued or running.
 */
export async function openFacade(dir: string) {
  const session = new Session({ emit: () => {}, recentFile: path.join(dir, 'recent.json') });
  const call: Dispatch = createDispatch(createHandlers(session, 'http'));
  const ok = async <T>(method: string, params: unknown = {}): Promise<T> => {
    const envelope = await call(method, params);
    expect(envelope.error, method).toBeUndefined();
    return envelope.result as T;
  };
  const settle = async (): Promise<JobInfo[]> => {
    for (;;) {
      const jobs = await ok<JobInfo[]>('jobs.list');
      if (jobs.every((j) => j.state !== 'queued' && j.state !== 'running')) return jobs;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await ok('project.open', { dir: path.join(dir, 'project'), create: true });
  return { session, call, ok, settle };
}
