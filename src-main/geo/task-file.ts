import fs from 'node:fs';
import path from 'node:path';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { area, rewind } from '@turf/turf';
import { AppError } from '../common/errors.ts';
import { listZipEntries, readZipEntry } from '../common/zip-entry.ts';
import { outlineProblem } from './outline-check.ts';

export type TaskFileFormat = 'geojson' | 'dronetm' | 'kml' | 'kmz' | 'dji_wpml';

/** One task polygon read from a file, validated and normalised (2D, closed rings, outer ring counter-clockwise). */
export interface ParsedTask {
  taskId: string;
  name: string | null;
  geometry: Polygon | MultiPolygon;
}

export interface ParsedTaskFile {
  format: TaskFileFormat;
  tasks: ParsedTask[];
}

/** A task file larger than this is refused before it is read (the 50 000-corner boundary of a county is 2 MB). */
export const MAX_TASK_FILE_BYTES = 256 * 1024 * 1024;
/** Corners over all the tasks of one file; past it the pilot is asked to simplify the outlines. */
export const MAX_TASK_CORNERS = 1_000_000;
/** The longest task id taken (DroneTM's are numbers, a GIS export's a name). */
const MAX_ID_LENGTH = 200;

interface RawFeature {
  geometry: Geometry | null;
  properties: Record<string, unknown>;
  featureId?: string | number | undefined;
}

/**
 * Reads a task file (GeoJSON, DroneTM task export, KML, KMZ incl. DJI WPML flight plans) into validated task
 * polygons. Throws one AppError naming the first bad feature; it never returns part of a file.
 */
export function readTaskFile(file: string, fileName: string = path.basename(file)): ParsedTaskFile {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_TASK_FILE_BYTES) {
      throw new AppError('invalid_input', `The task file ${fileName} is ${Math.round(size / 2 ** 20)} MB; task files over ${MAX_TASK_FILE_BYTES / 2 ** 20} MB are not read.`, { file });
    }
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('not_found', `Cannot read the task file ${file}: ${(err as Error).message}`, { file });
  }
  const ext = path.extname(fileName).toLowerCase();
  const base = path.basename(fileName, path.extname(fileName));
  let parsed: ParsedTaskFile;
  if (ext === '.kmz') parsed = readKmz(bytes, base);
  else if (ext === '.kml') parsed = fromKml(bytes.toString('utf8'), 'kml', base);
  else if (ext === '.geojson' || ext === '.json') parsed = fromGeoJson(bytes.toString('utf8'));
  else throw new AppError('unsupported', `Task files must be GeoJSON, KML or KMZ; ${fileName} is none of these.`, { file });
  return parsed;
}

function fromGeoJson(text: string): ParsedTaskFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (err) {
    throw new AppError('invalid_input', `The task file is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) {
    throw new AppError('invalid_input', `The task file holds ${doc === null ? 'null' : `a JSON ${Array.isArray(doc) ? 'array' : typeof doc}`}, not GeoJSON: expected a FeatureCollection of task polygons.`);
  }
  checkCrs(doc['crs']);
  const raw = (f: unknown): RawFeature =>
    isObject(f)
      ? { geometry: (f['geometry'] ?? null) as Geometry | null, properties: isObject(f['properties']) ? f['properties'] : {}, featureId: f['id'] as RawFeature['featureId'] }
      : { geometry: null, properties: {} };
  const features: RawFeature[] =
    doc['type'] === 'FeatureCollection' && Array.isArray(doc['features'])
      ? doc['features'].map(raw)
      : doc['type'] === 'Feature'
        ? [raw(doc)]
        : doc['type'] === 'Polygon' || doc['type'] === 'MultiPolygon'
          ? [{ geometry: doc as unknown as Geometry, properties: {} }]
          : [];
  if (features.length === 0) {
    throw new AppError('invalid_input', 'The task file holds no features: expected a GeoJSON FeatureCollection of task polygons.');
  }
  checkCorners(features.map((f) => f.geometry));
  // DroneTM exports number their tasks with project_task_index, the number its pilots see.
  const dronetm = features.some((f) => f.properties['project_task_index'] !== undefined);
  const tasks = features.map((f, i) => {
    const p = f.properties;
    const where = `feature ${i + 1}`;
    const taskId = dronetm
      ? taskIdOf(p['project_task_index'], 'project_task_index', where)
      : taskIdOf(firstGiven(p['task_id'], p['id'], f.featureId, p['name']) ?? i + 1, 'task id', where);
    const name = typeof p['name'] === 'string' ? p['name'] : dronetm ? `Task ${taskId}` : null;
    return validateTask(f.geometry, taskId, name, where);
  });
  return { format: dronetm ? 'dronetm' : 'geojson', tasks: unique(tasks) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function firstGiven(...values: unknown[]): unknown {
  return values.find((v) => v !== undefined && v !== null);
}

/** A task id is a non-empty string or a whole number (DroneTM's task index); anything else is refused in words. */
function taskIdOf(value: unknown, field: string, where: string): string {
  const shown = JSON.stringify(value) ?? String(value);
  const fail = (why: string): never => {
    throw new AppError('invalid_input', `The task at ${where}: ${why}`, { feature: where });
  };
  if (value === undefined || value === null) return fail(`it has no ${field} (every task of a DroneTM export has one).`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) fail(`its ${field} ${shown} is not a whole number.`);
    return String(value);
  }
  if (typeof value !== 'string') {
    return fail(`its ${field} ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown} is ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}; expected text or a whole number.`);
  }
  const id = value.trim();
  if (!id) fail(`its ${field} is empty.`);
  if (id.length > MAX_ID_LENGTH) fail(`its ${field} is ${id.length} characters long; at most ${MAX_ID_LENGTH} are taken.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) fail(`its ${field} ${shown} holds control characters.`);
  return id;
}

