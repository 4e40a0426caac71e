/**
 * The pilot's flow in any order, through the service facade the adapters use: tasks imported after the card still
 * classify and cover the photos without a second ingest; a refused task file is named as the pilot named it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-main/api/session.ts';
import type { Dispatch } from '../../src-main/api/dispatch.ts';
import { openFacade } from '../support/facade.ts';
import type { JobInfo, TaskInfo } from '../../src-preload/contract.ts';
import { makeTemp, repoRoot, rmTemp, sharedData } from '../support/paths.ts';
import { sql } from '../../src-main/db/database.ts';

describe('card first, tasks after', () => {
  let dir: string;
  let session: Session;
  let call: Dispatch;
  let ok: Awaited<ReturnType<typeof openFacade>>['ok'];
  let settle: () => Promise<JobInfo[]>;

  beforeAll(async () => {
    dir = makeTemp();
    ({ session, call, ok, settle } = await openFacade(dir));
    await ok('ingest.start', { source: path.join(sharedData, 'brighton_beach'), inPlace: true });
    await settle();
  });
  afterAll(async () => {
    await session.close();
    rmTemp(dir);
  });

  it('importing tasks after the card matches the photos and computes coverage by itself', async () => {
    const before = await ok<{ counts: Record<string, number> }>('project.current');
    expect(before.counts.unmatched).toBe(18); // no tasks yet: every photo is outside tasks
    const seen = new Set((await settle()).map((j) => j.id));
    const tasks = fs.readFileSync(path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson'));
    await ok('tasks.import', { fileName: 'brighton_beach.geojson', contentBase64: tasks.toString('base64') });
    const chained = (await settle()).filter((j) => !seen.has(j.id));
    expect(chained.map((j) => [j.kind, j.state]).reverse()).toEqual([
      ['classify', 'done'],
      ['coverage', 'done'],
    ]);
    const list = await ok<TaskInfo[]>('tasks.list');
    expect(list.map((t) => t.assignedCount)).toEqual([9, 9]);
    for (const t of list) expect(t.coveragePct).toBeGreaterThan(90);
  });

  it('re-importing the same file changes nothing and queues nothing', async () => {
    const seen = new Set((await settle()).map((j) => j.id));
    const tasks = fs.readFileSync(path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson'));
    await ok('tasks.import', { fileName: 'brighton_beach.geojson', contentBase64: tasks.toString('base64') });
    expect((await settle()).filter((j) => !seen.has(j.id))).toEqual([]);
  });

  it('photos with no usable height are said on the task and the photo, and a flown height entered for the flight covers them', async () => {
    // The drone wrote a relative altitude below take-off for every photo of task 1 (as a bad barometer does).
    const { db } = session.require().project;
    const taskRow = sql(db).prepare<[], { id: number }>("SELECT id FROM tasks WHERE task_id = '1'").get()!.id;
    const flown = sql(db).prepare<[number], { rel_alt: number }>('SELECT rel_alt FROM images WHERE task_id = ? ORDER BY id').all(taskRow);
    sql(db).prepare('UPDATE images SET rel_alt = -3 WHERE task_id = ?').run(taskRow);
    await ok('coverage.start');
    await settle();
    const before = (await ok<TaskInfo[]>('tasks.list')).find((t) => t.taskId === '1')!;
    expect(before.coveragePct).toBe(0);
    expect(before.heightUnknown.reduce((n, h) => n + h.count, 0)).toBe(9);
    const flightId = before.heightUnknown[0]!.flightId!;
    const photo = await ok<{ items: { id: number }[] }>('images.list', { filter: { taskId: '1' }, limit: 1 });
    expect(await ok('images.get', { id: photo.items[0]!.id })).toMatchObject({ heightUnknown: true, enteredHeightM: null });

    const height = Math.round(flown.reduce((a, r) => a + r.rel_alt, 0) / flown.length);
    expect((await ok<{ photos: number }>('flights.setHeight', { flightId, heightM: height })).photos).toBeGreaterThanOrEqual(9);
    await settle();
    const after = (await ok<TaskInfo[]>('tasks.list')).find((t) => t.taskId === '1')!;
    expect(after.heightUnknown).toEqual([]);
    expect(after.coveragePct).toBeGreaterThan(90);
    expect(await ok('images.get', { id: photo.items[0]!.id })).toMatchObject({ heightUnknown: false, enteredHeightM: height });
    const stored = sql(db).prepare<[number], { footprint: string; entered_height_at: string | null }>('SELECT footprint, entered_height_at FROM images WHERE id = ?').get(photo.items[0]!.id)!;
    expect(JSON.parse(stored.footprint).properties).toMatchObject({ heightSource: 'pilot_entered', heightM: height });
    expect(stored.entered_height_at).not.toBeNull();
    expect(sql(db).prepare("SELECT count(*) AS n FROM events WHERE kind = 'flight.height_entered'").get()).toEqual({ n: 1 });
    // A classification run rebuilds the flights; the pilot's height stays with the photos.
    await ok('classify.start');
    await settle();
    expect((await ok<TaskInfo[]>('tasks.list')).find((t) => t.taskId === '1')!.coveragePct).toBeGreaterThan(90);
  });

  it('a refused task file is named as the pilot named it, never by the copy kept in the project', async () => {
    const envelope = await call('tasks.import', { fileName: 'site plan.txt', contentBase64: Buffer.from('hello').toString('base64') });
    expect(envelope.error?.message).toContain('site plan.txt');
    expect(envelope.error?.message).not.toMatch(/imports|\d{4}-\d{2}-\d{2}T/);
    expect(JSON.stringify(envelope.error?.details ?? {})).not.toContain(dir);
    const broken = await call('tasks.import', { fileName: 'tasks.geojson', contentBase64: Buffer.from('{"type":').toString('base64') });
    expect(broken.error?.code).toBe('invalid_input');
    expect(broken.error?.message).not.toMatch(/imports|\d{4}-\d{2}-\d{2}T/);
  });
});
