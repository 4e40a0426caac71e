import path from 'node:path';
import { AppError } from '../common/errors.ts';
import type { Project } from '../project/project.ts';
import { listAcceptedPhotos, listReasons, type ImageRow } from '../db/images.ts';

/** A verified task as sync sees it. */
export interface SyncTask {
  rowId: number;
  taskId: string;
  name: string | null;
  geometry: unknown;
  verifiedAt: string;
  verifyForced: boolean;
  coverage: unknown;
  syncedAt: string | null;
}

/** A photo that belongs in a verified task's upload. */
export interface SyncPhoto {
  imageId: number;
  fileName: string;
  /** Absolute path of the bytes to send. */
  file: string;
  size: number | null;
  md5: string | null;
  status: string;
  manualDecision: string | null;
  reasons: { code: string; message: string; source: string }[];
  capturedAt: string | null;
  lat: number | null;
  lon: number | null;
  alt: number | null;
  relAlt: number | null;
  footprint: unknown;
  gsdCm: number | null;
}

interface TaskRow {
  id: number;
  task_id: string;
  name: string | null;
  geometry: string;
  verified_at: string | null;
  verify_forced: number;
  coverage_json: string | null;
  synced_at: string | null;
}

const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));

function toTask(r: TaskRow): SyncTask {
  return {
    rowId: r.id,
    taskId: r.task_id,
    name: r.name,
    geometry: parse(r.geometry),
    verifiedAt: r.verified_at!,
    verifyForced: r.verify_forced !== 0,
    coverage: parse(r.coverage_json),
    syncedAt: r.synced_at,
  };
}

/**
 * The tasks a sync run works on. Named tasks are always checked again (they must exist and be verified); without
 * names, every verified task not synced since its last verification.
 */
export function tasksToSync(project: Project, taskIds: readonly string[] = []): SyncTask[] {
  const db = project.db;
  if (taskIds.length === 0) {
    return db
      .prepare<[], TaskRow>(
        'SELECT * FROM tasks WHERE verified_at IS NOT NULL AND (synced_at IS NULL OR synced_at < verified_at) ORDER BY id',
      )
      .all()
      .map(toTask);
  }
  const byId = db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE task_id = ?');
  return [...new Set(taskIds)].map((id) => {
    const row = byId.get(id);
    if (!row) throw new AppError('not_found', `There is no task ${id} in this project.`, { taskId: id });
    if (!row.verified_at) {
      throw new AppError('refused', `Task ${id} is not verified yet: review and verify it before syncing.`, { taskId: id });
    }
    return toTask(row);
  });
}

/** The photos a verified task sends: assigned or accepted by the pilot, never the ones the pilot rejected. */
export function taskPhotos(project: Project, taskRowId: number): SyncPhoto[] {
  const rows = listAcceptedPhotos(project.db, taskRowId);
  const reasons = listReasons(project.db, rows.map((r) => r.id));
  return rows.map((r) => ({
    imageId: r.id,
    fileName: r.file_name,
    file: photoFile(project, r),
    size: r.size,
    md5: r.md5,
    status: r.status,
    manualDecision: r.manual_decision,
    reasons: (reasons.get(r.id) ?? []).map(({ code, message, source }) => ({ code, message, source })),
    capturedAt: r.captured_at,
    lat: r.lat,
    lon: r.lon,
    alt: r.alt,
    relAlt: r.rel_alt,
    footprint: parse(r.footprint),
    gsdCm: r.gsd_cm,
  }));
}

/** Copied photos live in the project folder; in-place ingests point at their absolute original. */
function photoFile(project: Project, r: ImageRow): string {
  if (r.stored_path) return path.isAbsolute(r.stored_path) ? r.stored_path : project.resolve(r.stored_path);
  return path.join(r.source_root, r.source_path);
}

export function markTaskSynced(project: Project, taskRowId: number): string {
  const at = new Date().toISOString();
  project.db.prepare('UPDATE tasks SET synced_at = ? WHERE id = ?').run(at, taskRowId);
  return at;
}
