/**
 * Classification of 50,000 synthetic photos (50 flights of 1,000: take-off leg, lawnmower grid, way home) against
 * 1,000 square tasks, in a real project database. Baselines measured in this run: a plain loop that reads the same
 * rows and parses their stored JSON (the floor any classification pays), and brute-force matching that tests every
 * task polygon (sampled, scaled to all photos) against the R-tree matcher. Last, classification's cost per photo
 * beside ingest's, measured in the same run on the real Brighton Beach photos: the share of a pilot's wait it adds.
 */
import path from 'node:path';
import { booleanPointInPolygon } from '@turf/turf';
import { classifyProject } from '../src-main/classify/classify.ts';
import { buildTaskMatcher } from '../src-main/classify/match.ts';
import { DEFAULT_CLASSIFY_THRESHOLDS } from '../src-main/classify/thresholds.ts';
import { listImages } from '../src-main/db/images.ts';
import { listTasks } from '../src-main/db/tasks.ts';
import { openProject } from '../src-main/project/project.ts';
import { runIngest } from '../src-main/ingest/ingest.ts';
import { makeTemp, rmTemp, sharedData } from '../tests/support/paths.ts';
import { insertSurveyGrid } from '../tests/support/survey-grid.ts';
import { row, timed } from './support.ts';

const dir = makeTemp('postflight-bench-classify-');
try {
  const project = openProject(path.join(dir, 'project'), { create: true });
  const { db } = project;
  insertSurveyGrid(db, 50_000);
  const rows = listImages(db);
  console.log(`${rows.length} photos, ${listTasks(db).length} tasks`);

  const floor = await timed(async () => {
    let n = 0;
    for (const r of listImages(db)) {
      const meta = JSON.parse(r.metadata_json!) as object;
      const metrics = JSON.parse(r.metrics_json!) as object;
      if (meta && metrics && r.lat !== null) n++;
    }
    return n;
  });
  console.log(row('baseline: read rows + parse JSON', floor.seconds, null));

  const first = await timed(() => classifyProject(project));
  console.log(
    row('classifyProject (first run)', first.seconds, floor.seconds, `${first.value.flights} flights, ${JSON.stringify(first.value.by_status)}`),
  );
  const rerun = await timed(() => classifyProject(project));
  console.log(row('classifyProject (rerun, same result)', rerun.seconds, floor.seconds));

  const tasks = listTasks(db);
  const points = rows.map((r) => ({ lat: r.lat!, lon: r.lon! }));
  const indexed = await timed(async () => {
    const match = buildTaskMatcher(tasks, DEFAULT_CLASSIFY_THRESHOLDS);
    return points.filter((p) => match(p).taskId !== null).length;
  });
  const sample = points.filter((_, i) => i % 50 === 0);
  const brute = await timed(async () => sample.filter((p) => tasks.some((t) => booleanPointInPolygon([p.lon, p.lat], t.geometry))).length);
  const bruteAll = brute.seconds * (points.length / sample.length);
  console.log(row('baseline: brute-force point-in-polygon (scaled)', bruteAll, null, `${sample.length} photos timed`));
  console.log(row('R-tree matcher, all photos', indexed.seconds, bruteAll, `${indexed.value} matched`));
  project.close();

  const real = openProject(path.join(dir, 'real'), { create: true });
  const ingest = await timed(() => runIngest(real, { source: path.join(sharedData, 'brighton_beach'), inPlace: true }));
  real.close();
  const ingestPerPhoto = ingest.seconds / ingest.value.ingested;
  const classifyPerPhoto = first.seconds / rows.length;
  console.log(
    `classify per photo ${(classifyPerPhoto * 1000).toFixed(3)} ms vs ingest per photo ${(ingestPerPhoto * 1000).toFixed(1)} ms ` +
      `(${ingest.value.ingested} real photos): classify adds ${((100 * classifyPerPhoto) / ingestPerPhoto).toFixed(2)}% to ingest`,
  );
} finally {
  rmTemp(dir);
}
