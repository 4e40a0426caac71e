import type { Database } from 'better-sqlite3';
import { AppError } from '../common/errors.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Fills the new columns of rows written before the migration, in the same transaction after `sql`, when the value
   * needs the same TypeScript rule that writes it today (a normaliser in ingest/) rather than SQL.
   */
  backfill?: (db: Database) => void;
}

/**
 * Brings the database to the newest schema this code knows, each migration in its own transaction, recording the
 * version in `PRAGMA user_version`. A database written by newer code is refused rather than guessed at.
 */
export function migrate(db: Database, migrations: readonly Migration[]): { from: number; to: number } {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) {
    throw new AppError(
      'project_too_new',
      `This project was written by a newer Postflight (schema ${from}; this version knows up to ${latest}). Update Postflight to open it.`,
      { schemaVersion: from, supportedVersion: latest },
    );
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.backfill?.(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: Math.max(from, latest) };
}
