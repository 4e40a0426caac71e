/**
 * Terrain-following re-fly heights. With a project DEM, a photo point keeps the height above the ground the task
 * was flown at: its height above take-off is that height plus the ground under it minus the ground at take-off
 * (geo/dem.ts heightAboveTerrain, solved for the height above take-off). The footprints, and so the line and photo
 * spacing, stay those of the flown height above ground.
 */
import { heightAboveTerrain, type Terrain } from '../geo/dem.ts';
import { median } from '../geo/overlap.ts';
import type { ReflyPlan } from './plan.ts';

/** Height above take-off that puts a camera at `aglM` above the ground at (lon, lat); null outside the DEM. */
export function heightAboveTakeoffFor(terrain: Terrain, point: { lon: number; lat: number }, takeoff: { lon: number; lat: number }, aglM: number): number | null {
  // heightAboveTerrain is linear in the height above take-off: h(x) = h(0) + x.
  const base = heightAboveTerrain(terrain, { ...point, heightAboveTakeoffM: 0 }, takeoff);
  return base === null ? null : aglM - base;
}

/** The plan with each photo point at `aglM` above the ground under it (from `takeoff`); lines at their photos' median. */
export function followTerrain(plan: ReflyPlan, terrain: Terrain, takeoff: { lon: number; lat: number }, aglM: number): ReflyPlan {
  const takeoffElevationM = terrain.elevationAt(takeoff.lon, takeoff.lat);
  if (takeoffElevationM === null || plan.photos.length === 0) return plan;
  let outsideDem = 0;
  const photos = plan.photos.map((p) => {
    const h = heightAboveTakeoffFor(terrain, p, takeoff, aglM);
    if (h === null) outsideDem++;
    return { ...p, heightM: h ?? aglM };
  });
  const lines = plan.lines.map((l, i) => ({ ...l, heightM: median(photos.filter((p) => p.line === i).map((p) => p.heightM)) ?? l.heightM }));
  const heights = photos.map((p) => p.heightM);
  return {
    ...plan,
    heightM: aglM,
    photos,
    lines,
    terrain: { aglM, takeoffElevationM, minHeightM: Math.min(...heights), maxHeightM: Math.max(...heights), outsideDem },
  };
}
