/**
 * Thermal payloads on real files: DJI Zenmuse XT / XT2 frames from shared/data (an R-JPEG and two radiometric 16-bit
 * TIFFs). A wide frame of the same trigger is derived at test time from the R-JPEG (its FLIR tags renamed away and
 * the payload's ImageSource written), so the pair is grouped like a capture and a task picks its stream.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyProject } from '../../src-main/classify/classify.ts';
import { QUALITY_SETTINGS_KEY } from '../../src-main/classify/quality.ts';
import { listImages, listReasons, type ImageRow } from '../../src-main/db/images.ts';
import { setSetting } from '../../src-main/db/settings.ts';
import { tasksStreamCommand } from '../../src-main/cli/commands/tasks-stream.ts';
import { getTaskByRowId } from '../../src-main/db/tasks.ts';
import { computeCoverage, type StoredCoverage, type StoredFootprint } from '../../src-main/geo/coverage-service.ts';
import { runIngest } from '../../src-main/ingest/ingest.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { replaceAscii, rewriteXmp } from '../support/band-sets.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';
import { insertRectTask } from '../support/tracks-project.ts';

const samples = path.join(sharedData, 'metadata_samples');
const R_JPEG = path.join(samples, 'issue-exifr-3.jpg');
const WIDE_PASSES = { minSharpness: 30 };

/** Width and height on the ground (m) of a stored footprint, from its corner ring in the local frame. */
function extentM(row: ImageRow): { w: number; h: number } {
  const ring = (JSON.parse(row.footprint!) as StoredFootprint).geometry.coordinates[0]!;
  const mPerDegLat = 111_132;
  const mPerDegLon = 111_320 * Math.cos((row.lat! * Math.PI) / 180);
  const d = (a: number[], b: number[]) => Math.hypot((a[0]! - b[0]!) * mPerDegLon, (a[1]! - b[1]!) * mPerDegLat);
  return { w: d(ring[0]!, ring[1]!), h: d(ring[1]!, ring[2]!) };
}

