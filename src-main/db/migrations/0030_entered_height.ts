import type { Migration } from '../migrate.ts';

/**
 * The flown height a pilot enters for a flight whose photos carry no usable height above take-off (relative altitude
 * missing or negative). Kept per photo, not on `flights`: classification rebuilds the flights table on every run,
 * and the pilot's figure must survive that. `entered_height_at` marks it as entered by the pilot, and when.
 */
export const migration: Migration = {
  version: 30,
  name: 'entered_height',
  sql: `
ALTER TABLE images ADD COLUMN entered_height_m REAL;
ALTER TABLE images ADD COLUMN entered_height_at TEXT;
`,
};
