/**
 * The pilot's flow in a real Chromium against `postflight serve`, in the order a pilot actually goes: card first,
 * tasks after (imported in the Tasks view), a card with nothing on it, a card read twice, a task never flown, and a
 * switch to another project. Every check reads what the page shows and the SQLite file behind it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { repoRoot, sharedData } from '../support/paths.ts';
import { screenshot } from '../support/browser.ts';
import { callApi } from '../support/cli.ts';
import { dropBucket, freshBucket, RGW } from '../support/rgw.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { openApp, readDb, waitForJobs, writeRows } from '../support/e2e.ts';

const card = path.join(sharedData, 'brighton_beach');
const sampleTasks = path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson');

/** The sample tasks plus one far to the north that no photo covers (a task never flown). */
function tasksWithUnflown(dir: string): string {
  const fc = JSON.parse(fs.readFileSync(sampleTasks, 'utf8')) as { features: { properties: Record<string, unknown>; geometry: { coordinates: number[][][] } }[] };
  const far = structuredClone(fc.features[0]!);
  far.properties = { task_id: '3', name: 'Brighton Beach north (not flown)' };
  far.geometry.coordinates = [far.geometry.coordinates[0]!.map(([x, y]) => [x!, y! + 0.0012])];
  const file = path.join(dir, 'three-tasks.geojson');
  fs.writeFileSync(file, JSON.stringify({ ...fc, features: [...fc.features, far] }));
  return file;
}

