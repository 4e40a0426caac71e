import { AppError } from '../common/errors.ts';
import { photoFile, type Project } from '../project/project.ts';
import { footprintOf, listAcceptedPhotos, listReasons, type ImageRow } from '../db/images.ts';
import { getTask, listTasksToSync, setTaskSynced, type TaskRef, type TaskRow } from '../db/tasks.ts';

/** A verified task as sync sees it. */
export interface SyncTask extends TaskRef {
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

function toTask(r: TaskRow): SyncTask {
  return {
    rowId: r.id,
    taskId: r.taskId,
    name: r.name,
    geometry: r.geometry,
    verifiedAt: r.verifiedAt!,
    verifyForced: r.verifyForced,
    coverage: r.coverage,
    syncedAt: r.syncedAt,
  };
}

/**
 * The tasks a sync run works on. Named tasks are always checked again (they must exist and be verified); without
 * names, every verified task not synced since its last verification.
 */
export function tasksToSync(project: Project, taskIds: readonly string[] = []): SyncTask[] {
  const db = project.db;
  if (taskIds.length === 0) return listTasksToSync(db).map(toTask);
  return [...new Set(taskIds)].map((id) => {
    const row = getTask(db, id);
    if (!row) throw new AppError('not_found', `There is no task ${id} in this project.`, { taskId: id });
    if (!row.verifiedAt) {
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
    file: bytesOf(project, r),
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
    footprint: footprintOf(r),
    gsdCm: r.gsd_cm,
  }));
}

function bytesOf(project: Project, r: ImageRow): string {
  const file = photoFile(project, r);
  if (file === null) {
    throw new AppError('not_found', `${r.file_name} has no stored copy in the project to send; ingest its card again.`, { imageId: r.id });
  }
  return file;
}

export function markTaskSynced(project: Project, taskRowId: number): string {
  const at = new Date().toISOString();
  setTaskSynced(project.db, taskRowId, at);
  return at;
}
