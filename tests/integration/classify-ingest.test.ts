/**
 * End to end on real photos: ingest the Brighton Beach flight, import a task file covering only its western part,
 * classify, and check every photo against the task geometry worked out here independently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyProject } from '../../src-main/classify/classify.ts';
import { distanceMetres } from '../../src-main/classify/geodesy.ts';
import { CLASSIFY_SETTINGS_KEY } from '../../src-main/classify/thresholds.ts';
import { listImages, listReasons } from '../../src-main/db/images.ts';
import { importTasks } from '../../src-main/geo/task-import.ts';
import { runIngest } from '../../src-main/ingest/ingest.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { setSetting } from '../../src-main/db/settings.ts';
import { buildReport } from '../../src-main/report/report.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';

describe('ingest -> tasks import -> classify on Brighton Beach', () => {
  let dir: string;
  let project: Project;
  beforeAll(async () => {
    dir = makeTemp();
    project = openProject(path.join(dir, 'project'), { create: true });
    await runIngest(project, { source: path.join(sharedData, 'brighton_beach'), inPlace: true });
  });
  afterAll(() => {
    project.close();
    rmTemp(dir);
  });

  it('assigns the photos in (or within the edge buffer of) the task, leaves the rest outside, and cuts nothing sound', async () => {
    const photos = listImages(project.db);
    expect(photos).toHaveLength(18);
    const lons = photos.map((p) => p.lon!).sort((a, b) => a - b);
    const lats = photos.map((p) => p.lat!);
    // Task A: the western half of the flight; task B: a square 2 km north that no photo comes near.
    const west = lons[0]! - 0.0001;
    const split = (lons[8]! + lons[9]!) / 2;
    const south = Math.min(...lats) - 0.0001;
    const north = Math.max(...lats) + 0.0001;
    const rect = (w: number, s: number, e: number, n: number) => [[[w, s], [e, s], [e, n], [w, n], [w, s]]];
    const file = path.join(dir, 'tasks.geojson');
    fs.writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { task_id: 'A' }, geometry: { type: 'Polygon', coordinates: rect(west, south, split, north) } },
          { type: 'Feature', properties: { task_id: 'B' }, geometry: { type: 'Polygon', coordinates: rect(west, north + 0.02, split, north + 0.021) } },
        ],
      }),
    );
    importTasks(project, file);
    // The whole flight spans ~75 m: a 10 m edge buffer (a project setting) leaves its eastern photos outside.
    setSetting(project.db, CLASSIFY_SETTINGS_KEY, { edgeBufferM: 10 });

    const summary = await classifyProject(project);

    const reasons = listReasons(project.db);
    const expected = (p: { lat: number; lon: number }) => {
      const nearest = { lat: Math.min(Math.max(p.lat, south), north), lon: Math.min(Math.max(p.lon, west), split) };
      return distanceMetres(p, nearest) <= 10 ? 'assigned' : 'unmatched';
    };
    const got = listImages(project.db).map((p) => ({ name: p.file_name, status: p.status, codes: (reasons.get(p.id) ?? []).map((r) => r.code) }));
    const want = listImages(project.db).map((p) => {
      const status = expected({ lat: p.lat!, lon: p.lon! });
      return { name: p.file_name, status, codes: status === 'assigned' ? [] : ['outside'] };
    });
    expect(got).toEqual(want);
    expect(want.filter((w) => w.status === 'assigned').length).toBeGreaterThanOrEqual(9);
    expect(want.filter((w) => w.status === 'unmatched').length).toBeGreaterThanOrEqual(3);
    expect(summary.flights).toBe(1);

    const report = buildReport(project);
    expect(report.tasks.map((t) => [t.task_id, t.image_count, t.assigned_count])).toEqual([
      ['A', summary.by_status.assigned, summary.by_status.assigned],
      ['B', 0, 0],
    ]);
    expect(report.images.every((i) => i.path === i.file_name && i.flight_id === 1)).toBe(true);
  });
});