describe('the pilot flow, whatever the order of steps (browser against postflight serve)', () => {
  let app: Awaited<ReturnType<typeof openApp>>;
  let dir: string;
  let projectDir: string;
  let server: Awaited<ReturnType<typeof openApp>>['server'];
  let page: Page;
  let watch: Awaited<ReturnType<typeof openApp>>['watch'];
  const db = <T>(sql: string, ...params: unknown[]) => readDb(projectDir, (d) => d.prepare(sql).all(...params) as T[]);
  const view = (name: string) => page.getByRole('button', { name, exact: true }).click();
  const ingest = async (source: string) => {
    await view('Ingest');
    await page.getByTestId('ingest-source').fill(source);
    await page.getByRole('checkbox', { name: /Leave the photos where they are/ }).check();
    await page.getByRole('button', { name: 'Start ingest' }).click();
  };

  beforeAll(async () => {
    app = await openApp('postflight-flow-');
    ({ dir, projectDir, server, page, watch } = app);
  });
  afterAll(() => app?.close());

  it('3: a folder with no photos is a warning with what to check, not "done"', async () => {
    const empty = path.join(dir, 'empty-card', 'DCIM');
    fs.mkdirSync(empty, { recursive: true });
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'not a photo');
    await ingest(path.dirname(empty));
    const summary = page.getByTestId('ingest-summary');
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.getAttribute('data-tone')).toBe('warning');
    expect(await summary.textContent()).toMatch(/No photos found in .*empty-card\..*Check that this is the card/);
    await screenshot(page, 'flow-ingest-empty');
  });

  it('3: the card\'s summary is worded with the next step; reading it again says nothing new, at no fake speed', async () => {
    await ingest(card);
    const summary = page.getByTestId('ingest-summary');
    await expect.poll(() => summary.textContent(), { timeout: 180_000 }).toMatch(/^Summary/);
    const text = (await summary.textContent())!;
    expect(text).toMatch(/Ingested 18 photos in .*brighton_beach \([\d.]+ MB in .*, [\d.]+ MB\/s, indexed in place\)\./);
    expect(text).toContain('Next: import the task file');
    expect(text).not.toMatch(/Counts:|Elapsed seconds/);
    await waitForJobs(server.url, server.token, ['ingest', 'classify', 'coverage']);
    await screenshot(page, 'flow-ingest-summary');

    await ingest(card);
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toMatch(/Nothing new in .*brighton_beach: all 18 photos were already in the project\./);
    expect(await summary.getAttribute('data-tone')).toBe('warning');
    const ingestCard = page.getByTestId('job-ingest').first();
    expect(await ingestCard.textContent()).not.toMatch(/\d+ MB\/s/);
    await waitForJobs(server.url, server.token, ['ingest']);
  });

  it('10: who flew what: per card and per flight the drone and its serial, the pilot (entered once, changed per card), time span, photo count', async () => {
    await view('Ingest');
    const crews = page.getByTestId('crews');
    const source = db<{ source_root: string }>('SELECT DISTINCT source_root FROM images')[0]!.source_root;
    const cardRow = crews.locator(`[data-testid="crew-card"][data-source="${source}"]`);
    // Brighton's Phantom 3 writes no body serial: said so, not left blank.
    expect(db<{ serial: string | null }>('SELECT DISTINCT serial FROM images')).toEqual([{ serial: null }]);
    await expect.poll(() => cardRow.getByTestId('crew-drone').first().textContent(), { timeout: 30_000 }).toMatch(
      /^DJI FC300S · serial not written by the drone · 18 photos · 2016-06-23 \d\d:\d\d–\d\d:\d\d \(\d+ min\)$/,
    );
    const flights = crews.getByTestId('crew-flights').locator('tbody tr');
    const flightRows = db<{ flight_id: number; n: number }>("SELECT flight_id, count(*) AS n FROM images WHERE flight_id IS NOT NULL AND status != 'duplicate' GROUP BY flight_id");
    expect(await flights.count()).toBe(flightRows.length);
    expect(await flights.first().textContent()).toMatch(/DJI FC300S · serial not written by the dronenot entered2016-06-23/);

    // The pilot, entered once for the project, is every card's and flight's pilot.
    await crews.getByTestId('project-pilot').fill('Ana Okafor');
    await crews.getByTestId('project-pilot').press('Enter');
    await expect.poll(() => cardRow.getByTestId('card-pilot').inputValue()).toBe('Ana Okafor');
    await expect.poll(() => flights.first().locator('td').nth(1).textContent()).toBe('Ana Okafor');
    // Another pilot flew this card: changed for it alone, then back to the project's.
    await cardRow.getByTestId('card-pilot').fill('Ben Ruiz');
    await cardRow.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => flights.first().locator('td').nth(1).textContent()).toBe('Ben Ruiz');
    expect(await cardRow.textContent()).toContain('changed for this card');
    const settings = () => Object.fromEntries(db<{ key: string; value: string }>("SELECT key, value FROM settings WHERE key LIKE 'pilot.%'").map((r) => [r.key, JSON.parse(r.value) as unknown]));
    expect(settings()).toEqual({ 'pilot.name': 'Ana Okafor', 'pilot.cards': { [source]: 'Ben Ruiz' } });
    await screenshot(page, 'flow-crews-1400');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'flow-crews-1280');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    await screenshot(page, 'flow-crews-sunlight-1280');
    await page.setViewportSize({ width: 1400, height: 900 });
    await screenshot(page, 'flow-crews-sunlight-1400');
    await page.getByRole('button', { name: 'Sunlight mode' }).click();
    await cardRow.getByRole('button', { name: "Use the project's pilot" }).click();
    await expect.poll(() => flights.first().locator('td').nth(1).textContent()).toBe('Ana Okafor');
    expect(settings()['pilot.cards']).toEqual({});
  });

  it('1, 5: tasks imported in the Tasks view after the card re-classify and re-cover by themselves; the checklist never calls a task without photos gap-free', async () => {
    await view('Tasks');
    expect(db<{ n: number }>("SELECT count(*) AS n FROM images WHERE status = 'unmatched'")[0]!.n).toBe(18);
    await page.getByTestId('task-file').setInputFiles(tasksWithUnflown(dir));
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 30_000 }).toMatch(/Imported 3 task/);
    // The chain runs by itself; while it does, the figures say so instead of showing the stale ones.
    const row1 = page.getByTestId('task-1');
    await expect.poll(() => row1.getAttribute('data-state'), { timeout: 120_000 }).toBe('covered');
    expect(await row1.getByTestId('coverage').textContent()).toMatch(/^\d+(\.\d)?%$/);
    expect(db<{ n: number }>("SELECT count(*) AS n FROM images WHERE status = 'assigned'")[0]!.n).toBe(18);
    const jobs = await waitForJobs(server.url, server.token, ['classify', 'coverage']);
    expect(jobs.filter((j) => j.kind === 'classify').length).toBeGreaterThanOrEqual(3); // after each ingest, and after the import

    const row3 = page.getByTestId('task-3');
    expect(await row3.getAttribute('data-state')).toBe('not_flown');
    const checklist = page.getByTestId('checklist');
    const item = (label: string) => checklist.locator('li', { hasText: label });
    expect(await item('No ground left without photos').getAttribute('class')).toBe('todo');
    expect(await item('No ground left without photos').textContent()).toMatch(/No photos here: .*3/);
    await screenshot(page, 'flow-tasks-checklist');

    // A task with no photos can be refused, but never waved through.
    await row3.getByRole('button', { name: 'Verify task 3' }).click();
    await row3.getByTestId('verify-refusal').waitFor();
    expect(await row3.getByRole('button', { name: 'Verify anyway (override)' }).count()).toBe(0);

    // An overridden task still appears on the checklist, marked overridden.
    await row1.getByRole('button', { name: 'Verify task 1' }).click();
    // (Brighton's task 1 is short of the overlap thresholds: refused, then verified on the pilot's override.)
    await row1.getByTestId('verify-refusal').getByRole('button', { name: 'Verify anyway (override)' }).click();
    await page.locator('[data-testid="task-1"][data-state="verified"]').waitFor();
    expect(db<{ verify_forced: number }>("SELECT verify_forced FROM tasks WHERE task_id = '1'")[0]!.verify_forced).toBe(1);
    await expect.poll(() => item('Every task verified').textContent()).toMatch(/overridden: 1/);
    expect(await row1.textContent()).toContain('Verified (overridden)');
  });

  it('1, 4: Recompute runs the chain again ("recomputing…" meanwhile); photos with no height above take-off are said, and a flown height entered for the flight covers them', async () => {
    const before = (await waitForJobs(server.url, server.token, ['classify'])).filter((j) => j.kind === 'classify').length;
    // The drone wrote a relative altitude below take-off on task 1's photos (as a bad barometer does).
    writeRows(projectDir, "UPDATE images SET rel_alt = -3 WHERE task_id = (SELECT id FROM tasks WHERE task_id = '1')");
    await page.getByRole('button', { name: 'Recompute' }).click();
    const jobs = await waitForJobs(server.url, server.token, ['classify', 'coverage']);
    expect(jobs.filter((j) => j.kind === 'classify').length).toBe(before + 1);
    await expect.poll(() => page.getByRole('button', { name: 'Recompute' }).isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('.recomputing').count()).toBe(0);
    const row1 = page.getByTestId('task-1');
    const note = row1.getByTestId('height-unknown');
    await expect.poll(() => note.textContent(), { timeout: 30_000 }).toMatch(/Height above ground unknown for 9 photos/);
    expect(await row1.getByTestId('coverage').textContent()).toMatch(/^0\.0%/);
    await screenshot(page, 'flow-height-unknown');
    await row1.getByRole('spinbutton', { name: /Flown height of flight \d+/ }).first().fill('40');
    await row1.getByRole('button', { name: 'Use this height' }).first().click();
    await expect.poll(() => row1.getByTestId('coverage').textContent(), { timeout: 60_000 }).toMatch(/^(9\d|100)(\.\d)?%$/);
    expect(await row1.getByTestId('height-unknown').count()).toBe(0);
    expect(db<{ n: number }>("SELECT count(*) AS n FROM images WHERE entered_height_m = 40 AND entered_height_at IS NOT NULL")[0]!.n).toBeGreaterThanOrEqual(9);
  });

  it('2: switching projects leaves nothing of the previous one: no errors, no tasks, the map starts afresh', async () => {
    await view('Project');
    await page.getByTestId('project-dir').fill(path.join(dir, 'site-b'));
    await page.getByRole('button', { name: 'Create new project here' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('site-b');
    await page.locator('[data-testid="review-map"]').waitFor();
    await view('Tasks');
    expect(await page.locator('tr[data-testid^="task-"]').count()).toBe(0);
    expect(await page.getByText('No tasks yet').count()).toBe(1);
    expect(await page.locator('[role="alert"]').allTextContents()).toEqual([]);
    await view('Project');
    await page.getByRole('region', { name: 'Recent projects' }).getByRole('button', { name: 'project', exact: true }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('project');
    await view('Tasks');
    await expect.poll(() => page.locator('tr[data-testid^="task-"]').count()).toBe(3);
    expect(await page.locator('[role="alert"]').allTextContents()).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(watch.offsiteRequests).toEqual([]);
  });
  it('1: a changed threshold, a removed task and decided photos each recompute by themselves', async () => {
    const count = async (kind: string) => (await waitForJobs(server.url, server.token, [kind])).filter((j) => j.kind === kind).length;
    const classifyRuns = await count('classify');
    const assigned = () => db<{ n: number }>("SELECT count(*) AS n FROM images WHERE status = 'assigned'")[0]!.n;
    expect(assigned()).toBe(18);

    // A threshold: every photo is "blurry" at a minimum sharpness of 100000; classify, then coverage, run by themselves.
    await view('Project');
    const quality = page.getByTestId('settings-quality');
    await quality.getByRole('spinbutton', { name: 'Minimum sharpness', exact: true }).fill('100000');
    await quality.getByRole('button', { name: /^Save/ }).click();
    await expect.poll(() => count('classify'), { timeout: 60_000 }).toBe(classifyRuns + 1);
    await waitForJobs(server.url, server.token, ['classify', 'coverage']);
    expect(assigned()).toBe(0);
    expect(db<{ value: string }>("SELECT value FROM settings WHERE key = 'quality.thresholds'")[0]!.value).toBe('{"minSharpness":100000}');
    await view('Tasks');
    // (task 1 was verified on an override above: it stays verified; task 2 has no photo left)
    await expect.poll(() => page.getByTestId('task-2').getAttribute('data-state'), { timeout: 30_000 }).toBe('not_flown');
    await screenshot(page, 'flow-threshold-changed');
    await view('Project');
    await quality.getByRole('spinbutton', { name: 'Minimum sharpness', exact: true }).fill('100');
    await quality.getByRole('button', { name: /^Save/ }).click();
    await expect.poll(() => count('classify'), { timeout: 60_000 }).toBe(classifyRuns + 2);
    await waitForJobs(server.url, server.token, ['classify', 'coverage']);
    expect(assigned()).toBe(18);
    await screenshot(page, 'flow-settings-1400');

    // A removed task: its photos are matched again (none lay in task 3: the others keep theirs).
    await view('Tasks');
    await page.getByRole('button', { name: 'Remove task 3' }).click();
    await page.getByRole('button', { name: 'Remove task 3', exact: true }).last().click();
    await expect.poll(() => page.locator('tr[data-testid^="task-"]').count()).toBe(2);
    await expect.poll(() => count('classify'), { timeout: 60_000 }).toBe(classifyRuns + 3);
    expect(db<{ task_id: string }>('SELECT task_id FROM tasks ORDER BY task_id').map((r) => r.task_id)).toEqual(['1', '2']);
    await expect.poll(() => page.getByTestId('checklist').textContent()).not.toMatch(/No photos: 3/);

    // Decided photos: rejecting task 2's photos moves its coverage (a coverage run, no classification needed).
    await waitForJobs(server.url, server.token, ['classify', 'coverage']);
    const coverageRuns = await count('coverage');
    const ids = db<{ id: number }>("SELECT id FROM images WHERE task_id = (SELECT id FROM tasks WHERE task_id = '2')").map((r) => r.id);
    expect((await callApi(server.url, server.token, 'images.decide', { ids, decision: 'rejected' })).error).toBeUndefined();
    await expect.poll(() => count('coverage'), { timeout: 60_000 }).toBe(coverageRuns + 1);
    await expect.poll(() => page.getByTestId('task-2').getAttribute('data-state'), { timeout: 30_000 }).toBe('not_flown');
    expect(await callApi(server.url, server.token, 'images.decide', { ids, decision: null })).toMatchObject({ result: { changed: ids.length } });
    expect(watch.errors).toEqual([]);
  });
  it('9: a paused sync says "paused", not "cancelled", with no rate or ETA; resumed, it finishes', async () => {
    const bucket = await freshBucket('e2epause');
    // The link to S3 goes through a proxy that can hold every byte: the sync is surely mid-way when paused.
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(RGW.endpoint).port) });
    try {
      const target = { endpoint: proxy.url, region: RGW.region, bucket, prefix: '', pathStyle: true };
      expect((await callApi(server.url, server.token, 'sync.setTarget', target)).error).toBeUndefined();
      expect((await callApi(server.url, server.token, 'sync.setCredentials', { accessKeyId: RGW.credentials.accessKeyId, secretAccessKey: RGW.credentials.secretAccessKey })).error).toBeUndefined();
      expect(db<{ n: number }>('SELECT count(*) AS n FROM tasks WHERE verified_at IS NOT NULL')[0]!.n).toBeGreaterThan(0);
      await view('Sync');
      proxy.hold(true);
      await page.getByRole('button', { name: 'Sync all verified tasks' }).click();
      const card = page.getByTestId('job-sync').first();
      await expect.poll(() => card.getAttribute('data-state'), { timeout: 30_000 }).toBe('running');
      await page.getByRole('button', { name: 'Pause sync' }).click();
      await expect.poll(() => card.getAttribute('data-state'), { timeout: 60_000 }).toBe('cancelled');
      expect(await card.locator('.job-state').textContent()).toBe('paused');
      const text = (await card.textContent())!;
      expect(text).not.toMatch(/cancelled|MB\/s|ETA/);
      // The Jobs column says the same of it.
      const column = page.getByRole('complementary', { name: 'Jobs' }).getByTestId('job-sync').first();
      await expect.poll(() => column.locator('.job-state').textContent()).toBe('paused');
      expect(await column.textContent()).not.toMatch(/cancelled|MB\/s|ETA/);
      await screenshot(page, 'flow-sync-paused');
      proxy.hold(false);
      await page.getByRole('button', { name: 'Resume sync' }).click();
      await expect.poll(() => page.getByTestId('job-sync').first().getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    } finally {
      proxy.hold(false);
      await proxy.close();
      await dropBucket(bucket).catch(() => undefined);
    }
  });
});
