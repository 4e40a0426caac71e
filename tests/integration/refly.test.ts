/**
 * Re-fly, end to end through the CLI on real photo sets: a task drawn larger than the block that was flown has
 * gaps; `postflight refly` plans them; flying the plan is simulated by deriving one photo per planned photo point
 * from the real ones (the plan's position, height above take-off and yaw written into its metadata), ingesting those
 * with the originals, and the task's coverage must rise to at least 97 %. The mission files are checked with real
 * parsers (fflate for the KMZ zip, @xmldom/xmldom for KML/WPML, JSON.parse for QGroundControl).
 */
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { DOMParser, type Document } from '@xmldom/xmldom';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFrame } from '../../src-main/geo/local-frame.ts';
import { callApi, runPostflight, startServe } from '../support/cli.ts';
import { exactCopy, P4M_PHOTO, withPose } from '../support/derived-photos.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';
import { taskAround, taskFile } from '../support/refly-task.ts';

interface ReportTask {
  task_id: string;
  coverage_pct: number | null;
  unphotographed_m2: number | null;
  thin_overlap_m2: number | null;
  gaps: { features: { properties: { kind: string; areaM2: number } }[] } | null;
}
interface PlanFeature {
  type: 'Feature';
  properties: { role: 'line' | 'gap' | 'photo'; heightM?: number; yawDeg?: number; kind?: string; areaM2?: number; index?: number };
  geometry: { type: string; coordinates: unknown };
}
interface PlanSummary {
  files: string[];
  photoCount: number;
  lineCount: number;
  heightM: number;
  heightSource: string;
  lengthM: number;
  flightTimeS: number;
}

const WPML_NS = 'http://www.dji.com/wpmz/1.0.2';

function parseXml(text: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(text, 'text/xml');
  expect(errors).toEqual([]);
  return doc;
}

/** Photo centres of a folder of real photos, read with exifr (not with the code under test). */
async function photoCentres(folder: string): Promise<{ file: string; lon: number; lat: number }[]> {
  const files = fs.readdirSync(folder).filter((f) => /\.jpe?g$/i.test(f)).sort();
  return Promise.all(
    files.map(async (f) => {
      const m = await exifr.parse(path.join(folder, f), { xmp: true });
      return { file: path.join(folder, f), lon: m.longitude as number, lat: m.latitude as number };
    }),
  );
}

const SETS = [
  { name: 'brighton_beach', marginM: -5, extraEastM: 45 },
  { name: 'p4m_mirafiori', marginM: 8, extraEastM: 25 },
] as const;

