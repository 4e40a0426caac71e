/**
 * Re-fly in the app, in a real Chromium against `postflight serve`: a project whose task (drawn larger than the
 * P4 Multispectral block that was flown) has gaps; the map's legend tells the two gap kinds apart; "Re-fly" draws
 * the planned lines and photo points and says how many photos, how far and how long; the DJI export arrives as a
 * browser download holding the two WPML files.
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
    await screenshot(page, 'refly-plan');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'DJI (.kmz)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('refly-task-R1.kmz');
    const entries = unzipSync(new Uint8Array(fs.readFileSync((await file.path())!)));
    expect(Object.keys(entries).sort()).toEqual(['wpmz/template.kml', 'wpmz/waylines.wpml']);
    expect(strFromU8(entries['wpmz/waylines.wpml']!).match(/<Placemark>/g)).toHaveLength(planned.photoCount);
    expect(watch.errors).toEqual([]);
  });
});
