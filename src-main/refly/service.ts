/**
 * A task's re-fly plan from what the project knows: its fresh coverage gaps, and the height and camera of the
 * photos already taken over it.
 */
import type { Feature, Polygon } from 'geojson';
import { AppError } from '../common/errors.ts';
import { listAcceptedPhotos, type ImageRow } from '../db/images.ts';
import type { CameraInput } from '../geo/cameras.ts';
import { analyseStored, computeCoverage } from '../geo/coverage-service.ts';
import { requireTask } from '../db/tasks.ts';
import { MIN_GAP_M2 } from '../geo/coverage.ts';
import { median } from '../geo/overlap.ts';
import { coverageSettings } from '../geo/settings.ts';
import type { Project } from '../project/project.ts';
import type { ReflyPlanInfo } from '../../src-preload/contract-base.ts';
import { MAX_WAYPOINTS_PER_FILE, toGeoJson } from './export.ts';
import { unflownStretches, type Wayline } from './flight-plan.ts';
import { DEFAULT_FRONT_OVERLAP, DEFAULT_SIDE_OVERLAP, groundFootprint, planRefly, type ReflyGap, type ReflyPlan } from './plan.ts';

export interface ReflyOptions {
  /** Front and side overlap, 0..1. */
  frontOverlap?: number;
  sideOverlap?: number;
  /** Flight height above take-off (m); by default the height the task's photos were taken at. */
  heightM?: number;
  /** Plan these areas instead of the coverage gaps. */
  areas?: Feature<Polygon, ReflyGap>[];
  /** Plan the stretches of these planned lines along which no accepted photo was taken, instead of the gaps. */
  fromPlan?: Wayline[];
}

export interface TaskReflyPlan extends ReflyPlan {
  taskId: string;
  camera: CameraInput & { make: string | null };
  /** Where the height came from. */
  heightSource: 'photos' | 'given' | 'flight_height_setting';
}

/**
 * Plans the re-fly of a task's gaps (or of `opts.areas`) at the height and with the camera its photos were taken
 * with. Worded refusals: no photos, no camera size, no height (asks for one), nothing to re-fly.
 */
export function planTaskRefly(project: Project, taskId: string, opts: ReflyOptions = {}): TaskReflyPlan {
  const task = requireTask(project.db, taskId);
  const photos = listAcceptedPhotos(project.db, task.id);
  if (photos.length === 0) {
    throw new AppError(
      'refused',
      `Task ${taskId} has no accepted photos yet, so there is nothing to re-fly: fly it with its original plan first. ` +
        'A re-fly plan takes the camera and height from the photos already taken.',
      { taskId },
    );
  }
  const camera = flownCamera(photos);
  if (!camera) {
    throw new AppError('refused', `Task ${taskId}: none of its photos says its camera's image size, so the footprint of a re-fly photo is unknown.`, { taskId });
  }
  const height = flownHeight(project, photos, opts.heightM);
  if (!height) {
    throw new AppError(
      'refused',
      `Task ${taskId}: its photos carry no height above the take-off point and the project has no flight height set; ` +
        'give the height to fly at (--height in metres above take-off).',
      { taskId, needs: 'height' },
    );
  }
  let areas = opts.areas;
  if (!areas && opts.fromPlan) {
    const fp = groundFootprint(camera, height.metres);
    const front = opts.frontOverlap ?? DEFAULT_FRONT_OVERLAP;
    const side = opts.sideOverlap ?? DEFAULT_SIDE_OVERLAP;
    const flown = photos.flatMap((p) => (p.lat !== null && p.lon !== null ? [{ lon: p.lon, lat: p.lat }] : []));
    areas = unflownStretches(opts.fromPlan, flown, { acrossM: fp.acrossM * (1 - side), alongM: fp.alongM, minM: fp.alongM * (1 - front) });
    if (areas.length === 0) {
      throw new AppError('refused', `Task ${taskId}: every line of the flight plan has accepted photos along it; nothing of the plan is left to fly.`, { taskId });
    }
  }
  if (!areas) {
    // Fresh figures, as verify does: photos culled since the last computation must not hide or invent a gap. The plan
    // covers every gap down to DroneTM's 100 m², also those too small for the report's list (left out there as
    // slivers under half a footprint): most sit beside a listed gap and cost nothing, the others a few photos each.
    computeCoverage(project, { taskIds: [taskId] });
    const { coverage } = analyseStored(project, task, { minGapAreaM2: MIN_GAP_M2, maxGaps: 10_000 });
    areas = coverage.gaps.features;
    if (areas.length === 0) {
      throw new AppError(
        'refused',
        `Task ${taskId} has no gaps to re-fly: its photos cover ${coverage.coveragePct.toFixed(1)}% of it and ` +
          `${coverage.overlap3Pct.toFixed(1)}% is seen by 3 or more.`,
        { taskId, coveragePct: coverage.coveragePct, overlap3Pct: coverage.overlap3Pct },
      );
    }
  }
  const first = photos.find((p) => p.lat !== null && p.lon !== null);
  const plan = planRefly({
    gaps: areas,
    heightM: height.metres,
    camera,
    frontOverlap: opts.frontOverlap,
    sideOverlap: opts.sideOverlap,
    // The pilot usually takes off where the task's first flight did.
    start: first ? [first.lon!, first.lat!] : undefined,
  });
  return { ...plan, taskId, camera, heightSource: height.source };
}

/** What the app shows of a plan: figures and the plan as GeoJSON for the map. */
export function reflyPlanInfo(plan: TaskReflyPlan): ReflyPlanInfo {
  return {
    taskId: plan.taskId,
    photoCount: plan.photos.length,
    lineCount: plan.lines.length,
    blocks: plan.blocks,
    heightM: plan.heightM,
    heightSource: plan.heightSource,
    frontOverlap: plan.frontOverlap,
    sideOverlap: plan.sideOverlap,
    lengthM: plan.lengthM,
    flightTimeS: plan.flightTimeS,
    gapAreaM2: plan.gapAreaM2,
    djiFiles: Math.ceil(plan.photos.length / MAX_WAYPOINTS_PER_FILE),
    geojson: toGeoJson(plan),
  };
}

/** The camera most of the task's photos were taken with (model, lens and image size). */
function flownCamera(photos: readonly ImageRow[]): (CameraInput & { make: string | null }) | null {
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

function flownHeight(project: Project, photos: readonly ImageRow[], given: number | undefined): { metres: number; source: TaskReflyPlan['heightSource'] } | null {
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
