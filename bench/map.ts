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
  readySeconds: number[];
  zoomSeconds: number[];
}

/** Fails with what the map showed instead of waiting forever (a stalled run names its step). */
async function within<T>(seconds: number, what: string, work: Promise<T>, state: () => Promise<string>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => void state().then((s) => reject(new Error(`${what}: nothing after ${seconds} s (${s})`)), reject), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Server = Awaited<ReturnType<typeof startServe>>;
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

/** One round on one project: a fresh page to "map ready", then 4 zoom steps (in, out, in, out) each until idle. */
async function round(browser: Browser, server: Server, photos: number, times: MapTimes): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const state = () =>
    page
      .evaluate(`JSON.stringify({ ...document.querySelector('[data-testid="review-map"]')?.dataset, zoom: globalThis.__postflightMap?.getZoom() })`)
      .catch((e: unknown) => String(e)) as Promise<string>;
  try {
    const t0 = performance.now();
    await page.goto(server.url.href);
    const ready = page.locator(`[data-testid="review-map"][data-ready="true"][data-footprints="${photos}"]`).waitFor({ timeout: 0 });
    await within(240, `map ready, ${photos} photos`, ready, state);
    times.readySeconds.push((performance.now() - t0) / 1000);
    const fitted = await page.evaluate<number>('globalThis.__postflightMap.getZoom()');
    for (const zoom of ['zoomIn', 'zoomOut', 'zoomIn', 'zoomOut']) {
      const step = page.evaluate<number>(`new Promise((resolve) => {
        const map = globalThis.__postflightMap;
        const t0 = performance.now();
        map.once('idle', () => resolve((performance.now() - t0) / 1000));
        map.${zoom}({ duration: 0 });
      })`);
      times.zoomSeconds.push(await within(120, `${zoom}, ${photos} photos`, step, state));
    }
    process.stderr.write(`  ${photos} photos (fitted at zoom ${fitted.toFixed(1)}): ready ${times.readySeconds.at(-1)!.toFixed(2)} s, zoom ${times.zoomSeconds.slice(-4).map((s) => s.toFixed(2)).join(' ')} s\n`);
  } finally {
    await page.close();
  }
}

/** 1k and 10k alternate for 3 rounds (other load on the machine hits both alike); medians compared. */
async function measure(root: string, targets: readonly number[], rounds = 3): Promise<MapTimes[]> {
  const projects = targets.map((target) => ({ target, dir: path.join(root, `p${target}`) }));
  const photos = projects.map((p) => makeProject(p.dir, p.target));
  const servers: Server[] = [];
  const browser = await launchBrowser();
  try {
    for (const p of projects) servers.push(await startServe(p.dir, { POSTFLIGHT_STATE_DIR: path.join(root, `state${p.target}`) }));
    const times = photos.map((n): MapTimes => ({ photos: n, readySeconds: [], zoomSeconds: [] }));
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < projects.length; i++) await round(browser, servers[i]!, photos[i]!, times[i]!);
    }
    return times;
  } finally {
    await browser.close();
    for (const s of servers) await s.stop();
  }
}

const root = makeTemp('postflight-bench-map-');
try {
  buildApp();
  const [small, large] = (await measure(root, [1000, 10_000])) as [MapTimes, MapTimes];
  const [ready1k, ready10k, zoom1k, zoom10k] = [small.readySeconds, large.readySeconds, small.zoomSeconds, large.zoomSeconds].map(median) as [number, number, number, number];
  console.log(row(`map ready, ${small.photos} photos (baseline)`, ready1k, null));
  console.log(row(`map ready, ${large.photos} photos`, ready10k, ready1k, ready10k <= 3 * ready1k ? '(goal <= 3x: met)' : '(goal <= 3x: NOT met)'));
  console.log(row(`zoom step, ${small.photos} photos (baseline)`, zoom1k, null));
  console.log(row(`zoom step, ${large.photos} photos`, zoom10k, zoom1k, zoom10k <= 3 * zoom1k ? '(goal <= 3x: met)' : '(goal <= 3x: NOT met)'));
} finally {
  rmTemp(root);
}
