import { sql, type ProjectDb } from './database.ts';

export interface FlightRecord {
  startedAt: string | null;
  endedAt: string | null;
  imageIds: readonly number[];
}

/**
 * Replaces every flight with `flights`, numbered from 1 in order (a rerun on the same photos gives the same ids), and
 * returns each photo's flight. The caller points its photos at the new ids in the same transaction: foreign keys are
 * checked at commit, so photos still naming an old flight in between are fine. Duplicates never belong to a flight.
 */
export function replaceFlights(db: ProjectDb, flights: readonly FlightRecord[]): Map<number, number> {
  sql(db).pragma('defer_foreign_keys = ON');
  sql(db).prepare("UPDATE images SET flight_id = NULL WHERE status = 'duplicate' AND flight_id IS NOT NULL").run();
  sql(db).prepare('DELETE FROM flights').run();
  const insert = sql(db).prepare('INSERT INTO flights (id, started_at, ended_at, image_count) VALUES (?, ?, ?, ?)');
  const flightOf = new Map<number, number>();
  flights.forEach((f, i) => {
    insert.run(i + 1, f.startedAt, f.endedAt, f.imageIds.length);
    for (const id of f.imageIds) flightOf.set(id, i + 1);
  });
  return flightOf;
}

export function countFlights(db: ProjectDb): number {
  return (sql(db).prepare('SELECT COUNT(*) AS n FROM flights').get() as { n: number }).n;
}
