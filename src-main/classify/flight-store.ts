import type { Database } from '../db/database.ts';

export interface FlightRecord {
  startedAt: string | null;
  endedAt: string | null;
  imageIds: readonly number[];
}

/**
 * Replaces every flight with `flights` (in order, so ids restart at 1 and a rerun on the same photos gives the same
 * ids) and points each photo at its flight; photos in no flight get none. Call inside the caller's transaction.
 */
export function replaceFlights(db: Database, flights: readonly FlightRecord[]): void {
  db.prepare('UPDATE images SET flight_id = NULL WHERE flight_id IS NOT NULL').run();
  db.prepare('DELETE FROM flights').run();
  const insert = db.prepare('INSERT INTO flights (id, started_at, ended_at, image_count) VALUES (?, ?, ?, ?)');
  const link = db.prepare('UPDATE images SET flight_id = ? WHERE id = ?');
  flights.forEach((f, i) => {
    insert.run(i + 1, f.startedAt, f.endedAt, f.imageIds.length);
    for (const id of f.imageIds) link.run(i + 1, id);
  });
}

export function countFlights(db: Database): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM flights').get() as { n: number }).n;
}
