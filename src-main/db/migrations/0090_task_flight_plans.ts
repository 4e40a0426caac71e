import type { Migration } from '../migrate.ts';

/**
 * A task's flight plan (the DJI WPML KMZ or KML lines it was to be flown with), kept so the map can show planned
 * waylines against the photos taken and `refly --from-plan` can plan the stretches left unflown. One plan per task:
 * importing another replaces it. plan_json holds the routes as read (db/stored.ts storedFlightPlanSchema).
 */
export const migration: Migration = {
  version: 90,
  name: 'task_flight_plans',
  sql: `
CREATE TABLE task_flight_plans (
  task_id INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  plan_json TEXT NOT NULL
);
`,
};
