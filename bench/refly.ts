/**
 * Is a re-fly plan wasteful? On the real photo sets in ../shared/data, tasks drawn larger than the flown block leave
 * gaps; the plan's photo count is compared with the least a lawnmower needs at the same overlaps:
 * area / (footprint area x (1 - front) x (1 - side)), both for the bare gap area and for the area its camera
 * positions span (the gaps grown by the plan's reach). Each plan is planned twice: with the default reach (the least
 * that gives every gap point 3 new views) and with the old reach of a whole footprint; flying each is simulated
 * (a footprint per planned photo, from its position, height and yaw, with the task's camera) and the task's coverage
 * and 3-photo overlap after it are reported: the default must keep coverage >= 97 %. Also a synthetic survey with two
 * whole lines missing (a long gap much larger than a footprint). Planning time against the coverage computation the
 * plan starts from, measured in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { booleanPointInPolygon } from '@turf/turf';
import { footprintOf, insertImage, listAcceptedPhotos, type NewImage } from '../src-main/db/images.ts';
import { listTasks } from '../src-main/db/tasks.ts';
import { computeCoverage } from '../src-main/geo/coverage-service.ts';
import { importTasks } from '../src-main/geo/task-import.ts';
import { openProject } from '../src-main/project/project.ts';
import { localFrame } from '../src-main/geo/local-frame.ts';
import { gridOver, scanFill } from '../src-main/geo/raster.ts';
import { idealPhotoCount, type ReflyPlan } from '../src-main/refly/plan.ts';
import { planTaskRefly, type TaskReflyPlan } from '../src-main/refly/service.ts';
import { analyseCoverage } from '../src-main/geo/coverage.ts';
import { computeFootprint } from '../src-main/geo/footprint.ts';
import { lawnmower, rectangleTask } from '../tests/support/geo-lawnmower.ts';
import { photoRows } from '../tests/support/geo-photos.ts';
import { makeTemp, rmTemp, sharedData } from '../tests/support/paths.ts';
import { taskAround, taskFile } from '../tests/support/refly-task.ts';
import { medianSeconds, row } from './support.ts';
import { sql } from '../src-main/db/database.ts';

const LIMIT = 1.3;

/**
 * Area of the gaps grown by the plan's reach (their Minkowski sum with the footprint rectangle scaled by the reach,
 * turned to the lines' direction), computed here on a 1 m raster independently of how the planner lays its lines:
 * every gap cell stamps such a rectangle (across the lines along rows, then along them down columns), block by block.
 */
function grownArea(plan: ReflyPlan): number {
  let total = 0;
  for (let b = 0; b < plan.blocks; b++) total += grownBlockArea(plan, b);
  return total;
}

function grownBlockArea(plan: ReflyPlan, block: number): number {
  const first = plan.lines.find((l) => l.block === block)!;
  const theta = (first.yawDeg * Math.PI) / 180;
  const frame = localFrame(first.coordinates[0][0], first.coordinates[0][1]);
  // u across the lines, v along them.
  const rot = ([x, y]: [number, number]): [number, number] => [x * Math.cos(theta) - y * Math.sin(theta), x * Math.sin(theta) + y * Math.cos(theta)];
  const polys = plan.gaps.filter((_, i) => plan.gapBlocks[i] === block).map((g) => g.geometry.coordinates.map((ring) => ring.map((p) => rot(frame.toXY(p[0]!, p[1]!)))));
  const all = polys.flat(2);
  const pad = Math.max(plan.footprint.acrossM, plan.footprint.alongM);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const grid = gridOver(Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad, 1);
  const cols = grid.cols;
  const cells = new Uint8Array(cols * grid.rows);
  for (const poly of polys) scanFill(grid, poly, (r, c0, c1) => cells.fill(1, r * cols + c0, r * cols + c1 + 1));
  const halfU = Math.round((plan.reach * plan.footprint.acrossM) / 2);
  const halfV = Math.round((plan.reach * plan.footprint.alongM) / 2);
  const wide = new Uint8Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    if (!cells[i]) continue;
    const [r, c] = [Math.floor(i / cols), i % cols];
    wide.fill(1, r * cols + Math.max(0, c - halfU), r * cols + Math.min(cols, c + halfU + 1));
  }
  let area = 0;
  for (let c = 0; c < cols; c++) {
    let end = -Infinity;
    for (let r = 0; r < grid.rows; r++) {
      if (!wide[r * cols + c]) continue;
      const lo = Math.max(r - halfV, end + 1);
      if (r + halfV >= lo) area += r + halfV - lo + 1;
      end = r + halfV;
    }
  }
  return area;
}