function checkCorners(geometries: (Geometry | null)[]): void {
  let corners = 0;
  for (const g of geometries) {
    const c = (g as { coordinates?: unknown } | null)?.coordinates;
    if (!Array.isArray(c)) continue;
    // Polygon: rings of positions; MultiPolygon: polygons of rings.
    for (const a of c) for (const b of Array.isArray(a) ? a : []) corners += Array.isArray(b) && Array.isArray(b[0]) ? b.length : 1;
  }
  if (corners > MAX_TASK_CORNERS) {
    throw new AppError(
      'invalid_input',
      `The task outlines have ${corners.toLocaleString('en')} corners in all; Postflight takes at most ${MAX_TASK_CORNERS.toLocaleString('en')}. Simplify them (e.g. QGIS Vector > Geometry Tools > Simplify, 0.5 m) and import again.`,
      { corners },
    );
  }
}

function readKmz(bytes: Buffer, base: string): ParsedTaskFile {
  const entries = listZipEntries(bytes, 'The task file');
  const names = entries.map((e) => e.name);
  // A DJI WPML flight plan keeps the planned area in wpmz/template.kml (waylines.wpml holds only the route).
  const wpml = entries.find((e) => e.name.toLowerCase().endsWith('wpmz/template.kml'));
  const kmlEntry = wpml ?? entries.find((e) => e.name.toLowerCase() === 'doc.kml') ?? entries.find((e) => e.name.toLowerCase().endsWith('.kml'));
  if (!kmlEntry) throw new AppError('invalid_input', 'The KMZ file contains no KML document.', { entries: names.slice(0, 50) });
  return fromKml(readZipEntry(bytes, kmlEntry, 'The task file').toString('utf8'), wpml ? 'dji_wpml' : 'kmz', base);
}

function fromKml(text: string, format: TaskFileFormat, base: string): ParsedTaskFile {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(
    text,
    'text/xml',
  );
  if (errors.length || !doc.documentElement) {
    throw new AppError('invalid_input', `The KML document is not valid XML: ${errors[0] ?? 'empty document'}`);
  }
  // Placemarks with points or lines (waypoints, routes) are not task areas and are left out.
  const polygons = kml(doc).features.flatMap((f) => {
    const parts = polygonParts(f.geometry);
    return parts.length ? [{ parts, properties: f.properties ?? {} }] : [];
  });
  if (polygons.length === 0) throw new AppError('invalid_input', 'The KML document holds no polygon to use as a task area.');
  checkCorners(polygons.flatMap((f) => f.parts));
  const tasks = polygons.map((f, i) => {
    const name = typeof f.properties['name'] === 'string' && f.properties['name'].trim() ? f.properties['name'].trim() : null;
    const id = name ?? (polygons.length === 1 ? base : `${base}-${i + 1}`);
    const geometry: Geometry = f.parts.length === 1 ? f.parts[0]! : { type: 'MultiPolygon', coordinates: f.parts.map((p) => p.coordinates) };
    return validateTask(geometry, id, name, `placemark ${i + 1}${name ? ` ("${name}")` : ''}`);
  });
  return { format, tasks: unique(tasks) };
}

