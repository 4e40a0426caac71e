import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../common/errors.ts';

/**
 * The per-project writer lock: one file, `postflight.lock`, in the project folder, naming the process that writes
 * (pid, host, that process's start time, the command). Only writers take it (ingest, classify, tasks import, verify,
 * sync, odm, serve and the app); readers (`report`) never look at it, since SQLite's WAL lets them read while the
 * writer writes. The file survives kill -9; the next writer finds its owner gone (no such pid on this host, or a
 * pid that now belongs to a process started later) and takes it over.
 */
export const LOCK_FILE = 'postflight.lock';

export interface LockOwner {
  pid: number;
  host: string;
  /** The owning process's start (Linux: clock ticks since boot from /proc; elsewhere null), guards pid reuse. */
  processStart: string | null;
  /** What holds it, e.g. "ingest" or "serve". */
  command: string;
  acquiredAt: string;
}

/** Who a process is, in a form another process can check for life (see lockOwnerAlive). */
export type ProcessOwner = Pick<LockOwner, 'pid' | 'host' | 'processStart'>;

export function currentProcessOwner(): ProcessOwner {
  return { pid: process.pid, host: os.hostname(), processStart: processStartOf(process.pid) };
}

export interface ProjectLock {
  readonly owner: LockOwner;
  /** Gives the lock up (removes the file if it is still ours). Idempotent. */
  release(): void;
}

/** Start time of a process (field 22 of /proc/<pid>/stat), null where /proc is missing; 'zombie' for a dead child. */
function processStartOf(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return 'zombie';
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** True while the process named in a lock file still runs (same host only; another host's lock is taken as held). */
export function lockOwnerAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStartOf(owner.pid);
  if (start === 'zombie') return false;
  // The pid was reused by a process started after the owner: the owner is gone.
  if (start !== null && owner.processStart !== null && start !== owner.processStart) return false;
  return true;
}

export function readLockOwner(dir: string): LockOwner | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return {
      pid: parsed.pid,
      host: parsed.host,
      processStart: typeof parsed.processStart === 'string' ? parsed.processStart : null,
      command: typeof parsed.command === 'string' ? parsed.command : 'postflight',
      acquiredAt: typeof parsed.acquiredAt === 'string' ? parsed.acquiredAt : '',
    };
  } catch {
    return null;
  }
}

/** Locks this process holds, by project folder, with how many holders (a process may open its project twice). */
const held = new Map<string, { owner: LockOwner; count: number }>();
let exitHookSet = false;

function removeIfOurs(file: string, owner: LockOwner): void {
  const now = readLockOwner(path.dirname(file));
  if (now && now.pid === owner.pid && now.host === owner.host && now.acquiredAt === owner.acquiredAt) fs.rmSync(file, { force: true });
}

function heldError(dir: string, owner: LockOwner): AppError {
  const where = owner.host === os.hostname() ? '' : ` on ${owner.host}`;
  const since = owner.acquiredAt ? ` since ${owner.acquiredAt.slice(11, 16)} UTC` : '';
  return new AppError(
    'conflict',
    `This project is open in another Postflight (pid ${owner.pid}${where}, ${owner.command}${since}). Wait for it to finish or close it, then try again; \`postflight report\` can read the project meanwhile.`,
    { dir, pid: owner.pid, host: owner.host, command: owner.command },
  );
}

/**
 * Takes the writer lock of the project in `dir` for this process, or throws a `conflict` AppError naming the live
 * owner. A lock left by a process that is gone (killed, crashed, power cut) is taken over.
 */
export function acquireProjectLock(dir: string, command: string): ProjectLock {
  const absDir = path.resolve(dir);
  const file = path.join(absDir, LOCK_FILE);
  const mine = held.get(absDir);
  if (mine) {
    mine.count++;
    return handle(absDir, file, mine.owner);
  }
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    processStart: processStartOf(process.pid),
    command,
    acquiredAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeSync(fd, `${JSON.stringify(owner)}\n`);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      held.set(absDir, { owner, count: 1 });
      if (!exitHookSet) {
        exitHookSet = true;
        process.once('exit', () => {
          for (const [d, h] of held) removeIfOurs(path.join(d, LOCK_FILE), h.owner);
        });
      }
      return handle(absDir, file, owner);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = readLockOwner(absDir);
    // A lock file being written this very moment reads as empty: look again shortly rather than take it over.
    if (current === null) {
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < 2000) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        continue;
      }
    } else if (lockOwnerAlive(current)) {
      throw heldError(absDir, current);
    }
    // The owner is gone: take the lock over, unless another process did so since we read it.
    const again = readLockOwner(absDir);
    if (again === null || current === null || (again.pid === current.pid && again.acquiredAt === current.acquiredAt)) fs.rmSync(file, { force: true });
  }
  const last = readLockOwner(absDir);
  if (last) throw heldError(absDir, last);
  throw new AppError('conflict', `Could not take the project lock ${file}; try again.`, { dir: absDir });
}

function handle(absDir: string, file: string, owner: LockOwner): ProjectLock {
  let released = false;
  return {
    owner,
    release: () => {
      if (released) return;
      released = true;
      const h = held.get(absDir);
      if (!h) return;
      if (--h.count > 0) return;
      held.delete(absDir);
      removeIfOurs(file, owner);
    },
  };
}
