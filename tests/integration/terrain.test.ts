/**
 * Heights above real ground: the Phantom 4 Multispectral flight in shared/data (RGB photos, ~44.5 m above take-off)
 * over synthetic terrain written by the test as GeoTIFFs with geotiff's writer — a tilted plane in UTM 32N and a
 * hill in EPSG:4326 — imported with `tasks import --dem`. Footprint areas must change by ((h + z0 - z) / h)^2, the
 * square of the height above the ground under each photo over its height above take-off.
 */
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyProject } from '../../src-main/classify/classify.ts';
import { tasksImportCommand } from '../../src-main/cli/commands/tasks-import.ts';
import { listImages, type ImageRow } from '../../src-main/db/images.ts';
import type { StoredFootprint } from '../../src-main/db/stored.ts';
import { computeCoverage } from '../../src-main/geo/coverage-service.ts';
import { heightAboveTerrain, projectTerrain } from '../../src-main/geo/dem.ts';
import { runIngest } from '../../src-main/ingest/ingest.ts';
import { lonLatToUtm } from '../../src-main/odm/utm.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { buildReport } from '../../src-main/report/report.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';
import { insertRectTask } from '../support/tracks-project.ts';
import { writeDem } from '../support/dem-file.ts';

const ZONE = { zone: 32, south: false };

/** Area (m^2) of a stored footprint polygon, shoelace in a local equirectangular frame. */
function areaM2(row: ImageRow): number {
  const ring = (JSON.parse(row.footprint!) as StoredFootprint).geometry.coordinates[0]!;
  const kx = 111_320 * Math.cos((row.lat! * Math.PI) / 180);
  const ky = 111_132;
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0]! * kx * ring[i + 1]![1]! * ky - ring[i + 1]![0]! * kx * ring[i]![1]! * ky;
  return Math.abs(a) / 2;
}

async function importDemCli(projectDir: string, file: string): Promise<string> {
  const stdout = new PassThrough();
  let said = '';
  stdout.on('data', (c: Buffer) => (said += c.toString()));
  const code = await tasksImportCommand.run({ values: { project: projectDir, dem: file }, positionals: [] }, { stdout, stderr: new PassThrough(), isTty: false, env: {} });
  expect(code).toBe(0);
  return said;
}

