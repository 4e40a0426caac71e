/**
 * RTK status on real photos: P4 Multispectral Mirafiori writes DJI RtkFlag 50 (fixed) with RtkStdLon/Lat/Hgt on
 * every photo. One photo of a copy of the flight is given RtkFlag 34 (float); the task figure, the report and the
 * map's points must say so. Brighton Beach (a Phantom 3 without RTK) has no RTK figure at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyProject } from '../../src-main/classify/classify.ts';
import { listImages } from '../../src-main/db/images.ts';
import { taskInfos } from '../../src-main/db/read-model-tasks.ts';
import { rtkPoints } from '../../src-main/db/rtk.ts';
import { importTasks } from '../../src-main/geo/task-import.ts';
import { runIngest } from '../../src-main/ingest/ingest.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { buildReport } from '../../src-main/report/report.ts';
import { withRtkFlag } from '../support/derived-photos.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';

const FLOAT = 'DJI_0330.JPG';

async function projectWithTask(dir: string, card: string): Promise<Project> {
  const project = openProject(path.join(dir, 'project'), { create: true });
  await runIngest(project, { source: card, inPlace: true });
  const rows = listImages(project.db);
  const lons = rows.map((r) => r.lon!);
  const lats = rows.map((r) => r.lat!);
  const [w, e, s, n] = [Math.min(...lons) - 0.001, Math.max(...lons) + 0.001, Math.min(...lats) - 0.001, Math.max(...lats) + 0.001];
  const file = path.join(dir, 'tasks.geojson');
  fs.writeFileSync(
    file,
    JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { task_id: 'T1' }, geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] } }],
    }),
  );
  importTasks(project, file);
  await classifyProject(project);
  return project;
}

describe('RTK status per photo and per task', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTemp();
  });
  afterAll(() => rmTemp(dir));

  it('P4 Multispectral: flags and deviations stored at ingest, "97 % RTK fixed (1 float)" on the task, points for the map', async () => {
    const card = path.join(dir, 'p4m');
    fs.mkdirSync(card);
    const source = path.join(sharedData, 'p4m_mirafiori');
    for (const name of fs.readdirSync(source)) if (name !== FLOAT) fs.copyFileSync(path.join(source, name), path.join(card, name));
    withRtkFlag(card, 34, { source: path.join(source, FLOAT), name: FLOAT });
    const project = await projectWithTask(path.join(dir, 'a'), card);
    try {
      const rows = listImages(project.db);
      expect(rows).toHaveLength(33);
      const float = rows.find((r) => r.file_name === FLOAT)!;
      expect(float.rtk_flag).toBe(34);
      const fixed = rows.filter((r) => r !== float);
      expect(fixed.every((r) => r.rtk_flag === 50)).toBe(true);
      // DJI_0010 as the drone wrote it.
      const first = rows.find((r) => r.file_name === 'DJI_0010.JPG')!;
      expect([first.rtk_std_lon_m, first.rtk_std_lat_m, first.rtk_std_hgt_m]).toEqual([0.01053, 0.0138, 0.0205]);

      const assigned = rows.filter((r) => r.status === 'assigned');
      const assignedFixed = assigned.filter((r) => r.rtk_flag === 50).length;
      const floatAssigned = assigned.includes(float) ? 1 : 0;
      expect(floatAssigned).toBe(1);
      const pct = Math.round((1000 * assignedFixed) / assigned.length) / 10;
      const want = { photos: assigned.length, fixed: assignedFixed, float: 1, single: 0, none: 0, fixedPct: pct, summary: `${Math.round(pct)} % RTK fixed (1 float)` };
      const report = buildReport(project);
      expect(report.tasks[0]!.rtk).toEqual(want);
      expect(want.summary).toBe('97 % RTK fixed (1 float)');
      expect(taskInfos(project.db)[0]!.rtk).toEqual(want);
      const floatImage = report.images.find((i) => i.file_name === FLOAT)!;
      expect([floatImage.rtk_flag, floatImage.rtk_solution]).toEqual([34, 'float']);

      const points = rtkPoints(project.db);
      expect(points).toHaveLength(33);
      expect(points.find((p) => p.id === float.id)).toMatchObject({ flag: 34, solution: 'float', lon: float.lon, lat: float.lat });
      expect(points.find((p) => p.id === first.id)!.stdM).toEqual({ lon: 0.01053, lat: 0.0138, hgt: 0.0205 });
    } finally {
      project.close();
    }
  });

  it('Brighton Beach (no RTK on a Phantom 3): no flag, no task figure, no points', async () => {
    const project = await projectWithTask(path.join(dir, 'b'), path.join(sharedData, 'brighton_beach'));
    try {
      expect(listImages(project.db).every((r) => r.rtk_flag === null)).toBe(true);
      expect(buildReport(project).tasks[0]!.rtk).toBeNull();
      expect(rtkPoints(project.db)).toEqual([]);
    } finally {
      project.close();
    }
  });
});
