import type { Migration } from '../migrate.ts';

/**
 * Multi-sensor payloads: which band or stream wrote a file and the capture (one trigger) it belongs to, written by
 * ingest from the file's metadata so classification and coverage never re-read raw EXIF for it.
 */
export const migration: Migration = {
  version: 60,
  name: 'captures',
  sql: `
ALTER TABLE images ADD COLUMN capture_key TEXT;
ALTER TABLE images ADD COLUMN band TEXT;
ALTER TABLE images ADD COLUMN band_index INTEGER;
ALTER TABLE images ADD COLUMN sensor_kind TEXT CHECK (sensor_kind IN ('visible', 'multispectral', 'thermal'));
CREATE INDEX images_capture ON images(capture_key);
`,
};
