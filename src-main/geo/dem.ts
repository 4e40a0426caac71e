/**
 * Terrain: a digital elevation model the pilot imports (`tasks import --dem file.tif`) or DroneTM supplies, and the
 * height of a camera above the ground under it. See docs/decisions.md "Terrain".
 *
 * The GeoTIFF is read once at import (geotiff; projection from its GeoKeys: EPSG:4326 or a WGS84 UTM zone) and kept
 * in the project as a raw float32 grid (`dem/terrain.f32`) with its georeferencing in the `terrain.dem` setting, so
 * coverage (synchronous, run after every cull) samples it without decoding a TIFF again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { AppError } from '../common/errors.ts';
import { getSetting, setSetting } from '../db/settings.ts';
import { storedDemHeaderSchema, type DemHeader } from '../db/stored.ts';
import { lonLatToUtm, utmToLonLat, utmZoneOfEpsg } from '../odm/utm.ts';
import type { Project } from '../project/project.ts';

export const DEM_SETTING = 'terrain.dem';
const DEM_FILE = path.join('dem', 'terrain.f32');

export type { DemHeader };

/** Ground elevation (m, the DEM's vertical datum) at a WGS84 position, or null outside the DEM or on no-data. */
export interface Terrain {
  header: DemHeader;
  elevationAt(lon: number, lat: number): number | null;
}

/** Reads a single-band elevation GeoTIFF. Throws AppError with the reason for anything it cannot place. */
export async function readDemFile(file: string): Promise<{ header: DemHeader; values: Float32Array }> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new AppError('invalid_input', `Cannot read the elevation file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`, { file });
  }
  const notDem = (why: string) => new AppError('invalid_input', `${path.basename(file)} is not an elevation GeoTIFF Postflight can use: ${why}.`, { file });
  let image;
  try {
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    image = await tiff.getImage();
  } catch (err) {
    throw notDem(`it could not be read as a TIFF (${(err as Error).message})`);
  }
  const keys = (image.getGeoKeys() ?? {}) as Record<string, unknown>;
  const epsg = Number(keys['ProjectedCSTypeGeoKey'] ?? keys['GeographicTypeGeoKey'] ?? NaN);
  if (epsg !== 4326 && !utmZoneOfEpsg(epsg)) {
    throw notDem(`its coordinate system (EPSG:${Number.isNaN(epsg) ? 'unknown' : epsg}) is neither WGS84 (EPSG:4326) nor a WGS84 UTM zone; reproject it first (gdalwarp -t_srs EPSG:4326)`);
  }
  let origin: number[];
  let res: number[];
  try {
    origin = image.getOrigin();
    res = image.getResolution();
  } catch {
    throw notDem('it has no georeferencing (ModelTiepoint and ModelPixelScale)');
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const raster = (await image.readRasters({ samples: [0], interleave: true })) as unknown as ArrayLike<number>;
  const values = Float32Array.from(raster);
  // PixelIsPoint grids name the centre of the first cell, PixelIsArea grids its corner.
  const isPoint = Number(keys['GTRasterTypeGeoKey']) === 2;
  const originX = origin[0]! - (isPoint ? res[0]! / 2 : 0);
  const originY = origin[1]! - (isPoint ? res[1]! / 2 : 0);
  const noData = image.getGDALNoData();
  const header: Omit<DemHeader, 'bounds'> = {
    epsg,
    width,
    height,
    originX,
    originY,
    resX: res[0]!,
    resY: res[1]!,
    noData: noData ?? null,
    source: path.basename(file),
    importedAt: new Date().toISOString(),
  };
  return { header: { ...header, bounds: boundsOf(header) }, values };
}

