import { randomUUID } from 'node:crypto';
import { sql, transaction, type ProjectDb } from './database.ts';

export interface ProjectInfo {
  id: string;
  name: string;
  createdAt: string;
}

/** The project's one identity row, created with `name` on first open; later opens read it back unchanged. */
export function ensureProjectRow(db: ProjectDb, name: string): ProjectInfo {
  const select = sql(db).prepare<[], { id: string; name: string; created_at: string }>('SELECT id, name, created_at FROM project LIMIT 1');
  const row = transaction(db, () => {
    const existing = select.get();
    if (existing) return existing;
    sql(db).prepare('INSERT INTO project (id, name, created_at) VALUES (?, ?, ?)').run(randomUUID(), name, new Date().toISOString());
    return select.get()!;
  });
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
