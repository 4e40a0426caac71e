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
import { TrackBuilder } from '../tests/support/tracks.ts';
import { insertRectTask, insertTrack } from '../tests/support/tracks-project.ts';
import { row, timed } from './support.ts';

const ORIGIN = { lat: 27.7, lon: 85.3 };
const TASK_M = 200;
const COLS = 40;
const ROWS = 25;

const dir = makeTemp('postflight-bench-classify-');
try {
  const project = openProject(path.join(dir, 'project'), { create: true });
  const { db } = project;
  db.transaction(() => {
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < COLS; c++) insertRectTask(db, `${r}-${c}`, ORIGIN, [c * TASK_M, r * TASK_M, (c + 1) * TASK_M, (r + 1) * TASK_M]);
    }
  })();

  // 50 flights over 2x1 blocks of tasks across the grid: 5 drones flying 10 flights each, in daylight.
  let nextId = 1;
  for (let f = 0; f < 50; f++) {
    const drone = f % 5;
    const start = Date.parse('2024-06-21T02:00:00Z') + Math.floor(f / 5) * 40 * 60_000 + drone * 60_000;
    const bx = (f % 20) * 2 * TASK_M;
    const by = Math.floor(f / 20) * 2 * TASK_M + TASK_M;
    const b = new TrackBuilder(ORIGIN, nextId).moveTo(bx + 150, by - 450, 60);
    b.photo().fly(bx, by, { every: 25, speed: 10 });
    b.survey({ strips: 18, length: 2 * TASK_M - 10, spacing: 10, every: 7.5, speed: 6 });
    b.fly(bx + 150, by - 450, { every: 25, speed: 10 });
    const photos = b.photos.slice(0, 1000);
    insertTrack(db, photos, start, () => ({ serial: `drone-${drone}` }));
    nextId += photos.length;
  }
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
