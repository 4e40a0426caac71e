import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { area } from '@turf/turf';
import { AppError } from '../../src-main/common/errors.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { getTask, listTasks, setTaskCoverage, setTaskVerified } from '../../src-main/db/tasks.ts';
import { getProjectBoundary, importTasks } from '../../src-main/geo/task-import.ts';
import { makeTemp, repoRoot, rmTemp } from '../support/paths.ts';
import { storedCoverage } from '../support/coverage.ts';

const SAMPLE = path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson');
let dir: string;
let project: Project;

beforeEach(() => {
  dir = makeTemp('postflight-geo-import-');
  project = openProject(path.join(dir, 'project'), { create: true });
});
afterEach(() => {
  project.close();
  rmTemp(dir);
});

const square = (lon: number, lat: number, d = 0.001) => [
  [lon, lat],
  [lon + d, lat],
  [lon + d, lat + d],
  [lon, lat + d],
  [lon, lat],
];
const kmlRing = (ring: number[][]) => ring.map(([lon, lat]) => `${lon},${lat},0`).join(' ');
const placemark = (name: string | null, ring: number[][]) => `<Placemark>${name ? `<name>${name}</name>` : ''}
  <Polygon><outerBoundaryIs><LinearRing><coordinates>${kmlRing(ring)}</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark>`;