describe.each(SETS)('re-flying the gaps of a task over $name', ({ name, marginM, extraEastM }) => {
  let tmp: string;
  let project: string;
  let before: ReportTask;
  let plan: { type: string; features: PlanFeature[] };
  let summary: PlanSummary;
  const run = (...args: string[]) => {
    const r = runPostflight(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const taskReport = () => (JSON.parse(run('report', '--json', '--project', project).stdout) as { tasks: ReportTask[] }).tasks[0]!;

  beforeAll(async () => {
    tmp = makeTemp(`postflight-refly-${name}-`);
    project = path.join(tmp, 'project');
    const originals = path.join(sharedData, name);
    const centres = await photoCentres(originals);
    const taskPath = path.join(tmp, 'task.geojson');
    fs.writeFileSync(taskPath, taskFile('R1', taskAround(centres, marginM, extraEastM)));
    run('ingest', originals, '--in-place', '--project', project);
    run('tasks', 'import', taskPath, '--project', project);
    run('classify', '--project', project);
    before = taskReport();
    const out = path.join(tmp, 'out', 'refly.geojson');
    summary = JSON.parse(run('refly', '--project', project, '--task', 'R1', '--out', out, '--json').stdout) as PlanSummary;
    plan = JSON.parse(fs.readFileSync(out, 'utf8'));
  }, 300_000);
  afterAll(() => rmTemp(tmp));

  it('reports the gaps by kind, each with its area, none a sliver', () => {
    expect(before.coverage_pct!).toBeLessThan(97);
    const gaps = before.gaps!.features;
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.some((g) => g.properties.kind === 'unphotographed')).toBe(true);
    for (const g of gaps) {
      expect(['unphotographed', 'thin_overlap']).toContain(g.properties.kind);
      expect(g.properties.areaM2).toBeGreaterThanOrEqual(100);
    }
    expect(before.unphotographed_m2!).toBeGreaterThan(0);
  });

  it('plans lines, gaps and photo points in flight order at the flown height', () => {
    expect(plan.type).toBe('FeatureCollection');
    const roles = plan.features.map((f) => f.properties.role);
    const photos = plan.features.filter((f) => f.properties.role === 'photo');
    expect(photos).toHaveLength(summary.photoCount);
    expect(roles.filter((r) => r === 'line')).toHaveLength(summary.lineCount);
    // Every gap of the report, and the smaller ones it leaves out as slivers (down to DroneTM's 100 m²).
    expect(roles.filter((r) => r === 'gap').length).toBeGreaterThanOrEqual(before.gaps!.features.length);
    expect(photos.map((p) => p.properties.index)).toEqual(photos.map((_, i) => i));
    expect(summary.heightSource).toBe('photos');
    const flown = name === 'brighton_beach' ? 40 : 44.5;
    for (const p of photos) {
      expect(p.properties.heightM).toBeCloseTo(flown, 0);
      expect(Math.abs(p.properties.yawDeg!)).toBeLessThanOrEqual(180);
    }
    for (const g of plan.features.filter((f) => f.properties.role === 'gap')) {
      expect(['unphotographed', 'thin_overlap']).toContain(g.properties.kind);
      expect(g.properties.areaM2).toBeGreaterThanOrEqual(100);
    }
    expect(summary.lengthM).toBeGreaterThan(0);
    expect(summary.flightTimeS).toBeGreaterThan(summary.lengthM / 10);
  });

  it('writes a DJI WPML KMZ: a zip with template.kml and waylines.wpml in the WPML namespace, a photo at each point', () => {
    const out = path.join(tmp, 'out', 'refly.kmz');
    const r = JSON.parse(run('refly', '--project', project, '--task', 'R1', '--out', out, '--json').stdout) as PlanSummary;
    expect(r.files).toEqual([out]);
    const entries = unzipSync(new Uint8Array(fs.readFileSync(out)));
    expect(Object.keys(entries).sort()).toEqual(['wpmz/template.kml', 'wpmz/waylines.wpml']);
    for (const [file, bytes] of Object.entries(entries)) {
      const doc = parseXml(strFromU8(bytes));
      expect(doc.documentElement!.getAttribute('xmlns:wpml')).toBe(WPML_NS);
      const placemarks = doc.getElementsByTagName('Placemark');
      expect(placemarks.length, file).toBe(r.photoCount);
      expect(placemarks.length).toBeLessThanOrEqual(250);
      const photoActions = [...Array.from(doc.getElementsByTagNameNS(WPML_NS, 'actionActuatorFunc'))].filter((a) => a.textContent === 'takePhoto');
      expect(photoActions).toHaveLength(r.photoCount);
      const heightMode = doc.getElementsByTagNameNS(WPML_NS, file.endsWith('.kml') ? 'heightMode' : 'executeHeightMode')[0]!;
      expect(heightMode.textContent).toBe('relativeToStartPoint');
      const pitches = Array.from(doc.getElementsByTagNameNS(WPML_NS, 'gimbalPitchRotateAngle')).map((e) => e.textContent);
      expect(new Set(pitches)).toEqual(new Set(['-90']));
    }
  });

  it('writes KML lines with the gaps, and a QGroundControl plan, both readable by real parsers', () => {
    const kmlFile = path.join(tmp, 'out', 'refly.kml');
    const planFile = path.join(tmp, 'out', 'refly.plan');
    run('refly', '--project', project, '--task', 'R1', '--out', kmlFile);
    run('refly', '--project', project, '--task', 'R1', '--out', planFile);
    const kml = parseXml(fs.readFileSync(kmlFile, 'utf8'));
    expect(kml.getElementsByTagName('LineString').length).toBe(summary.lineCount);
    expect(kml.getElementsByTagName('Polygon').length).toBe(plan.features.filter((f) => f.properties.role === 'gap').length);
    const qgc = JSON.parse(fs.readFileSync(planFile, 'utf8')) as { fileType: string; mission: { items: { command: number; params: number[] }[] } };
    expect(qgc.fileType).toBe('Plan');
    const waypoints = qgc.mission.items.filter((i) => i.command === 16);
    expect(waypoints).toHaveLength(summary.photoCount);
    expect(qgc.mission.items.filter((i) => i.command === 2000)).toHaveLength(summary.photoCount);
    const firstPhoto = plan.features.find((f) => f.properties.role === 'photo')!.geometry.coordinates as [number, number];
    expect(waypoints[0]!.params[4]).toBeCloseTo(firstPhoto[1], 7);
    expect(waypoints[0]!.params[5]).toBeCloseTo(firstPhoto[0], 7);
  });

  it('plans the stretches of a flight plan that have no photos yet (--from-plan)', () => {
    const out = path.join(tmp, 'out', 'from-plan.geojson');
    const r = JSON.parse(run('refly', '--project', project, '--task', 'R1', '--from-plan', '--plan', path.join(tmp, 'out', 'refly.kmz'), '--out', out, '--json').stdout) as PlanSummary;
    expect(r.photoCount).toBeGreaterThan(0);
    const unflown = (JSON.parse(fs.readFileSync(out, 'utf8')) as { features: PlanFeature[] }).features.filter((f) => f.properties.role === 'gap');
    expect(unflown.length).toBeGreaterThan(0);
  });

  it('serves the same plan and its files to the app through the contract', async () => {
    const serve = await startServe(project);
    try {
      const planned = await callApi(serve.url, serve.token, 'refly.plan', { taskId: 'R1' });
      const info = planned.result as { photoCount: number; lineCount: number; lengthM: number; flightTimeS: number; djiFiles: number; geojson: { features: PlanFeature[] } };
      expect(info).toMatchObject({ photoCount: summary.photoCount, lineCount: summary.lineCount, djiFiles: 1 });
      expect(Math.round(info.lengthM)).toBe(summary.lengthM);
      expect(info.geojson.features.filter((f) => f.properties.role === 'photo')).toHaveLength(summary.photoCount);
      const exported = await callApi(serve.url, serve.token, 'refly.export', { taskId: 'R1', format: 'wpml' });
      const files = (exported.result as { files: { fileName: string; contentBase64: string }[] }).files;
      expect(files.map((f) => f.fileName)).toEqual(['refly-task-R1.kmz']);
      expect(Object.keys(unzipSync(new Uint8Array(Buffer.from(files[0]!.contentBase64, 'base64')))).sort()).toEqual(['wpmz/template.kml', 'wpmz/waylines.wpml']);
      const bad = await callApi(serve.url, serve.token, 'refly.export', { taskId: 'R1', format: 'mp4' });
      expect(bad.error?.code).toBe('invalid_input');
    } finally {
      await serve.stop();
    }
  });

  it('brings the task to at least 97 % coverage once the plan is flown', async () => {
    const originals = (await photoCentres(path.join(sharedData, name))).map((c) => c.file);
    const flight = path.join(tmp, 'reflight');
    const photos = plan.features.filter((f) => f.properties.role === 'photo');
    let clock = 3600;
    let prev: [number, number] | null = null;
    for (const [i, p] of photos.entries()) {
      const [lon, lat] = p.geometry.coordinates as [number, number];
      // A later flight at a steady 5 m/s, at least 2 s between photos.
      if (prev) clock += Math.max(2, Math.hypot(...localFrame(prev[0], prev[1]).toXY(lon, lat)) / 5);
      prev = [lon, lat];
      withPose(
        flight,
        { lat, lon, relAltM: p.properties.heightM!, yawDeg: p.properties.yawDeg!, timeShiftS: Math.round(clock) },
        { source: originals[i % originals.length], name: `REFLY_${String(i).padStart(4, '0')}.JPG` },
      );
    }
    run('ingest', flight, '--in-place', '--project', project);
    run('classify', '--project', project);
    const after = taskReport();
    expect(after.coverage_pct!).toBeGreaterThanOrEqual(97);
    expect(after.coverage_pct!).toBeGreaterThan(before.coverage_pct!);
    // Planned vs flown: every planned photo point now has an accepted photo near it.
    const again = runPostflight(['refly', '--project', project, '--task', 'R1', '--from-plan', '--plan', path.join(tmp, 'out', 'refly.kmz'), '--out', path.join(tmp, 'out', 'again.kmz')]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/every planned photo point of the flight plan has an accepted photo near it/);
  }, 600_000);
});

describe('re-fly refusals', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = makeTemp('postflight-refly-refusals-');
  });
  afterAll(() => rmTemp(tmp));

  it('refuses a task without photos, a missing task and a file name without a known format, in words', () => {
    const project = path.join(tmp, 'project');
    // One real photo, taken 100 km from the task: the project exists, the task has no photo.
    exactCopy(path.join(tmp, 'card'), { source: P4M_PHOTO });
    expect(runPostflight(['ingest', path.join(tmp, 'card'), '--in-place', '--project', project]).code).toBe(0);
    const task = path.join(tmp, 'task.geojson');
    const ring = [[8.62, 45.03], [8.621, 45.03], [8.621, 45.031], [8.62, 45.031], [8.62, 45.03]];
    fs.writeFileSync(task, JSON.stringify({ type: 'Feature', properties: { task_id: 'E' }, geometry: { type: 'Polygon', coordinates: [ring] } }));
    expect(runPostflight(['tasks', 'import', task, '--project', project]).code).toBe(0);
    expect(runPostflight(['classify', '--project', project]).code).toBe(0);
    const empty = runPostflight(['refly', '--project', project, '--task', 'E', '--out', path.join(tmp, 'e.kmz')]);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/Task E has no accepted photos yet.*fly it with its original plan first/);
    const missing = runPostflight(['refly', '--project', project, '--task', 'nope', '--out', path.join(tmp, 'e.kmz')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/There is no task "nope"/);
    const unknown = runPostflight(['refly', '--project', project, '--task', 'E', '--out', path.join(tmp, 'e.txt')]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/name it \.kmz \(DJI\), \.kml, \.plan \(QGroundControl\) or \.geojson/);
    expect(fs.existsSync(path.join(tmp, 'e.kmz'))).toBe(false);
  });
});
