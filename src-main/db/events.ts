import { sql, type ProjectDb } from './database.ts';

export interface EventInput {
  kind: string;
  imageId?: number | null;
  taskId?: number | null;
  payload?: unknown;
}

/** Appends one user decision to the event log (the table refuses updates and deletes). */
export function appendEvent(db: ProjectDb, event: EventInput): number {
  const info = sql(db)
    .prepare('INSERT INTO events (at, kind, image_id, task_id, payload) VALUES (?, ?, ?, ?, ?)')
    .run(
      new Date().toISOString(),
      event.kind,
      event.imageId ?? null,
      event.taskId ?? null,
      event.payload === undefined ? null : JSON.stringify(event.payload),
    );
  return Number(info.lastInsertRowid);
}

/** The newest event's id (0 without any): a mark to ask later what was decided since. */
export function lastEventId(db: ProjectDb): number {
  return sql(db).prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM events').get()?.id ?? 0;
}

/** The photos with an event of this kind after the mark (a long run asks which rows it read went stale). */
export function imagesWithEventsSince(db: ProjectDb, kind: string, afterId: number): number[] {
  return sql(db)
    .prepare<[string, number], { image_id: number }>('SELECT DISTINCT image_id FROM events WHERE kind = ? AND id > ? AND image_id IS NOT NULL')
    .all(kind, afterId)
    .map((r) => r.image_id);
}
