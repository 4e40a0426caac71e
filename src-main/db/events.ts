import type { Database } from './database.ts';

export interface EventInput {
  kind: string;
  imageId?: number | null;
  taskId?: number | null;
  payload?: unknown;
}

/** Appends one user decision to the event log (the table refuses updates and deletes). */
export function appendEvent(db: Database, event: EventInput): number {
  const info = db
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