interface Scenario {
  label: string;
  rows: NewImage[];
  task: ReturnType<typeof taskAround>;
}

const scenarios: Scenario[] = [];
for (const name of ['brighton_beach', 'p4m_mirafiori']) {
  const rows = await photoRows(path.join(sharedData, name));
  const centres = rows.map((r) => ({ lon: r.lon!, lat: r.lat! }));
  for (const [margin, east] of [[-5, 45], [0, 80], [10, 150]] as const) {
    scenarios.push({ label: `${name}, task ${margin} m around the block + ${east} m east`, rows, task: taskAround(centres, margin, east) });
  }
}
{
  // 75/65 lawnmower at 100 m over 1 x 1 km with two neighbouring lines left out.
  const survey = lawnmower({ front: 0.75, side: 0.65, halfWidthM: 500, halfHeightM: 500 });
  const k = survey.lineX.findIndex((x) => x > 0);
  const rows = survey.photos.flatMap((p, i): NewImage[] =>
    survey.line[i] === k || survey.line[i] === k + 1
      ? []
      : [{
          source_root: '/bench', source_path: `p${i}.jpg`, file_name: `p${i}.jpg`, status: 'staged', ingested_at: '2024-01-01T00:00:00Z',
          captured_at: new Date(Date.UTC(2024, 0, 1) + i * 2000).toISOString(), lat: p.lat, lon: p.lon, alt: p.alt, rel_alt: p.relAlt,
          gimbal_pitch: p.gimbalPitch, gimbal_yaw: p.gimbalYaw, gimbal_roll: p.gimbalRoll, flight_yaw: p.flightYaw, make: p.make,
          model: p.model, focal_mm: p.focalMm, focal35_mm: p.focal35Mm, width: p.width, height: p.height,
        }],
  );
  scenarios.push({ label: 'synthetic 1 km² survey, two lines missing', rows, task: rectangleTask(500, 500) });
}

/** The task's coverage once the plan is flown: its accepted photos' stored footprints plus one per planned photo. */
function afterFlight(project: ReturnType<typeof openProject>, plan: TaskReflyPlan): { coveragePct: number; overlap3Pct: number } {
  const task = listTasks(project.db)[0]!;
  const old = listAcceptedPhotos(project.db, task.id).flatMap((r) => {
    const fp = footprintOf(r);
    return fp ? [{ lon: r.lon!, lat: r.lat!, footprint: fp.geometry, gsdCm: fp.properties.gsdCm }] : [];
  });
  const added = plan.photos.flatMap((p) => {
    const c = plan.camera;
    const r = computeFootprint({
      lat: p.lat, lon: p.lon, alt: null, relAlt: p.heightM, gimbalPitch: -90, gimbalYaw: p.yawDeg, gimbalRoll: 0, flightYaw: p.yawDeg,
      focal35Mm: c.focal35Mm ?? null, focalMm: c.focalMm ?? null, width: c.width ?? null, height: c.height ?? null, make: c.make, model: c.model ?? null,
    });
    return r.ok ? [{ lon: p.lon, lat: p.lat, footprint: r.footprint.polygon, gsdCm: r.footprint.gsdCm }] : [];
  });
  const { coverage } = analyseCoverage(task.geometry, [...old, ...added], { cellM: 0.5 });
  return { coveragePct: coverage.coveragePct, overlap3Pct: coverage.overlap3Pct };
}

