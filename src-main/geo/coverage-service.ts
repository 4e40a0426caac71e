import { AppError } from '../common/errors.ts';
import type { WorkControl } from '../common/progress.ts';
import { runSteps, runStepsYielding, type Steps } from '../common/yield.ts';
import type { Project } from '../project/project.ts';
import { pickStream } from '../classify/captures.ts';
import { transaction } from '../db/database.ts';
import { footprintOf, listAltitudes, listFlightStarts, listImages, updateImage, type ImageRow } from '../db/images.ts';
import type { StoredCoverage, StoredFootprint } from '../db/stored.ts';
import { listTasks, requireTask, setTaskCoverage, type TaskRow } from '../db/tasks.ts';
import { analyseCoverage, type CoverageOptions, type CoveragePhoto, type TaskCoverage } from './coverage.ts';
import { computeFootprint, type Footprint, type FootprintContext, type FootprintSkip, type PhotoPose } from './footprint.ts';
import { heightAboveTerrain, projectTerrain, type Terrain } from './dem.ts';
import { localFrame } from './local-frame.ts';
import { median } from './overlap.ts';
import { coverageSettings } from './settings.ts';

/** What `tasks.coverage_json` and `images.footprint` hold: their owning types live with their decoders in db/. */
export type { StoredCoverage, StoredFootprint };

export interface ComputeCoverageOptions extends WorkControl {
  /** Pilot-facing task ids; all tasks when absent. */
  taskIds?: string[];
  /** Raster cell size override (m). */
  cellM?: number;
}

export interface ComputeCoverageResult {
  tasks: { taskId: string; coverage: StoredCoverage }[];
}

/**
 * Computes the footprint of every photo assigned to the chosen tasks, then each task's coverage, overlap and gaps,
 * and stores them (images.footprint / gsd_cm, tasks.coverage_json) in one transaction per run.
 */
export function computeCoverage(project: Project, opts: ComputeCoverageOptions = {}): ComputeCoverageResult {
  return runSteps(coverageSteps(project, opts));
}

/** The same, giving the event loop its turns between tasks (the app's coverage job: calls answered, cancel seen). */
export function computeCoverageYielding(project: Project, opts: ComputeCoverageOptions = {}): Promise<ComputeCoverageResult> {
  return runStepsYielding(coverageSteps(project, opts));
}

function* coverageSteps(project: Project, opts: ComputeCoverageOptions): Steps<ComputeCoverageResult> {
  const db = project.db;
  const tasks = opts.taskIds ? opts.taskIds.map((id) => requireTask(project.db, id)) : listTasks(db);
  const settings = coverageSettings(db);
  const ctxBase = footprintContext(db);
  const terrain = projectTerrain(project);
  const starts = terrain ? listFlightStarts(db) : new Map<number, { lat: number; lon: number }>();
  const computedAt = new Date().toISOString();
  const results: { task: TaskRow; coverage: StoredCoverage; photos: { row: ImageRow; fp: Footprint | null }[] }[] = [];
  const stopIfCancelled = () => {
    if (opts.signal?.aborted) throw new AppError('cancelled', 'Coverage computation was cancelled; nothing was saved.');
  };
  for (const [i, task] of tasks.entries()) {
    yield;
    stopIfCancelled();
    opts.onProgress?.({ stage: 'coverage', done: i, total: tasks.length, message: `Task ${task.taskId}` });
    const rows = assignedPhotos(project, task);
    const tracks = trackYaws(rows);
    const skipped: Partial<Record<FootprintSkip, number>> = {};
    const flags = new Set<string>();
    const terrainHeights = terrain ? rows.map((row) => terrainHeightOf(terrain, row, starts, rows, ctxBase.takeoffAltM ?? null)) : [];
    const photos: { row: ImageRow; fp: Footprint | null }[] = [];
    for (const [k, row] of rows.entries()) {
      if (k % 1000 === 999) {
        yield;
        stopIfCancelled();
      }
      const r = computeFootprint(poseOf(row), { ...ctxBase, trackYawDeg: tracks[k], terrainHeightM: terrainHeights[k] ?? null });
      if (!r.ok) {
        skipped[r.skip] = (skipped[r.skip] ?? 0) + 1;
        photos.push({ row, fp: null });
        continue;
      }
      for (const f of r.footprint.flags) flags.add(f);
      photos.push({ row, fp: r.footprint });
    }
    const covered: CoveragePhoto[] = photos.flatMap(({ row, fp }) =>
      fp ? [{ lon: row.lon!, lat: row.lat!, footprint: fp.polygon, gsdCm: fp.gsdCm }] : [],
    );
    const { coverage } = analyseCoverage(task.geometry, covered, { cellM: opts.cellM, gapBelow: settings.minOverlap });
    results.push({
      task,
      photos,
      coverage: {
        ...coverage,
        computedAt,
        footprintCount: covered.length,
        skipped,
        flags: [...flags].sort(),
        heightModel: heightModel(photos.flatMap(({ fp }) => (fp ? [fp.heightSource] : []))),
      },
    });
  }
  transaction(db, () => {
    for (const { task, coverage, photos } of results) {
      for (const { row, fp } of photos) {
        updateImage(db, row.id, { footprint: fp && JSON.stringify(toStoredFootprint(fp)), gsd_cm: fp?.gsdCm ?? null });
      }
      setTaskCoverage(db, task.id, coverage);
    }
  });
  opts.onProgress?.({ stage: 'coverage', done: tasks.length, total: tasks.length });
  return { tasks: results.map((r) => ({ taskId: r.task.taskId, coverage: r.coverage })) };
}

