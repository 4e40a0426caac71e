import type { Migration } from '../migrate.ts';

/**
 * The stream (band or payload camera: 'wide', 'thermal', 'NIR', ...) a task needs from each capture, chosen by the
 * pilot; NULL means the capture's colour image. Coverage counts that member of each capture, once.
 */
export const migration: Migration = {
  version: 61,
  name: 'task_stream',
  sql: `
ALTER TABLE tasks ADD COLUMN stream TEXT;
`,
};
