import fs from 'node:fs';
import path from 'node:path';

/** Photo formats Postflight ingests (compared lower-case). */
export const PHOTO_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.tif', '.tiff', '.dng']);

/** Folders cameras and operating systems leave on cards that never hold survey photos. */
const SYSTEM_DIRS = new Set(['system volume information', '$recycle.bin', 'lost+found', '.trashes', '.spotlight-v100', '.fseventsd']);
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini']);

export type ScanEntry =
  | { kind: 'photo'; relPath: string; absPath: string; size: number; mtimeMs: number }
  | { kind: 'skipped'; relPath: string; reason: string };

/**
 * Walks a card (or any folder) as a stream: one directory handle open at a time per level, entries yielded as they
 * are read, so a card with millions of files never sits in memory. Hidden and system entries are passed over
 * silently; other non-photo files are yielded as skipped so the summary can list them. Symbolic links to folders
 * are followed once: a folder already visited (same device and inode) is not entered again, which ends loops.
 * Entries within a folder come in name order, so runs are repeatable.
 */
export async function* scanSource(root: string): AsyncGenerator<ScanEntry> {
  const visited = new Set<string>();
  yield* walk(root, '', visited);
}

async function* walk(root: string, rel: string, visited: Set<string>): AsyncGenerator<ScanEntry> {
  const dir = path.join(root, rel);
  const st = await fs.promises.stat(dir);
  const key = `${st.dev}:${st.ino}`;
  if (visited.has(key)) return;
  visited.add(key);
  // Names only: sorting needs the folder's list of names, but not the whole tree's.
  const names = (await fs.promises.readdir(dir)).sort();
  for (const name of names) {
    if (name.startsWith('.') || SYSTEM_FILES.has(name.toLowerCase())) continue;
    const relPath = rel ? `${rel}/${name}` : name;
    const absPath = path.join(root, relPath);
    let entry: fs.Stats;
    try {
      entry = await fs.promises.stat(absPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A dangling link is a file we cannot read, not a pulled card: list it and go on.
      if (code === 'ENOENT' || code === 'ELOOP') {
        yield { kind: 'skipped', relPath, reason: 'broken link' };
        continue;
      }
      throw err;
    }
    if (entry.isDirectory()) {
      if (SYSTEM_DIRS.has(name.toLowerCase())) continue;
      yield* walk(root, relPath, visited);
    } else if (entry.isFile()) {
      if (PHOTO_EXTENSIONS.has(path.extname(name).toLowerCase())) {
        yield { kind: 'photo', relPath, absPath, size: entry.size, mtimeMs: Math.trunc(entry.mtimeMs) };
      } else {
        yield { kind: 'skipped', relPath, reason: 'not a photo format Postflight reads' };
      }
    }
  }
}

/** A first, cheap pass (names and sizes only) so progress can show totals and an ETA. */
export async function countPhotos(root: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for await (const e of scanSource(root)) {
    if (e.kind === 'photo') {
      files++;
      bytes += e.size;
    }
  }
  return { files, bytes };
}
