/**
 * A task's flight plan in the project: imported with the tasks (`tasks import --plan`, the app's import), compared
 * with the accepted photos (planned vs flown), and shown to the app as planned waylines and unflown stretches.
 */
import { booleanPointInPolygon } from '@turf/turf';
import { AppError } from '../common/errors.ts';
import { getTaskFlightPlan, listTaskFlightPlans, setTaskFlightPlan } from '../db/flight-plans.ts';
import { listAcceptedCentresIn, listAcceptedPhotos } from '../db/images.ts';
import { getTaskByRowId, listTasks, requireTask, type TaskRow } from '../db/tasks.ts';
import type { Project } from '../project/project.ts';
import type { FlightPlanInfo } from '../../src-preload/contract-base.ts';
import { compareWithPhotos, parseFlightPlan, resolvePlan, type PlanVsFlown, type StoredFlightPlan } from './flight-plan.ts';
import { flownCamera, flownHeight } from './flown.ts';
import { DEFAULT_FRONT_OVERLAP, DEFAULT_SIDE_OVERLAP, groundFootprint } from './plan.ts';

/** Spacing used for a plan of bare lines when the task has no photo to size a footprint from (m). */
const NO_CAMERA_SPACING = { photoSpacingM: 10, lineSpacingM: 30 };

export interface ImportedFlightPlan {
  taskId: string;
  source: string;
  routes: number;
  waypoints: number;
  /** How the plan's photo points are known: its own takePhoto waypoints, or sampled along its lines. */
  photoWaypoints: number;
}

/**
 * Stores a flight plan as a task's (replacing its earlier one). Without `taskId`, the task whose outline holds most
 * of the plan's waypoints; a plan over no task is refused in words.
 */
export function importFlightPlan(project: Project, bytes: Uint8Array, fileName: string, taskId?: string): ImportedFlightPlan {
  const plan = parseFlightPlan(bytes, fileName);
  const task = taskId ? requireTask(project.db, taskId) : taskUnder(project, plan, fileName);
  setTaskFlightPlan(project.db, task.id, fileName, plan);
  const waypoints = plan.routes.flatMap((r) => r.points);
  return { taskId: task.taskId, source: fileName, routes: plan.routes.length, waypoints: waypoints.length, photoWaypoints: waypoints.filter((p) => p[3] === 1).length };
}

function taskUnder(project: Project, plan: StoredFlightPlan, fileName: string): TaskRow {
  const points = plan.routes.flatMap((r) => r.points);
  let best: { task: TaskRow; n: number } | null = null;
  for (const task of listTasks(project.db)) {
    const n = points.filter((p) => booleanPointInPolygon([p[0], p[1]], task.geometry)).length;
    if (n > 0 && (!best || n > best.n)) best = { task, n };
  }
  if (!best) {
    throw new AppError('refused', `The flight plan ${fileName} runs over none of the project's tasks: import the task outlines first, or name its task (--task).`, { fileName });
  }
  return best.task;
}

/** The task's plan compared with the accepted photos near it, or null when the task has no plan. */
export function taskPlanVsFlown(project: Project, task: TaskRow, opts: { frontOverlap?: number; sideOverlap?: number } = {}): (PlanVsFlown & { source: string; importedAt: string }) | null {
  const stored = getTaskFlightPlan(project.db, task.id);
  if (!stored) return null;
  const photos = listAcceptedPhotos(project.db, task.id);
  const camera = flownCamera(photos);
  const height = camera ? flownHeight(project, photos, undefined) : null;
  let fallback = NO_CAMERA_SPACING;
  if (camera && height) {
    const fp = groundFootprint(camera, height.metres);
    fallback = { photoSpacingM: fp.alongM * (1 - (opts.frontOverlap ?? DEFAULT_FRONT_OVERLAP)), lineSpacingM: fp.acrossM * (1 - (opts.sideOverlap ?? DEFAULT_SIDE_OVERLAP)) };
  }
  const plan = resolvePlan(stored.plan, fallback);
  const margin = 0.001; // ~100 m: photos just past the plan's ends still count for its last points
  const lons = plan.points.map((p) => p.lon);
  const lats = plan.points.map((p) => p.lat);
  const bbox = [Math.min(...lons) - margin, Math.min(...lats) - margin, Math.max(...lons) + margin, Math.max(...lats) + margin] as const;
  return { ...compareWithPhotos(plan, listAcceptedCentresIn(project.db, bbox)), source: stored.source, importedAt: stored.importedAt };
}

/** What the app shows of one task's plan. */
export function flightPlanInfo(taskId: string, check: PlanVsFlown & { source: string; importedAt: string }): FlightPlanInfo {
  const { plan } = check;
  const flownPoints = check.flown.filter(Boolean).length;
  return {
    taskId,
    source: check.source,
    importedAt: check.importedAt,
    pointsFrom: plan.pointsFrom,
    plannedPoints: plan.points.length,
    flownPoints,
    photoSpacingM: plan.photoSpacingM,
    lineSpacingM: plan.lineSpacingM,
    unflownStretches: check.stretches.length,
    unflownPoints: plan.points.length - flownPoints,
    unflownLengthM: check.stretches.reduce((a, s) => a + s.lengthM, 0),
    geojson: {
      type: 'FeatureCollection',
      features: [
        ...plan.lines.map((coordinates, line) => ({
          type: 'Feature',
          properties: { role: 'planned', taskId, line },
          geometry: { type: 'LineString', coordinates },
        })),
        ...check.stretches.map((s, i) => ({
          type: 'Feature',
          properties: { role: 'unflown', taskId, index: i, points: s.points.length, lengthM: Math.round(s.lengthM) },
          geometry: { type: 'LineString', coordinates: s.coordinates },
        })),
      ],
    },
  };
}

/** Every task's plan against its photos, for the map. */
export function flightPlanInfos(project: Project): FlightPlanInfo[] {
  return listTaskFlightPlans(project.db).flatMap((p) => {
    const task = getTaskByRowId(project.db, p.taskRowId);
    const check = task ? taskPlanVsFlown(project, task) : null;
    return task && check ? [flightPlanInfo(task.taskId, check)] : [];
  });
}

/** One task's plan against its photos; null when it has none. */
export function taskFlightPlanInfo(project: Project, taskId: string): FlightPlanInfo | null {
  const task = requireTask(project.db, taskId);
  const check = taskPlanVsFlown(project, task);
  return check ? flightPlanInfo(task.taskId, check) : null;
}
