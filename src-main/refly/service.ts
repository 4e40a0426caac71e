/**
 * A task's re-fly plan from what the project knows: its fresh coverage gaps, and the height and camera of the
 * photos already taken over it.
 */
import type { Feature, Polygon } from 'geojson';
import { AppError } from '../common/errors.ts';
import { listAcceptedPhotos, listFlightStarts } from '../db/images.ts';
import type { CameraInput } from '../geo/cameras.ts';
import { analyseStored, computeCoverage } from '../geo/coverage-service.ts';
import { projectTerrain } from '../geo/dem.ts';
import { requireTask } from '../db/tasks.ts';
import { MIN_GAP_M2 } from '../geo/coverage.ts';
import { median } from '../geo/overlap.ts';
import type { Project } from '../project/project.ts';
import type { ReflyPlanInfo } from '../../src-preload/contract-base.ts';
import { MAX_WAYPOINTS_PER_FILE, toGeoJson } from './export.ts';
import { compareWithPhotos, resolvePlan, type StoredFlightPlan } from './flight-plan.ts';
import { flownCamera, flownHeight, flownHeightAboveGround, type HeightSource } from './flown.ts';
import { planUnflown } from './from-plan.ts';
import { taskPlanVsFlown } from './planned.ts';
import { DEFAULT_FRONT_OVERLAP, DEFAULT_SIDE_OVERLAP, groundFootprint, planRefly, type ReflyGap, type ReflyPlan } from './plan.ts';
import { followTerrain } from './terrain.ts';

export interface ReflyOptions {
  /** Front and side overlap, 0..1. */
  frontOverlap?: number;
  sideOverlap?: number;
  /**
   * Flight height (m): above take-off on flat ground; with a project DEM, the height above the ground to keep. By
   * default the height the task's photos were taken at.
   */
  heightM?: number;
  /** Plan these areas instead of the coverage gaps. */
  areas?: Feature<Polygon, ReflyGap>[];
  /**
   * Plan the planned photo points of the task's flight plan that no accepted photo was taken near, instead of the
   * gaps: `true` for the plan imported with the task, or a plan read for this run.
   */
  fromPlan?: true | StoredFlightPlan;
}

export interface TaskReflyPlan extends ReflyPlan {
  taskId: string;
  camera: CameraInput & { make: string | null };
  /** Where the height came from. */
  heightSource: HeightSource;
}

/**
 * Plans the re-fly of a task's gaps (or of `opts.areas`, or of its flight plan's unflown stretches) at the height
 * and with the camera its photos were taken with; with a project DEM every photo point keeps the flown height above
 * the ground under it. Worded refusals: no photos, no camera size, no height (asks for one), nothing to re-fly.
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
  // The pilot usually takes off where the task's first flight did: that flight's first photo (as coverage takes it).
  const first = photos.find((p) => p.lat !== null && p.lon !== null);
  const takeoff = first ? ((first.flight_id !== null ? listFlightStarts(project.db).get(first.flight_id) : undefined) ?? { lon: first.lon!, lat: first.lat! }) : null;
  const start: [number, number] | undefined = takeoff ? [takeoff.lon, takeoff.lat] : undefined;
  const terrain = projectTerrain(project);
  const agl = terrain && start ? (opts.heightM ?? flownHeightAboveGround(project, photos, terrain)) : null;
  const terrainFollowing = (plan: ReflyPlan): ReflyPlan =>
    terrain && start && agl !== null ? followTerrain(plan, terrain, { lon: start[0], lat: start[1] }, agl) : plan;

  if (opts.fromPlan && !opts.areas) {
    const stored = opts.fromPlan === true ? taskPlanVsFlown(project, task, opts) : null;
    if (opts.fromPlan === true && !stored) {
      throw new AppError('refused', `Task ${taskId} has no flight plan: import it with \`tasks import --plan <plan.kmz> --task ${taskId}\`, or give the file (--plan).`, { taskId });
    }
    const check =
      stored ??
      (() => {
        const fp = groundFootprint(camera, height.metres);
        const plan = resolvePlan(opts.fromPlan as StoredFlightPlan, {
          photoSpacingM: fp.alongM * (1 - (opts.frontOverlap ?? DEFAULT_FRONT_OVERLAP)),
          lineSpacingM: fp.acrossM * (1 - (opts.sideOverlap ?? DEFAULT_SIDE_OVERLAP)),
        });
        return compareWithPhotos(plan, photos.flatMap((p) => (p.lat !== null && p.lon !== null ? [{ lon: p.lon, lat: p.lat }] : [])));
      })();
    if (check.stretches.length === 0) {
      throw new AppError('refused', `Task ${taskId}: every planned photo point of the flight plan has an accepted photo near it; nothing of the plan is left to fly.`, { taskId });
    }
    // The plan's own heights above take-off when it has them (and neither a DEM nor --height says otherwise).
    const planHeights = median(check.plan.points.flatMap((p) => (p.heightM !== null ? [p.heightM] : [])));
    const usePlanHeights = planHeights !== null && agl === null && opts.heightM === undefined;
    const plan = planUnflown({ check, camera, heightM: agl ?? (usePlanHeights ? planHeights : height.metres), planHeights: usePlanHeights, start });
    return { ...terrainFollowing(plan), taskId, camera, heightSource: usePlanHeights ? 'flight_plan' : height.source };
  }

  let areas = opts.areas;
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
  const plan = planRefly({
    gaps: areas,
    heightM: agl ?? height.metres,
    camera,
    frontOverlap: opts.frontOverlap,
    sideOverlap: opts.sideOverlap,
    start,
  });
  return { ...terrainFollowing(plan), taskId, camera, heightSource: height.source };
}

/** What the app shows of a plan: figures and the plan as GeoJSON for the map. */
export function reflyPlanInfo(plan: TaskReflyPlan): ReflyPlanInfo {
  return {
    taskId: plan.taskId,
    source: plan.source,
    photoCount: plan.photos.length,
    lineCount: plan.lines.length,
    blocks: plan.blocks,
    heightM: plan.heightM,
    heightSource: plan.heightSource,
    terrain: plan.terrain,
    frontOverlap: plan.frontOverlap,
    sideOverlap: plan.sideOverlap,
    lengthM: plan.lengthM,
    flightTimeS: plan.flightTimeS,
    gapAreaM2: plan.gapAreaM2,
    djiFiles: Math.ceil(plan.photos.length / MAX_WAYPOINTS_PER_FILE),
    geojson: toGeoJson(plan),
  };
}

