/** What the task's photos say about how it was flown: the camera and the height above take-off. */
import { AppError } from '../common/errors.ts';
import { listFlightStarts, type ImageRow } from '../db/images.ts';
import type { CameraInput } from '../geo/cameras.ts';
import { heightAboveTerrain, type Terrain } from '../geo/dem.ts';
import { median } from '../geo/overlap.ts';
import { coverageSettings } from '../geo/settings.ts';
import type { Project } from '../project/project.ts';

export type HeightSource = 'photos' | 'given' | 'flight_height_setting' | 'flight_plan';

/** The camera most of the task's photos were taken with (model, lens and image size). */
export function flownCamera(photos: readonly ImageRow[]): (CameraInput & { make: string | null }) | null {
  const counts = new Map<string, { n: number; camera: CameraInput & { make: string | null } }>();
  for (const p of photos) {
    if (!p.width || !p.height) continue;
    const camera = { make: p.make, model: p.model, focalMm: p.focal_mm, focal35Mm: p.focal35_mm, width: p.width, height: p.height };
    const key = JSON.stringify(camera);
    const c = counts.get(key) ?? { n: 0, camera };
    c.n++;
    counts.set(key, c);
  }
  let best: { n: number; camera: CameraInput & { make: string | null } } | null = null;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.camera ?? null;
}

export function flownHeight(project: Project, photos: readonly ImageRow[], given: number | undefined): { metres: number; source: HeightSource } | null {
  if (given !== undefined) {
    if (!(given >= 2 && given <= 500)) throw new AppError('invalid_input', `A flight height of ${given} m is out of range (2-500 m above take-off).`, { heightM: given });
    return { metres: given, source: 'given' };
  }
  // Photos of the survey itself: take-off and landing frames near the ground would pull the median down.
  const heights = photos.flatMap((p) => (p.rel_alt !== null && p.rel_alt >= 2 ? [p.rel_alt] : []));
  const m = median(heights);
  if (m !== null) return { metres: m, source: 'photos' };
  const setting = coverageSettings(project.db).flightHeightM;
  return setting ? { metres: setting, source: 'flight_height_setting' } : null;
}

/**
 * With a DEM: the median height above the ground the task's photos were taken at (each from its flight's take-off,
 * geo/dem.ts heightAboveTerrain), or null when none of them lies on the DEM with a height above take-off.
 */
export function flownHeightAboveGround(project: Project, photos: readonly ImageRow[], terrain: Terrain): number | null {
  const starts = listFlightStarts(project.db);
  const first = photos.find((p) => p.lat !== null && p.lon !== null);
  const heights = photos.flatMap((p) => {
    if (p.rel_alt === null || p.rel_alt < 2 || p.lat === null || p.lon === null) return [];
    const takeoff = (p.flight_id !== null ? starts.get(p.flight_id) : undefined) ?? (first ? { lon: first.lon!, lat: first.lat! } : null);
    const h = takeoff ? heightAboveTerrain(terrain, { lon: p.lon, lat: p.lat, heightAboveTakeoffM: p.rel_alt }, takeoff) : null;
    return h !== null && h > 1 ? [h] : [];
  });
  return median(heights);
}
