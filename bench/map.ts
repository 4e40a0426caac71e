/**
 * The review map with 10,000 photos against 1,000 in the same run (software GL, so only the ratio means much): time
 * from opening the app to the map being drawn and idle ("map ready"), and one zoom step until idle, in a real
 * Chromium against `postflight serve`. Synthetic lawnmower surveys; every photo has a stored footprint.
 * Target from issue 15: ready <= 2 s and a zoom step <= 0.5 s at 10k, and 10k costing <= 3x 1k.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { computeCoverage } from '../src-main/geo/coverage-service.ts';
import { openProject } from '../src-main/project/project.ts';
import { listTasks } from '../src-main/db/tasks.ts';
import { importTasks } from '../src-main/geo/task-import.ts';
import { lawnmower, rectangleTask } from '../tests/support/geo-lawnmower.ts';
import { makeTemp, rmTemp } from '../tests/support/paths.ts';
import { startServe } from '../tests/support/cli.ts';
import { launchBrowser } from '../tests/support/browser.ts';
import { buildApp } from '../tests/support/e2e.ts';
import { insertSurveyPhotos, median, row } from './support.ts';

/** A project of about `target` photos over one task, every photo assigned and its footprint stored. */
function makeProject(dir: string, target: number): number {
  const half = Math.sqrt((target / 762) * 1e6) / 2 - 60;
  const survey = lawnmower({ front: 0.75, side: 0.65, halfWidthM: half, halfHeightM: half });
  const project = openProject(dir, { create: true });
  try {
    const file = path.join(path.dirname(dir), `task-${target}.geojson`);
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { task_id: 'survey' }, geometry: rectangleTask(half, half) }] }));
    importTasks(project, file);
    const taskRow = listTasks(project.db)[0]!;
    insertSurveyPhotos(project.db, survey.photos, taskRow.id);
    computeCoverage(project);
    return survey.photos.length;
  } finally {
    project.close();
  }
}

interface MapTimes {
  photos: number;
  readySeconds: number;
  zoomSeconds: number;
}

async function measure(root: string, target: number): Promise<MapTimes> {
  const dir = path.join(root, `p${target}`);
  const photos = makeProject(dir, target);
  const server = await startServe(dir, { POSTFLIGHT_STATE_DIR: path.join(root, `state${target}`) });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const readyTimes: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      await page.goto(server.url.href);
      await page.locator(`[data-testid="review-map"][data-ready="true"][data-footprints="${photos}"]`).waitFor({ timeout: 300_000 });
      readyTimes.push((performance.now() - t0) / 1000);
    }
    const zoomTimes: number[] = [];
    for (let step = 0; step < 6; step++) {
      const zoom = step % 2 === 0 ? 'zoomIn' : 'zoomOut';
      const seconds = await page.evaluate<number>(`new Promise((resolve) => {
        const map = globalThis.__postflightMap;
        const t0 = performance.now();
        map.once('idle', () => resolve((performance.now() - t0) / 1000));
        map.${zoom}({ duration: 0 });
      })`);
      zoomTimes.push(seconds);
    }
    return { photos, readySeconds: median(readyTimes), zoomSeconds: median(zoomTimes) };
  } finally {
    await browser.close();
    await server.stop();
  }
}

const root = makeTemp('postflight-bench-map-');
try {
  buildApp();
  const small = await measure(root, 1000);
  const large = await measure(root, 10_000);
  console.log(row(`map ready, ${small.photos} photos (baseline)`, small.readySeconds, null));
  console.log(row(`map ready, ${large.photos} photos`, large.readySeconds, small.readySeconds));
  console.log(row(`zoom step, ${small.photos} photos (baseline)`, small.zoomSeconds, null));
  console.log(row(`zoom step, ${large.photos} photos`, large.zoomSeconds, small.zoomSeconds));
} finally {
  rmTemp(root);
}
