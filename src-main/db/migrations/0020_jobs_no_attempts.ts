import type { Migration } from '../migrate.ts';

/**
 * `jobs.attempts` was counted and never read: nothing retried a job by it (work retries inside itself, and an
 * interrupted job is run again by the pilot or the next start). A counter that drives nothing goes.
 */
export const migration: Migration = {
  version: 20,
  name: 'jobs_no_attempts',
  sql: `
ALTER TABLE jobs DROP COLUMN attempts;
`,
};