/**
 * The camera's height above the DEM under it: its height above take-off (relative altitude, else GPS altitude over
 * the estimated take-off altitude) corrected by the ground's rise from the take-off point, which is taken as where
 * the photo's flight began (else the task's first photo).
 */
function terrainHeightOf(
  terrain: Terrain,
  row: ImageRow,
  starts: Map<number, { lat: number; lon: number }>,
  rows: readonly ImageRow[],
  takeoffAltM: number | null,
): number | null {
  if (row.lat === null || row.lon === null) return null;
  const aboveTakeoff = row.rel_alt ?? (row.alt !== null && takeoffAltM !== null ? row.alt - takeoffAltM : null);
  const first = rows.find((r) => r.lat !== null && r.lon !== null);
  const takeoff = (row.flight_id !== null ? starts.get(row.flight_id) : undefined) ?? (first && { lat: first.lat!, lon: first.lon! });
  if (aboveTakeoff === null || !takeoff) return null;
  return heightAboveTerrain(terrain, { lon: row.lon, lat: row.lat, heightAboveTakeoffM: aboveTakeoff }, takeoff);
}

function heightModel(sources: readonly string[]): 'flat' | 'dem' | 'mixed' {
  const dem = sources.filter((s) => s === 'dem').length;
  return dem === 0 ? 'flat' : dem === sources.length ? 'dem' : 'mixed';
}

/**
 * The overlap raster of one task, rebuilt from the stored footprints, for the map's overlap/gap layer. `values` is
 * base64 of one byte per cell, rows from north to south, columns west to east: 0 outside the task, otherwise
 * 1 + the number of photos seeing the cell (capped at 255). `corners` places the grid: [west, south, east, north] in
 * the local metric frame, and the lon/lat of its south-west, south-east, north-east and north-west corners.
 */
export interface OverlapLayer {
  taskId: string;
  cellM: number;
  cols: number;
  rows: number;
  values: string;
  maxCount: number;
  corners: [number, number][];
  gaps: TaskCoverage['gaps'];
}

export function getOverlapLayer(project: Project, taskId: string, opts: { cellM?: number } = {}): OverlapLayer {
  const { coverage, raster } = analyseStored(project, requireTask(project.db, taskId), { cellM: opts.cellM });
  const { grid, counts, inTask, frame } = raster;
  const values = new Uint8Array(grid.cols * grid.rows);
  let maxCount = 0;
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const i = r * grid.cols + c;
      if (!inTask[i]) continue;
      maxCount = Math.max(maxCount, counts[i]!);
      values[(grid.rows - 1 - r) * grid.cols + c] = Math.min(255, counts[i]! + 1);
    }
  }
  const [x1, y1] = [grid.x0 + grid.cols * grid.cellM, grid.y0 + grid.rows * grid.cellM];
  return {
    taskId,
    cellM: grid.cellM,
    cols: grid.cols,
    rows: grid.rows,
    values: Buffer.from(values).toString('base64'),
    maxCount,
    corners: [frame.toLonLat(grid.x0, grid.y0), frame.toLonLat(x1, grid.y0), frame.toLonLat(x1, y1), frame.toLonLat(grid.x0, y1)],
    gaps: coverage.gaps,
  };
}

