import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { area, booleanPointInPolygon, intersect, featureCollection, feature } from '@turf/turf';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { getImage, insertImage, listImages, type NewImage } from '../../src-main/db/images.ts';
import { getTask, listTasks } from '../../src-main/db/tasks.ts';
import { importTasks } from '../../src-main/geo/task-import.ts';
import { computeCoverage, getOverlapLayer, type StoredCoverage, type StoredFootprint } from '../../src-main/geo/coverage-service.ts';
import { localFrame } from '../../src-main/geo/local-frame.ts';
import { makeTemp, repoRoot, rmTemp } from '../support/paths.ts';
import { brightonRows } from '../support/geo-photos.ts';
import { sql } from '../../src-main/db/database.ts';

let dir: string;
let project: Project;
let rows: NewImage[];

beforeAll(async () => {
  dir = makeTemp('postflight-geo-coverage-');
  project = openProject(path.join(dir, 'project'), { create: true });
  importTasks(project, path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson'));
  rows = await brightonRows();
  // Stand-in for the classify step: a photo belongs to the task its position falls in.
  const tasks = listTasks(project.db);
  for (const row of rows) {
    const task = tasks.find((t) => booleanPointInPolygon([row.lon!, row.lat!], t.geometry));
    insertImage(project.db, task ? { ...row, status: 'assigned', task_id: task.id } : { ...row, status: 'unmatched' });
  }
});
afterAll(() => {
  project.close();
  rmTemp(dir);
});

describe('coverage of the real Brighton Beach flight', () => {
  it('assigns 8 + 7 photos and leaves 3 outside the sample tasks', () => {
    const tasks = listTasks(project.db);
    expect(listImages(project.db, { taskId: tasks[0]!.id })).toHaveLength(8);
    expect(listImages(project.db, { taskId: tasks[1]!.id })).toHaveLength(7);
    expect(listImages(project.db, { status: 'unmatched' }).map((r) => r.file_name)).toEqual(['DJI_0018.JPG', 'DJI_0023.JPG', 'DJI_0035.JPG']);
  });

  it('stores footprints whose size and GSD follow the FC300S at ~40 m, and whose neighbours overlap as flown', () => {
    const result = computeCoverage(project);
    expect(result.tasks.map((t) => t.taskId)).toEqual(['1', '2']);
    const assigned = listImages(project.db, { status: 'assigned' }).sort((a, b) => a.captured_at!.localeCompare(b.captured_at!));
    for (const img of assigned) {
      const fp = JSON.parse(img.footprint!) as StoredFootprint;
      expect(fp.properties).toMatchObject({ heightSource: 'relative_altitude', fovSource: 'focal35', headingSource: 'gimbal_yaw' });
      // Textbook GSD = H * pixel pitch / f = rel_alt * (6.17 mm / 4000 px) / 3.61 mm; the EXIF 20 mm equivalent
      // is rounded (3.61 mm x 5.64 crop = 20.4 mm), so allow 3%.
      const textbook = (img.rel_alt! * (6.17 / 4000) * 100) / 3.61;
      expect(img.gsd_cm! / textbook).toBeGreaterThan(0.97);
      expect(img.gsd_cm! / textbook).toBeLessThan(1.03);
      // 16:9 frame: ground length along the heading is 9/16 of the width.
      const ring = fp.geometry.coordinates[0]!.map((p) => localFrame(img.lon!, img.lat!).toXY(p[0]!, p[1]!));
      const side = (i: number) => Math.hypot(ring[i + 1]![0] - ring[i]![0], ring[i + 1]![1] - ring[i]![1]);
      expect(side(1) / side(0)).toBeCloseTo(9 / 16, 2);
    }
    // Consecutive photos on a strip, ~13.7 m apart with a ~39 m long footprint: the intersection of their footprints
    // is 1 - spacing / length of each footprint (same heading, shifted along it).
    const byName = new Map(assigned.map((r) => [r.file_name, r]));
    for (const [a, b] of [['DJI_0019.JPG', 'DJI_0020.JPG'], ['DJI_0025.JPG', 'DJI_0026.JPG'], ['DJI_0031.JPG', 'DJI_0032.JPG']] as const) {
      const pa = JSON.parse(byName.get(a)!.footprint!) as StoredFootprint;
      const pb = JSON.parse(byName.get(b)!.footprint!) as StoredFootprint;
      const shared = intersect(featureCollection([feature(pa.geometry), feature(pb.geometry)]))!;
      const ratio = area(shared) / area(pa.geometry);
      const frame = localFrame(byName.get(a)!.lon!, byName.get(a)!.lat!);
      const spacing = Math.hypot(...frame.toXY(byName.get(b)!.lon!, byName.get(b)!.lat!));
      const ring = pa.geometry.coordinates[0]!.map((p) => frame.toXY(p[0]!, p[1]!));
      const length = Math.hypot(ring[2]![0] - ring[1]![0], ring[2]![1] - ring[1]![1]);
      expect(spacing).toBeGreaterThan(12);
      expect(spacing).toBeLessThan(15);
      // Headings differ by a few degrees between shots, so the overlap is a little under the pure shift.
      expect(ratio).toBeGreaterThan(1 - spacing / length - 0.08);
      expect(ratio).toBeLessThan(1 - spacing / length + 0.02);
    }
  });

  it('reads each sample task as covered, with the flight\'s front and side overlap and consistent gaps', () => {
    for (const id of ['1', '2']) {
      const task = getTask(project.db, id)!;
      const c = task.coverage as StoredCoverage;
      expect(c.footprintCount).toBeGreaterThanOrEqual(7);
      // The tasks lie inside the flown block, whose ~69 x 39 m footprints reach past every task edge.
      expect(c.coveragePct).toBeGreaterThan(99);
      // Each sample task was drawn as 36 x 82 m (resources/sample-tasks/README.md); corners rounded to ~1 cm.
      expect(Math.abs(c.taskAreaM2 - 36 * 82)).toBeLessThan(3);
      // ~13.7 m spacing on a ~38.9 m footprint: about 65% forward overlap; strips ~26 m apart under a ~69 m
      // footprint: about 62% side overlap (GPS and heading scatter move both by a few percent).
      expect(c.frontOverlapPct!).toBeGreaterThan(58);
      expect(c.frontOverlapPct!).toBeLessThan(72);
      expect(c.sideOverlapPct!).toBeGreaterThan(50);
      expect(c.sideOverlapPct!).toBeLessThan(72);
      // Each task holds parts of two strips; task 1's single photo of the third strip (DJI_0030) makes no line.
      expect(c.flightLines).toBe(2);
      expect(c.gsdCm!.median).toBeGreaterThan(1.6);
      expect(c.gsdCm!.median).toBeLessThan(1.8);
      expect(c.flags).toEqual([]);
      // Only the task's own photos count, so its corners are seen by fewer than 3: thin overlap, in slivers under
      // half a ~2700 m² footprint, so none is listed; the areas still add up to the cells short of 3 photos.
      expect(c.overlap3Pct).toBeLessThan(100);
      expect(c.gapsTruncated).toBe(false);
      expect(c.minGapAreaM2).toBeGreaterThan(1200);
      const minGap = c.minGapAreaM2!;
      const [unphotographed, thin] = [c.unphotographedAreaM2!, c.thinOverlapAreaM2!];
      expect(c.gaps.features.filter((f) => f.properties.areaM2 < minGap)).toEqual([]);
      expect(unphotographed + thin).toBeCloseTo(c.gapAreaM2, 6);
      expect(c.thinOverlapAreaM2).toBeGreaterThan(0);
      expect(unphotographed / c.taskAreaM2).toBeCloseTo(1 - c.coveragePct / 100, 2);
      const rasterArea = c.gapAreaM2 / (1 - c.overlap3Pct / 100);
      expect(rasterArea / c.taskAreaM2).toBeGreaterThan(0.95);
      expect(rasterArea / c.taskAreaM2).toBeLessThan(1.05);
    }
  });

  it('serves the overlap raster for the map', () => {
    const layer = getOverlapLayer(project, '1');
    const c = getTask(project.db, '1')!.coverage as StoredCoverage;
    const values = Buffer.from(layer.values, 'base64');
    expect(values.length).toBe(layer.cols * layer.rows);
    // Inside the task a cell holds 1 + the photos seeing it; outside, 0.
    const inside = [...values].filter((v) => v > 0);
    const share = (pred: (v: number) => boolean) => (inside.filter(pred).length / inside.length) * 100;
    expect(share((v) => v >= 2)).toBeCloseTo(c.coveragePct, 9);
    expect(share((v) => v >= 4)).toBeCloseTo(c.overlap3Pct, 9);
    expect(layer.maxCount).toBe(Math.max(...inside) - 1);
    const task = getTask(project.db, '1')!;
    expect(layer.corners[0]![0]).toBeCloseTo(task.bbox[0], 6);
    expect(layer.corners[0]![1]).toBeCloseTo(task.bbox[1], 6);
  });

  it('gives photos without a footprint none, and says why', () => {
    const img = listImages(project.db, { status: 'assigned' })[0]!;
    sql(project.db).prepare('UPDATE images SET gimbal_pitch = -45 WHERE id = ?').run(img.id);
    const c = computeCoverage(project, { taskIds: ['1', '2'] }).tasks.find((t) => t.taskId === (img.task_id === listTasks(project.db)[0]!.id ? '1' : '2'))!;
    expect(c.coverage.skipped).toEqual({ off_nadir: 1 });
    expect(getImage(project.db, img.id)).toMatchObject({ footprint: null, gsd_cm: null });
    sql(project.db).prepare('UPDATE images SET gimbal_pitch = -90 WHERE id = ?').run(img.id);
  });
});


describe('coverage of a very large project', () => {
  it('estimates the take-off altitude over more photos than a call can take arguments (no relative altitudes)', () => {
    const big = openProject(path.join(dir, 'big'), { create: true });
    try {
      importTasks(big, path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson'));
      const now = new Date().toISOString();
      sql(big.db).transaction(() => {
        for (let i = 0; i < 150_000; i++) {
          insertImage(big.db, { source_root: '/card', source_path: `DCIM/${i}.JPG`, file_name: `${i}.JPG`, status: 'unmatched', ingested_at: now, alt: 100 + (i % 50) });
        }
      })();
      expect(computeCoverage(big).tasks).toHaveLength(listTasks(big.db).length);
    } finally {
      big.close();
    }
  });
});
