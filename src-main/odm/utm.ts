/**
 * WGS84 coordinates for ODM's outputs, which are written in the UTM zone of the survey (EPSG:326zz north,
 * 327zz south). Inverse transverse Mercator by the Krüger series to third order (Karney 2011): millimetre-level
 * inside a zone, which is far finer than an overlay on the review map needs.
 */
import { WGS84_A as A_WGS84, WGS84_F as F_WGS84 } from '../common/wgs84.ts';

const K0 = 0.9996;
const FALSE_EASTING = 500000;
const FALSE_NORTHING_SOUTH = 10000000;

const n = F_WGS84 / (2 - F_WGS84);
const RECTIFYING_RADIUS = (A_WGS84 / (1 + n)) * (1 + n ** 2 / 4 + n ** 4 / 64);
const BETA = [n / 2 - (2 * n ** 2) / 3 + (37 * n ** 3) / 96, n ** 2 / 48 + n ** 3 / 15, (17 * n ** 3) / 480];
const DELTA = [2 * n - (2 * n ** 2) / 3 - 2 * n ** 3, (7 * n ** 2) / 3 - (8 * n ** 3) / 5, (56 * n ** 3) / 15];

export interface UtmZone {
  zone: number;
  south: boolean;
}

/** The UTM zone of an EPSG code (32601-32660 north, 32701-32760 south), or null when it is not one. */
export function utmZoneOfEpsg(epsg: number): UtmZone | null {
  if (epsg >= 32601 && epsg <= 32660) return { zone: epsg - 32600, south: false };
  if (epsg >= 32701 && epsg <= 32760) return { zone: epsg - 32700, south: true };
  return null;
}

/** Easting/northing in metres in `zone` to [lon, lat] in degrees. */
export function utmToLonLat(easting: number, northing: number, zone: UtmZone): [number, number] {
  const xi = (northing - (zone.south ? FALSE_NORTHING_SOUTH : 0)) / (K0 * RECTIFYING_RADIUS);
  const eta = (easting - FALSE_EASTING) / (K0 * RECTIFYING_RADIUS);
  let xiP = xi;
  let etaP = eta;
  for (let j = 1; j <= 3; j++) {
    const b = BETA[j - 1]!;
    xiP -= b * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    etaP -= b * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
  }
  const chi = Math.asin(Math.sin(xiP) / Math.cosh(etaP));
  let phi = chi;
  for (let j = 1; j <= 3; j++) phi += DELTA[j - 1]! * Math.sin(2 * j * chi);
  const lambda0 = ((zone.zone - 1) * 6 - 180 + 3) * (Math.PI / 180);
  const lambda = lambda0 + Math.atan2(Math.sinh(etaP), Math.cos(xiP));
  return [(lambda * 180) / Math.PI, (phi * 180) / Math.PI];
}

const ALPHA = [n / 2 - (2 * n ** 2) / 3 + (5 * n ** 3) / 16, (13 * n ** 2) / 48 - (3 * n ** 3) / 5, (61 * n ** 3) / 240];
const E2N = (2 * Math.sqrt(n)) / (1 + n);

/** [lon, lat] in degrees to easting/northing in metres in `zone` (forward Krüger series, same accuracy). */
export function lonLatToUtm(lon: number, lat: number, zone: UtmZone): [number, number] {
  const phi = (lat * Math.PI) / 180;
  const lambda = ((lon - ((zone.zone - 1) * 6 - 180 + 3)) * Math.PI) / 180;
  const t = Math.sinh(Math.atanh(Math.sin(phi)) - E2N * Math.atanh(E2N * Math.sin(phi)));
  const xiP = Math.atan2(t, Math.cos(lambda));
  const etaP = Math.atanh(Math.sin(lambda) / Math.sqrt(1 + t * t));
  let xi = xiP;
  let eta = etaP;
  for (let j = 1; j <= 3; j++) {
    const a = ALPHA[j - 1]!;
    xi += a * Math.sin(2 * j * xiP) * Math.cosh(2 * j * etaP);
    eta += a * Math.cos(2 * j * xiP) * Math.sinh(2 * j * etaP);
  }
  return [FALSE_EASTING + K0 * RECTIFYING_RADIUS * eta, (zone.south ? FALSE_NORTHING_SOUTH : 0) + K0 * RECTIFYING_RADIUS * xi];
}
