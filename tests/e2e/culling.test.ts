/**
 * Culling like Photo Mechanic, in a real Chromium against `postflight serve` at 1280x720: reason badges on the
 * thumbnails, "problems first", arrow keys as soon as the gallery opens, next/previous and 100 % in the photo dialog,
 * metrics in words, a duplicate showing its original, an empty filter result said, and the Jobs column folded away.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sharedData } from '../support/paths.ts';
import { screenshot } from '../support/browser.ts';
import { openApp, readDb, waitForJobs, writeSetting } from '../support/e2e.ts';
import { blurred, exactCopy } from '../support/derived-photos.ts';

describe('culling in the gallery (browser against postflight serve)', () => {
  let app: Awaited<ReturnType<typeof openApp>>;
  let page: Page;
  const db = <T>(sql: string, ...params: unknown[]) => readDb(app.projectDir, (d) => d.prepare(sql).all(...params) as T[]);
  const view = (name: string) => page.getByRole('button', { name, exact: true }).click();

  beforeAll(async () => {
    app = await openApp('postflight-cull-', { width: 1280, height: 720 });
    page = app.page;
    // A card: five real photos, one of them blurred into a copy, and a byte-for-byte duplicate.
    const card = path.join(app.dir, 'card', 'DCIM', '100MEDIA');
    fs.mkdirSync(card, { recursive: true });
    const names = fs.readdirSync(path.join(sharedData, 'brighton_beach')).filter((n) => /\.jpe?g$/i.test(n)).sort().slice(0, 5);
    for (const n of names) exactCopy(card, { source: path.join(sharedData, 'brighton_beach', n), name: n });
    await blurred(card, { source: path.join(sharedData, 'brighton_beach', names[2]!), name: 'ZZ_blurred.JPG' });
    exactCopy(card, { source: path.join(sharedData, 'brighton_beach', names[0]!), name: 'ZZ_again.JPG' });
    await view('Ingest');
    await page.getByTestId('ingest-source').fill(path.dirname(path.dirname(card)));
    await page.getByRole('button', { name: 'Start ingest' }).click();
    await page.getByTestId('ingest-summary').waitFor({ timeout: 180_000 });
    await waitForJobs(app.server.url, app.server.token, ['ingest', 'classify', 'coverage']);
  });
  afterAll(() => app?.close());

  it('9: at 1280x720 the Jobs column is folded to a button and opens on demand', async () => {
    const width = () => page.getByRole('complementary', { name: 'Jobs' }).evaluate((e) => (e as unknown as { offsetWidth: number }).offsetWidth);
    expect(await width()).toBeLessThan(80);
    await page.getByRole('button', { name: /^Jobs/ }).click();
    await expect.poll(width).toBeGreaterThan(200);
    await screenshot(page, 'cull-jobs-open-1280');
    await page.getByRole('button', { name: /^Hide jobs/ }).click();
    await expect.poll(width).toBeLessThan(80);
  });

  it('8: thumbnails carry the reason, "problems first" puts them first, and the arrows work at once', async () => {
    await view('Gallery');
    const thumbs = page.getByTestId('thumb');
    await expect.poll(() => thumbs.count(), { timeout: 30_000 }).toBe(7);
    const blurredId = db<{ id: number }>("SELECT id FROM images WHERE file_name = 'ZZ_blurred.JPG'")[0]!.id;
    const blurredThumb = page.locator(`[data-testid="thumb"][data-id="${blurredId}"]`);
    expect(await blurredThumb.getAttribute('data-reasons')).toContain('blur');
    expect(await blurredThumb.getByTestId('reason-badge').first().textContent()).toBe('Blur');
    // The grid has the focus already: → moves the cursor without a click.
    const focused = () => page.locator('.thumb.focused').getAttribute('data-id');
    const first = await focused();
    await page.keyboard.press('ArrowRight');
    await expect.poll(focused).not.toBe(first);
    await page.getByTestId('gallery-order').selectOption('problems');
    await expect.poll(async () => (await thumbs.first().getAttribute('data-reasons')) !== '' || (await thumbs.first().getAttribute('data-status')) !== 'assigned').toBe(true);
    await page.getByTestId('gallery-grid').focus();
    await screenshot(page, 'gallery-badges-1280');
    await page.setViewportSize({ width: 1400, height: 900 });
    await screenshot(page, 'gallery-badges-1400');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    await screenshot(page, 'gallery-badges-sunlight-1400');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'gallery-badges-sunlight-1280');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
  });

  it('8: the photo dialog steps through the list, shows 100 %, says metrics in words; a duplicate shows its original', async () => {
    await page.getByTestId('gallery-grid').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('photo-detail');
    await dialog.waitFor();
    const position = dialog.getByTestId('detail-position');
    const start = (await position.textContent())!;
    await dialog.getByRole('button', { name: 'Next photo' }).click();
    await expect.poll(() => position.textContent()).not.toBe(start);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => position.textContent()).toBe(start);
    await dialog.getByRole('button', { name: '100 %' }).click();
    expect(await dialog.locator('img.actual').count()).toBe(1);
    await expect.poll(() => dialog.textContent()).toMatch(/sharpness \(grid score\)/);
    expect(await dialog.textContent()).not.toMatch(/gridScore/);
    await screenshot(page, 'photo-dialog-100');
    await page.keyboard.press('Escape');

    const dup = db<{ id: number; duplicate_of: number }>("SELECT id, duplicate_of FROM images WHERE file_name = 'ZZ_again.JPG'")[0]!;
    expect(dup.duplicate_of).not.toBeNull();
    await page.locator(`[data-testid="thumb"][data-id="${dup.id}"]`).dblclick();
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('detail-duplicate').textContent()).toMatch(/Same bytes as /);
    expect(await dialog.locator('img').first().getAttribute('src')).toMatch(new RegExp(`/media/photo/${dup.duplicate_of}\\b`));
    await dialog.getByRole('button', { name: 'Open the original' }).click();
    await expect.poll(() => dialog.getAttribute('data-id')).toBe(String(dup.duplicate_of));
    await page.keyboard.press('Escape');
  });

  it('8, 12: the dialog says each quality measure in words beside the threshold that applies, motion smear beside sharpness', async () => {
    const blurredId = db<{ id: number }>("SELECT id FROM images WHERE file_name = 'ZZ_blurred.JPG'")[0]!.id;
    const dialog = page.getByTestId('photo-detail');
    const figures = dialog.getByTestId('detail-quality').locator('li');
    const open = async () => {
      await page.locator(`[data-testid="thumb"][data-id="${blurredId}"]`).dblclick();
      await dialog.waitFor();
      await expect.poll(() => figures.count()).toBeGreaterThanOrEqual(4);
    };
    await open();
    const keys = await figures.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { key: string } }).dataset.key));
    expect(keys.slice(0, 2)).toEqual(['sharpness', 'motion']);
    const sharpness = figures.nth(0);
    expect(await sharpness.textContent()).toMatch(/^⚠ sharpness \d+(\.\d)? \(threshold 100\)$/);
    expect(await sharpness.getAttribute('class')).toBe('past');
    expect(await figures.nth(1).textContent()).toMatch(/^(⚠ )?motion smear (\d+(\.\d+)? px \(limit 0\.5 px\)|unknown)/);
    expect(await dialog.getByTestId('detail-quality').textContent()).toMatch(/blur effect [\d.]+ \(limit 0\.35; 0 sharp, 1 smeared\)/);
    await screenshot(page, 'photo-dialog-quality-1280');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    await open();
    await screenshot(page, 'photo-dialog-quality-sunlight-1280');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    // The project's own threshold is the one said.
    writeSetting(app.projectDir, 'quality.thresholds', { minSharpness: 150 });
    await open();
    await expect.poll(() => figures.nth(0).textContent()).toMatch(/\(threshold 150\)$/);
    await page.keyboard.press('Escape');
    writeSetting(app.projectDir, 'quality.thresholds', {});
  });

  it('8: a filter that matches nothing says so', async () => {
    await page.locator('.filter-bar input[type="date"]').first().fill('2099-01-01');
    await expect.poll(() => page.getByTestId('gallery-empty').textContent()).toBe('No photos match these filters.');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(app.watch.errors).toEqual([]);
  });

  it('14: an answer that comes late, for a photo already stepped past, never replaces the photo on screen', async () => {
    await view('Gallery');
    await expect.poll(() => page.getByTestId('thumb').count(), { timeout: 30_000 }).toBe(7);
    await page.getByTestId('gallery-grid').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('photo-detail');
    await dialog.waitFor();
    const heading = dialog.getByRole('heading', { level: 2 });
    const fileOf = (id: number) => db<{ file_name: string }>('SELECT file_name FROM images WHERE id = ?', id)[0]!.file_name;
    const shownId = async () => Number(await dialog.getAttribute('data-id'));
    await expect.poll(() => heading.textContent()).toBe(fileOf(await shownId()));
    // The first photo asked for from now on gets its answer only after the next one's is on screen.
    let slowId: number | null = null;
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    let delivered = (): void => undefined;
    const late = new Promise<void>((r) => (delivered = r));
    await page.route('**/api/images.get', async (route) => {
      const { id } = route.request().postDataJSON() as { id: number };
      slowId ??= id;
      const response = await route.fetch();
      if (id !== slowId) return route.fulfill({ response });
      await held;
      await route.fulfill({ response });
      delivered();
    });
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => slowId).not.toBeNull();
    await page.keyboard.press('ArrowRight');
    const current = await shownId();
    expect(current).not.toBe(slowId);
    await expect.poll(() => heading.textContent()).toBe(fileOf(current));
    release();
    await late;
    await page.waitForTimeout(1000); // time for the late answer to reach the dialog, were it taken
    expect(await heading.textContent()).toBe(fileOf(current));
    await page.unroute('**/api/images.get');
    await page.keyboard.press('Escape');
    expect(app.watch.errors).toEqual([]);
  });
});
