import type { Migration } from '../migrate.ts';

/**
 * The card certificate: at the end of each copy run, what was on the card (every file, names and sizes) against
 * what the project holds. `safe_to_format` is 1 only when every photo on the card had a verified copy.
 */
export const migration: Migration = {
  version: 11,
  name: 'card_offloads',
  sql: `
CREATE TABLE card_offloads (
  id               INTEGER PRIMARY KEY,
  ingest_run_id    INTEGER REFERENCES ingest_runs(id),
  source_root      TEXT NOT NULL,
  card_label       TEXT,
  volume_id        TEXT,
  drone_serial     TEXT,
  photo_count      INTEGER NOT NULL,
  photos_verified  INTEGER NOT NULL,
  bytes            INTEGER NOT NULL,
  safe_to_format   INTEGER NOT NULL CHECK (safe_to_format IN (0, 1)),
  record_json      TEXT NOT NULL,
  created_at       TEXT NOT NULL
);
CREATE INDEX card_offloads_source ON card_offloads(source_root);
`,
};
