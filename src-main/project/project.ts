import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/errors.ts';
import { openDatabase, type Database } from '../db/database.ts';

export const PROJECT_DB = 'postflight.db';
export const PROJECT_DIRS = ['images', 'thumbs', 'logs'] as const;

export interface ProjectInfo {
  id: string;
  name: string;
  createdAt: string;
}

/** An open project folder: its database plus the folders beside it. Close it when done. */
export interface Project {
  readonly dir: string;
  readonly db: Database;
  readonly info: ProjectInfo;
  /** Absolute path of a file inside the project folder given its project-relative path. */
  resolve(relative: string): string;
  close(): void;
}

/**
 * Opens the project in `dir`, creating the folder layout and database when `create` is set (or the folder is new).
 * Opening is idempotent: a second open, or an open after a crash, sees the same consistent database.
 */
export function openProject(dir: string, options: { create?: boolean; name?: string } = {}): Project {
  const absDir = path.resolve(dir);
  const dbFile = path.join(absDir, PROJECT_DB);
  const exists = fs.existsSync(dbFile);
  if (!exists && !options.create) {
    throw new AppError('project_missing', `No Postflight project in ${absDir} (no ${PROJECT_DB}). Create it first.`, {
      dir: absDir,
    });
  }
  if (fs.existsSync(absDir) && !fs.statSync(absDir).isDirectory()) {
    throw new AppError('invalid_input', `${absDir} is a file, not a project folder.`);
  }
  fs.mkdirSync(absDir, { recursive: true });
  for (const sub of PROJECT_DIRS) fs.mkdirSync(path.join(absDir, sub), { recursive: true });

  const db = openDatabase(dbFile);
  let info: ProjectInfo;
  try {
    info = ensureProjectRow(db, options.name ?? path.basename(absDir));
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    dir: absDir,
    db,
    info,
    resolve: (relative) => path.join(absDir, relative),
    close: () => db.close(),
  };
}

function ensureProjectRow(db: Database, name: string): ProjectInfo {
  const insert = db.prepare('INSERT INTO project (id, name, created_at) VALUES (?, ?, ?)');
  const select = db.prepare<[], { id: string; name: string; created_at: string }>('SELECT id, name, created_at FROM project LIMIT 1');
  const row = db.transaction(() => {
    const existing = select.get();
    if (existing) return existing;
    insert.run(randomUUID(), name, new Date().toISOString());
    return select.get()!;
  }).immediate();
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
