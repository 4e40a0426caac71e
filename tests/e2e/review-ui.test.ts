/**
 * The desktop UI in a real Chromium against `postflight serve` over a real project: the Brighton Beach card is
 * ingested through the UI, the sample tasks imported through the file input, and every check reads the SQLite file.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServe } from '../support/cli.ts';
import { makeTemp, repoRoot, rmTemp, sharedData } from '../support/paths.ts';
import { launchBrowser, screenshot, watchPage, type PageGlobals } from '../support/browser.ts';
import { buildApp, readDb, waitForJobs, writeSetting } from '../support/e2e.ts';
import { connectDocker, requireDocker } from '../../src-main/odm/docker-engine.ts';
import { buildStandInImages, STANDIN_FAST } from '../support/odm-image.ts';
import { dropBucket, freshBucket, RGW, rgwClient } from '../support/rgw.ts';
import { listKeys, remoteMd5 } from '../support/sync-s3.ts';
import { startDronetmStandIn } from '../support/dronetm-server.ts';

const card = path.join(sharedData, 'brighton_beach');
const tasksFile = path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson');

interface Drawn {
  tasks: string[];
  points: number[];
}

/** What the map has drawn right now, deduplicated across tiles. */
function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const map = (globalThis as unknown as PageGlobals).__postflightMap;
    const ids = (layer: string, key: string) => [
      ...new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties[key] as string | number)),
    ];
    return { tasks: (ids('task-fill', 'taskId') as string[]).sort(), points: (ids('photo-points', 'id') as number[]).sort((a, b) => a - b) };
  });
}

/** Pixels of a task's overlap image by colour band, read back from the PNG the map was given. */
interface BandCounts {
  inside: number;
  low: number;
  thin: number;
  good: number;
}

/** The browser APIs the overlap probe uses inside `page.evaluate` (tests compile without the DOM's types). */
interface ImageProbeGlobals extends PageGlobals {
  fetch(url: string): Promise<{ blob(): Promise<unknown> }>;
  createImageBitmap(blob: unknown): Promise<{ width: number; height: number }>;
  OffscreenCanvas: new (w: number, h: number) => {
    getContext(kind: '2d'): { drawImage(img: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
  };
}

function overlapBands(page: Page, taskId: string): Promise<BandCounts> {
  return page.evaluate(async (id) => {
    const g = globalThis as unknown as ImageProbeGlobals;
    const url = g.__postflightMap.getSource(`overlap-${id}`)!.url!;
    const bitmap = await g.createImageBitmap(await (await g.fetch(url)).blob());
    const ctx = new g.OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const counts = { inside: 0, low: 0, thin: 0, good: 0 };
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      counts.inside++;
      // Red (213,0,0), amber (255,171,0), green (0,200,83), give or take PNG's premultiplied-alpha rounding.
      if (data[i + 1]! < 80) counts.low++;
      else if (data[i]! > 128) counts.thin++;
      else counts.good++;
    }
    return counts;
  }, taskId);
}

describe('Postflight UI (browser against postflight serve)', () => {
  let dir: string;
  let projectDir: string;
  let server: Awaited<ReturnType<typeof startServe>>;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchPage>;
  const buckets: string[] = [];
  const db = <T>(sql: string, ...params: unknown[]) => readDb(projectDir, (d) => d.prepare(sql).all(...params) as T[]);

  beforeAll(async () => {
    buildApp();
    dir = makeTemp('postflight-e2e-');
    projectDir = path.join(dir, 'project');
    server = await startServe(projectDir, { POSTFLIGHT_STATE_DIR: path.join(dir, 'state') });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch = watchPage(page);
    await page.goto(server.url.href);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const b of buckets) await dropBucket(b); // RGW keeps its data in RAM
    if (dir) rmTemp(dir);
  });

  it('imports the task file and ingests the card, showing progress and a summary', async () => {
    await page.getByRole('button', { name: 'Project', exact: true }).click();
    await page.getByTestId('task-file').setInputFiles(tasksFile);
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/Imported 2 task/);
    expect(db<{ task_id: string }>('SELECT task_id FROM tasks ORDER BY task_id').map((r) => r.task_id)).toEqual(['1', '2']);

    await page.getByRole('button', { name: 'Ingest', exact: true }).click();
    await page.getByTestId('ingest-source').fill(card);
    await page.getByRole('button', { name: 'Start ingest' }).click();
    // The bar moves while the card is read (progress events over the WebSocket), then the summary replaces it.
    const bar = page.getByRole('progressbar', { name: 'Ingest progress' }).first();
    await expect.poll(() => bar.getAttribute('aria-valuenow').then(Number), { timeout: 60_000 }).toBeGreaterThan(0);
    await screenshot(page, 'ingest-progress');
    const summary = page.getByTestId('ingest-summary');
    await summary.waitFor({ timeout: 120_000 });
    expect(await summary.textContent()).toMatch(/Ingested\s*18/);
    await screenshot(page, 'ingest-summary');
    const jobs = await waitForJobs(server.url, server.token, ['ingest', 'classify', 'coverage']);
    expect(jobs.map((j) => [j.kind, j.state])).toEqual(expect.arrayContaining([['ingest', 'done'], ['classify', 'done'], ['coverage', 'done']]));
    expect(db<{ n: number }>("SELECT count(*) AS n FROM images WHERE status = 'assigned'")[0]!.n).toBe(18);
  });

