import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import { migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';

/** The raw better-sqlite3 handle: only modules in `src-main/db/` see it (through `sql(db)`). */
export type { Database };

declare const projectDb: unique symbol;

/**
 * A project's database as everything outside `src-main/db/` sees it: an opaque handle to pass to the typed db/
 * functions. It has no `.prepare`, `.exec` or `.pragma`: only db/ modules unwrap it, with `sql(db)`
 * (tests/unit/data-boundary.test.ts refuses `sql` and better-sqlite3 outside db/).
 */
export interface ProjectDb {
  readonly [projectDb]: 'postflight.db';
}

/** The better-sqlite3 handle behind a ProjectDb. For `src-main/db/` modules (and tests) only. */
export function sql(db: ProjectDb): Database {
  return db as unknown as Database;
}

const opaque = (db: Database): ProjectDb => db as unknown as ProjectDb;

/**
 * Opens (creating if needed) a project database in WAL mode and migrates it. WAL + synchronous=NORMAL keeps every
 * committed transaction after a process kill; FULL would only add protection against power loss mid-checkpoint, which
 * we also want on a laptop in the field, so we pay for it.
 */
export function openDatabase(file: string): ProjectDb {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return opaque(db);
  } catch (err) {
    db.close();
    throw err;
  }
}

export function closeDatabase(db: ProjectDb): void {
  sql(db).close();
}

export function schemaVersion(db: ProjectDb): number {
  return sql(db).pragma('user_version', { simple: true }) as number;
}

/**
 * Runs `work` in one immediate (write-locking) transaction: work that spans tables commits whole or not at all.
 * Nested calls join the outer transaction. The only way code outside `db/` groups writes.
 */
export function transaction<T>(db: ProjectDb, work: () => T): T {
  const raw = sql(db);
  if (raw.inTransaction) return work();
  return raw.transaction(work).immediate();
}

const statements = new WeakMap<ProjectDb, Map<string, Statement>>();

/**
 * The statement for this SQL text, prepared once per database: per-photo queries (ingest's) otherwise pay SQLite's
 * parse and plan every call. For `src-main/db/` modules.
 */
export function prepared(db: ProjectDb, text: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map<string, Statement>()));
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = sql(db).prepare(text)));
  return stmt;
}
