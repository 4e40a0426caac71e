import type { MultiPolygon, Polygon } from 'geojson';
import { AppError } from '../common/errors.ts';
import { sql, type ProjectDb } from './database.ts';
import { decodeStored, decodeStoredOrNull, storedCoverageSchema, taskGeometrySchema, type StoredAt, type StoredCoverage } from './stored.ts';

/**
 * A task named both ways, the one shape modules pass around: `rowId` is what other tables reference
 * (images.task_id, odm_runs.task_id, uploads.task_id, events.task_id), `taskId` the text id pilots see and type.
 */
export interface TaskRef {
  rowId: number;
  taskId: string;
}

/** What an import writes for one task. `taskId` is the id pilots see. */
export interface TaskInput {
  taskId: string;
  name: string | null;
  geometry: Polygon | MultiPolygon;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
  source: string | null;
  importedAt: string;
}

/** A task as stored; `id` is the row id other tables (images.task_id) reference. */
export interface TaskRow extends TaskInput {
  id: number;
  /** Last computed coverage figures, or null when never computed. */
  coverage: StoredCoverage | null;
  verifiedAt: string | null;
  verifyForced: boolean;
  syncedAt: string | null;
  /** The band or payload stream the task needs from each capture ('thermal', 'NIR', ...); null: the colour image. */
  stream: string | null;
}

/** A `tasks` row as stored; decode it with toTaskRow. */
export interface RawTask {
  id: number;
  task_id: string;
  name: string | null;
  geometry: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  source: string | null;
  imported_at: string;
  coverage_json: string | null;
  verified_at: string | null;
  verify_forced: number;
  synced_at: string | null;
  stream: string | null;
}

const at = (r: RawTask, column: string, what: string): StoredAt => ({ table: 'tasks', column, row: r.id, what: `${what} of task ${r.task_id}` });

/** Decodes a stored task: its outline and coverage checked against their schemas (a damaged one is a worded error). */
export const toTaskRow = (r: RawTask): TaskRow => ({
  id: r.id,
  taskId: r.task_id,
  name: r.name,
  geometry: decodeStored(taskGeometrySchema, r.geometry, at(r, 'geometry', 'outline')),
  bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
  source: r.source,
  importedAt: r.imported_at,
  coverage: decodeStoredOrNull(storedCoverageSchema, r.coverage_json, at(r, 'coverage_json', 'coverage')),
  verifiedAt: r.verified_at,
  verifyForced: r.verify_forced === 1,
  syncedAt: r.synced_at,
  stream: r.stream ?? null,
});

