/**
 * The review map in a real Chromium against `postflight serve`: fitted to the whole project (tasks never flown too),
 * every footprint and point drawn (no cap), thumbnails by level of detail, a task list that zooms, popups for tasks
 * and gaps, labels that never overlap, and sunlight mode repainting the overlays. Screenshots at 1400x900 and
 * 1280x720, dark and sunlight, go to test-artifacts/. The README's (docs/screenshots/) are copies of refly-plan.png
 * (refly-ui), gallery-badges-1400.png (culling) and flow-tasks-checklist.png (pilot-flow).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { repoRoot, sharedData } from '../support/paths.ts';
import { screenshot, type PageGlobals } from '../support/browser.ts';
import { openApp, readDb, waitForJobs, writeRows } from '../support/e2e.ts';

const sampleTasks = path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson');

interface MapProbe {
  getZoom(): number;
  getBounds(): { getWest(): number; getEast(): number; getSouth(): number; getNorth(): number };
  jumpTo(o: { zoom?: number; center?: [number, number] }): void;
  getPaintProperty(layer: string, prop: string): unknown;
  project(lngLat: [number, number]): { x: number; y: number };
}
const probe = <T>(page: Page, fn: (map: MapProbe & PageGlobals['__postflightMap']) => T) =>
  page.evaluate<T>(`(${fn.toString()})(globalThis.__postflightMap)`);

describe('the review map (browser against postflight serve)', () => {
  let app: Awaited<ReturnType<typeof openApp>>;
  let page: Page;
  const db = <T>(sql: string, ...params: unknown[]) => readDb(app.projectDir, (d) => d.prepare(sql).all(...params) as T[]);
  const ready = () => page.locator('[data-testid="review-map"][data-ready="true"]').waitFor({ timeout: 60_000 });
  const view = (name: string) => page.getByRole('button', { name, exact: true }).click();

  beforeAll(async () => {
    app = await openApp('postflight-map-');
    page = app.page;
    const fc = JSON.parse(fs.readFileSync(sampleTasks, 'utf8')) as { features: { properties: Record<string, unknown>; geometry: { coordinates: number[][][] } }[] };
    const far = structuredClone(fc.features[0]!);
    far.properties = { task_id: '3', name: 'north, not flown' };
    far.geometry.coordinates = [far.geometry.coordinates[0]!.map(([x, y]) => [x!, y! + 0.0012])];
    const tasksFile = path.join(app.dir, 'tasks.geojson');
    fs.writeFileSync(tasksFile, JSON.stringify({ ...fc, features: [...fc.features, far] }));
    await view('Project');
    await page.getByTestId('task-file').setInputFiles(tasksFile);
    await view('Ingest');
    await page.getByTestId('ingest-source').fill(path.join(sharedData, 'brighton_beach'));
    await page.getByRole('checkbox', { name: /Leave the photos where they are/ }).check();
    await page.getByRole('button', { name: 'Start ingest' }).click();
    await page.getByTestId('ingest-summary').waitFor({ timeout: 180_000 });
    await waitForJobs(app.server.url, app.server.token, ['ingest', 'classify', 'coverage']);
  });
  afterAll(() => app?.close());

  it('6, 7: fits the whole project (the task never flown too) and draws every footprint and point', async () => {
    await view('Map');
    await ready();
    const drawnTasks = await probe(page, (m) => [...new Set(m.queryRenderedFeatures({ layers: ['task-fill'] }).map((f) => f.properties.taskId as string))].sort());
    expect(drawnTasks).toEqual(['1', '2', '3']);
    const withFootprint = db<{ n: number }>('SELECT count(*) AS n FROM images WHERE footprint IS NOT NULL')[0]!.n;
    expect(withFootprint).toBe(18);
    expect(Number(await page.getByTestId('review-map').getAttribute('data-footprints'))).toBe(withFootprint);
    const points = await probe(page, (m) => new Set(m.queryRenderedFeatures({ layers: ['photo-points'] }).map((f) => f.properties.id)).size);
    expect(points).toBe(18);
    expect(await page.getByTestId('map-task-3').getAttribute('data-state')).toBe('not_flown');
  });

  it('6: the task list zooms to a task; a click on a task or a gap says its figures', async () => {
    const before = await probe(page, (m) => m.getZoom());
    await page.getByRole('button', { name: 'Zoom to task 3' }).click();
    await ready();
    const after = await probe(page, (m) => ({ zoom: m.getZoom(), west: m.getBounds().getWest(), south: m.getBounds().getSouth() }));
    expect(after.zoom).toBeGreaterThan(before);
    expect(after.south).toBeGreaterThan(46.8429778 - 0.0003); // the view moved north, onto task 3
    const centre = await probe(page, (m) => {
      const r = m.getCanvas().getBoundingClientRect();
      const p = m.project([-91.994236, 46.843794]);
      return { x: r.left + p.x, y: r.top + p.y };
    });
    // A task never flown is one gap: the click says so, with its area.
    await page.mouse.click(centre.x, centre.y);
    const popup = page.getByTestId('map-popup');
    await expect.poll(() => popup.textContent()).toMatch(/^Gap in task 3No photos hereArea \d+ m²/);
    await screenshot(page, 'map-popup-gap');
    await page.locator('.maplibregl-popup-close-button').click();
    // With the gaps hidden, the same click is on the task: its state and figures.
    await page.getByRole('checkbox', { name: 'Coverage gaps' }).uncheck();
    await page.mouse.click(centre.x, centre.y);
    await expect.poll(() => popup.textContent()).toMatch(/^Task 3 · north, not flownNot flownCoverage .*Photos: 0 assigned of 0/);
    await page.locator('.maplibregl-popup-close-button').click();
    await page.getByRole('checkbox', { name: 'Coverage gaps' }).check();

    await page.getByRole('button', { name: 'Zoom to task 2' }).click();
    await ready();
    const gap = db<{ gaps: string }>("SELECT json_extract(coverage_json, '$.gaps') AS gaps FROM tasks WHERE task_id = '2'")[0]!.gaps;
    const first = (JSON.parse(gap) as { features: { geometry: { coordinates: number[][][] } }[] }).features[0];
    if (first) {
      const ring = first.geometry.coordinates[0]!;
      const at: [number, number] = [ring.reduce((a, p) => a + p[0]!, 0) / ring.length, ring.reduce((a, p) => a + p[1]!, 0) / ring.length];
      const px = await page.evaluate<{ x: number; y: number }>(`(() => { const m = globalThis.__postflightMap; const r = m.getCanvas().getBoundingClientRect(); const p = m.project(${JSON.stringify(at)}); return { x: r.left + p.x, y: r.top + p.y }; })()`);
      await page.getByRole('checkbox', { name: 'Photo points' }).uncheck();
      await page.mouse.click(px.x, px.y);
      await expect.poll(() => popup.textContent()).toMatch(/^(Gap in task 2|Task 2)/);
      await page.getByRole('checkbox', { name: 'Photo points' }).check();
      await page.locator('.maplibregl-popup-close-button').click();
    }
  });

  it('7: thumbnails by level of detail: drawn close up, only footprints zoomed out; labels never overlap', async () => {
    await page.getByRole('button', { name: 'Zoom to task 1' }).click();
    await probe(page, (m) => m.jumpTo({ zoom: 19.5 }));
    await ready();
    expect(Number(await page.getByTestId('review-map').getAttribute('data-thumbnails'))).toBeGreaterThan(0);
    await probe(page, (m) => m.jumpTo({ zoom: 13 }));
    await ready();
    expect(Number(await page.getByTestId('review-map').getAttribute('data-thumbnails'))).toBe(0);
    const footprintsDrawn = await probe(page, (m) => m.queryRenderedFeatures({ layers: ['footprint-fill'] }).length);
    expect(footprintsDrawn).toBeGreaterThan(0);
    // At this zoom the three tasks sit within a few pixels: one label shows, the not-flown task's.
    const shown = await page.locator('.task-label').evaluateAll((els) =>
      els.filter((e) => (e as unknown as { style: { visibility: string } }).style.visibility !== 'hidden').map((e) => e.textContent),
    );
    expect(shown).toEqual([expect.stringMatching(/^3 · /)]);
    await page.getByRole('button', { name: 'Zoom to task 1' }).click();
    await ready();
    const boxes = await page.locator('.task-label').evaluateAll((els) =>
      els
        .filter((e) => (e as unknown as { style: { visibility: string } }).style.visibility !== 'hidden')
        .map((e) => (e as unknown as { getBoundingClientRect(): { left: number; right: number; top: number; bottom: number } }).getBoundingClientRect()),
    );
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top).toBe(true);
    }
  });

  it('6: the Tasks table\'s state chips wear the colour and line style of the map\'s task outlines, in both themes', async () => {
    await view('Map');
    await ready();
    // (probe serialises its function, so the state goes into the page as text)
    const lookOf = async (state: string) =>
      page.evaluate<{ colour: string; dashed: boolean }>(
        `(() => { const m = globalThis.__postflightMap; return { colour: m.getPaintProperty('task-line-${state}', 'line-color'), dashed: m.getPaintProperty('task-line-${state}', 'line-dasharray') !== undefined }; })()`,
      );
    // (these run in the page: getComputedStyle is the window's)
    type Win = { getComputedStyle(e: unknown): { borderTopColor: string; borderTopStyle: string } };
    const hexToRgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    const looks: Record<string, Record<string, { colour: string; dashed: boolean }>> = {};
    for (const theme of ['standard', 'sunlight']) {
      if (theme === 'sunlight') await page.getByRole('button', { name: 'Sunlight mode' }).click();
      await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe(theme);
      looks[theme] = {};
      for (const state of ['not_flown', 'partial', 'covered', 'verified']) looks[theme][state] = await lookOf(state);
    }
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    expect(looks.standard!.covered!.colour).not.toBe(looks.sunlight!.covered!.colour);
    await view('Tasks');
    for (const theme of ['standard', 'sunlight']) {
      if (theme === 'sunlight') await page.getByRole('button', { name: 'Sunlight mode' }).click();
      for (const taskId of ['1', '2', '3']) {
        const row = page.getByTestId(`task-${taskId}`);
        const state = (await row.getAttribute('data-state'))!;
        const chip = row.getByTestId('state-chip');
        const want = looks[theme]![state]!;
        await expect.poll(() => chip.evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e).borderTopColor)).toBe(hexToRgb(want.colour));
        const style = await chip.evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e).borderTopStyle);
        expect(style === 'dashed' || style === 'dotted').toBe(want.dashed);
      }
    }
    await screenshot(page, 'tasks-chips-sunlight-1400');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    await screenshot(page, 'tasks-chips-1400');
  });

  it('11: the RTK layer rings each photo by its solution, with a legend; the task says "N % RTK fixed" in the Tasks view and its popup', async () => {
    // Brighton's Phantom 3 writes no RtkFlag: task 1's photos are given the flags an RTK drone writes (as ingest stores
    // them, tests/integration covers reading them from real DJI files): all fixed but one float.
    const ids = db<{ id: number }>("SELECT id FROM images WHERE task_id = (SELECT id FROM tasks WHERE task_id = '1') AND status = 'assigned' ORDER BY id").map((r) => r.id);
    expect(ids.length).toBeGreaterThan(2);
    writeRows(app.projectDir, `UPDATE images SET rtk_flag = 50, rtk_std_lon_m = 0.011, rtk_std_lat_m = 0.014, rtk_std_hgt_m = 0.02 WHERE id IN (${ids.join(',')})`);
    writeRows(app.projectDir, `UPDATE images SET rtk_flag = 34 WHERE id = ${ids[0]}`);
    const fixedPct = Math.round((100 * (ids.length - 1)) / ids.length);
    await view('Tasks');
    await page.getByRole('button', { name: 'Recompute' }).click();
    await waitForJobs(app.server.url, app.server.token, ['classify', 'coverage']);
    await expect.poll(() => page.getByTestId('task-1').getByTestId('rtk').textContent(), { timeout: 30_000 }).toBe(`${fixedPct} % RTK fixed (1 float)`);
    expect(await page.getByTestId('task-2').getByTestId('rtk').count()).toBe(0);

    await view('Map');
    await page.getByRole('button', { name: 'Zoom to task 1' }).click();
    await ready();
    const rings = await probe(page, (m) => m.queryRenderedFeatures({ layers: ['rtk-ring'] }).map((f) => f.properties.solution as string));
    expect(rings.filter((r) => r === 'float')).toHaveLength(1);
    expect(rings.filter((r) => r === 'fixed').length).toBe(ids.length - 1);
    expect(await page.getByTestId('legend-rtk-fixed').textContent()).toContain('RTK fixed');
    expect(await page.getByTestId('legend-rtk-float').textContent()).toContain('RTK float');
    await screenshot(page, 'map-rtk-1400');
    await page.getByRole('checkbox', { name: 'RTK', exact: true }).uncheck();
    expect(await page.getByTestId('legend-rtk-fixed').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'RTK', exact: true }).check();
    // The task's popup carries the figure (points and gaps hidden, so the click lands on the task).
    await page.getByRole('checkbox', { name: 'Photo points' }).uncheck();
    await page.getByRole('checkbox', { name: 'RTK', exact: true }).uncheck();
    await page.getByRole('checkbox', { name: 'Coverage gaps' }).uncheck();
    const task1 = JSON.parse(db<{ geometry: string }>("SELECT geometry FROM tasks WHERE task_id = '1'")[0]!.geometry) as { coordinates: number[][][] };
    const ring = task1.coordinates[0]!;
    const inside: [number, number] = [ring.reduce((a, p) => a + p[0]!, 0) / ring.length, ring.reduce((a, p) => a + p[1]!, 0) / ring.length];
    const px = await page.evaluate<{ x: number; y: number }>(
      `(() => { const m = globalThis.__postflightMap; const r = m.getCanvas().getBoundingClientRect(); const p = m.project(${JSON.stringify(inside)}); return { x: r.left + p.x, y: r.top + p.y }; })()`,
    );
    await page.mouse.click(px.x, px.y);
    await expect.poll(() => page.getByTestId('map-popup').textContent()).toContain(`${fixedPct} % RTK fixed (1 float)`);
    await page.locator('.maplibregl-popup-close-button').click();
    for (const name of ['Photo points', 'Coverage gaps']) await page.getByRole('checkbox', { name }).check();
    await page.getByRole('checkbox', { name: 'RTK', exact: true }).check();
  });

  it('7: sunlight mode repaints the overlays; screenshots in both themes at 1400x900 and 1280x720', async () => {
    const colour = () => probe(page, (m) => m.getPaintProperty('task-line-covered', 'line-color'));
    await page.getByRole('button', { name: 'Fit project' }).click();
    await ready();
    const dark = await colour();
    await screenshot(page, 'map-dark-1400');
    await page.setViewportSize({ width: 1280, height: 720 });
    await ready();
    await screenshot(page, 'map-dark-1280');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    await expect.poll(colour).not.toBe(dark);
    await ready();
    await screenshot(page, 'map-sunlight-1280');
    await page.setViewportSize({ width: 1400, height: 900 });
    await ready();
    await screenshot(page, 'map-sunlight-1400');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    expect(app.watch.errors).toEqual([]);
    expect(app.watch.offsiteRequests).toEqual([]);
  });
});