describe('thermal payload frames', () => {
  let dir: string;
  let project: Project;
  let taskRow: number;
  let rows: ImageRow[];
  const byName = (name: string) => rows.find((r) => r.file_name === name)!;
  const codesOf = (name: string) => (listReasons(project.db).get(byName(name).id) ?? []).map((r) => r.code);

  beforeAll(async () => {
    dir = makeTemp();
    const card = path.join(dir, 'card', 'DCIM', '100MEDIA');
    fs.mkdirSync(card, { recursive: true });
    const original = fs.readFileSync(R_JPEG);
    fs.writeFileSync(path.join(card, 'DJI_0001_T.JPG'), original);
    // The wide frame of the same trigger: no FLIR tags, the payload says which camera wrote it.
    const wide = rewriteXmp(original, (xmp) =>
      xmp.replaceAll('FLIR:', 'FLIX:').replace('FLIX:CentralTemperature="22"', 'drone-dji:ImageSource="Wide"'),
    );
    fs.writeFileSync(path.join(card, 'DJI_0001_W.JPG'), wide);
    // A defocused thermal frame ten seconds later.
    const soft = await sharp(original).blur(1.5).keepMetadata().jpeg({ quality: 95 }).toBuffer();
    fs.writeFileSync(path.join(card, 'DJI_0002_T.JPG'), replaceAscii(soft, '2019:04:30 15:56:18', '2019:04:30 15:56:28'));
    // Radiometric 16-bit frames (XT with 13 mm lens, XT2 13 mm).
    fs.copyFileSync(path.join(samples, '001.tif'), path.join(card, 'XT_0001.TIF'));
    fs.copyFileSync(path.join(samples, '002.tiff'), path.join(card, 'XT2_0001.TIF'));

    project = openProject(path.join(dir, 'project'), { create: true });
    // The derived wide frame carries the thermal frame's pixels (sharpness 43): held to a daylight threshold of 30
    // here so it stands in for a sharp wide frame.
    setSetting(project.db, QUALITY_SETTINGS_KEY, WIDE_PASSES);
    await runIngest(project, { source: path.join(dir, 'card'), inPlace: true });
    const t = listImages(project.db).find((r) => r.file_name === 'DJI_0001_T.JPG')!;
    taskRow = insertRectTask(project.db, 'T1', { lat: t.lat!, lon: t.lon! }, [-80, -80, 80, 80]);
    await classifyProject(project);
    computeCoverage(project);
    rows = listImages(project.db);
  }, 120_000);
  afterAll(() => {
    project.close();
    rmTemp(dir);
  });

  it('groups the wide and thermal frames of one trigger and knows which is which', () => {
    const t = byName('DJI_0001_T.JPG');
    const w = byName('DJI_0001_W.JPG');
    expect([t.sensor_kind, t.band, w.sensor_kind, w.band]).toEqual(['thermal', 'thermal', 'visible', 'wide']);
    expect(t.capture_key).not.toBeNull();
    expect(w.capture_key).toBe(t.capture_key);
    expect(byName('DJI_0002_T.JPG').capture_key).not.toBe(t.capture_key);
    expect(byName('XT2_0001.TIF').sensor_kind).toBe('thermal');
  });

  it('judges thermal frames with the thermal threshold and the radiometric ones by their blur effect', async () => {
    expect(codesOf('DJI_0001_T.JPG')).toEqual([]);
    expect(codesOf('DJI_0002_T.JPG')).toEqual(['blur']);
    // Radiometric counts: sharpness scores under 3, yet sharp frames.
    for (const f of ['XT_0001.TIF', 'XT2_0001.TIF']) {
      expect(JSON.parse(byName(f).metrics_json!).gridScore).toBeLessThan(3);
      expect(codesOf(f)).not.toContain('blur');
    }
    // The default is a project setting: a stricter project rejects the sharp R-JPEG too.
    setSetting(project.db, QUALITY_SETTINGS_KEY, { ...WIDE_PASSES, thermalMinSharpness: 50 });
    await classifyProject(project);
    expect(codesOf('DJI_0001_T.JPG')).toEqual(['blur']);
    setSetting(project.db, QUALITY_SETTINGS_KEY, WIDE_PASSES);
    await classifyProject(project);
    expect(codesOf('DJI_0001_T.JPG')).toEqual([]);
  });

  it('gives thermal frames the thermal lens footprint and lets the task choose the stream it counts', async () => {
    // Zenmuse XT: 640 x 512 pixels of 17 um behind 13 mm, 62.5 m up: 62.5 * 10.88 / 13 = 52.3 m across.
    const setWide = computeCoverage(project).tasks[0]!.coverage;
    rows = listImages(project.db);
    const wide = byName('DJI_0001_W.JPG');
    expect(setWide.footprintCount).toBe(1);
    expect(wide.footprint).not.toBeNull();
    expect(byName('DJI_0001_T.JPG').footprint).toBeNull();

    // The pilot picks the thermal stream for the task (the CLI recomputes its coverage).
    const stdout = new PassThrough();
    let said = '';
    stdout.on('data', (c: Buffer) => (said += c.toString()));
    const io = { stdout, stderr: new PassThrough(), isTty: false, env: {} };
    expect(await tasksStreamCommand.run({ values: { project: path.join(dir, 'project') }, positionals: ['T1', 'thermal'] }, io)).toBe(0);
    expect(said).toMatch(/Task T1 now counts the thermal file of each capture: 1 photos/);
    expect(getTaskByRowId(project.db, taskRow)!.stream).toBe('thermal');
    const setThermal = getTaskByRowId(project.db, taskRow)!.coverage as StoredCoverage;
    rows = listImages(project.db);
    const t = byName('DJI_0001_T.JPG');
    expect(setThermal.footprintCount).toBe(1);
    const fp = JSON.parse(t.footprint!) as StoredFootprint;
    expect(fp.properties.fovSource).toBe('thermal_core');
    const { w, h } = extentM(t);
    expect(w).toBeCloseTo((62.5 * 640 * 0.017) / 13, 0);
    expect(h).toBeCloseTo((62.5 * 512 * 0.017) / 13, 0);
    expect(t.gsd_cm!).toBeCloseTo((62.5 * 0.017 * 100) / 13, 1);
    // The wide frame's own lens is a different one: its footprint differs from the thermal one.
    const wideW = extentM(wide).w;
    expect(Math.abs(wideW - w) / w).toBeGreaterThan(0.3);
  });
});
