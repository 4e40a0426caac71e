import type { Migration } from '../migrate.ts';

/**
 * Classification replaces the flights table on every run: deleting or adding a flight makes SQLite look for the
 * photos that reference it, a full scan of images per flight without this index.
 */
export const migration: Migration = {
  version: 3,
  name: 'classify',
  sql: `
CREATE INDEX images_flight ON images(flight_id);
`,
};