describe('footprints over a DEM', () => {
  let dir: string;
  let projectDir: string;
  let project: Project;
  let flat: Map<string, { area: number; row: ImageRow }>;
  let flatCoverage: { coveragePct: number; overlap3Pct: number };
  let takeoff: ImageRow;
  beforeAll(async () => {
    dir = makeTemp();
    projectDir = path.join(dir, 'project');
    project = openProject(projectDir, { create: true });
    await runIngest(project, { source: path.join(sharedData, 'p4m_mirafiori'), inPlace: true });
    const rows = listImages(project.db);
    const lat = rows.reduce((a, r) => a + r.lat!, 0) / rows.length;
    const lon = rows.reduce((a, r) => a + r.lon!, 0) / rows.length;
    insertRectTask(project.db, 'T1', { lat, lon }, [-60, -60, 60, 60]);
    await classifyProject(project);
    flatCoverage = computeCoverage(project).tasks[0]!.coverage;
    flat = new Map(listImages(project.db).filter((r) => r.footprint).map((r) => [r.file_name, { area: areaM2(r), row: r }]));
    takeoff = [...listImages(project.db)].sort((a, b) => (a.captured_at ?? a.captured_local!).localeCompare(b.captured_at ?? b.captured_local!) || a.id - b.id)[0]!;
  }, 120_000);
  afterAll(() => {
    project.close();
    rmTemp(dir);
  });

  it('the flat model is used and said without a DEM', () => {
    expect(flat.size).toBeGreaterThan(20);
    expect(buildReport(project).tasks[0]!.height_model).toBe('flat');
  });

  it('a tilted plane (UTM 32N) changes each footprint area by the square of the height above the ground under it', async () => {
    const [e0, n0] = lonLatToUtm(takeoff.lon!, takeoff.lat!, ZONE);
    // 20 % slope rising to the east, 280 m at the take-off point.
    const z = (x: number) => 280 + 0.2 * (x - e0);
    const file = path.join(dir, 'plane.tif');
    writeDem(file, { epsg: 32632, x0: e0 - 400, y0: n0 + 400, cell: 2, cols: 400, rows: 400, z });
    expect(await importDemCli(projectDir, file)).toMatch(/Terrain plane\.tif: 400 x 400 cells in EPSG:32632/);
    computeCoverage(project);
    const factors: number[] = [];
    for (const row of listImages(project.db).filter((r) => flat.has(r.file_name))) {
      const [x] = lonLatToUtm(row.lon!, row.lat!, ZONE);
      const h = row.rel_alt!;
      const expected = ((h + z(e0) - z(x)) / h) ** 2;
      const measured = areaM2(row) / flat.get(row.file_name)!.area;
      expect(Math.abs(measured / expected - 1), row.file_name).toBeLessThan(0.02);
      expect(JSON.parse(row.footprint!).properties.heightSource).toBe('dem');
      factors.push(measured);
    }
    // The flight crosses enough of the slope for the test to mean something.
    expect(Math.max(...factors) - Math.min(...factors)).toBeGreaterThan(0.3);
    expect(buildReport(project).tasks[0]!.height_model).toBe('dem');
  });

  it('a 30 m hill (EPSG:4326) shrinks the footprints over it and the coverage with them', async () => {
    const rows = [...flat.values()].map((f) => f.row);
    const top = rows[Math.floor(rows.length / 2)]!;
    const kx = 111_320 * Math.cos((top.lat! * Math.PI) / 180);
    const ky = 111_132;
    const z = (lon: number, lat: number) => 250 + 30 * Math.exp(-(((lon - top.lon!) * kx) ** 2 + ((lat - top.lat!) * ky) ** 2) / (2 * 40 ** 2));
    const cell = 0.00001;
    const file = path.join(dir, 'hill.tif');
    writeDem(file, { epsg: 4326, x0: top.lon! - 0.004, y0: top.lat! + 0.004, cell, cols: 800, rows: 800, z });
    await importDemCli(projectDir, file);
    const coverage = computeCoverage(project).tasks[0]!.coverage;
    const terrain = projectTerrain(project)!;
    for (const row of listImages(project.db).filter((r) => flat.has(r.file_name))) {
      const h = row.rel_alt!;
      const expected = ((h + z(takeoff.lon!, takeoff.lat!) - z(row.lon!, row.lat!)) / h) ** 2;
      expect(Math.abs(areaM2(row) / flat.get(row.file_name)!.area / expected - 1), row.file_name).toBeLessThan(0.02);
      // The function the planner and DroneTM pull call gives the same height.
      const shared = heightAboveTerrain(terrain, { lon: row.lon!, lat: row.lat!, heightAboveTakeoffM: h }, { lon: takeoff.lon!, lat: takeoff.lat! });
      expect(shared!).toBeCloseTo(JSON.parse(row.footprint!).properties.heightM, 6);
    }
    const overTop = listImages(project.db).find((r) => r.id === top.id)!;
    // The photo over the top sees about two thirds of its flat footprint (the take-off is on the hill's flank too).
    expect(areaM2(overTop) / flat.get(top.file_name)!.area).toBeLessThan(0.7);
    expect(coverage.overlap3Pct).toBeLessThan(flatCoverage.overlap3Pct);
    expect(coverage.coveragePct).toBeLessThanOrEqual(flatCoverage.coveragePct);
    expect(coverage.heightModel).toBe('dem');
  });

  it('refuses a DEM in a projection it cannot place, in words', async () => {
    const file = path.join(dir, 'lambert.tif');
    writeDem(file, { epsg: 2154, x0: 0, y0: 0, cell: 1, cols: 2, rows: 2, z: () => 0 });
    await expect(tasksImportCommand.run({ values: { project: projectDir, dem: file }, positionals: [] }, { stdout: new PassThrough(), stderr: new PassThrough(), isTty: false, env: {} })).rejects.toThrow(
      /EPSG:2154.*neither WGS84.*UTM/,
    );
  });
});
