import type { Database } from 'better-sqlite3';
import { NORMALISED_LOCAL, readCaptureTime } from '../../ingest/metadata-time.ts';
import { cameraTagsRead, type TagGroups } from '../../ingest/metadata-values.ts';
import type { Migration } from '../migrate.ts';

/**
 * The last facts classification read from the raw EXIF in `metadata_json`, now columns ingest writes:
 * `gps_time_utc` (the GPS receiver's clock, for the sun check) and `tags_read` (the photo had camera metadata, for the
 * `exif` finding). Rows ingested before get them from their stored tags through the same ingest normalisers, and a
 * `captured_local` still in the camera's own text is rewritten in the normalised form flights are timed on.
 */
export const migration: Migration = {
  version: 70,
  name: 'normalised_time',
  sql: `
ALTER TABLE images ADD COLUMN gps_time_utc TEXT;
ALTER TABLE images ADD COLUMN tags_read INTEGER NOT NULL DEFAULT 0;
`,
  backfill: backfillFromStoredTags,
};

function backfillFromStoredTags(db: Database): void {
  const rows = db
    .prepare<[], { id: number; captured_local: string | null; metadata_json: string }>(
      'SELECT id, captured_local, metadata_json FROM images WHERE metadata_json IS NOT NULL',
    )
    .all();
  const update = db.prepare<[string | null, number, string | null, number]>(
    'UPDATE images SET gps_time_utc = ?, tags_read = ?, captured_local = ? WHERE id = ?',
  );
  for (const row of rows) {
    const record = parseRecord(row.metadata_json);
    if (record === null) continue;
    const raw = record['raw'];
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      // A record from before ingest kept the raw tags: any field at all means the photo had metadata.
      update.run(null, Object.keys(record).length > 0 ? 1 : 0, row.captured_local, row.id);
      continue;
    }
    const time = readCaptureTime(raw as TagGroups);
    const local = row.captured_local !== null && !NORMALISED_LOCAL.test(row.captured_local) ? time.capturedLocal : row.captured_local;
    update.run(time.gpsTimeUtc, cameraTagsRead(raw) ? 1 : 0, local, row.id);
  }
}

function parseRecord(json: string): Record<string, unknown> | null {
  try {
    const record = JSON.parse(json) as unknown;
    return record !== null && typeof record === 'object' && !Array.isArray(record) ? (record as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
