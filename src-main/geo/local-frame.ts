import { WGS84_A as A, WGS84_E2 as E2 } from '../common/wgs84.ts';

/**
 * A local metric frame (east/north metres) tangent to the WGS84 ellipsoid at an origin. Footprints, task rasters and
 * overlap figures are computed here because degrees are not square; over the few kilometres of a task the scale
 * error of this projection stays below 1e-4, far under one raster cell.
 */
export interface LocalFrame {
  readonly lon0: number;
  readonly lat0: number;
  toXY(lon: number, lat: number): [number, number];
  toLonLat(x: number, y: number): [number, number];
}

const RAD = Math.PI / 180;

export function localFrame(lon0: number, lat0: number): LocalFrame {
  const s = Math.sin(lat0 * RAD);
  const w = Math.sqrt(1 - E2 * s * s);
  const primeVertical = A / w; // N: radius of curvature across the meridian
  const meridional = (A * (1 - E2)) / (w * w * w); // M: radius of curvature along the meridian
  const mPerDegX = primeVertical * Math.cos(lat0 * RAD) * RAD;
  const mPerDegY = meridional * RAD;
  return {
    lon0,
    lat0,
    toXY: (lon, lat) => [(lon - lon0) * mPerDegX, (lat - lat0) * mPerDegY],
    toLonLat: (x, y) => [lon0 + x / mPerDegX, lat0 + y / mPerDegY],
  };
}

/** Frame centred on a lon/lat bounding box [minLon, minLat, maxLon, maxLat]. */
export function frameForBbox(bbox: readonly [number, number, number, number]): LocalFrame {
  return localFrame((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2);
}

/** Signed area (m²) of a ring of [x, y] points by the shoelace formula: positive when counter-clockwise. */
export function signedArea(ring: readonly (readonly [number, number])[]): number {
  let sum = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum / 2;
}
