import { sql, transaction, type ProjectDb } from './database.ts';

/** DroneTM's name for a task pulled from one of its projects: its uuid and the index its pilots see. */
export interface DronetmTaskRef {
  uuid: string;
  index: number;
}

/** Links a task row to its DroneTM task (a uuid names one task only: an older link to it is dropped). */
export function setDronetmTask(db: ProjectDb, taskRowId: number, ref: DronetmTaskRef): void {
  transaction(db, () => {
    sql(db).prepare('UPDATE tasks SET dronetm_task_id = NULL, dronetm_task_index = NULL WHERE dronetm_task_id = ? AND id <> ?').run(
      ref.uuid,
      taskRowId,
    );
    sql(db).prepare('UPDATE tasks SET dronetm_task_id = ?, dronetm_task_index = ? WHERE id = ?').run(ref.uuid, ref.index, taskRowId);
  });
}

export function dronetmTaskOf(db: ProjectDb, taskRowId: number): DronetmTaskRef | null {
  const r = sql(db)
    .prepare<[number], { dronetm_task_id: string | null; dronetm_task_index: number | null }>(
      'SELECT dronetm_task_id, dronetm_task_index FROM tasks WHERE id = ?',
    )
    .get(taskRowId);
  return r?.dronetm_task_id ? { uuid: r.dronetm_task_id, index: r.dronetm_task_index ?? 0 } : null;
}

/**
 * Notes in the upload journal that Complete is being asked for an upload whose parts are all on the server (state
 * `uploaded`, upload id kept). After a crash, an upload in this state that the server no longer knows was completed:
 * it is recorded done instead of being sent (and completed) a second time.
 */
export function markCompleting(db: ProjectDb, uploadRowId: number): void {
  sql(db).prepare("UPDATE uploads SET state = 'uploaded', updated_at = ? WHERE id = ?").run(new Date().toISOString(), uploadRowId);
}
