/**
 * Hover bursts: the interval timer kept firing while the drone stood still (usually on the last waypoint). A run of at
 * least `minRun` consecutive photos within `toleranceM` of the run's first photo is one shot: keep the first, reject
 * the rest. Shorter runs are ordinary dense flight and left alone.
 *
 * The distance is 3-D when both heights are known, so a vertical climb over the take-off point is not mistaken for a
 * hover (it is the flight-tail pass's business).
 */
import { distanceMetres } from './geodesy.ts';
import type { TrackPhoto } from './flights.ts';

export function findStationary(flight: readonly TrackPhoto[], toleranceM: number, minRun: number): Set<number> {
  const redundant = new Set<number>();
  let run: TrackPhoto[] = [];
  const flush = (): void => {
    if (run.length >= minRun) for (const p of run.slice(1)) redundant.add(p.id);
  };
  for (const p of flight) {
    const anchor = run[0];
    if (anchor && separation(anchor, p) <= toleranceM) {
      run.push(p);
    } else {
      flush();
      run = [p];
    }
  }
  flush();
  return redundant;
}

function separation(a: TrackPhoto, b: TrackPhoto): number {
  const flat = distanceMetres(a, b);
  return a.alt !== null && b.alt !== null ? Math.hypot(flat, a.alt - b.alt) : flat;
}