export function countTasks(db: ProjectDb): number {
  return (sql(db).prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;
}

/** Chooses the stream a task needs from each capture (null: the colour image); its coverage must be computed again. */
export function setTaskStream(db: ProjectDb, id: number, stream: string | null): void {
  sql(db).prepare<[string | null, number]>('UPDATE tasks SET stream = ?, coverage_json = NULL WHERE id = ?').run(stream, id);
}

export function listTasks(db: ProjectDb): TaskRow[] {
  return sql(db).prepare<[], RawTask>('SELECT * FROM tasks ORDER BY id').all().map(toTaskRow);
}

/** By the pilot-facing task id. */
export function getTask(db: ProjectDb, taskId: string): TaskRow | undefined {
  const r = sql(db).prepare<[string], RawTask>('SELECT * FROM tasks WHERE task_id = ?').get(taskId);
  return r && toTaskRow(r);
}

/** The task pilots call `taskId`; a worded not_found when the project has none. The one text-id lookup. */
export function requireTask(db: ProjectDb, taskId: string): TaskRow {
  const task = getTask(db, taskId);
  if (!task) throw new AppError('not_found', `There is no task "${taskId}" in this project.`, { taskId });
  return task;
}

export const taskRefOf = (task: TaskRow): TaskRef => ({ rowId: task.id, taskId: task.taskId });

export function getTaskByRowId(db: ProjectDb, id: number): TaskRow | undefined {
  const r = sql(db).prepare<[number], RawTask>('SELECT * FROM tasks WHERE id = ?').get(id);
  return r && toTaskRow(r);
}

/** Verified tasks not synced since their last verification, in row order: what a sync with no names sends. */
export function listTasksToSync(db: ProjectDb): TaskRow[] {
  return sql(db)
    .prepare<[], RawTask>('SELECT * FROM tasks WHERE verified_at IS NOT NULL AND (synced_at IS NULL OR synced_at < verified_at) ORDER BY id')
    .all()
    .map(toTaskRow);
}

export function setTaskSynced(db: ProjectDb, id: number, at: string): void {
  sql(db).prepare('UPDATE tasks SET synced_at = ? WHERE id = ?').run(at, id);
}

export type UpsertOutcome = 'added' | 'updated' | 'unchanged';

/**
 * Inserts a task or, when its task id exists, replaces its name, geometry and source. A changed geometry drops the
 * coverage and verification made for the old outline (they no longer describe this task); an identical one keeps them.
 */
export function upsertTask(db: ProjectDb, t: TaskInput): { id: number; outcome: UpsertOutcome } {
  const geometry = JSON.stringify(t.geometry);
  const existing = sql(db)
    .prepare<[string], { id: number; geometry: string; name: string | null }>('SELECT id, geometry, name FROM tasks WHERE task_id = ?')
    .get(t.taskId);
  const [minLon, minLat, maxLon, maxLat] = t.bbox;
  if (!existing) {
    const info = sql(db)
      .prepare(
        `INSERT INTO tasks (task_id, name, geometry, min_lon, min_lat, max_lon, max_lat, source, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(t.taskId, t.name, geometry, minLon, minLat, maxLon, maxLat, t.source, t.importedAt);
    return { id: Number(info.lastInsertRowid), outcome: 'added' };
  }
  if (existing.geometry === geometry) {
    if (existing.name === t.name) return { id: existing.id, outcome: 'unchanged' };
    sql(db).prepare('UPDATE tasks SET name = ? WHERE id = ?').run(t.name, existing.id);
    return { id: existing.id, outcome: 'updated' };
  }
  sql(db).prepare(
    `UPDATE tasks SET name = ?, geometry = ?, min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ?, source = ?, imported_at = ?,
       coverage_json = NULL, verified_at = NULL, verify_forced = 0
     WHERE id = ?`,
  ).run(t.name, geometry, minLon, minLat, maxLon, maxLat, t.source, t.importedAt, existing.id);
  return { id: existing.id, outcome: 'updated' };
}

export function setTaskCoverage(db: ProjectDb, id: number, coverage: StoredCoverage | null): void {
  sql(db).prepare('UPDATE tasks SET coverage_json = ? WHERE id = ?').run(coverage === null ? null : JSON.stringify(coverage), id);
}

export function setTaskVerified(db: ProjectDb, id: number, verified: { at: string; forced: boolean } | null): void {
  sql(db).prepare('UPDATE tasks SET verified_at = ?, verify_forced = ? WHERE id = ?').run(
    verified?.at ?? null,
    verified?.forced ? 1 : 0,
    id,
  );
}

/** What else refers to a task and keeps it: uploads made for it and ODM runs of it. */
export function taskDependents(db: ProjectDb, id: number): { uploads: number; odmRuns: number } {
  const count = (table: 'uploads' | 'odm_runs') => sql(db).prepare<[number], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE task_id = ?`).get(id)!.n;
  return { uploads: count('uploads'), odmRuns: count('odm_runs') };
}

/** Deletes a task row; its photos lose their task (the next classification matches them again). */
export function deleteTask(db: ProjectDb, id: number): void {
  sql(db).prepare('UPDATE images SET task_id = NULL WHERE task_id = ?').run(id);
  sql(db).prepare('DELETE FROM tasks WHERE id = ?').run(id);
}