function polygonParts(g: Geometry | null): Polygon[] {
  if (!g) return [];
  if (g.type === 'Polygon') return [g];
  if (g.type === 'MultiPolygon') return g.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(polygonParts);
  return [];
}

const WGS84_CRS = /^(urn:ogc:def:crs:OGC:1\.3:CRS84|urn:ogc:def:crs:EPSG::4326|EPSG:4326|CRS84)$/i;

function checkCrs(crs: unknown): void {
  if (crs === undefined || crs === null) return;
  const name = (crs as { properties?: { name?: unknown } }).properties?.name;
  if (typeof name !== 'string' || !WGS84_CRS.test(name.trim())) {
    throw new AppError(
      'invalid_input',
      `The task file uses the coordinate system ${JSON.stringify(name ?? crs)}; export it as WGS84 longitude/latitude (EPSG:4326).`,
      { crs },
    );
  }
}

/** Checks and normalises one task outline (also used for outlines pulled from a DroneTM server). */
export function validateTask(geometry: Geometry | null, taskId: string, name: string | null, where: string): ParsedTask {
  const fail = (reason: string, extra: Record<string, unknown> = {}): never => {
    throw new AppError('invalid_input', `Task ${taskId} (${where}): ${reason}`, { taskId, feature: where, ...extra });
  };
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
    return fail(`expected a Polygon or MultiPolygon, found ${geometry?.type ?? 'no geometry'}.`);
  }
  const polys: unknown[] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(polys) || polys.length === 0) fail('the polygon has no coordinates.');
  const clean: Position[][][] = polys.map((poly) => {
    if (!Array.isArray(poly) || poly.length === 0) fail('a polygon has no rings.');
    return (poly as unknown[]).map((ring) => {
      if (!Array.isArray(ring) || ring.length < 4) return fail('a ring has fewer than 4 positions (3 corners and the closing one).');
      const flat = ring.map((p: unknown): Position => {
        const [lon, lat] = Array.isArray(p) ? (p as unknown[]) : [];
        if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
          return fail(`a position is not a pair of numbers: ${JSON.stringify(p)}.`);
        }
        if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
          fail(`position ${JSON.stringify(p)} is outside longitude/latitude range; the file is not in WGS84 (EPSG:4326).`);
        }
        return [lon, lat];
      });
      const [a, z] = [flat[0]!, flat[flat.length - 1]!];
      if (a[0] !== z[0] || a[1] !== z[1]) fail('a ring is not closed (its last position differs from its first).');
      return flat;
    });
  });
  const geom: Polygon | MultiPolygon =
    geometry.type === 'Polygon' ? { type: 'Polygon', coordinates: clean[0]! } : { type: 'MultiPolygon', coordinates: clean };
  const problem = outlineProblem(clean);
  if (problem) {
    const near = problem.at ? ` near ${problem.at[1]!.toFixed(6)}, ${problem.at[0]!.toFixed(6)}` : '';
    fail(`${problem.reason}${near}.`);
  }
  const m2 = area(geom);
  if (!(m2 >= MIN_TASK_AREA_M2)) fail(`the outline encloses ${m2 < 0.01 ? 'no area' : `only ${m2.toFixed(2)} m²`}; a task area is at least ${MIN_TASK_AREA_M2} m².`);
  return { taskId, name, geometry: rewind(geom, { mutate: true }) as Polygon | MultiPolygon };
}

/** Smaller than one photo's footprint at any height a survey flies: a slip of the mouse, not a task. */
const MIN_TASK_AREA_M2 = 1;

function unique(tasks: ParsedTask[]): ParsedTask[] {
  const seen = new Set<string>();
  for (const t of tasks) {
    if (seen.has(t.taskId)) throw new AppError('invalid_input', `Two features in the file share the task id "${t.taskId}".`, { taskId: t.taskId });
    seen.add(t.taskId);
  }
  return tasks;
}
