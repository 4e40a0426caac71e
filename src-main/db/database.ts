import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';

export type { Database };

/**
 * Opens (creating if needed) a project database in WAL mode and migrates it. WAL + synchronous=NORMAL keeps every
 * committed transaction after a process kill; FULL would only add protection against power loss mid-checkpoint, which
 * we also want on a laptop in the field, so we pay for it.
 */
export function openDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Runs `work` in one immediate (write-locking) transaction: work that spans tables commits whole or not at all.
 * Nested calls join the outer transaction. The only way code outside `db/` groups writes.
 */
export function transaction<T>(db: Database, work: () => T): T {
  if (db.inTransaction) return work();
  return db.transaction(work).immediate();
}