/**
 * The task's coverage rebuilt from the footprints stored by the last `computeCoverage`, with other options (a finer
 * sliver limit, a raster cell): nothing is written.
 */
export function analyseStored(project: Project, task: TaskRow, opts: CoverageOptions = {}): ReturnType<typeof analyseCoverage> {
  const photos: CoveragePhoto[] = assignedPhotos(project, task).flatMap((row) => {
    if (row.lat === null || row.lon === null) return [];
    const f = footprintOf(row);
    if (!f) return [];
    return [{ lon: row.lon, lat: row.lat, footprint: f.geometry, gsdCm: f.properties.gsdCm }];
  });
  return analyseCoverage(task.geometry, photos, { gapBelow: coverageSettings(project.db).minOverlap, ...opts });
}

function toStoredFootprint(fp: Footprint): StoredFootprint {
  const { polygon, cornersM: _corners, ...properties } = fp;
  return { type: 'Feature', geometry: polygon, properties };
}

/**
 * Photos the classify step assigned to the task, in capture order: one file per capture (of the stream the task
 * needs), so a multispectral or thermal payload's trigger counts once.
 */
function assignedPhotos(project: Project, task: TaskRow): ImageRow[] {
  const key = (r: ImageRow) => r.captured_at ?? '';
  const rows = listImages(project.db, { status: 'assigned', taskId: task.id }).sort((a, b) => key(a).localeCompare(key(b)) || a.id - b.id);
  return pickStream(rows, task.stream);
}

/** What every footprint of the project shares: the flight-height setting, the take-off altitude, the tilt limit. */
export function footprintContext(db: Project['db']): FootprintContext {
  const settings = coverageSettings(db);
  return {
    flightHeightM: settings.flightHeightM,
    // Two columns, not the photo rows: this runs again after every cull.
    takeoffAltM: estimateTakeoffAlt(listAltitudes(db)),
    maxOffNadirDeg: settings.maxOffNadirDeg,
  };
}

export function poseOf(row: ImageRow): PhotoPose {
  return {
    lat: row.lat,
    lon: row.lon,
    alt: row.alt,
    relAlt: row.rel_alt,
    enteredHeightM: row.entered_height_m,
    gimbalPitch: row.gimbal_pitch,
    gimbalYaw: row.gimbal_yaw,
    gimbalRoll: row.gimbal_roll,
    flightYaw: row.flight_yaw,
    focal35Mm: row.focal35_mm,
    focalMm: row.focal_mm,
    width: row.width,
    height: row.height,
    make: row.make,
    model: row.model,
    sensorKind: row.sensor_kind,
  };
}

/**
 * The GPS altitude of the take-off point: from photos that carry both altitudes when any do (exact up to GPS noise),
 * else the lowest GPS altitude recorded (a photo taken near the ground at take-off or landing); the footprints that
 * rely on it are flagged 'height_estimated'.
 */
function estimateTakeoffAlt(rows: readonly { alt: number; rel_alt: number | null }[]): number | null {
  const both = rows.flatMap((r) => (r.rel_alt !== null ? [r.alt - r.rel_alt] : []));
  // A loop, not Math.min(...): spreading a large project's altitudes overflows the call stack.
  return median(both) ?? rows.reduce<number | null>((low, r) => (low === null || r.alt < low ? r.alt : low), null);
}

/** Direction of travel at each photo (from its previous to its next photo in the same flight), degrees from north. */
function trackYaws(rows: readonly ImageRow[]): (number | null)[] {
  return rows.map((row, k) => {
    if (row.gimbal_yaw !== null || row.flight_yaw !== null || row.lat === null || row.lon === null) return null;
    const usable = (o: ImageRow | undefined) => (o && o.lat !== null && o.lon !== null && o.flight_id === row.flight_id ? o : undefined);
    const a = usable(rows[k - 1]) ?? row;
    const b = usable(rows[k + 1]) ?? row;
    if (a === b) return null;
    const [x, y] = localFrame(a.lon!, a.lat!).toXY(b.lon!, b.lat!);
    return x === 0 && y === 0 ? null : ((Math.atan2(x, y) * 180) / Math.PI + 360) % 360;
  });
}
