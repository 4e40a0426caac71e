/**
 * The service facade as the app drives it (no HTTP in between, the same dispatch the adapters use): inserting a card
 * chains ingest -> classify -> coverage as jobs, and the pilot's culling refreshes coverage by itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src-main/api/session.ts';
import { createDispatch, type Dispatch } from '../../src-main/api/dispatch.ts';
import { createHandlers } from '../../src-main/api/handlers.ts';
import type { JobInfo, TaskInfo } from '../../src-preload/contract.ts';
import { makeTemp, repoRoot, rmTemp, sharedData } from '../support/paths.ts';

describe('app work through the service facade', () => {
  let dir: string;
  let session: Session;
  let call: Dispatch;
  const ok = async <T>(method: string, params: unknown = {}): Promise<T> => {
    const envelope = await call(method, params);
    expect(envelope.error, method).toBeUndefined();
    return envelope.result as T;
  };
  /** Waits until no job is queued or running, and returns them all. */
  const settle = async (): Promise<JobInfo[]> => {
    for (;;) {
      const jobs = await ok<JobInfo[]>('jobs.list');
      if (jobs.every((j) => j.state !== 'queued' && j.state !== 'running')) return jobs;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    dir = makeTemp();
    session = new Session({ emit: () => {}, recentFile: path.join(dir, 'recent.json') });
    call = createDispatch(createHandlers(session, 'http'));
    await ok('project.open', { dir: path.join(dir, 'project'), create: true });
    const tasks = fs.readFileSync(path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson'));
    await ok('tasks.import', { fileName: 'brighton_beach.geojson', contentBase64: tasks.toString('base64') });
  });
  afterAll(async () => {
    await session.close();
    rmTemp(dir);
  });

  it('one ingest.start runs ingest, then classification, then coverage, each as its own finished job', async () => {
    await ok('ingest.start', { source: path.join(sharedData, 'brighton_beach'), inPlace: true });
    const jobs = await settle();
    expect(jobs.map((j) => [j.kind, j.state]).reverse()).toEqual([
      ['ingest', 'done'],
      ['classify', 'done'],
      ['coverage', 'done'],
    ]);
    const tasks = await ok<TaskInfo[]>('tasks.list');
    expect(tasks.map((t) => t.assignedCount)).toEqual([9, 9]);
    for (const t of tasks) expect(t.coveragePct).toBeGreaterThan(90);
  });

  it('culling refreshes the task figures without the pilot asking', async () => {
    const before = (await ok<TaskInfo[]>('tasks.list')).find((t) => t.taskId === '1')!;
    const photos = await ok<{ items: { id: number; taskId: string | null }[] }>('images.list', { filter: { taskId: '1' }, limit: 100 });
    const rejected = photos.items.slice(2).map((p) => p.id);
    expect((await ok<{ changed: number }>('images.decide', { ids: rejected, decision: 'rejected' })).changed).toBe(rejected.length);
    await settle();
    const after = (await ok<TaskInfo[]>('tasks.list')).find((t) => t.taskId === '1')!;
    expect(after.assignedCount).toBe(before.assignedCount - rejected.length);
    expect(after.coveragePct!).toBeLessThan(before.coveragePct!);
  });

  it('says which kernels run', async () => {
    const info = await ok<{ nativeKernels: boolean }>('app.info');
    expect(info.nativeKernels).toBe(fs.existsSync(path.join(repoRoot, 'native', 'build', 'Release', 'postflight_quality.node')) && process.env.POSTFLIGHT_NATIVE !== 'off');
  });
});
