import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { booleanPointInPolygon } from '@turf/turf';
import { AppError } from '../../src-main/common/errors.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { setSetting } from '../../src-main/db/settings.ts';
import { insertImage } from '../../src-main/db/images.ts';
import { getTask, listTasks } from '../../src-main/db/tasks.ts';
import { importTasks } from '../../src-main/geo/task-import.ts';
import { computeCoverage, type StoredCoverage } from '../../src-main/geo/coverage-service.ts';
import { VERIFY_SETTING } from '../../src-main/geo/settings.ts';
import { unverifyTask, verifyTask } from '../../src-main/geo/verify.ts';
import { verifyCommand } from '../../src-main/cli/commands/verify.ts';
import { makeTemp, repoRoot, rmTemp } from '../support/paths.ts';
import { brightonRows } from '../support/geo-photos.ts';
import { sql } from '../../src-main/db/database.ts';

let dir: string;
let project: Project;

beforeEach(async () => {
  dir = makeTemp('postflight-verify-');
  project = openProject(path.join(dir, 'project'), { create: true });
  importTasks(project, path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson'));
  const tasks = listTasks(project.db);
  for (const row of await brightonRows()) {
    const task = tasks.find((t) => booleanPointInPolygon([row.lon!, row.lat!], t.geometry));
    insertImage(project.db, task ? { ...row, status: 'assigned', task_id: task.id } : { ...row, status: 'unmatched' });
  }
});
afterEach(() => {
  project.close();
  rmTemp(dir);
});

const events = () => sql(project.db).prepare<[], { kind: string; task_id: number; payload: string }>('SELECT kind, task_id, payload FROM events ORDER BY id').all();

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('verifyTask', () => {
  it('decides on fresh coverage: photos rejected since coverage last ran no longer count', () => {
    computeCoverage(project);
    const before = getTask(project.db, '1')!.coverage as StoredCoverage;
    setSetting(project.db, VERIFY_SETTING, { minCoveragePct: Math.floor(before.coveragePct), minOverlap3Pct: 0 });
    // The pilot rejects all but two of task 1's photos; nobody reruns coverage before pressing Verify.
    const inTask = sql(project.db).prepare('SELECT id FROM images WHERE task_id = ? ORDER BY id').pluck().all(getTask(project.db, '1')!.id) as number[];
    sql(project.db).prepare(`UPDATE images SET status = 'rejected' WHERE id IN (${inTask.slice(2).join(',')})`).run();
    const err = refusal(() => verifyTask(project, '1'));
    expect(err.code).toBe('refused');
    expect((err.details?.reasons as { code: string }[]).map((r) => r.code)).toContain('coverage_low');
    const after = getTask(project.db, '1')!.coverage as StoredCoverage;
    expect(after.coveragePct).toBeLessThan(before.coveragePct);
    expect(getTask(project.db, '1')!.verifiedAt).toBeNull();
  });

  it('verifies when coverage meets the thresholds and logs it', () => {
    computeCoverage(project);
    const c = getTask(project.db, '1')!.coverage as StoredCoverage;
    // Thresholds set just under what this flight achieved.
    setSetting(project.db, VERIFY_SETTING, { minCoveragePct: Math.floor(c.coveragePct), minOverlap3Pct: Math.floor(c.overlap3Pct) });
    const task = verifyTask(project, '1');
    expect(task.verifiedAt).not.toBeNull();
    expect(task.verifyForced).toBe(false);
    expect(events().map((e) => e.kind)).toEqual(['task_verified']);
  });

  it('refuses with the reasons under the default thresholds, then a forced verify is logged with them', () => {
    computeCoverage(project);
    const c = getTask(project.db, '1')!.coverage as StoredCoverage;
    // Only the task's own photos count: its corners are seen by fewer than 3, below the default 90%.
    expect(c.overlap3Pct).toBeLessThan(90);
    const err = refusal(() => verifyTask(project, '1'));
    expect(err.code).toBe('refused');
    const reasons = err.details?.reasons as { code: string }[];
    expect(reasons.map((r) => r.code)).toEqual(['overlap_low']);
    expect(err.message).toMatch(/3 or more photos/);
    expect(getTask(project.db, '1')!.verifiedAt).toBeNull();
    expect(events()).toEqual([]);

    const forced = verifyTask(project, '1', { force: true });
    expect(forced).toMatchObject({ verifyForced: true });
    const [ev] = events();
    expect(ev).toMatchObject({ kind: 'task_verified_forced', task_id: forced.id });
    expect(JSON.parse(ev!.payload)).toMatchObject({ taskId: '1', reasons: [{ code: 'overlap_low' }], overlap3Pct: c.overlap3Pct });

    const undone = unverifyTask(project, '1');
    expect(undone).toMatchObject({ verifiedAt: null, verifyForced: false });
    expect(events().map((e) => e.kind)).toEqual(['task_verified_forced', 'task_unverified']);
  });

  it('refuses an unknown task', () => {
    expect(refusal(() => verifyTask(project, 'nope')).code).toBe('not_found');
  });

  it('runs as `postflight verify` with --force and --json', async () => {
    let out = '';
    const io = {
      stdout: new Writable({ write: (chunk, _e, cb) => ((out += String(chunk)), cb()) }),
      stderr: new Writable({ write: (_c, _e, cb) => cb() }),
      isTty: false,
      env: {},
    };
    const args = (extra: Record<string, string | boolean>) => ({ values: { project: project.dir, task: '2', ...extra }, positionals: [] });
    await expect(verifyCommand.run(args({}), io)).rejects.toMatchObject({ code: 'refused' });
    expect(await verifyCommand.run(args({ force: true, json: true }), io)).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ taskId: '2', verifyForced: true });
  });
});
