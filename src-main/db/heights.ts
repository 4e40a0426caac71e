/**
 * Heights above take-off: the flown height a pilot enters for a flight, and the photos left without a usable height
 * (no footprint because the relative altitude is missing or below the take-off point).
 */
import { sql, type ProjectDb } from './database.ts';

/** Below this a photo's relative altitude is not a survey height (matches geo/footprint.ts MIN_HEIGHT_M). */
const USABLE_REL_ALT_M = 2;

/** Sets (or with null clears) the pilot's flown height on every photo of a flight; returns how many photos. */
export function setEnteredFlightHeight(db: ProjectDb, flightId: number, heightM: number | null, at: string): number {
  return sql(db)
    .prepare<[number | null, string | null, number]>('UPDATE images SET entered_height_m = ?, entered_height_at = ? WHERE flight_id = ?')
    .run(heightM, heightM === null ? null : at, flightId).changes;
}

export interface HeightUnknownRow {
  /** The task's row id. */
  taskRowId: number;
  flightId: number | null;
  count: number;
}

/**
 * Assigned photos that got no footprint for want of a height: relative altitude missing or below take-off level and
 * no height entered by the pilot, per task and flight. Only counted once coverage ran (a footprint was attempted).
 */
export function listHeightUnknown(db: ProjectDb): HeightUnknownRow[] {
  return sql(db)
    .prepare<[number], HeightUnknownRow>(
      `SELECT i.task_id AS taskRowId, i.flight_id AS flightId, count(*) AS count
       FROM images i JOIN tasks t ON t.id = i.task_id
       WHERE i.status = 'assigned' AND i.footprint IS NULL AND t.coverage_json IS NOT NULL
         AND (i.rel_alt IS NULL OR i.rel_alt < ?) AND i.entered_height_m IS NULL
       GROUP BY i.task_id, i.flight_id ORDER BY i.task_id, i.flight_id`,
    )
    .all(USABLE_REL_ALT_M);
}

/** Whether a photo is one of those: assigned, no footprint, no usable relative altitude, nothing entered. */
export function photoHeightUnknown(row: { status: string; footprint: string | null; rel_alt: number | null; entered_height_m: number | null }): boolean {
  return row.status === 'assigned' && row.footprint === null && (row.rel_alt === null || row.rel_alt < USABLE_REL_ALT_M) && row.entered_height_m === null;
}
