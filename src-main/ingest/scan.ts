import fs from 'node:fs';
import path from 'node:path';

/** Photo formats Postflight ingests (compared lower-case). */
export const PHOTO_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.tif', '.tiff', '.dng']);

/** Folders cameras and operating systems leave on cards that never hold survey photos. */
const SYSTEM_DIRS = new Set(['system volume information', '$recycle.bin', 'lost+found', '.trashes', '.spotlight-v100', '.fseventsd']);
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini']);

export type ScanEntry =
  | { kind: 'photo'; relPath: string; absPath: string; size: number; mtimeMs: number }
  | {
      kind: 'skipped';
      relPath: string;
      reason: string;
      size?: number;
      /** A folder or file that could not be read (permission denied, path too long): it may hold photos. */
      unread?: true;
    };

export interface ScanOptions {
  /** Also yield hidden and system entries (as skipped): the card certificate lists every file. */
  everything?: boolean;
}

/** Identifies the volume mounted at `root` (device and inode of its top folder). */
export function cardIdentity(root: string): string {
  const st = fs.statSync(root);
  return `${st.dev}:${st.ino}`;
}

/**
 * True while `root` is still the card a run started on. A pulled card leaves either nothing or an empty mount folder
 * (another device) behind; both read as gone.
 */
export function isSameCard(root: string, identity: string): boolean {
  try {
    return cardIdentity(root) === identity;
  } catch {
    return false;
  }
}

/** The code of a file-system error, if it has one. */
export function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** Per-entry problems that are that file's (or folder's) own, worded for the skipped list. */
const ENTRY_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'path too long for this computer',
  ELOOP: 'broken link',
};

/**
 * Walks a card (or any folder) as a stream: one directory handle open at a time per level, entries yielded as they
 * are read, so a card with millions of files never sits in memory. Hidden and system entries are passed over
 * silently (unless `everything`); other non-photo files are yielded as skipped so the summary can list them.
 * Symbolic links are followed only while they stay inside the card (real path check): a link to /etc or to a photo
 * elsewhere is listed as skipped, never read. A folder already visited (same device and inode) is not entered
 * again, which ends loops. Entries within a folder come in name order, so runs are repeatable.
 * An entry or folder that disappears while the card is still there is that entry's problem (skipped); when the card
 * itself went away the error is thrown, so the caller can stop the run as "card removed".
 */
export async function* scanSource(root: string, options: ScanOptions = {}): AsyncGenerator<ScanEntry> {
  const identity = cardIdentity(root);
  const realRoot = await fs.promises.realpath(root);
  const visited = new Set<string>();
  yield* walk({ root, realRoot, identity, everything: options.everything ?? false }, '', visited);
}

interface Walk {
  root: string;
  realRoot: string;
  identity: string;
  everything: boolean;
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function* walk(w: Walk, rel: string, visited: Set<string>): AsyncGenerator<ScanEntry> {
  const dir = path.join(w.root, rel);
  let names: string[];
  try {
    const st = await fs.promises.stat(dir);
    const key = `${st.dev}:${st.ino}`;
    if (visited.has(key)) return;
    visited.add(key);
    // Names only: sorting needs the folder's list of names, but not the whole tree's.
    names = (await fs.promises.readdir(dir)).sort();
  } catch (err) {
    const problem = entryProblem(w, err);
    if (rel === '' || problem === null) throw err;
    yield { kind: 'skipped', relPath: rel, reason: `folder could not be read (${problem})`, unread: true };
    return;
  }
  for (const name of names) {
    const hidden = name.startsWith('.') || SYSTEM_FILES.has(name.toLowerCase());
    if (hidden && !w.everything) continue;
    const relPath = rel ? `${rel}/${name}` : name;
    const absPath = path.join(w.root, relPath);
    let entry: fs.Stats;
    try {
      entry = await fs.promises.lstat(absPath);
      if (entry.isSymbolicLink()) {
        const target = await fs.promises.realpath(absPath).catch((err: unknown) => {
          if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ELOOP') return null;
          throw err;
        });
        if (target === null) {
          yield { kind: 'skipped', relPath, reason: 'broken link' };
          continue;
        }
        if (!inside(target, w.realRoot)) {
          yield { kind: 'skipped', relPath, reason: 'link to a place outside the card (not followed)' };
          continue;
        }
        entry = await fs.promises.stat(absPath);
      }
    } catch (err) {
      // Gone while the card is still here: someone removed that one entry. Gone with the card: stop the run.
      const problem = errnoOf(err) === 'ENOENT' && isSameCard(w.root, w.identity) ? 'vanished during the scan' : entryProblem(w, err);
      if (problem === null) throw err;
      const unread = problem !== 'vanished during the scan' && errnoOf(err) !== 'ELOOP';
      yield { kind: 'skipped', relPath, reason: problem, ...(unread ? { unread: true as const } : {}) };
      continue;
    }
    if (entry.isDirectory()) {
      if (SYSTEM_DIRS.has(name.toLowerCase()) || hidden) {
        if (w.everything) yield* walk(w, relPath, visited);
        continue;
      }
      yield* walk(w, relPath, visited);
    } else if (entry.isFile()) {
      if (!hidden && PHOTO_EXTENSIONS.has(path.extname(name).toLowerCase())) {
        yield { kind: 'photo', relPath, absPath, size: entry.size, mtimeMs: Math.trunc(entry.mtimeMs) };
      } else {
        yield { kind: 'skipped', relPath, size: entry.size, reason: hidden ? 'hidden or system file' : 'not a photo format Postflight reads' };
      }
    }
  }
}

/** The worded problem when an error is one entry's own; null when it means the card is gone or failing. */
function entryProblem(w: Walk, err: unknown): string | null {
  const code = errnoOf(err);
  if (!isSameCard(w.root, w.identity)) return null;
  return code !== undefined ? (ENTRY_PROBLEMS[code] ?? null) : null;
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
