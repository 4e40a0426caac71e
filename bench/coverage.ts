/**
 * Coverage of one 5,000-photo task (synthetic 75/65 lawnmower at 100 m, 2.5 cm GSD, 2.3 x 2.5 km task), against the
 * time to compute the same photos' footprints alone, measured in this run. Also the whole service over a real
 * project database (footprints stored per photo, coverage per task).
 */
import fs from 'node:fs';
import path from 'node:path';
import { computeFootprint } from '../src-main/geo/footprint.ts';
import { analyseCoverage, type CoveragePhoto } from '../src-main/geo/coverage.ts';
import { computeCoverage } from '../src-main/geo/coverage-service.ts';
import { openProject } from '../src-main/project/project.ts';
import { listTasks } from '../src-main/db/tasks.ts';
import { importTasks } from '../src-main/geo/task-import.ts';
import { lawnmower, rectangleTask } from '../tests/support/geo-lawnmower.ts';
import { makeTemp, rmTemp } from '../tests/support/paths.ts';
import { insertSurveyPhotos, medianSeconds, row } from './support.ts';

const survey = lawnmower({ front: 0.75, side: 0.65, halfWidthM: 1150, halfHeightM: 1230 });
const task = rectangleTask(1150, 1230);
console.log(`${survey.photos.length} photos, ${survey.lineX.length} lines`);

const footprints = (): CoveragePhoto[] =>
  survey.photos.map((p) => {
    const r = computeFootprint(p);
    if (!r.ok) throw new Error(r.message);
    return { lon: p.lon!, lat: p.lat!, footprint: r.footprint.polygon, gsdCm: r.footprint.gsdCm };
  });

const baseline = await medianSeconds(async () => footprints());
console.log(row('footprints only (baseline)', baseline, null));
const photos = footprints();
let last: ReturnType<typeof analyseCoverage> | undefined;
const analysis = await medianSeconds(async () => (last = analyseCoverage(task, photos)));
const { grid } = last!.raster;
console.log(row('coverage analysis (raster, overlap, gaps)', analysis, baseline, `${grid.cols}x${grid.rows} cells of ${grid.cellM} m`));

const dir = makeTemp('postflight-bench-coverage-');
try {
  const project = openProject(path.join(dir, 'project'), { create: true });
  const file = path.join(dir, 'task.geojson');
  fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { task_id: 'big' }, geometry: task }] }));
  importTasks(project, file);
  const taskRow = listTasks(project.db)[0]!;
  insertSurveyPhotos(project.db, survey.photos, taskRow.id);
  const service = await medianSeconds(async () => computeCoverage(project), 1);
  console.log(row('computeCoverage service (read, store all)', service, baseline));
  project.close();
} finally {
  rmTemp(dir);
}