function boundsOf(h: Omit<DemHeader, 'bounds'>): [number, number, number, number] {
  const zone = utmZoneOfEpsg(h.epsg);
  const x1 = h.originX + h.width * h.resX;
  const y1 = h.originY + h.height * h.resY;
  const corners: [number, number][] = [
    [h.originX, h.originY],
    [x1, h.originY],
    [x1, y1],
    [h.originX, y1],
  ];
  const ll = corners.map(([x, y]) => (zone ? utmToLonLat(x, y, zone) : [x, y]));
  const lons = ll.map((c) => c[0]!);
  const lats = ll.map((c) => c[1]!);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

/** Bilinear elevation over a grid; a position whose four neighbours include no-data gets the nearest valid one. */
export function terrainOf(header: DemHeader, values: Float32Array): Terrain {
  const zone = utmZoneOfEpsg(header.epsg);
  const valid = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v !== header.noData && v > -1e4;
  return {
    header,
    elevationAt(lon, lat) {
      const [x, y] = zone ? lonLatToUtm(lon, lat, zone) : [lon, lat];
      const fx = (x - header.originX) / header.resX - 0.5;
      const fy = (y - header.originY) / header.resY - 0.5;
      if (fx < -0.5 || fy < -0.5 || fx > header.width - 0.5 || fy > header.height - 0.5) return null;
      const c0 = Math.min(Math.max(Math.floor(fx), 0), header.width - 1);
      const r0 = Math.min(Math.max(Math.floor(fy), 0), header.height - 1);
      const c1 = Math.min(c0 + 1, header.width - 1);
      const r1 = Math.min(r0 + 1, header.height - 1);
      const tx = Math.min(Math.max(fx - c0, 0), 1);
      const ty = Math.min(Math.max(fy - r0, 0), 1);
      const q = [values[r0 * header.width + c0], values[r0 * header.width + c1], values[r1 * header.width + c0], values[r1 * header.width + c1]];
      if (q.every(valid)) {
        const [a, b, c, d] = q;
        return a! * (1 - tx) * (1 - ty) + b! * tx * (1 - ty) + c! * (1 - tx) * ty + d! * tx * ty;
      }
      const nearest = values[Math.round(Math.min(Math.max(fy, 0), header.height - 1)) * header.width + Math.round(Math.min(Math.max(fx, 0), header.width - 1))];
      return valid(nearest) ? nearest : null;
    },
  };
}

/**
 * Imports an elevation GeoTIFF as the project's terrain (replacing any earlier one). Coverage computed afterwards
 * uses it; the figures computed before are left until the next computation.
 */
export async function importDem(project: Project, file: string): Promise<DemHeader> {
  const { header, values } = await readDemFile(file);
  const target = project.resolve(DEM_FILE);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  fs.writeFileSync(partial, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  fs.renameSync(partial, target);
  setSetting(project.db, DEM_SETTING, header);
  cache.delete(target);
  return header;
}

const cache = new Map<string, { importedAt: string; terrain: Terrain }>();

/** The project's terrain, or null when no DEM was imported (the flat model then applies). */
export function projectTerrain(project: Project): Terrain | null {
  const header = getSetting(project.db, DEM_SETTING, storedDemHeaderSchema.nullable(), null);
  if (!header) return null;
  const file = project.resolve(DEM_FILE);
  const hit = cache.get(file);
  if (hit && hit.importedAt === header.importedAt) return hit.terrain;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return null;
  }
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const terrain = terrainOf(header, values);
  cache.set(file, { importedAt: header.importedAt, terrain });
  return terrain;
}

/**
 * Height of a camera above the ground under it, from its height above the take-off point: the DEM's elevation at
 * take-off plus that height (the absolute altitude corrected to the take-off ground, whatever datum the drone's own
 * absolute altitude used), minus the DEM's elevation under the camera. Null when either point is outside the DEM.
 * The one terrain rule: coverage, the re-fly planner and a terrain-following mission all use it.
 */
export function heightAboveTerrain(
  terrain: Terrain,
  camera: { lon: number; lat: number; heightAboveTakeoffM: number },
  takeoff: { lon: number; lat: number },
): number | null {
  const ground = terrain.elevationAt(camera.lon, camera.lat);
  const takeoffGround = terrain.elevationAt(takeoff.lon, takeoff.lat);
  if (ground === null || takeoffGround === null) return null;
  return takeoffGround + camera.heightAboveTakeoffM - ground;
}
