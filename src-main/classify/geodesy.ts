/**
 * Distances and headings between nearby photos on the WGS84 ellipsoid. Steps between photos are metres to a few
 * kilometres, where the local tangent plane with the ellipsoid's radii of curvature is accurate to millimetres and
 * gives true azimuths at any latitude (unlike headings taken in raw degrees, which squash east-west by cos(lat)).
 */

import { WGS84_A as A, WGS84_E2 as E2 } from '../common/wgs84.ts';

const RAD = Math.PI / 180;

export interface LatLon {
  lat: number;
  lon: number;
}

/** Metres per degree of latitude and of longitude at a latitude. */
export function metresPerDegree(lat: number): { north: number; east: number } {
  const s = Math.sin(lat * RAD);
  const w = Math.sqrt(1 - E2 * s * s);
  const meridional = (A * (1 - E2)) / (w * w * w);
  const primeVertical = A / w;
  return { north: meridional * RAD, east: primeVertical * Math.cos(lat * RAD) * RAD };
}

/** East/north offset in metres of `to` from `from`. */
export function offsetMetres(from: LatLon, to: LatLon): { east: number; north: number } {
  const m = metresPerDegree((from.lat + to.lat) / 2);
  let dLon = to.lon - from.lon;
  if (dLon > 180) dLon -= 360;
  else if (dLon < -180) dLon += 360;
  return { east: dLon * m.east, north: (to.lat - from.lat) * m.north };
}

export function distanceMetres(from: LatLon, to: LatLon): number {
  const d = offsetMetres(from, to);
  return Math.hypot(d.east, d.north);
}

/** Azimuth of travel from `from` to `to`, degrees clockwise from true north in [0, 360). */
export function azimuthDeg(from: LatLon, to: LatLon): number {
  const d = offsetMetres(from, to);
  return normalizeDeg(Math.atan2(d.east, d.north) / RAD);
}

/** Great-circle distance in kilometres, for the far-away checks where the tangent plane no longer holds. */
export function greatCircleKm(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function normalizeDeg(deg: number): number {
  const d = deg % 360;
  return d < 0 ? d + 360 : d;
}

/** Smallest difference between two headings, 0..180. */
export function angleDiffDeg(a: number, b: number): number {
  const d = Math.abs(normalizeDeg(a) - normalizeDeg(b));
  return d > 180 ? 360 - d : d;
}

/** Smallest difference between two lines (direction ignored), 0..90: a strip flown either way is the same line. */
export function axisDiffDeg(a: number, b: number): number {
  const d = angleDiffDeg(a, b);
  return d > 90 ? 180 - d : d;
}

/** Mean heading of angles (optionally weighted); null when they cancel out. */
export function circularMeanDeg(angles: readonly number[], weights?: readonly number[]): number | null {
  let x = 0;
  let y = 0;
  angles.forEach((a, i) => {
    const w = weights?.[i] ?? 1;
    x += w * Math.cos(a * RAD);
    y += w * Math.sin(a * RAD);
  });
  if (Math.hypot(x, y) < 1e-9) return null;
  return normalizeDeg(Math.atan2(y, x) / RAD);
}

/** Mean line direction in [0, 180) of headings where opposite directions count as the same line. */
export function axialMeanDeg(angles: readonly number[], weights?: readonly number[]): number | null {
  const doubled = circularMeanDeg(
    angles.map((a) => 2 * a),
    weights,
  );
  return doubled === null ? null : doubled / 2;
}
