import type { Migration } from '../migrate.ts';

/**
 * Tasks pulled from a DroneTM project keep DroneTM's own task uuid and index (the number its pilots see), so uploads
 * and ODM imports can name the task the way DroneTM does. Tasks from files leave both empty.
 */
export const migration: Migration = {
  version: 50,
  name: 'dronetm_tasks',
  sql: `
ALTER TABLE tasks ADD COLUMN dronetm_task_id TEXT;
ALTER TABLE tasks ADD COLUMN dronetm_task_index INTEGER;
CREATE UNIQUE INDEX tasks_dronetm_task ON tasks(dronetm_task_id) WHERE dronetm_task_id IS NOT NULL;
`,
};
