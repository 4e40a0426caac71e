/**
 * Is a re-fly plan wasteful? On the real photo sets in ../shared/data, tasks drawn larger than the flown block leave
 * gaps; the plan's photo count is compared with the least a lawnmower needs at the same overlaps:
 * area / (footprint area x (1 - front) x (1 - side)), for the area the plan must cover (the gaps grown by one
 * footprint, so new photos tie into the old ones) and, for scale, for the bare gap area. Also a synthetic survey
 * with two whole lines missing (a long gap much larger than a footprint). Planning time against the coverage
 * computation the plan starts from, measured in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { booleanPointInPolygon } from '@turf/turf';
import { insertImage, type NewImage } from '../src-main/db/images.ts';
import { listTasks } from '../src-main/db/tasks.ts';
import { computeCoverage } from '../src-main/geo/coverage-service.ts';
import { importTasks } from '../src-main/geo/task-import.ts';
import { openProject } from '../src-main/project/project.ts';
import { localFrame } from '../src-main/geo/local-frame.ts';
import { gridOver, scanFill } from '../src-main/geo/raster.ts';
import { idealPhotoCount, type ReflyPlan } from '../src-main/refly/plan.ts';
import { planTaskRefly } from '../src-main/refly/service.ts';
import { lawnmower, rectangleTask } from '../tests/support/geo-lawnmower.ts';
import { photoRows } from '../tests/support/geo-photos.ts';
import { makeTemp, rmTemp, sharedData } from '../tests/support/paths.ts';
import { taskAround, taskFile } from '../tests/support/refly-task.ts';
import { medianSeconds, row } from './support.ts';
import { sql } from '../src-main/db/database.ts';

const LIMIT = 1.3;

/**
 * Area of the gaps grown by one footprint (their Minkowski sum with the footprint rectangle, turned to the lines'
 * direction), computed here on a 1 m raster independently of how the planner lays its lines: every gap cell stamps
 * a footprint-sized rectangle (across the lines along rows, then along them down columns), block by block.
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
  const halfU = Math.round(plan.footprint.acrossM / 2);
  const halfV = Math.round(plan.footprint.alongM / 2);
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

const dir = makeTemp('postflight-bench-refly-');
let worst = 0;
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
    let plan: ReturnType<typeof planTaskRefly> | undefined;
    const planS = await medianSeconds(async () => (plan = planTaskRefly(project, 'T')));
    const p = plan!;
    const grownM2 = grownArea(p);
    const grown = p.photos.length / idealPhotoCount(grownM2, p);
    const bare = p.photos.length / idealPhotoCount(p.gapAreaM2, p);
    worst = Math.max(worst, grown);
    console.log(`\n${s.label}`);
    console.log(
      `  ${p.gaps.length} gaps, ${Math.round(p.gapAreaM2)} m² (grown by a footprint: ${Math.round(grownM2)} m²); footprint ${p.footprint.acrossM.toFixed(1)} x ${p.footprint.alongM.toFixed(1)} m; ` +
        `${p.photos.length} photos on ${p.lines.length} lines in ${p.blocks} block(s), ${(p.lengthM / 1000).toFixed(2)} km, ${Math.round(p.flightTimeS / 60)} min`,
    );
    console.log(`  photos / ideal for the grown area: ${grown.toFixed(2)}x (limit ${LIMIT}x); for the bare gap area: ${bare.toFixed(2)}x`);
    console.log(row('  coverage of the task (baseline)', coverageS, null));
    console.log(row('  re-fly plan (fresh coverage + planning)', planS, coverageS));
    project.close();
  }
} finally {
  rmTemp(dir);
}
console.log(`\nworst photos / ideal over the grown gaps: ${worst.toFixed(2)}x (${worst <= LIMIT ? 'within' : 'OVER'} ${LIMIT}x)`);
process.exitCode = worst <= LIMIT ? 0 : 1;
