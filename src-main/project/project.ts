import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { ensureProjectRow, type ProjectInfo } from '../db/project-row.ts';

export const PROJECT_DB = 'postflight.db';
export const PROJECT_DIRS = ['images', 'thumbs', 'logs'] as const;

export type { ProjectInfo };

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
