/**
 * The UI's read model of tasks: each task with its photo counts, last computed coverage figures, photos of unknown
 * height and RTK tally, shaped as the contract's TaskInfo (the Tasks view, the map's task list, verify and sync).
 */
import type { TaskInfo } from '../../src-preload/contract.ts';
import { sql, type ProjectDb } from './database.ts';
import { listHeightUnknown } from './heights.ts';
import { rtkByTask } from './rtk.ts';
import { toTaskRow, type RawTask } from './tasks.ts';

interface TaskRowForInfo extends RawTask {
  image_count: number;
  assigned_count: number;
}

/** Tasks with their photo counts and last computed coverage figures (null until coverage has run). */
export function taskInfos(db: ProjectDb, taskId?: string): TaskInfo[] {
  const rows = sql(db)
    .prepare<unknown[], TaskRowForInfo>(
      `SELECT t.*,
         (SELECT count(*) FROM images i WHERE i.task_id = t.id) AS image_count,
         (SELECT count(*) FROM images i WHERE i.task_id = t.id AND i.status = 'assigned') AS assigned_count
       FROM tasks t ${taskId === undefined ? '' : 'WHERE t.task_id = ?'} ORDER BY t.task_id`,
    )
    .all(...(taskId === undefined ? [] : [taskId]));
  const heightUnknown = new Map<number, { flightId: number | null; count: number }[]>();
  for (const h of listHeightUnknown(db)) {
    const list = heightUnknown.get(h.taskRowId) ?? [];
    list.push({ flightId: h.flightId, count: h.count });
    heightUnknown.set(h.taskRowId, list);
  }
  const rtk = rtkByTask(db);
  return rows.map((r) => {
    const t = toTaskRow(r);
    const cov = t.coverage;
    return {
      taskId: t.taskId,
      name: t.name,
      geometry: t.geometry,
      imageCount: r.image_count,
      assignedCount: r.assigned_count,
      coveragePct: cov?.coveragePct ?? null,
      overlap3Pct: cov?.overlap3Pct ?? null,
      overlap5Pct: cov?.overlap5Pct ?? null,
      gsdCm: cov?.gsdCm?.median ?? null,
      gaps: cov?.gaps ?? null,
      unphotographedM2: cov?.unphotographedAreaM2 ?? null,
      thinOverlapM2: cov?.thinOverlapAreaM2 ?? null,
      verified: t.verifiedAt !== null,
      verifyForced: t.verifyForced,
      syncedAt: t.syncedAt,
      heightUnknown: heightUnknown.get(r.id) ?? [],
      rtk: rtk.get(r.id) ?? null,
    };
  });
}
