import type { Progress } from '../common/progress.ts';
import type { JobInfo, JobKind, JobState } from '../../src-preload/contract.ts';
import { sql, transaction, type ProjectDb } from './database.ts';
import {
  decodeStored,
  decodeStoredOrNull,
  storedErrorSchema,
  storedObjectSchema,
  storedProgressSchema,
  storedResultSchema,
  type StoredAt,
} from './stored.ts';

interface JobRow {
  id: string;
  kind: JobKind;
  state: JobState;
  params_json: string;
  progress_json: string | null;
  result_json: string | null;
  error_json: string | null;
  created_at: string;
  updated_at: string;
}

export interface JobChange {
  state?: JobState;
  progress?: Progress;
  result?: unknown;
  error?: unknown;
}

const now = (): string => new Date().toISOString();

/**
 * Jobs left queued or running by a previous process were cut short: they become `interrupted`, and are returned
 * (oldest first) so the caller can run again those whose work resumes from its journal.
 */
export function takeUnfinishedJobs(db: ProjectDb): JobInfo[] {
  return transaction(db, () => {
    const rows = sql(db).prepare<[], JobRow>("SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at, rowid").all();
    sql(db).prepare("UPDATE jobs SET state = 'interrupted', updated_at = ? WHERE state IN ('queued', 'running')").run(now());
    return rows.map((r) => toJobInfo({ ...r, state: 'interrupted' }));
  });
}

export function insertJob(db: ProjectDb, id: string, kind: JobKind, params: Record<string, unknown>): void {
  const at = now();
  sql(db).prepare('INSERT INTO jobs (id, kind, state, params_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    id,
    kind,
    'queued',
    JSON.stringify(params),
    at,
    at,
  );
}

export function updateJob(db: ProjectDb, id: string, change: JobChange): void {
  const sets: string[] = ['updated_at = @now'];
  const values: Record<string, unknown> = { id, now: now() };
  if (change.state) {
    sets.push('state = @state');
    values.state = change.state;
  }
  if (change.progress) {
    sets.push('progress_json = @progress');
    values.progress = JSON.stringify(change.progress);
  }
  if (change.result !== undefined) {
    sets.push('result_json = @result');
    values.result = JSON.stringify(change.result);
  }
  if (change.error !== undefined) {
    sets.push('error_json = @error');
    values.error = JSON.stringify(change.error);
  }
  sql(db).prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(values);
}

export function getJob(db: ProjectDb, id: string): JobInfo | undefined {
  const row = sql(db).prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id);
  return row && toJobInfo(row);
}

/** Newest first. */
export function listJobs(db: ProjectDb, limit: number): JobInfo[] {
  return sql(db).prepare<[number], JobRow>('SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?').all(limit).map(toJobInfo);
}

const at = (row: JobRow, column: string, what: string): StoredAt => ({ table: 'jobs', column, row: row.id, what: `${what} of ${row.kind} job ${row.id}` });

function toJobInfo(row: JobRow): JobInfo {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    params: decodeStored(storedObjectSchema, row.params_json, at(row, 'params_json', 'parameters')),
    progress: decodeStoredOrNull(storedProgressSchema, row.progress_json, at(row, 'progress_json', 'progress')),
    result: decodeStoredOrNull(storedResultSchema, row.result_json, at(row, 'result_json', 'result')),
    error: decodeStoredOrNull(storedErrorSchema, row.error_json, at(row, 'error_json', 'error')),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
