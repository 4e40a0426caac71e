import type { z } from 'zod';
import { sql, type ProjectDb } from './database.ts';
import { decodeStored, decodeStoredOrNull, storedObjectSchema, storedOdmOutputsSchema, type StoredAt } from './stored.ts';

export type OdmEngine = 'docker' | 'nodeodm';
export type OdmRunState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** What a finished run left behind, paths relative to the project folder. */
export interface OdmOutputs {
  orthophoto?: string;
  report?: string;
  log?: string;
  overlay?: {
    png: string;
    width: number;
    height: number;
    epsg: number;
    corners: [number, number][];
    bounds: [number, number, number, number];
  };
  /** Why there is an orthophoto but no overlay (e.g. a coordinate system we can't place). */
  overlayError?: string;
}

// A field added to OdmOutputs needs its place in storedOdmOutputsSchema (db/stored.ts), or this fails to compile.
export const everyOutputDecoded: Record<Exclude<keyof OdmOutputs, keyof z.output<typeof storedOdmOutputsSchema>>, never> = {};

export interface OdmRun {
  id: string;
  taskId: number;
  engine: OdmEngine;
  options: Record<string, unknown>;
  state: OdmRunState;
  containerId: string | null;
  remoteUuid: string | null;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  stage: string | null;
  progress: number | null;
  logPath: string | null;
  outputs: OdmOutputs | null;
  error: string | null;
}

interface Row {
  id: string;
  task_id: number;
  engine: OdmEngine;
  options_json: string;
  state: OdmRunState;
  container_id: string | null;
  remote_uuid: string | null;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  stage: string | null;
  progress: number | null;
  log_path: string | null;
  outputs_json: string | null;
  error: string | null;
}

const at = (r: Row, column: string, what: string): StoredAt => ({ table: 'odm_runs', column, row: r.id, what: `${what} of ODM run ${r.id}` });

function fromRow(r: Row): OdmRun {
  return {
    id: r.id,
    taskId: r.task_id,
    engine: r.engine,
    options: decodeStored(storedObjectSchema, r.options_json, at(r, 'options_json', 'options')),
    state: r.state,
    containerId: r.container_id,
    remoteUuid: r.remote_uuid,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    stage: r.stage,
    progress: r.progress,
    logPath: r.log_path,
    outputs: decodeStoredOrNull(storedOdmOutputsSchema, r.outputs_json, at(r, 'outputs_json', 'outputs')),
    error: r.error,
  };
}

const now = (): string => new Date().toISOString();

export function insertOdmRun(
  db: ProjectDb,
  run: { id: string; taskId: number; engine: OdmEngine; options: Record<string, unknown>; logPath: string },
): OdmRun {
  sql(db).prepare(
    `INSERT INTO odm_runs (id, task_id, engine, options_json, state, created_at, log_path) VALUES (?, ?, ?, ?, 'queued', ?, ?)`,
  ).run(run.id, run.taskId, run.engine, JSON.stringify(run.options), now(), run.logPath);
  return getOdmRun(db, run.id)!;
}

export function getOdmRun(db: ProjectDb, id: string): OdmRun | null {
  const row = sql(db).prepare<[string], Row>('SELECT * FROM odm_runs WHERE id = ?').get(id);
  return row ? fromRow(row) : null;
}

/** Runs of a task, newest first. */
export function listOdmRuns(db: ProjectDb, taskId: number): OdmRun[] {
  return sql(db)
    .prepare<[number], Row>('SELECT * FROM odm_runs WHERE task_id = ? ORDER BY created_at DESC, rowid DESC')
    .all(taskId)
    .map(fromRow);
}

/** Runs that were queued or running when their process last wrote to the project. */
export function listUnfinishedOdmRuns(db: ProjectDb, engine: OdmEngine): OdmRun[] {
  return sql(db)
    .prepare<[OdmEngine], Row>(`SELECT * FROM odm_runs WHERE engine = ? AND state IN ('queued', 'running') ORDER BY rowid`)
    .all(engine)
    .map(fromRow);
}

export function markOdmRunStarted(db: ProjectDb, id: string, ids: { containerId?: string; remoteUuid?: string }): void {
  sql(db).prepare(
    `UPDATE odm_runs SET state = 'running', started_at = COALESCE(started_at, ?), error = NULL,
       container_id = COALESCE(?, container_id), remote_uuid = COALESCE(?, remote_uuid) WHERE id = ?`,
  ).run(now(), ids.containerId ?? null, ids.remoteUuid ?? null, id);
}

export function setOdmRunProgress(db: ProjectDb, id: string, stage: string, progress: number): void {
  sql(db).prepare('UPDATE odm_runs SET stage = ?, progress = ? WHERE id = ?').run(stage, progress, id);
}

export function finishOdmRun(db: ProjectDb, id: string, outputs: OdmOutputs): void {
  sql(db).prepare(`UPDATE odm_runs SET state = 'done', progress = 100, finished_at = ?, outputs_json = ?, error = NULL WHERE id = ?`).run(
    now(),
    JSON.stringify(outputs),
    id,
  );
}

/** Ends a run as failed or cancelled, keeping what it produced so far (at least the log). */
export function endOdmRun(db: ProjectDb, id: string, state: 'failed' | 'cancelled', error: string, outputs?: OdmOutputs): void {
  sql(db).prepare(
    `UPDATE odm_runs SET state = ?, finished_at = ?, error = ?, outputs_json = COALESCE(?, outputs_json) WHERE id = ?`,
  ).run(state, now(), error, outputs ? JSON.stringify(outputs) : null, id);
}

/** Photos already on the NodeODM node for this run's remote task. */
export function listOdmUploads(db: ProjectDb, runId: string, remoteUuid: string): Set<string> {
  const rows = sql(db)
    .prepare<[string, string], { file_name: string }>('SELECT file_name FROM odm_uploads WHERE run_id = ? AND remote_uuid = ?')
    .all(runId, remoteUuid);
  return new Set(rows.map((r) => r.file_name));
}

export function recordOdmUpload(db: ProjectDb, runId: string, remoteUuid: string, fileName: string): void {
  sql(db).prepare('INSERT OR IGNORE INTO odm_uploads (run_id, remote_uuid, file_name, uploaded_at) VALUES (?, ?, ?, ?)').run(
    runId,
    remoteUuid,
    fileName,
    now(),
  );
}
