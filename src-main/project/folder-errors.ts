/**
 * Writing into the project folder can fail for reasons that are the folder's, not a photo's: a read-only disk, a
 * folder the pilot's account may not write to, a full disk. These are worded once here for every writer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';

/** Free space on the file system holding `dir`, in bytes (null when the platform cannot say). */
export function freeBytes(dir: string): number | null {
  try {
    const st = fs.statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}

/**
 * The worded AppError for an error writing into the project folder `dir` (`doing`: what Postflight could not do
 * there, e.g. "copy photos there"); any other error is returned unchanged.
 */
export function folderWriteError(dir: string, err: unknown, doing = 'write there'): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EROFS') {
    return new AppError('refused', `The project folder ${dir} is on a read-only disk: Postflight cannot ${doing}. Pick a project folder on a writable disk.`, { code, projectDir: dir });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('refused', `Postflight may not write into the project folder ${dir} (permission denied). Fix the folder's permissions or pick another project folder.`, { code, projectDir: dir });
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const free = freeBytes(dir);
    return new AppError('refused', `The project's disk is full${free === null ? '' : ` (${Math.floor(free / 1e6)} MB free)`}. Free some space on it and try again.`, { code, projectDir: dir, freeBytes: free });
  }
  return err;
}

/** The folders `mkdir -p dir` would have to make, outermost first. */
function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let at = dir; !fs.existsSync(at) && path.dirname(at) !== at; at = path.dirname(at)) missing.unshift(at);
  return missing;
}

/**
 * `mkdir -p` that reports why it failed: Node's recursive mkdir answers ENOENT when a folder cannot be made on a
 * read-only disk or under a folder it may not write to; the real cause (EROFS, EACCES) is found by making the
 * missing folders one at a time.
 */
export async function makeFolder(dir: string): Promise<void> {
  try {
    await fs.promises.mkdir(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    for (const d of missingFolders(dir)) await fs.promises.mkdir(d).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
    throw err;
  }
}

/** The same, synchronous (opening a project). */
export function makeFolderSync(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    for (const d of missingFolders(dir)) {
      try {
        fs.mkdirSync(d);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    throw err;
  }
}
