import type { Migration } from '../migrate.ts';

/**
 * ODM runs record where they are as they go (stage, progress, log file) so the UI can show a run after a restart,
 * and NodeODM uploads are remembered per photo so an interrupted upload resumes with only the missing ones.
 */
export const migration: Migration = {
  version: 6,
  name: 'odm_runs',
  sql: `
ALTER TABLE odm_runs ADD COLUMN created_at TEXT;
ALTER TABLE odm_runs ADD COLUMN stage TEXT;
ALTER TABLE odm_runs ADD COLUMN progress REAL;
ALTER TABLE odm_runs ADD COLUMN log_path TEXT;
CREATE INDEX odm_runs_task ON odm_runs(task_id);
CREATE INDEX odm_runs_state ON odm_runs(state);

CREATE TABLE odm_uploads (
  run_id       TEXT NOT NULL REFERENCES odm_runs(id) ON DELETE CASCADE,
  remote_uuid  TEXT NOT NULL,
  file_name    TEXT NOT NULL,
  uploaded_at  TEXT NOT NULL,
  PRIMARY KEY (run_id, remote_uuid, file_name)
);
`,
};
