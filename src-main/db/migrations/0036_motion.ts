import type { Migration } from '../migrate.ts';

/**
 * Motion blur predicted from metadata: the aircraft's horizontal velocity as the camera wrote it (DJI FlightXSpeed /
 * FlightYSpeed, m/s), written by ingest, and the predicted smear in pixels (exposure time x ground speed / GSD),
 * written by classification. Rows ingested before this migration get their velocity from the stored metadata record.
 */
export const migration: Migration = {
  version: 36,
  name: 'motion',
  sql: `
ALTER TABLE images ADD COLUMN speed_x_mps REAL;
ALTER TABLE images ADD COLUMN speed_y_mps REAL;
ALTER TABLE images ADD COLUMN motion_px REAL;
UPDATE images SET
  speed_x_mps = json_extract(metadata_json, '$.raw."drone-dji".FlightXSpeed') + 0.0,
  speed_y_mps = json_extract(metadata_json, '$.raw."drone-dji".FlightYSpeed') + 0.0
WHERE json_valid(metadata_json)
  AND typeof(json_extract(metadata_json, '$.raw."drone-dji".FlightXSpeed')) IN ('integer', 'real')
  AND typeof(json_extract(metadata_json, '$.raw."drone-dji".FlightYSpeed')) IN ('integer', 'real');
`,
};