const kmlDoc = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:wpml="http://www.dji.com/wpmz/1.0.2"><Document>${body}</Document></kml>`;

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}
const fc = (features: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'FeatureCollection', ...extra, features });
const feature = (properties: Record<string, unknown>, coordinates: unknown, type = 'Polygon') => ({
  type: 'Feature',
  properties,
  geometry: { type, coordinates },
});

describe('importTasks', () => {
  it('imports the sample GeoJSON, stores bboxes and makes the boundary the union of the tasks', () => {
    const r = importTasks(project, SAMPLE);
    expect(r).toMatchObject({ format: 'geojson', added: ['1', '2'], updated: [], unchanged: [] });
    const tasks = listTasks(project.db);
    expect(tasks.map((t) => [t.taskId, t.name])).toEqual([
      ['1', 'Brighton Beach west'],
      ['2', 'Brighton Beach east'],
    ]);
    expect(tasks[0]!.bbox).toEqual([-91.994472, 46.8422402, -91.994, 46.8429778]);
    const boundary = getProjectBoundary(project)!;
    expect(boundary.source).toBe('tasks_union');
    // The two rectangles share an edge: their union is one polygon with the area of both (36 x 82 m each).
    expect(boundary.geometry.type).toBe('Polygon');
    expect(area(boundary.geometry)).toBeCloseTo(area(tasks[0]!.geometry) + area(tasks[1]!.geometry), -1);
    expect(area(boundary.geometry)).toBeGreaterThan(2 * 36 * 82 * 0.99);
    expect(area(boundary.geometry)).toBeLessThan(2 * 36 * 82 * 1.01);
  });

  it('re-imports by task id: same outline unchanged (verification kept), new outline replaces it and clears coverage', () => {
    importTasks(project, SAMPLE);
    const t1 = getTask(project.db, '1')!;
    setTaskCoverage(project.db, t1.id, storedCoverage({ coveragePct: 100 }));
    setTaskVerified(project.db, t1.id, { at: '2024-01-01T00:00:00Z', forced: false });
    expect(importTasks(project, SAMPLE)).toMatchObject({ added: [], updated: [], unchanged: ['1', '2'] });
    expect(getTask(project.db, '1')).toMatchObject({ verifiedAt: '2024-01-01T00:00:00Z', coverage: { coveragePct: 100 } });

    const moved = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
    moved.features[0].geometry.coordinates[0][2][1] += 0.0001;
    moved.features[0].geometry.coordinates[0][3][1] += 0.0001;
    const r = importTasks(project, write('moved.geojson', JSON.stringify(moved)));
    expect(r).toMatchObject({ updated: ['1'], unchanged: ['2'] });
    const after = getTask(project.db, '1')!;
    expect(after.id).toBe(t1.id);
    expect(after).toMatchObject({ coverage: null, verifiedAt: null, verifyForced: false });
    expect(after.bbox[3]).toBeCloseTo(46.8429778 + 0.0001, 9);
    expect(listTasks(project.db)).toHaveLength(2);
  });

  it('keeps a given boundary', () => {
    const given = { type: 'Polygon' as const, coordinates: [square(-92, 46.8, 0.01)] };
    importTasks(project, SAMPLE, { boundary: given });
    importTasks(project, write('more.geojson', fc([feature({ task_id: '9' }, [square(-91.99, 46.84)])])));
    expect(getProjectBoundary(project)).toEqual({ source: 'given', geometry: given });
  });

  it('reads a DroneTM task export by its task index', () => {
    const file = write(
      'dronetm.geojson',
      fc([
        feature({ id: '6b0e6a1c-6f3a-4d52-9d3e-1b2c3d4e5f60', project_id: 'p', project_task_index: 1, state: 'UNLOCKED_TO_MAP' }, [square(85.3, 27.7)]),
        feature({ id: '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5', project_id: 'p', project_task_index: 2, state: 'LOCKED_FOR_MAPPING' }, [square(85.301, 27.7)]),
      ]),
    );
    expect(importTasks(project, file)).toMatchObject({ format: 'dronetm', added: ['1', '2'] });
    expect(getTask(project.db, '2')?.name).toBe('Task 2');
  });

  it('reads KML placemarks by name and skips points and lines', () => {
    const file = write(
      'tasks.kml',
      kmlDoc(`${placemark('North', square(10, 50))}${placemark('South', square(10, 49.99))}
        <Placemark><name>Home</name><Point><coordinates>10,50,0</coordinates></Point></Placemark>`),
    );
    expect(importTasks(project, file)).toMatchObject({ format: 'kml', added: ['North', 'South'] });
    // KML carries altitude; tasks are stored in 2D.
    expect(getTask(project.db, 'North')!.geometry.coordinates[0]![0]).toEqual([10, 50]);
  });

  it('reads a KMZ and the mapped area of a DJI WPML flight plan', () => {
    const kmz = write('area.kmz', zipSync({ 'doc.kml': strToU8(kmlDoc(placemark('Field', square(10, 50)))) }));
    expect(importTasks(project, kmz)).toMatchObject({ format: 'kmz', added: ['Field'] });

    const template = kmlDoc(`<wpml:author>pilot</wpml:author><Folder><wpml:templateType>mapping2d</wpml:templateType>
      ${placemark(null, square(11, 50))}</Folder>`);
    const waylines = kmlDoc(`<Folder><Placemark><Point><coordinates>11.0001,50.0001</coordinates></Point></Placemark></Folder>`);
    const wpml = write('mission-7.kmz', zipSync({ 'wpmz/template.kml': strToU8(template), 'wpmz/waylines.wpml': strToU8(waylines) }));
    expect(importTasks(project, wpml)).toMatchObject({ format: 'dji_wpml', added: ['mission-7'] });
    expect(getTask(project.db, 'mission-7')!.bbox).toEqual([11, 50, 11.001, 50.001]);
  });

  describe('refuses bad files and imports nothing from them', () => {
    const good = feature({ task_id: 'ok' }, [square(10, 50)]);
    const cases: [string, string, RegExp][] = [
      ['self-intersecting', fc([good, feature({ task_id: 'bow' }, [[[10, 50], [10.001, 50.001], [10.001, 50], [10, 50.001], [10, 50]]])]), /Task bow \(feature 2\).*crosses itself/],
      ['projected CRS', fc([good], { crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } } }), /EPSG::3857.*WGS84/],
      ['metres, not degrees', fc([good, feature({ name: 'Metric' }, [[[500000, 4100000], [500100, 4100000], [500100, 4100100], [500000, 4100000]]])]), /Task Metric \(feature 2\).*outside longitude\/latitude/],
      ['a point', fc([good, feature({ task_id: 'p' }, [10, 50], 'Point')]), /Task p \(feature 2\).*found Point/],
      ['an open ring', fc([good, feature({ task_id: 'open' }, [square(10, 50).slice(0, 4).concat([[10.0005, 50]])])]), /Task open.*not closed/],
      ['duplicate ids', fc([good, feature({ task_id: 'ok' }, [square(11, 50)])]), /share the task id "ok"/],
      ['not JSON', '{"type": "FeatureCollection", ', /not valid JSON/],
    ];
    for (const [what, content, message] of cases) {
      it(what, () => {
        importTasks(project, SAMPLE);
        const before = listTasks(project.db);
        const boundary = getProjectBoundary(project);
        const err = (() => {
          try {
            importTasks(project, write('bad.geojson', content));
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('invalid_input');
        expect((err as AppError).message).toMatch(message);
        expect(listTasks(project.db)).toEqual(before);
        expect(getProjectBoundary(project)).toEqual(boundary);
      });
    }

    it('a KML with no polygon', () => {
      expect(() => importTasks(project, write('pts.kml', kmlDoc('<Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>')))).toThrow(
        /no polygon/,
      );
      expect(listTasks(project.db)).toEqual([]);
    });
  });
});
