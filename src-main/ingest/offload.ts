import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { AppError } from '../common/errors.ts';
import { folderWriteError, freeBytes, makeFolder } from '../project/folder-errors.ts';

/** Marks copies still being written; a name with this suffix is never taken for a finished copy. */
export const PARTIAL_SUFFIX = '.postflight-partial';

export async function fileMd5(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Where a card file lands in the project: the card's own folder layout under images/. A name already taken by
 * different bytes gets the md5 prefix appended (then a counter), so nothing is ever overwritten; a name already
 * holding the very same bytes (a rerun after a crash between copy and record) is reused.
 */
async function chooseTarget(imagesDir: string, relPath: string, md5: string): Promise<{ rel: string; exists: boolean }> {
  const ext = path.extname(relPath);
  const stem = relPath.slice(0, relPath.length - ext.length);
  const candidates = [relPath, `${stem}_${md5.slice(0, 8)}${ext}`];
  for (let n = 2; n < 1000; n++) candidates.push(`${stem}_${md5.slice(0, 8)}_${n}${ext}`);
  for (const rel of candidates) {
    const abs = path.join(imagesDir, rel);
    if (!fs.existsSync(abs)) return { rel, exists: false };
    if ((await fileMd5(abs)) === md5) return { rel, exists: true };
  }
  throw new AppError('conflict', `Too many different files named ${relPath} in this project.`);
}

/**
 * Writes `bytes` (already read from the card, md5 known) into the project, verified: written to a partial file,
 * fsynced, read back and hashed, then renamed into place and the folder fsynced. Only then does the caller record
 * the photo, so a crash leaves at worst a `.postflight-partial` file that the next run removes.
 * Returns the path relative to the project folder.
 */
export async function writeVerifiedCopy(projectDir: string, relPath: string, bytes: Uint8Array, md5: string): Promise<{ storedPath: string; created: boolean }> {
  const imagesDir = path.join(projectDir, 'images');
  const target = await chooseTarget(imagesDir, relPath, md5);
  const storedPath = path.posix.join('images', target.rel.split(path.sep).join('/'));
  if (target.exists) return { storedPath, created: false };
  const final = path.join(imagesDir, target.rel);
  const partial = `${final}${PARTIAL_SUFFIX}`;
  try {
    await makeFolder(path.dirname(final));
    const handle = await fs.promises.open(partial, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    // Disk full, read-only or unwritable project: nothing half-written stays behind.
    await fs.promises.rm(partial, { force: true });
    throw projectWriteError(projectDir, err);
  }
  const copied = await fileMd5(partial);
  if (copied !== md5) {
    await fs.promises.rm(partial, { force: true });
    throw new AppError('internal', `The copy of ${relPath} does not match the card (md5 ${copied} vs ${md5}): the laptop's disk may be failing. Nothing was recorded for this photo.`, {
      relPath,
    });
  }
  await fs.promises.rename(partial, final);
  await fsyncDir(path.dirname(final));
  return { storedPath, created: true };
}

/** Errors writing into the project that stop the whole run, worded for the pilot; anything else is passed on. */
export function projectWriteError(projectDir: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const free = freeBytes(projectDir);
    const mb = free === null ? '' : ` (${Math.floor(free / 1e6)} MB free)`;
    return new AppError('refused', `The project's disk is full${mb}. The copy stopped; partial files were removed. Free some space on ${projectDir} and run the same ingest to continue.`, {
      code,
      projectDir,
      freeBytes: free,
    });
  }
  return folderWriteError(projectDir, err, 'copy photos there');
}

/** Removes copies a crashed run left half-written. */
export async function removePartialCopies(projectDir: string): Promise<number> {
  let removed = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith(PARTIAL_SUFFIX)) {
        await fs.promises.rm(p, { force: true });
        removed++;
      }
    }
  };
  await walk(path.join(projectDir, 'images'));
  return removed;
}