  it('draws the tasks and every photo point on the map once it is idle', async () => {
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    await page.locator('[data-testid="review-map"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => drawn(page), { timeout: 30_000 }).toEqual({
      tasks: ['1', '2'],
      points: db<{ id: number }>('SELECT id FROM images ORDER BY id').map((r) => r.id),
    });
    const taskStates = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).__postflightMap.queryRenderedFeatures({ layers: ['task-fill'] }).map((f) => f.properties.state as string),
    );
    expect(new Set(taskStates)).toEqual(new Set(['covered'])); // both tasks > 95 % covered, neither verified yet
    expect(await page.locator('.task-label').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^1 · \d+(\.\d)?%$/)]));
    await screenshot(page, 'map');
  });

  it('draws each task\'s overlap raster in the ramp, agreeing with the stored overlap figures, with a legend and a toggle', async () => {
    const stored = db<{ task_id: string; coverage_json: string }>('SELECT task_id, coverage_json FROM tasks ORDER BY task_id').map((r) => ({
      taskId: r.task_id,
      ...(JSON.parse(r.coverage_json) as { overlap3Pct: number; overlap5Pct: number }),
    }));
    const ready = () =>
      page.evaluate((ids) => {
        const map = (globalThis as unknown as PageGlobals).__postflightMap;
        return ids.every((id) => map.getLayer(`overlap-${id}`) !== undefined && map.getSource(`overlap-${id}`)?.loaded() === true);
      }, stored.map((t) => t.taskId));
    await expect.poll(ready, { timeout: 30_000 }).toBe(true);
    for (const t of stored) {
      const bands = await overlapBands(page, t.taskId);
      expect(bands.inside).toBeGreaterThan(100);
      // Same raster as the stored figures: shares of the task seen by >= 3 and >= 5 photos.
      expect(((bands.thin + bands.good) / bands.inside) * 100).toBeCloseTo(t.overlap3Pct, 0);
      expect((bands.good / bands.inside) * 100).toBeCloseTo(t.overlap5Pct, 0);
      expect(bands.low + bands.thin + bands.good).toBe(bands.inside);
    }
    expect(await page.getByTestId('legend-overlap-low').textContent()).toMatch(/Fewer than 3 photos/);
    await screenshot(page, 'map-overlap');
    const visibility = () =>
      page.evaluate((id) => {
        const map = (globalThis as unknown as PageGlobals).__postflightMap as unknown as { getLayoutProperty(l: string, p: string): unknown };
        return map.getLayoutProperty(`overlap-${id}`, 'visibility');
      }, stored[0]!.taskId);
    await page.getByRole('checkbox', { name: 'Overlap' }).uncheck();
    await expect.poll(visibility).toBe('none');
    await expect.poll(() => page.getByTestId('legend-overlap-low').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Overlap' }).check();
    await expect.poll(visibility).toBe('visible');
  });

  it('opens the clicked photo', async () => {
    // A point drawn alone under its own pixel, not under the legend or a control.
    const target = await page.evaluate(() => {
      const { __postflightMap: map, document } = globalThis as unknown as PageGlobals;
      const rect = map.getCanvas().getBoundingClientRect();
      for (const f of map.queryRenderedFeatures({ layers: ['photo-points'] })) {
        const [lon, lat] = (f.geometry as { coordinates: [number, number] }).coordinates;
        const p = map.project([lon, lat]);
        const hits = new Set(map.queryRenderedFeatures([[p.x - 6, p.y - 6], [p.x + 6, p.y + 6]], { layers: ['photo-points'] }).map((h) => h.properties.id));
        if (hits.size === 1 && document.elementFromPoint(rect.left + p.x, rect.top + p.y) === map.getCanvas()) {
          return { id: f.properties.id as number, x: rect.left + p.x, y: rect.top + p.y };
        }
      }
      return null;
    });
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    const detail = page.getByTestId('photo-detail');
    await detail.waitFor();
    expect(Number(await detail.getAttribute('data-id'))).toBe(target!.id);
    const fileName = db<{ file_name: string }>('SELECT file_name FROM images WHERE id = ?', target!.id)[0]!.file_name;
    await expect.poll(() => detail.getByRole('heading', { level: 2 }).textContent()).toBe(fileName);
    await expect.poll(() => detail.locator('img.big').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await screenshot(page, 'photo-detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  it('culls with the keyboard: R rejects, U undoes, A accepts, Space + bulk reject; each lands in the database', async () => {
    await page.getByRole('button', { name: 'Gallery', exact: true }).click();
    const grid = page.getByTestId('gallery-grid');
    await expect.poll(() => page.locator('[data-testid="thumb"]').count()).toBe(18);
    await grid.focus();
    await page.keyboard.press('ArrowRight');
    const focused = page.locator('.thumb.focused');
    const id = Number(await focused.getAttribute('data-id'));
    const row = () => db<{ status: string; manual_decision: string | null }>('SELECT status, manual_decision FROM images WHERE id = ?', id)[0];

    await page.keyboard.press('r');
    await page.locator(`[data-id="${id}"][data-decision="rejected"]`).waitFor();
    expect(row()).toEqual({ status: 'rejected', manual_decision: 'rejected' });

    await page.keyboard.press('u');
    await page.locator(`[data-id="${id}"][data-decision=""]`).waitFor();
    expect(row()).toEqual({ status: 'assigned', manual_decision: null });

    await page.keyboard.press('ArrowLeft'); // the cursor moved on after R; U leaves it where it is
    await page.keyboard.press('a');
    await page.locator(`[data-id="${id}"][data-decision="accepted"]`).waitFor();
    expect(row()).toEqual({ status: 'assigned', manual_decision: 'accepted' });
    const logged = db<{ payload: string }>("SELECT payload FROM events WHERE kind = 'photo.decision' AND image_id = ? ORDER BY id", id);
    expect(logged.map((e) => (JSON.parse(e.payload) as { decision: string | null }).decision)).toEqual(['rejected', null, 'accepted']);

    // Two photos further on: select both, reject them in one go.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    const selected = (await page.locator('.thumb[aria-selected="true"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).sort();
    expect(selected).toHaveLength(2);
    await page.getByRole('button', { name: 'Reject selected' }).click();
    await expect.poll(() => page.locator('.thumb[data-decision="rejected"]').count()).toBe(2);
    const rejected = db<{ id: number }>("SELECT id FROM images WHERE status = 'rejected' AND manual_decision = 'rejected' ORDER BY id").map((r) => r.id);
    expect(rejected).toEqual(selected);
    await screenshot(page, 'gallery-culled');
  });

  /** The gallery's photos in grid order, and the first index where `n` undecided photos follow each other. */
  async function undecidedRun(n: number): Promise<{ ids: number[]; at: number }> {
    const shown = await page.locator('[data-testid="thumb"]').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-id')), e.getAttribute('data-decision')] as const));
    const at = shown.findIndex((_, i) => shown.slice(i, i + n).length === n && shown.slice(i, i + n).every(([, d]) => d === ''));
    expect(at).toBeGreaterThanOrEqual(0);
    return { ids: shown.map(([id]) => id), at };
  }
  const decisionsLogged = (id: number) =>
    db<{ payload: string }>("SELECT payload FROM events WHERE kind = 'photo.decision' AND image_id = ? ORDER BY id", id).map(
      (e) => (JSON.parse(e.payload) as { decision: string | null }).decision,
    );

  it('keeps up with keys typed faster than the core answers: each acts on the next photo, in key order', async () => {
    const { ids, at } = await undecidedRun(2);
    const earlier = [decisionsLogged(ids[at]!).length, decisionsLogged(ids[at + 1]!).length];
    await page.locator('[data-testid="thumb"]').nth(at).click();
    await page.keyboard.type('aruu'); // no waiting between keys
    const logged = (k: 0 | 1) => decisionsLogged(ids[at + k]!).slice(earlier[k]);
    await expect.poll(() => logged(0).length + logged(1).length).toBe(4);
    expect(logged(0)).toEqual(['accepted', null]);
    expect(logged(1)).toEqual(['rejected', null]);
    expect(db<{ n: number }>('SELECT count(*) AS n FROM images WHERE id IN (?, ?) AND manual_decision IS NULL', ids[at], ids[at + 1])[0]!.n).toBe(2);
  });

  it('opens the focused photo with Enter, decides in it by key, keeps Tab inside it, and Escape gives the keys back to the grid', async () => {
    const { ids, at } = await undecidedRun(2);
    const id = ids[at]!;
    const earlier = decisionsLogged(id).length;
    const logged = () => decisionsLogged(id).slice(earlier);
    await page.locator('[data-testid="thumb"]').nth(at).click();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('photo-detail');
    await detail.waitFor();
    expect(Number(await detail.getAttribute('data-id'))).toBe(id);
    await page.keyboard.press('r');
    await expect.poll(logged).toEqual(['rejected']);
    const clear = detail.getByRole('button', { name: 'Clear my decision' });
    const focusInside = () => detail.evaluate((d) => d.contains(d.ownerDocument.activeElement));
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await focusInside()).toBe(true);
    }
    await clear.click(); // disabled once cleared: the focus drops off it, the keys must still reach the dialog
    await expect.poll(logged).toEqual(['rejected', null]);
    await expect.poll(() => clear.isDisabled()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusInside()).toBe(true);
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    expect(await page.getByTestId('gallery-grid').evaluate((g) => g === g.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect(Number(await page.locator('.thumb.focused').getAttribute('data-id'))).toBe(ids[at + 1]);
  });

  it('filters narrow the gallery to what the database holds', async () => {
    const total = () => page.getByTestId('gallery-count').getAttribute('data-total').then(Number);
    await page.getByTestId('filter-task').selectOption('2');
    const inTask2 = db<{ n: number }>("SELECT count(*) AS n FROM images i JOIN tasks t ON t.id = i.task_id WHERE t.task_id = '2'")[0]!.n;
    await expect.poll(total).toBe(inTask2);
    expect(inTask2).toBeLessThan(18);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(total).toBe(18);
    await page.getByRole('checkbox', { name: /^Rejected/ }).check();
    await expect.poll(total).toBe(2);
    await expect.poll(() => page.locator('[data-testid="thumb"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['rejected', 'rejected']);
    await page.getByTestId('filter-reason').selectOption('manual');
    await expect.poll(total).toBe(2);
    await screenshot(page, 'gallery-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('verify refuses with the reasons, then verifies on a deliberate override', async () => {
    await page.getByRole('button', { name: 'Tasks', exact: true }).click();
    const refusedTask = db<{ task_id: string }>('SELECT task_id FROM tasks ORDER BY task_id')[0]!.task_id;
    const taskRow = page.getByTestId(`task-${refusedTask}`);
    await taskRow.getByRole('button', { name: `Verify task ${refusedTask}` }).click();
    const refusal = taskRow.getByTestId('verify-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/at least \d+(\.\d+)?% is needed/);
    expect(db<{ verified_at: string | null }>('SELECT verified_at FROM tasks WHERE task_id = ?', refusedTask)[0]!.verified_at).toBeNull();
    await screenshot(page, 'verify-refused');

    await refusal.getByRole('button', { name: 'Verify anyway (override)' }).click();
    await page.locator(`[data-testid="task-${refusedTask}"][data-state="verified"]`).waitFor();
    const task = db<{ verified_at: string | null; verify_forced: number }>('SELECT verified_at, verify_forced FROM tasks WHERE task_id = ?', refusedTask)[0]!;
    expect(task.verified_at).not.toBeNull();
    expect(task.verify_forced).toBe(1);
    expect(db<{ n: number }>("SELECT count(*) AS n FROM events WHERE kind = 'task_verified_forced'")[0]!.n).toBe(1);
    expect(await page.getByTestId('checklist').getAttribute('data-ready')).toBe('false');
  });

  it('keeps the job history and the sunlight theme across a reload, and never leaves 127.0.0.1', async () => {
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    await page.reload();
    await page.locator('[data-testid="job-ingest"][data-state="done"]').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme)).toBe('sunlight');
    await page.getByRole('button', { name: 'Tasks', exact: true }).click();
    await page.getByTestId('checklist').waitFor();
    await screenshot(page, 'tasks-sunlight');
    expect(watch.offsiteRequests).toEqual([]);
    expect(watch.errors).toEqual([]);
  });

  it('makes an orthophoto of the verified task from its ODM panel (real Docker) and lays it on the map', async () => {
    // CI starts dockerd: without Docker this fails, it does not skip.
    const docker = connectDocker();
    await requireDocker(docker);
    await buildStandInImages(docker);
    writeSetting(projectDir, 'odm.image', STANDIN_FAST);
    writeSetting(projectDir, 'odm.gpuImage', STANDIN_FAST);
    const taskId = db<{ task_id: string }>('SELECT task_id FROM tasks WHERE verified_at IS NOT NULL ORDER BY task_id')[0]!.task_id;
    await page.getByRole('button', { name: 'Tasks', exact: true }).click();
    const panel = page.getByTestId(`odm-${taskId}`);
    await panel.getByLabel('GPU').selectOption('auto');
    await panel.getByRole('button', { name: 'Start ODM' }).click();
    await page.locator(`[data-testid="odm-${taskId}"][data-state="done"]`).waitFor({ timeout: 120_000 });
    // The log lines arrived live (job.log events), and the outcome says where the result went.
    await expect.poll(() => panel.getByTestId('odm-log').textContent()).toContain('Finished odm_orthophoto stage');
    expect(await panel.getByTestId('odm-status').textContent()).toMatch(/Last run done · .*100% · CPU · on the map/);
    const runs = db<{ id: string; state: string; outputs_json: string }>(
      'SELECT r.id, r.state, r.outputs_json FROM odm_runs r JOIN tasks t ON t.id = r.task_id WHERE t.task_id = ?',
      taskId,
    );
    expect(runs.map((r) => r.state)).toEqual(['done']);
    const overlay = (JSON.parse(runs[0]!.outputs_json) as { overlay: { corners: [number, number][] } }).overlay;
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'odm-panel');

    await page.getByRole('button', { name: 'Map', exact: true }).click();
    const layerId = `ortho-${runs[0]!.id}`;
    const loaded = () =>
      page.evaluate((id) => {
        const map = (globalThis as unknown as PageGlobals).__postflightMap;
        const order = (map.getStyle().layers ?? []).map((l) => l.id);
        return { layer: map.getLayer(id) !== undefined, loaded: map.getSource(id)?.loaded() === true, belowTasks: order.indexOf(id) < order.indexOf('task-fill') };
      }, layerId);
    await expect.poll(loaded, { timeout: 30_000 }).toEqual({ layer: true, loaded: true, belowTasks: true });
    // Placed where ODM's GeoTIFF says, and fetched by run id through the token-guarded media route, never a path.
    const coordinates = await page.evaluate((id) => {
      const src = (globalThis as unknown as PageGlobals).__postflightMap.getSource(id) as unknown as { coordinates: [number, number][]; url: string };
      return { coordinates: src.coordinates, url: src.url };
    }, layerId);
    expect(coordinates.coordinates).toEqual(overlay.corners);
    expect(coordinates.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/media/overlay/${runs[0]!.id}$`));
    await page.evaluate((c) => {
      const map = (globalThis as unknown as PageGlobals).__postflightMap as unknown as { fitBounds(b: [[number, number], [number, number]], o: object): void };
      const lons = c.map((p) => p[0]);
      const lats = c.map((p) => p[1]);
      map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 80, duration: 0 });
    }, overlay.corners);
    await page.locator('[data-testid="review-map"][data-ready="true"]').waitFor();
    await screenshot(page, 'map-orthophoto');
  });

  it('syncs the verified task to S3 (RGW) from the Sync view with keys kept out of the database, and shows it synced', async () => {
    const bucket = await freshBucket('e2e');
    buckets.push(bucket);
    const taskId = db<{ task_id: string }>('SELECT task_id FROM tasks WHERE verified_at IS NOT NULL ORDER BY task_id')[0]!.task_id;
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page.getByLabel('Endpoint').fill(RGW.endpoint);
    await page.getByLabel('Region').fill(RGW.region);
    await page.getByLabel('Bucket', { exact: true }).fill(bucket);
    await page.getByRole('checkbox', { name: /Path-style/ }).check();
    await page.getByRole('button', { name: 'Save target' }).click();
    await expect.poll(() => db<{ value: string }>("SELECT value FROM settings WHERE key = 'sync.target'")[0]?.value).toContain(bucket);
    await page.getByLabel('Access key').fill(RGW.credentials.accessKeyId);
    await page.getByLabel('Secret key').fill(RGW.credentials.secretAccessKey);
    await page.getByRole('button', { name: 'Save keys' }).click();
    await expect.poll(() => page.getByTestId('sync-keys-state').textContent()).toBe('Saved for this target');
    expect(await page.getByLabel('Secret key').inputValue()).toBe(''); // not kept in the page either
    await screenshot(page, 'sync-target');

    await page.getByRole('button', { name: `Sync task ${taskId}` }).click();
    await page.locator(`[data-testid="sync-task-${taskId}"][data-synced="true"]`).waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('job-sync').first().getAttribute('data-state')).toBe('done');
    await page.getByTestId(`sync-task-${taskId}`).scrollIntoViewIfNeeded();
    await screenshot(page, 'sync-done');

    const photos = db<{ file_name: string; md5: string }>(
      `SELECT i.file_name, i.md5 FROM images i JOIN tasks t ON t.id = i.task_id WHERE t.task_id = ?
         AND (i.status = 'assigned' OR i.manual_decision = 'accepted') AND (i.manual_decision IS NULL OR i.manual_decision <> 'rejected')`,
      taskId,
    );
    expect(photos.length).toBeGreaterThan(2);
    const client = rgwClient();
    try {
      const keys = await listKeys(client, bucket, '');
      const imageKeys = keys.filter((k) => k.includes(`/${taskId}/images/`));
      expect(imageKeys.map((k) => k.slice(k.lastIndexOf('/') + 1)).sort()).toEqual(photos.map((p) => p.file_name).sort());
      expect(keys.some((k) => k.endsWith(`/${taskId}/postflight-manifest.json`))).toBe(true);
      const first = imageKeys[0]!;
      expect(await remoteMd5(client, bucket, first)).toBe(photos.find((p) => first.endsWith(`/${p.file_name}`))!.md5);
    } finally {
      client.destroy();
    }
    expect(db<{ synced_at: string | null }>('SELECT synced_at FROM tasks WHERE task_id = ?', taskId)[0]!.synced_at).not.toBeNull();
    // The secret went to the server's memory only: not into any table of the project.
    const secret = RGW.credentials.secretAccessKey;
    for (const table of ['settings', 'events', 'jobs']) {
      const rows = db<Record<string, unknown>>(`SELECT * FROM ${table}`);
      expect(JSON.stringify(rows).includes(secret), table).toBe(false);
    }
    expect(watch.offsiteRequests).toEqual([]);
    expect(watch.errors).toEqual([]);
  }, 300_000); // RGW may have to be started first

  it('sends the verified task to a DroneTM project chosen in the Sync view: sign-in kept out of the project, photos in user-uploads', async () => {
    const bucket = await freshBucket('e2edtm');
    buckets.push(bucket);
    const projectId = randomUUID();
    const pilot = { id: 'u-1', email: 'pilot@example.org', password: 'field pw', name: 'Pilot' };
    const dtm = await startDronetmStandIn({ bucket, users: [pilot], projects: [{ id: projectId, name: 'e2e', authorId: pilot.id, tasks: [] }] });
    try {
      const taskId = db<{ task_id: string }>('SELECT task_id FROM tasks WHERE verified_at IS NOT NULL ORDER BY task_id')[0]!.task_id;
      await page.getByRole('radio', { name: 'DroneTM project' }).check();
      await page.getByLabel('DroneTM address').fill(dtm.url);
      await page.getByLabel('Project id').fill(projectId);
      await page.getByRole('button', { name: 'Save DroneTM project' }).click();
      await expect.poll(() => db<{ value: string }>("SELECT value FROM settings WHERE key = 'sync.kind'")[0]?.value).toBe('"dronetm"');
      await page.getByLabel('E-mail').fill(pilot.email);
      await page.getByLabel('Password').fill('wrong');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/did not accept this e-mail and password/);
      await page.getByLabel('Password').fill(pilot.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByTestId('dtm-signin-state').textContent()).toMatch(/^Signed in/);
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      await screenshot(page, 'sync-dronetm');

      await page.getByRole('button', { name: `Sync task ${taskId}` }).click();
      await expect.poll(() => dtm.stats.completes.length, { timeout: 120_000 }).toBeGreaterThan(2);
      await expect.poll(() => page.getByTestId('job-sync').first().getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
      const photos = db<{ file_name: string }>(
        `SELECT i.file_name FROM images i JOIN tasks t ON t.id = i.task_id WHERE t.task_id = ?
           AND (i.status = 'assigned' OR i.manual_decision = 'accepted') AND (i.manual_decision IS NULL OR i.manual_decision <> 'rejected')`,
        taskId,
      );
      const client = rgwClient();
      try {
        const keys = await listKeys(client, bucket, `projects/${projectId}/user-uploads/`);
        expect(keys.map((k) => k.slice(k.lastIndexOf('/') + 1)).sort()).toEqual(photos.map((p) => p.file_name).sort());
      } finally {
        client.destroy();
      }
      expect(new Set(dtm.stats.completes.map((c) => c.batchId)).size).toBe(1);
      for (const table of ['settings', 'events', 'jobs']) {
        expect(JSON.stringify(db<Record<string, unknown>>(`SELECT * FROM ${table}`)).includes('eyJ'), table).toBe(false);
      }
      expect(watch.errors).toEqual([]);
    } finally {
      await dtm.close();
    }
  }, 300_000);
});
