import { sql, type ProjectDb } from './database.ts';

export type IngestMode = 'copy' | 'in_place';
export type IngestRunEnd = 'done' | 'interrupted' | 'failed';

/** One row per ingest run: where it read from, how, and how it ended (the photos' rows are the per-file journal). */
export function startIngestRun(db: ProjectDb, source: string, mode: IngestMode): number {
  const info = sql(db)
    .prepare("INSERT INTO ingest_runs (source_root, mode, state, started_at) VALUES (?, ?, 'running', ?)")
    .run(source, mode, new Date().toISOString());
  return Number(info.lastInsertRowid);
}

export function finishIngestRun(db: ProjectDb, runId: number, state: IngestRunEnd, summary: unknown): void {
  sql(db).prepare('UPDATE ingest_runs SET state = ?, finished_at = ?, summary_json = ? WHERE id = ?').run(
    state,
    new Date().toISOString(),
    JSON.stringify(summary),
    runId,
  );
}
