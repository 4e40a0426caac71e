import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import { closeDatabase, openDatabase, type ProjectDb } from '../db/database.ts';
import type { ImageRow } from '../db/images.ts';
import { acquireProjectLock, type ProjectLock } from './lock.ts';
import { folderWriteError, makeFolderSync } from './folder-errors.ts';
import { ensureProjectRow, type ProjectInfo } from '../db/project-row.ts';

export const PROJECT_DB = 'postflight.db';
export const PROJECT_DIRS = ['images', 'thumbs', 'logs'] as const;

export type { ProjectInfo };

/** An open project folder: its database plus the folders beside it. Close it when done. */
export interface Project {
  readonly dir: string;
  readonly db: ProjectDb;
  readonly info: ProjectInfo;
  /** Absolute path of a file inside the project folder given its project-relative path. */
  resolve(relative: string): string;
  close(): void;
}

export interface OpenOptions {
  create?: boolean;
  name?: string;
  /** Open to write, as this command ("ingest", "serve"...): takes the project's writer lock (see lock.ts). */
  writer?: string;
}

/**
 * Where a photo's bytes are, the one rule: its stored copy in the project folder (`stored_path` relative to it), or
 * for an in-place ingest the original it points at (`stored_path` absolute). Null for a photo with no bytes of its
 * own (a duplicate, whose original is the photo that counts): it is never read from the card behind the project's back.
 */
export function photoFile(project: Pick<Project, 'resolve'>, image: Pick<ImageRow, 'stored_path'>): string | null {
  const stored = image.stored_path;
  if (stored === null) return null;
  return path.isAbsolute(stored) ? stored : project.resolve(stored);
}

/**
 * SQLite cannot open a project's database (even to read it: WAL needs its shared-memory file beside it) on a disk it
 * may not write to; that is said in words, with the folder's own reason.
 */
function databaseOpenError(dir: string, err: unknown): unknown {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (!/^SQLITE_(CANTOPEN|READONLY|IOERR)/.test(code)) return err;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (why) {
    const worded = folderWriteError(dir, why, 'open its database (SQLite writes beside it even to read)');
    if (worded instanceof AppError) return worded;
  }
  return err;
}

/**
 * Opens the project in `dir`, creating the folder layout and database when `create` is set (or the folder is new).
 * Opening is idempotent: a second open, or an open after a crash, sees the same consistent database.
 */
export function openProject(dir: string, options: OpenOptions = {}): Project {
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
  let lock: ProjectLock | null = null;
  try {
    makeFolderSync(absDir);
    for (const sub of PROJECT_DIRS) {
      try {
        makeFolderSync(path.join(absDir, sub));
      } catch (err) {
        // A project on a read-only disk (a write-protected stick) still opens for reading.
        if (options.create || options.writer) throw err;
      }
    }
    // Writers take the project's lock before touching the database (a second writer is refused with the owner's
    // pid); readers open without it.
    lock = options.writer ? acquireProjectLock(absDir, options.writer) : null;
  } catch (err) {
    throw folderWriteError(absDir, err, exists ? 'write there' : 'create a project there');
  }
  let db: ProjectDb | null = null;
  let info: ProjectInfo;
  try {
    db = openDatabase(dbFile);
    info = ensureProjectRow(db, options.name ?? path.basename(absDir));
  } catch (err) {
    if (db) closeDatabase(db);
    lock?.release();
    throw databaseOpenError(absDir, err);
  }
  const open = db;
  return {
    dir: absDir,
    db: open,
    info,
    resolve: (relative) => path.join(absDir, relative),
    close: () => {
      closeDatabase(open);
      lock?.release();
    },
  };
}
