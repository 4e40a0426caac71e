/**
 * The service facade as the app drives it (no HTTP in between, the same dispatch the adapters use): inserting a card
 * chains ingest -> classify -> coverage as jobs, and the pilot's culling refreshes coverage by itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-main/api/session.ts';
import { openFacade } from '../support/facade.ts';
import type { JobInfo, TaskInfo } from '../../src-preload/contract.ts';
import { makeTemp, repoRoot, rmTemp, sharedData } from '../support/paths.ts';

describe('app work through the service facade', () => {
  let dir: string;
  let session: Session;
  let ok: Awaited<ReturnType<typeof openFacade>>['ok'];
  let settle: () => Promise<JobInfo[]>;

  beforeAll(async () => {
    dir = makeTemp();
    ({ session, ok, settle } = await openFacade(dir));
    const tasks = fs.readFileSync(path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson'));
    await ok('tasks.import', { fileName: 'brighton_beach.geojson', contentBase64: tasks.toString('base64') });
    // Importing tasks queues a classification of the (still empty) project by itself.
    before = new Set((await settle()).map((j) => j.id));
  });
  let before = new Set<string>();
  afterAll(async () => {
    await session.close();
    rmTemp(dir);
  });

  it('one ingest.start runs ingest, then classification, then coverage, each as its own finished job', async () => {
    await ok('ingest.start', { source: path.join(sharedData, 'brighton_beach'), inPlace: true });
    const jobs = (await settle()).filter((j) => !before.has(j.id));
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

  it('a task counts the stream of each capture the pilot chooses', async () => {
    // Brighton Beach is RGB only: a task set to the thermal stream has nothing to count, and back on colour it has.
    await ok('tasks.setStream', { taskId: '2', stream: 'thermal' });
    await settle();
    expect((await ok<TaskInfo[]>('tasks.list')).find((t) => t.taskId === '2')!.coveragePct).toBe(0);
    await ok('tasks.setStream', { taskId: '2', stream: null });
    await settle();
    expect((await ok<TaskInfo[]>('tasks.list')).find((t) => t.taskId === '2')!.coveragePct).toBeGreaterThan(90);
  });

  it('says which kernels run', async () => {
    const info = await ok<{ nativeKernels: boolean }>('app.info');
    expect(info.nativeKernels).toBe(fs.existsSync(path.join(repoRoot, 'native', 'build', 'Release', 'postflight_quality.node')) && process.env.POSTFLIGHT_NATIVE !== 'off');
  });
});
