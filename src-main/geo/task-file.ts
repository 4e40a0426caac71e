import fs from 'node:fs';
import path from 'node:path';
import type { Feature, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { unzipSync, strFromU8 } from 'fflate';
import { booleanValid, kinks, rewind } from '@turf/turf';
import { AppError } from '../common/errors.ts';

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

interface RawFeature {
  geometry: Geometry | null;
  properties: Record<string, unknown>;
  featureId?: string | number | undefined;
}

/**
 * Reads a task file (GeoJSON, DroneTM task export, KML, KMZ incl. DJI WPML flight plans) into validated task
 * polygons. Throws one AppError naming the first bad feature; it never returns part of a file.
 */
export function readTaskFile(file: string): ParsedTaskFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new AppError('not_found', `Cannot read the task file ${file}: ${(err as Error).message}`, { file });
  }
  const ext = path.extname(file).toLowerCase();
  const base = path.basename(file, path.extname(file));
  if (ext === '.kmz') return readKmz(bytes, base);
  if (ext === '.kml') return fromKml(bytes.toString('utf8'), 'kml', base);
  if (ext === '.geojson' || ext === '.json') return fromGeoJson(bytes.toString('utf8'));
  throw new AppError('unsupported', `Task files must be GeoJSON, KML or KMZ; ${path.basename(file)} is none of these.`, { file });
}

function fromGeoJson(text: string): ParsedTaskFile {
  let doc: { type?: unknown; features?: unknown; crs?: unknown };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid_input', `The task file is not valid JSON: ${(err as Error).message}`);
  }
  checkCrs(doc.crs);
  const features: RawFeature[] =
    doc.type === 'FeatureCollection' && Array.isArray(doc.features)
      ? doc.features.map((f: Feature) => ({ geometry: f?.geometry ?? null, properties: f?.properties ?? {}, featureId: f?.id }))
      : doc.type === 'Feature'
        ? [{ geometry: (doc as Feature).geometry, properties: (doc as Feature).properties ?? {}, featureId: (doc as Feature).id }]
        : doc.type === 'Polygon' || doc.type === 'MultiPolygon'
          ? [{ geometry: doc as Geometry, properties: {} }]
          : [];
  if (features.length === 0) {
    throw new AppError('invalid_input', 'The task file holds no features: expected a GeoJSON FeatureCollection of task polygons.');
  }
  // DroneTM exports number their tasks with project_task_index, the number its pilots see.
  const dronetm = features.some((f) => f.properties['project_task_index'] !== undefined);
  const tasks = features.map((f, i) => {
    const p = f.properties;
    const idValue = dronetm
      ? p['project_task_index']
      : (p['task_id'] ?? p['id'] ?? f.featureId ?? p['name'] ?? i + 1);
    const name = typeof p['name'] === 'string' ? p['name'] : dronetm ? `Task ${String(idValue)}` : null;
    return validateTask(f.geometry, String(idValue), name, `feature ${i + 1}`);
  });
  return { format: dronetm ? 'dronetm' : 'geojson', tasks: unique(tasks) };
}

function readKmz(bytes: Buffer, base: string): ParsedTaskFile {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(bytes));
  } catch (err) {
    throw new AppError('invalid_input', `The KMZ file is not a readable zip archive: ${(err as Error).message}`);
  }
  const names = Object.keys(entries);
  // A DJI WPML flight plan keeps the planned area in wpmz/template.kml (waylines.wpml holds only the route).
  const wpml = names.find((n) => n.toLowerCase().endsWith('wpmz/template.kml'));
  const kmlName = wpml ?? names.find((n) => n.toLowerCase() === 'doc.kml') ?? names.find((n) => n.toLowerCase().endsWith('.kml'));
  if (!kmlName) throw new AppError('invalid_input', 'The KMZ file contains no KML document.', { entries: names });
  return fromKml(strFromU8(entries[kmlName]!), wpml ? 'dji_wpml' : 'kmz', base);
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
    return parts.length ? [{ parts, properties: (f.properties ?? {}) as Record<string, unknown> }] : [];
  });
  if (polygons.length === 0) throw new AppError('invalid_input', 'The KML document holds no polygon to use as a task area.');
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
        const [lon, lat] = Array.isArray(p) ? p : [];
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
  const crossings = kinks(geom).features;
  if (crossings.length > 0) {
    const at = crossings[0]!.geometry.coordinates;
    fail(`the outline crosses itself near ${at[1]!.toFixed(6)}, ${at[0]!.toFixed(6)}.`, { kinks: crossings.length });
  }
  if (!booleanValid(geom)) fail('the polygon is not valid (a hole outside its outline, overlapping parts or no area).');
  return { taskId, name, geometry: rewind(geom, { mutate: true }) as Polygon | MultiPolygon };
}

function unique(tasks: ParsedTask[]): ParsedTask[] {
  const seen = new Set<string>();
  for (const t of tasks) {
    if (seen.has(t.taskId)) throw new AppError('invalid_input', `Two features in the file share the task id "${t.taskId}".`, { taskId: t.taskId });
    seen.add(t.taskId);
  }
  return tasks;
}
