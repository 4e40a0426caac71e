/**
 * Planned vs flown: the waylines of a flight plan (DJI WPML KMZ as DroneTM or DJI Pilot export it, or KML lines),
 * and the stretches of them no accepted photo was taken along (the aborted flight, the mid-flight gap), as areas a
 * re-fly plan can cover.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Feature, Polygon } from 'geojson';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { AppError } from '../common/errors.ts';
import { listZipEntries, readZipEntry } from '../common/zip-entry.ts';
import { localFrame } from '../geo/local-frame.ts';
import type { XY } from '../geo/raster.ts';
import type { ReflyGap } from './plan.ts';

/** One straight planned line, [lon, lat] from start to end in flight order. */
export type Wayline = [[number, number], [number, number]];

/** A turn larger than this between consecutive waypoints starts a new line. */
const TURN_DEG = 25;

export function readFlightPlan(file: string): Wayline[] {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new AppError('not_found', `Cannot read the flight plan ${file}: ${(err as Error).message}`, { file });
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.kmz') {
    // Only the chosen entry is unpacked, under a size cap (a KMZ may hold anything, a zip bomb included).
    const entries = listZipEntries(bytes, 'The flight plan');
    const entry = entries.find((e) => e.name.toLowerCase().endsWith('waylines.wpml')) ?? entries.find((e) => e.name.toLowerCase().endsWith('.kml'));
    if (!entry) throw new AppError('invalid_input', 'The KMZ holds no DJI waylines.wpml nor KML document.');
    return fromXml(readZipEntry(bytes, entry, 'The flight plan').toString('utf8'));
  }
  if (ext === '.kml' || ext === '.wpml') return fromXml(bytes.toString('utf8'));
  throw new AppError('unsupported', `Flight plans must be DJI WPML (.kmz) or KML lines (.kml); ${path.basename(file)} is neither.`, { file });
}

/** Waylines from WPML waypoints (Placemark Points in index order, split at turns) or KML LineStrings. */
export function fromXml(text: string): Wayline[] {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(text, 'text/xml');
  if (errors.length || !doc.documentElement) throw new AppError('invalid_input', `The flight plan is not valid XML: ${errors[0] ?? 'empty document'}`);
  const coords = (el: Element) =>
    (el.textContent ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => t.split(',').map(Number) as [number, number])
      .filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  const lines: Wayline[] = [];
  for (const ls of Array.from(doc.getElementsByTagName('LineString'))) {
    const c = ls.getElementsByTagName('coordinates')[0];
    if (c) lines.push(...straightLines(coords(c).map((p) => [p[0], p[1]])).map((l) => l.line));
  }
  if (lines.length > 0) return lines;
  const points = Array.from(doc.getElementsByTagName('Placemark')).flatMap((pm) => {
    const point = pm.getElementsByTagName('Point')[0];
    const c = point?.getElementsByTagName('coordinates')[0];
    const p = c ? coords(c)[0] : undefined;
    const index = Number(pm.getElementsByTagName('wpml:index')[0]?.textContent ?? NaN);
    return p ? [{ p: [p[0], p[1]] as [number, number], index }] : [];
  });
  if (points.length < 2) throw new AppError('invalid_input', 'The flight plan holds no waylines: no KML line and fewer than two waypoints.');
  points.sort((a, b) => (Number.isFinite(a.index) && Number.isFinite(b.index) ? a.index - b.index : 0));
  const straight = straightLines(points.map((x) => x.p));
  // A plan with a photo point every few metres along its lines: a two-point leg between lines is the turn.
  const survey = straight.some((l) => l.points > 2);
  return straight.filter((l) => !survey || l.points > 2).map((l) => l.line);
}

/** Splits a route into straight lines where it turns by more than TURN_DEG, with the waypoints each holds. */
function straightLines(route: [number, number][]): { line: Wayline; points: number }[] {
  if (route.length < 2) return [];
  const frame = localFrame(route[0]![0], route[0]![1]);
  const xy = route.map((p) => frame.toXY(p[0], p[1]));
  const out: { line: Wayline; points: number }[] = [];
  let start = 0;
  for (let i = 1; i + 1 < xy.length; i++) {
    if (turnDeg(xy[i - 1]!, xy[i]!, xy[i + 1]!) > TURN_DEG) {
      out.push({ line: [route[start]!, route[i]!], points: i - start + 1 });
      start = i;
    }
  }
  out.push({ line: [route[start]!, route[route.length - 1]!], points: route.length - start });
  return out;
}

function turnDeg(a: XY, b: XY, c: XY): number {
  const d1 = Math.atan2(b[0] - a[0], b[1] - a[1]);
  const d2 = Math.atan2(c[0] - b[0], c[1] - b[1]);
  const d = Math.abs(((d2 - d1) * 180) / Math.PI) % 360;
  return d > 180 ? 360 - d : d;
}

/**
 * The stretches of the planned lines along which no accepted photo was taken: a photo counts for a line when it
 * lies within `acrossM / 2` of it, and covers `alongM` of it centred on its position. Stretches shorter than
 * `minM` are left out. Each stretch comes back as a rectangle `acrossM` wide around it (the strip that line was
 * to photograph), ready for `planRefly` as an unphotographed area.
 */
export function unflownStretches(
  lines: readonly Wayline[],
  photos: readonly { lon: number; lat: number }[],
  opts: { acrossM: number; alongM: number; minM: number },
): Feature<Polygon, ReflyGap>[] {
  const out: Feature<Polygon, ReflyGap>[] = [];
  for (const [a, b] of lines) {
    const frame = localFrame(a[0], a[1]);
    const end = frame.toXY(b[0], b[1]);
    const length = Math.hypot(end[0], end[1]);
    if (length < 1e-6) continue;
    const dir: XY = [end[0] / length, end[1] / length];
    const normal: XY = [-dir[1], dir[0]];
    const covered: [number, number][] = [];
    for (const p of photos) {
      const q = frame.toXY(p.lon, p.lat);
      const t = q[0] * dir[0] + q[1] * dir[1];
      const off = Math.abs(q[0] * normal[0] + q[1] * normal[1]);
      if (off <= opts.acrossM / 2 && t >= -opts.alongM && t <= length + opts.alongM) covered.push([t - opts.alongM / 2, t + opts.alongM / 2]);
    }
    covered.sort((x, y) => x[0] - y[0]);
    let at = 0;
    const missing: [number, number][] = [];
    for (const [lo, hi] of covered) {
      if (lo > at) missing.push([at, Math.min(lo, length)]);
      at = Math.max(at, hi);
      if (at >= length) break;
    }
    if (at < length) missing.push([at, length]);
    for (const [t0, t1] of missing) {
      if (t1 - t0 < opts.minM) continue;
      const w = opts.acrossM / 2;
      const ring = [
        [t0, -w], [t1, -w], [t1, w], [t0, w], [t0, -w],
      ].map(([t, s]) => frame.toLonLat(t! * dir[0] + s! * normal[0], t! * dir[1] + s! * normal[1]));
      out.push({ type: 'Feature', properties: { kind: 'unphotographed', areaM2: (t1 - t0) * opts.acrossM }, geometry: { type: 'Polygon', coordinates: [ring] } });
    }
  }
  return out;
}
