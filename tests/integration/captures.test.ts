/**
 * Multispectral captures on real camera files: MicaSense RedEdge band TIFFs and Phantom 4 Multispectral captures
 * derived at test time (tests/support/band-sets.ts), ingested, classified and covered like a pilot's card.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyProject } from '../../src-main/classify/classify.ts';
import { listImages, listReasons, type ImageRow } from '../../src-main/db/images.ts';
import { computeCoverage } from '../../src-main/geo/coverage-service.ts';
import { runIngest } from '../../src-main/ingest/ingest.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import type { QualityMetrics } from '../../src-main/quality/types.ts';
import { buildReport } from '../../src-main/report/report.ts';
import { writeMicaSenseCapture, writeP4mCapture } from '../support/band-sets.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { insertRectTask } from '../support/tracks-project.ts';
import { sql } from '../../src-main/db/database.ts';

const metricsOf = (r: ImageRow) => JSON.parse(r.metrics_json!) as QualityMetrics;

describe('MicaSense RedEdge captures', () => {
  let dir: string;
  let project: Project;
  let rows: ImageRow[];
  let codes: Map<string, string[]>;
  beforeAll(async () => {
    dir = makeTemp();
    const card = path.join(dir, 'card', '0000SET', '000');
    writeMicaSenseCapture(card, 1, 'capturesharpAAAAAAAA', { blur: ['Red'] });
    writeMicaSenseCapture(card, 2, 'capturemissingBBBBBB', { omit: ['NIR'] });
    writeMicaSenseCapture(card, 3, 'captureblurredCCCCCC', { blur: ['Blue', 'Green', 'Red', 'NIR', 'Red edge'] });
    const broken = writeMicaSenseCapture(card, 4, 'captureunreadDDDDDDD');
    // A band file cut short on the card: its pixels and its metadata (written after them) are lost.
    const cut = broken[2]!;
    fs.truncateSync(cut, Math.floor(fs.statSync(cut).size / 2));
    project = openProject(path.join(dir, 'project'), { create: true });
    await runIngest(project, { source: path.join(dir, 'card'), inPlace: true });
    await classifyProject(project);
    rows = listImages(project.db);
    const reasons = listReasons(project.db);
    // No task in this project: every photo is also 'outside', which is not what these tests look at.
    codes = new Map(rows.map((r) => [r.file_name, (reasons.get(r.id) ?? []).map((x) => x.code).filter((c) => c !== 'outside')]));
  }, 120_000);
  afterAll(() => {
    project.close();
    rmTemp(dir);
  });

  it('groups the band files of each trigger by CaptureId, with normalised band names and lens indices', () => {
    const first = rows.filter((r) => r.file_name.startsWith('IMG_0001_')).sort((a, b) => a.band_index! - b.band_index!);
    expect(first.map((r) => [r.capture_key, r.band, r.band_index, r.sensor_kind])).toEqual([
      ['micasense:capturesharpAAAAAAAA', 'Blue', 0, 'multispectral'],
      ['micasense:capturesharpAAAAAAAA', 'Green', 1, 'multispectral'],
      ['micasense:capturesharpAAAAAAAA', 'Red', 2, 'multispectral'],
      ['micasense:capturesharpAAAAAAAA', 'NIR', 3, 'multispectral'],
      ['micasense:capturesharpAAAAAAAA', 'RedEdge', 4, 'multispectral'],
    ]);
    expect(new Set(rows.map((r) => r.capture_key).filter(Boolean)).size).toBe(4);
  });

  it('reads the 16-bit bands at their real depth and keeps every band figure', () => {
    const blue = rows.find((r) => r.file_name === 'IMG_0001_1.tif')!;
    const red = rows.find((r) => r.file_name === 'IMG_0001_3.tif')!;
    expect(metricsOf(blue).bitDepth).toBe(16);
    // MicaSense left-aligns 12-bit samples in 16 bits; the black level of 4800 reads as ~19 of 255.
    expect(metricsOf(blue).p5).toBeGreaterThan(18);
    expect(metricsOf(blue).gridScore).toBeGreaterThan(100);
    // The blurred Red band alone is far below the RGB threshold...
    expect(metricsOf(red).gridScore).toBeLessThan(100);
  });

  it('judges a capture on its most textured band: a soft band of a sharp capture is not rejected, a soft capture is', () => {
    // ... but its capture is sharp (judged on Green), so nothing of capture 1 is rejected.
    for (const r of rows.filter((x) => x.file_name.startsWith('IMG_0001_'))) expect(codes.get(r.file_name)).toEqual([]);
    const soft = rows.filter((x) => x.file_name.startsWith('IMG_0003_'));
    expect(soft).toHaveLength(5);
    for (const r of soft) expect(codes.get(r.file_name)).toEqual(['blur']);
    const reasons = listReasons(project.db);
    const nir = soft.find((r) => r.band === 'NIR')!;
    expect(reasons.get(nir.id)![0]!.message).toMatch(/judged on its most textured band/);
  });

  it('flags a capture with a band missing or unreadable as incomplete, and counts no capture as a hover', () => {
    for (const r of rows.filter((x) => x.file_name.startsWith('IMG_0002_'))) expect(codes.get(r.file_name)).toEqual(['incomplete_capture']);
    const reasons = listReasons(project.db);
    const missing = rows.find((x) => x.file_name === 'IMG_0002_1.tif')!;
    expect(reasons.get(missing.id)![0]!.message).toMatch(/missing NIR/);
    const unread = rows.filter((x) => x.file_name.startsWith('IMG_0004_'));
    expect(unread.find((r) => r.file_name === 'IMG_0004_3.tif')!.capture_key).toBeNull();
    for (const r of unread.filter((x) => x.capture_key)) expect(codes.get(r.file_name)).toEqual(['incomplete_capture']);
    // 19 files at one position: as single photos that is a hover burst; as 4 captures it is not.
    expect([...codes.values()].flat()).not.toContain('stationary');
    expect(rows.filter((r) => r.status === 'unmatched')).toHaveLength(5);
  });
});

describe('Phantom 4 Multispectral captures over a task', () => {
  let dir: string;
  let card: string;
  beforeAll(async () => {
    dir = makeTemp();
    card = path.join(dir, 'card', 'DCIM', '100FPLAN');
    // The calibration panel: the first photo's capture, re-shot on the ground two minutes before take-off.
    await writeP4mCapture(path.join(dir, 'card', 'DCIM', '099PANEL'), 'DJI_0010.JPG', {
      xmp: { RelativeAltitude: '+0.10', GimbalPitchDegree: '-90.00' },
      captureUuid: 'ca1b0a4d00000000000000000000beef',
      time: { from: '2026:01:26 13:50:1', to: '2026:01:26 13:48:0' },
    });
    for (const photo of ['DJI_0010.JPG', 'DJI_0020.JPG', 'DJI_0030.JPG']) await writeP4mCapture(card, photo, { blur: ['NIR'] });
  }, 120_000);
  afterAll(() => rmTemp(dir));

  async function run(): Promise<{ project: Project; rows: ImageRow[]; codes: Map<string, string[]>; taskRow: number }> {
    const project = openProject(path.join(makeTemp(), 'project'), { create: true });
    await runIngest(project, { source: path.join(dir, 'card'), inPlace: true });
    const rows0 = listImages(project.db);
    const rgb = rows0.filter((r) => r.band === 'RGB');
    const lat = rgb.reduce((a, r) => a + r.lat!, 0) / rgb.length;
    const lon = rgb.reduce((a, r) => a + r.lon!, 0) / rgb.length;
    const taskRow = insertRectTask(project.db, 'T1', { lat, lon }, [-60, -60, 60, 60]);
    await classifyProject(project);
    computeCoverage(project);
    const rows = listImages(project.db);
    const reasons = listReasons(project.db);
    return { project, rows, taskRow, codes: new Map(rows.map((r) => [`${r.source_path}`, (reasons.get(r.id) ?? []).map((x) => x.code)])) };
  }

  it('groups RGB + 5 bands by CaptureUUID, judges each on its RGB image, covers each capture once, says all bands are there', async () => {
    const { project, rows, codes, taskRow } = await run();
    try {
      expect(rows).toHaveLength(24);
      const survey = rows.filter((r) => r.source_path.includes('100FPLAN'));
      expect(new Set(survey.map((r) => r.capture_key)).size).toBe(3);
      expect(survey.filter((r) => r.band === 'RGB').every((r) => r.sensor_kind === 'visible')).toBe(true);
      for (const r of survey.filter((x) => x.sensor_kind === 'multispectral')) expect(metricsOf(r).bitDepth).toBe(16);
      const nir = survey.filter((r) => r.band === 'NIR');
      // The blurred NIR band measures soft on its own, yet its capture is sharp: nothing in the survey is rejected.
      for (const r of nir) expect(metricsOf(r).gridScore).toBeLessThan(JSON.parse(survey.find((x) => x.capture_key === r.capture_key && x.band === 'RGB')!.metrics_json!).gridScore);
      for (const r of survey) expect([r.source_path, r.status, codes.get(r.source_path)]).toEqual([r.source_path, 'assigned', []]);

      // The panel capture on the ground before take-off is shown as such, not rejected as a flight tail.
      const panel = rows.filter((r) => r.source_path.includes('099PANEL'));
      expect(panel).toHaveLength(6);
      for (const r of panel) expect([r.status, r.task_id, codes.get(r.source_path)]).toEqual(['unmatched', null, ['calibration_panel']]);

      const task = buildReport(project).tasks[0]!;
      expect(task.captures).toEqual({ count: 3, incomplete: 0, summary: '3 captures, all bands present' });
      // Coverage counts each capture once (its RGB image), not its six files.
      const coverage = JSON.parse(sql(project.db).prepare<[number], { c: string }>('SELECT coverage_json AS c FROM tasks WHERE id = ?').get(taskRow)!.c);
      expect(coverage.footprintCount).toBe(3);
      expect(coverage.photoCount).toBe(3);
    } finally {
      project.close();
    }
  }, 120_000);

  it('flags the capture whose band file was removed from the card', async () => {
    fs.rmSync(path.join(card, 'DJI_0023.TIF'));
    const { project, rows, codes } = await run();
    try {
      const incomplete = rows.filter((r) => codes.get(r.source_path)?.includes('incomplete_capture'));
      expect(incomplete.map((r) => r.file_name).sort()).toEqual(['DJI_0020.JPG', 'DJI_0021.TIF', 'DJI_0022.TIF', 'DJI_0024.TIF', 'DJI_0025.TIF']);
      expect(buildReport(project).tasks[0]!.captures).toEqual({ count: 3, incomplete: 1, summary: '3 captures, 1 missing a band or with an unreadable one' });
    } finally {
      project.close();
    }
  }, 120_000);
});
