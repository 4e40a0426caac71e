import { AppError } from '../common/errors.ts';
import { appendEvent } from '../db/events.ts';
import { setEnteredFlightHeight } from '../db/heights.ts';
import { transaction } from '../db/database.ts';
import type { Project } from '../project/project.ts';

/**
 * The pilot enters the height a flight was flown at (m above take-off), for photos whose relative altitude is missing
 * or below take-off: footprints use it from the next coverage run, flagged `height_entered_by_pilot`. Logged as an
 * event; null clears it.
 */
export function setFlightHeight(project: Project, flightId: number, heightM: number | null): number {
  const { db } = project;
  return transaction(db, () => {
    const photos = setEnteredFlightHeight(db, flightId, heightM, new Date().toISOString());
    if (photos === 0) throw new AppError('not_found', `There is no flight ${flightId} in this project.`, { flightId });
    appendEvent(db, { kind: 'flight.height_entered', payload: { flightId, heightM, photos } });
    return photos;
  });
}
