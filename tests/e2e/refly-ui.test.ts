/**
 * Re-fly in the app, in a real Chromium against `postflight serve`: a project whose task (drawn larger than the
 * P4 Multispectral block that was flown) has gaps; the map's legend tells the two gap kinds apart; "Re-fly" draws
 * the planned lines and photo points and says how many photos, how far and how long; the DJI export arrives as a
 * browser download holding the two WPML files. The task's flight plan, imported through the Re-fly panel's file
 * picker, is drawn with its unflown stretch, and re-flying only that stretch plans exactly its points.
 */
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, watchPage, type PageGlobals } from '../support/browser.ts';
import { callApi, runPostflight, startServe } from '../support/cli.ts';
import { buildApp } from '../support/e2e.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';
import { taskAround, taskFile } from '../support/refly-task.ts';
import { djiWaypointKmz } from '../support/flight-plan.ts';
import { localFrame } from '../../src-main/geo/local-frame.ts';

const card = path.join(sharedData, 'p4m_mirafiori');

describe('re-fly from the map', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServe>>;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchPage>;

  beforeAll(async () => {
    buildApp();
    dir = makeTemp('postflight-e2e-refly-');
    const projectDir = path.join(dir, 'project');
    const files = fs.readdirSync(card).filter((f) => /\.jpe?g$/i.test(f));
    const centres = await Promise.all(files.map(async (f) => exifr.gps(path.join(card, f)) as Promise<{ latitude: number; longitude: number }>));
    fs.writeFileSync(path.join(dir, 'task.geojson'), taskFile('R1', taskAround(centres.map((c) => ({ lon: c.longitude, lat: c.latitude })), 8, 25)));
    for (const args of [['ingest', card, '--in-place'], ['tasks', 'import', path.join(dir, 'task.geojson')], ['classify']]) {
      const r = runPostflight([...args, '--project', projectDir]);
      expect(r.code, r.stderr).toBe(0);
    }
    server = await startServe(projectDir, { POSTFLIGHT_STATE_DIR: path.join(dir, 'state') });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    watch = watchPage(page);
    await page.goto(server.url.href);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmTemp(dir);
  });

  it('plans the gaps, draws the lines, gives the figures and downloads the DJI mission', async () => {
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    await page.locator('[data-testid="review-map"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('legend-gap-unphotographed').textContent()).resolves.toMatch(/No photos here/);
    await expect(page.getByTestId('legend-gap-thin_overlap').textContent()).resolves.toMatch(/Too little overlap for reconstruction/);

    await page.getByRole('button', { name: 'Re-fly', exact: true }).click();
    const photos = page.getByTestId('refly-photos');
    await photos.waitFor({ timeout: 60_000 });
    const planned = (await callApi(server.url, server.token, 'refly.plan', { taskId: 'R1' })).result as { photoCount: number; lineCount: number };
    expect(await photos.textContent()).toBe(`${planned.photoCount} photos`);
    expect(await page.getByTestId('refly-summary').textContent()).toMatch(new RegExp(`on ${planned.lineCount} lines at 44 m above take-off \\(as flown\\), \\d+ m, about \\d+ min of flight`));
    // The lines and photo points are on the map.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const map = (globalThis as unknown as PageGlobals).__postflightMap;
          return map.queryRenderedFeatures({ layers: ['refly-line'] }).length > 0 && map.queryRenderedFeatures({ layers: ['refly-photo'] }).length > 0;
        }),
      )
      .toBe(true);
    await page.getByTestId('legend-refly').waitFor();
    // How to take the KMZ to the controller, in the app itself (issue 16's "Done when").
    const advice = await page.getByTestId('refly-summary').textContent();
    expect(advice).toMatch(/DJI Pilot 2: copy the \.kmz to the\s+controller and import it in Flight Route/);
    expect(advice).toMatch(/DJI Fly: save any waypoint mission, then replace its KMZ in\s+Android\/data\/dji\.go\.v5\/files\/waypoint\/<uuid>\//);
    await screenshot(page, 'refly-plan');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'DJI (.kmz)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('refly-task-R1.kmz');
    const entries = unzipSync(new Uint8Array(fs.readFileSync(await file.path())));
    expect(Object.keys(entries).sort()).toEqual(['wpmz/template.kml', 'wpmz/waylines.wpml']);
    expect(strFromU8(entries['wpmz/waylines.wpml']!).match(/<Placemark>/g)).toHaveLength(planned.photoCount);
    expect(watch.errors).toEqual([]);
  });

  it('draws the imported flight plan with its unflown stretch, and re-flies only that stretch', async () => {
    // The plan: a photo waypoint at every photo taken, plus a fourth line of 8 points 28 m south of the first line
    // that was never flown.
    const shots = (
      await Promise.all(
        fs.readdirSync(card).filter((f) => /\.jpe?g$/i.test(f)).sort().map(async (f) => {
          const m = await exifr.parse(path.join(card, f), { xmp: true });
          return { lon: m.longitude as number, lat: m.latitude as number, heightM: Number(m.RelativeAltitude), time: (m.DateTimeOriginal as Date).getTime() };
        }),
      )
    ).sort((a, b) => a.time - b.time);
    const frame = localFrame(shots[0]!.lon, shots[0]!.lat);
    const unflown = shots.slice(0, 8).map((s) => {
      const [x, y] = frame.toXY(s.lon, s.lat);
      const [lon, lat] = frame.toLonLat(x, y - 28);
      return { lon, lat, heightM: s.heightM, headingDeg: 0 };
    });
    const [tlon, tlat] = frame.toLonLat(-20, -20);
    const kmzBytes = djiWaypointKmz({ lon: tlon, lat: tlat }, [...shots.map((s) => ({ ...s, headingDeg: 0 })), ...unflown]);
    // Imported through the app: "Import flight plan…" in the Re-fly panel, the file picked from the pilot's machine.
    // A file with no line first: refused in words, nothing drawn.
    const fileInput = page.getByTestId('flight-plan-file');
    expect(await fileInput.getAttribute('accept')).toBe('.kmz,.kml');
    const pointOnly = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><Point><coordinates>${tlon},${tlat}</coordinates></Point></Placemark></Document></kml>`;
    await fileInput.setInputFiles({ name: 'not-a-plan.kml', mimeType: 'application/vnd.google-earth.kml+xml', buffer: Buffer.from(pointOnly) });
    const status = page.getByTestId('flight-plan-status');
    await expect.poll(() => status.getAttribute('role'), { timeout: 30_000 }).toBe('alert');
    expect(await status.textContent()).toBe('not-a-plan.kml: The flight plan holds no waylines: no KML line and fewer than two waypoints.');
    expect((await callApi(server.url, server.token, 'tasks.flightPlans', {})).result).toEqual([]);
    expect(await page.getByTestId('legend-plan-planned').count()).toBe(0);

    await page.getByLabel('Task of the flight plan').selectOption('R1');
    await fileInput.setInputFiles({ name: 'r1-plan.kmz', mimeType: 'application/vnd.google-earth.kmz', buffer: Buffer.from(kmzBytes) });
    await expect
      .poll(() => status.textContent(), { timeout: 30_000 })
      .toBe(`r1-plan.kmz is now the flight plan of task R1: ${shots.length + 8} planned photo points, 8 not flown, in 1 unflown stretch.`);
    expect(await status.getAttribute('role')).toBe('status');
    const plans = (await callApi(server.url, server.token, 'tasks.flightPlans', {})).result;
    expect(plans).toMatchObject([{ taskId: 'R1', source: 'r1-plan.kmz', plannedPoints: shots.length + 8, unflownPoints: 8, unflownStretches: 1 }]);

    // The map draws the planned waylines and, over them, the unflown stretch; the legend names both.
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const map = (globalThis as unknown as PageGlobals).__postflightMap;
            const unflown = map.queryRenderedFeatures({ layers: ['plan-unflown'] });
            return { planned: map.queryRenderedFeatures({ layers: ['plan-line'] }).length, unflown: unflown.length, points: unflown[0]?.properties?.points };
          }),
        { timeout: 30_000 },
      )
      .toMatchObject({ unflown: 1, points: 8 });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__postflightMap.queryRenderedFeatures({ layers: ['plan-line'] }).length)).toBeGreaterThan(0);
    await expect(page.getByTestId('legend-plan-unflown').textContent()).resolves.toMatch(/Planned, no accepted photo \(unflown\)/);
    await expect(page.getByTestId('legend-plan-planned').textContent()).resolves.toMatch(/Planned waylines/);

    // Re-fly only the flight plan's unflown stretch: exactly its 8 points.
    const only = page.getByTestId('refly-from-plan');
    await expect(only.textContent()).resolves.toMatch(/8 planned photo points in 1 stretch\b/);
    await only.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Re-fly', exact: true }).click();
    await expect.poll(() => page.getByTestId('refly-summary').textContent(), { timeout: 30_000 }).toMatch(/The flight plan's unflown stretches: 8 photos on 1 line at/);
    await screenshot(page, 'refly-flight-plan');
    expect(watch.errors).toEqual([]);
  });
});