const dir = makeTemp('postflight-bench-refly-');
let worst = 0;
let worstBare = 0;
let lowestCoverage = 100;
try {
  for (const [i, s] of scenarios.entries()) {
    const project = openProject(path.join(dir, `p${i}`), { create: true });
    const file = path.join(dir, `task${i}.geojson`);
    fs.writeFileSync(file, taskFile('T', s.task));
    importTasks(project, file);
    const task = listTasks(project.db)[0]!;
    sql(project.db).transaction(() => {
      for (const r of s.rows) {
        const inside = booleanPointInPolygon([r.lon!, r.lat!], task.geometry);
        insertImage(project.db, { ...r, status: inside ? 'assigned' : 'unmatched', task_id: inside ? task.id : null });
      }
    })();
    const coverageS = await medianSeconds(async () => computeCoverage(project, { taskIds: ['T'] }));
    const before = listTasks(project.db)[0]!.coverage!;
    let plan: TaskReflyPlan | undefined;
    const planS = await medianSeconds(async () => (plan = planTaskRefly(project, 'T')));
    console.log(`\n${s.label}`);
    console.log(`  before: coverage ${before.coveragePct.toFixed(1)} %, seen by 3+ ${before.overlap3Pct.toFixed(1)} %`);
    const variants = [
      ['default: reach', plan!],
      ['before (grown by a whole footprint, nothing dropped): reach', planTaskRefly(project, 'T', { reach: 1, minViews: 0 })],
      ['3 new views only (not the default: side overlap inside the gap falls): reach', planTaskRefly(project, 'T', { minViews: 3 })],
    ] as const;
    for (const [label, p] of variants) {
      const grownM2 = grownArea(p);
      const grown = p.photos.length / idealPhotoCount(grownM2, p);
      const bare = p.photos.length / idealPhotoCount(p.gapAreaM2, p);
      const flown = afterFlight(project, p);
      if (p === plan) {
        worst = Math.max(worst, grown);
        worstBare = Math.max(worstBare, bare);
        lowestCoverage = Math.min(lowestCoverage, flown.coveragePct);
      }
      console.log(
        `  ${label} ${p.reach.toFixed(2)}: ${p.gaps.length} gaps, ${Math.round(p.gapAreaM2)} m² (grown: ${Math.round(grownM2)} m²); footprint ${p.footprint.acrossM.toFixed(1)} x ${p.footprint.alongM.toFixed(1)} m; ` +
          `${p.photos.length} photos on ${p.lines.length} lines in ${p.blocks} block(s), ${(p.lengthM / 1000).toFixed(2)} km, ${Math.round(p.flightTimeS / 60)} min`,
      );
      console.log(`    photos / ideal: ${bare.toFixed(2)}x for the bare gap area, ${grown.toFixed(2)}x for the grown area (limit ${LIMIT}x)`);
      console.log(`    after the simulated flight: coverage ${flown.coveragePct.toFixed(1)} %, seen by 3+ ${flown.overlap3Pct.toFixed(1)} %`);
    }
    console.log(row('  coverage of the task (baseline)', coverageS, null));
    console.log(row('  re-fly plan (fresh coverage + planning)', planS, coverageS));
    project.close();
  }
} finally {
  rmTemp(dir);
}
console.log(`\nworst photos / ideal over the grown gaps: ${worst.toFixed(2)}x (${worst <= LIMIT ? 'within' : 'OVER'} ${LIMIT}x)`);
console.log(`worst photos / ideal over the bare gap area: ${worstBare.toFixed(2)}x (${worstBare <= LIMIT ? 'within' : 'over'} ${LIMIT}x)`);
console.log(`lowest coverage after the simulated flight: ${lowestCoverage.toFixed(1)} % (${lowestCoverage >= 97 ? 'at least' : 'UNDER'} 97 %)`);
process.exitCode = worst <= LIMIT && lowestCoverage >= 97 ? 0 : 1;
