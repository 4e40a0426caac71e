import type { Migration } from '../migrate.ts';

/**
 * RTK solution per photo where the drone writes it (DJI RtkFlag: 50 fixed, 32-49 float, 16 single point, 0 none;
 * RtkStdLon/Lat/Hgt in metres), written by ingest. Rows ingested before this migration get it from their stored
 * metadata record.
 */
export const migration: Migration = {
  version: 37,
  name: 'rtk',
  sql: `
ALTER TABLE images ADD COLUMN rtk_flag INTEGER;
ALTER TABLE images ADD COLUMN rtk_std_lon_m REAL;
ALTER TABLE images ADD COLUMN rtk_std_lat_m REAL;
ALTER TABLE images ADD COLUMN rtk_std_hgt_m REAL;
UPDATE images SET
  rtk_flag = json_extract(metadata_json, '$.rtk.flag'),
  rtk_std_lon_m = json_extract(metadata_json, '$.rtk.stdLon'),
  rtk_std_lat_m = json_extract(metadata_json, '$.rtk.stdLat'),
  rtk_std_hgt_m = json_extract(metadata_json, '$.rtk.stdHgt')
WHERE json_valid(metadata_json) AND json_type(metadata_json, '$.rtk') = 'object';
`,
};
