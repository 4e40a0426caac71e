/**
 * Planned vs flown. A task's flight plan (DJI WPML KMZ as DroneTM or DJI Pilot 2 export it, or KML lines) is read
 * into its routes of waypoints; with the camera it is turned into planned photo points along survey lines; each
 * planned point is "flown" when an accepted photo was taken near it, and the runs of points that were not are the
 * stretches an aborted flight or a mid-flight gap left (DroneTM #514).
 *
 * The rule (docs/decisions.md, "Planned vs flown"): with s the plan's photo spacing along its lines and L its line
 * spacing, a planned photo point is flown when an accepted photo lies within 0.75 s of it along the line and within
 * L / 2 across it. L / 2 gives every photo to the line it was taken on (the nearest one); 0.75 s accepts photos
 * taken on a timer whose spacing drifts by up to half a spacing from the plan's, yet a run of two or more missing
 * photos always leaves at least one planned point unflown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { AppError } from '../common/errors.ts';
import { listZipEntries, readZipEntry } from '../common/zip-entry.ts';
import { localFrame } from '../geo/local-frame.ts';
import type { XY } from '../geo/raster.ts';
import type { StoredFlightPlan } from '../db/stored.ts';

export type { StoredFlightPlan };

/** A turn larger than this between consecutive waypoints ends a straight piece of the route. */
const TURN_DEG = 25;
/** Along the line, a photo flies a planned point within this many photo spacings of it. */
export const ALONG_TOLERANCE = 0.75;
/** Across the line, within this fraction of the line spacing (half: the nearest line takes the photo). */
export const ACROSS_TOLERANCE = 0.5;

// ---------- reading ----------

/** Reads a flight plan file (.kmz DJI WPML, .kml / .wpml XML) into its routes. */
export function readFlightPlan(file: string): StoredFlightPlan {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new AppError('not_found', `Cannot read the flight plan ${file}: ${(err as Error).message}`, { file });
  }
  return parseFlightPlan(bytes, path.basename(file));
}

/** Parses flight plan bytes; `fileName` picks the format by its extension. */
export function parseFlightPlan(bytes: Uint8Array, fileName: string): StoredFlightPlan {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.kmz') {
    // Only the chosen entries are unpacked, each under a size cap (a KMZ may hold anything, a zip bomb included).
    const entries = listZipEntries(bytes, 'The flight plan');
    const names = entries.map((e) => e.name);
    // waylines.wpml is what the aircraft executes (DroneTM's KMZ holds only it); template.kml is DJI Pilot 2's
    // editable template, holding waypoints only for waypoint missions.
    const waylines = entries.find((e) => e.name.toLowerCase().endsWith('waylines.wpml'));
    const template = entries.find((e) => e.name.toLowerCase().endsWith('template.kml'));
    const kml = entries.find((e) => e.name.toLowerCase().endsWith('.kml'));
    for (const entry of [waylines, template, kml]) {
      if (!entry) continue;
      const text = readZipEntry(bytes, entry, 'The flight plan').toString('utf8');
      const plan = fromXml(text, entry.name.toLowerCase().endsWith('.kml') && entry !== template ? 'kml' : 'dji_wpml');
      if (plan) return plan;
    }
    throw new AppError('invalid_input', `The KMZ holds no waylines: no waypoints in ${(waylines ?? template)?.name ?? 'it'} and no KML line.`, { entries: names });
  }
  if (ext === '.kml' || ext === '.wpml') {
    const plan = fromXml(new TextDecoder().decode(bytes), ext === '.wpml' ? 'dji_wpml' : 'kml');
    if (plan) return plan;
    throw new AppError('invalid_input', 'The flight plan holds no waylines: no KML line and fewer than two waypoints.');
  }
  throw new AppError('unsupported', `Flight plans must be DJI WPML (.kmz) or KML lines (.kml); ${fileName} is neither.`, { fileName });
}

const wpml = (el: Element, name: string): string | null => {
  const found = el.getElementsByTagName(`wpml:${name}`)[0];
  return found?.textContent?.trim() ?? null;
};

/** Routes from WPML waypoints (Placemark Points per Folder, in wpml:index order) or KML LineStrings; null when none. */
function fromXml(text: string, format: StoredFlightPlan['format']): StoredFlightPlan | null {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(text, 'text/xml');
  if (errors.length || !doc.documentElement) throw new AppError('invalid_input', `The flight plan is not valid XML: ${errors[0] ?? 'empty document'}`);
  const coords = (el: Element | undefined) =>
    (el?.textContent ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => t.split(',').map(Number))
      .filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0]!) <= 180 && Math.abs(p[1]!) <= 90);

  const routes: StoredFlightPlan['routes'] = [];
  // DJI WPML: each Folder is one wayline (template.kml: one template) of Placemark Points.
  const root = doc.documentElement;
  const folderHeightMode = (folder: Element) => wpml(folder, 'executeHeightMode') ?? wpml(folder, 'heightMode');
  for (const folder of Array.from(root.getElementsByTagName('Folder'))) {
    const relative = folderHeightMode(folder) === 'relativeToStartPoint';
    const points = Array.from(folder.getElementsByTagName('Placemark')).flatMap((pm) => {
      const p = coords(pm.getElementsByTagName('Point')[0]?.getElementsByTagName('coordinates')[0])[0];
      if (!p) return [];
      const h = Number(wpml(pm, 'executeHeight') ?? wpml(pm, 'height') ?? NaN);
      const photo = Array.from(pm.getElementsByTagName('wpml:actionActuatorFunc')).some((a) => a.textContent?.trim() === 'takePhoto');
      return [{ p: [p[0]!, p[1]!, relative && Number.isFinite(h) ? h : null, photo ? 1 : 0] as [number, number, number | null, 0 | 1], index: Number(wpml(pm, 'index') ?? NaN) }];
    });
    if (points.length < 2) continue;
    if (points.every((x) => Number.isFinite(x.index))) points.sort((a, b) => a.index - b.index);
    routes.push({ points: points.map((x) => x.p) });
  }
  if (routes.length > 0) return { format: 'dji_wpml', routes };
  for (const ls of Array.from(doc.getElementsByTagName('LineString'))) {
    const points = coords(ls.getElementsByTagName('coordinates')[0]).map((p): [number, number, number | null, 0 | 1] => [p[0]!, p[1]!, null, 0]);
    if (points.length >= 2) routes.push({ points });
  }
  return routes.length > 0 ? { format, routes } : null;
}

// ---------- planned photo points ----------

export interface PlanPoint {
  lon: number;
  lat: number;
  /** Above the take-off point, when the plan gives heights relative to it. */
  heightM: number | null;
  /** Index of its survey line in `ResolvedPlan.lines`. */
  line: number;
  /** Heading along its line, degrees clockwise from north, -180..180. */
  yawDeg: number;
}

export interface ResolvedPlan {
  format: StoredFlightPlan['format'];
  /** 'actions': the plan's own takePhoto waypoints; 'lines': sampled along its lines at `photoSpacingM`. */
  pointsFrom: 'actions' | 'lines';
  /** Survey lines in flight order ([lon, lat] polylines), the transit legs between them left out. */
  lines: [number, number][][];
  /** Planned photo points in flight order. */
  points: PlanPoint[];
  photoSpacingM: number;
  lineSpacingM: number;
}

interface Piece {
  /** Indices into the route's points. */
  from: number;
  to: number;
  bearingDeg: number;
  lengthM: number;
}

/**
 * The planned photo points of a plan: its takePhoto waypoints when it has any (DroneTM's waypoint mode, our own
 * export); otherwise points every `fallback.photoSpacingM` along its survey lines (DroneTM's waylines mode and DJI
 * Pilot's mapping missions shoot on a timer; KML lines carry no photos). Survey lines are the straight pieces of the
 * routes; a route of line ends also holds short transit legs between them, told apart by their direction (a leg runs
 * across the bearing most of the route's length runs along).
 */
export function resolvePlan(plan: StoredFlightPlan, fallback: { photoSpacingM: number; lineSpacingM: number }): ResolvedPlan {
  const first = plan.routes[0]!.points[0]!;
  const frame = localFrame(first[0], first[1]);
  const withPhotos = plan.routes.some((r) => r.points.some((p) => p[3] === 1));
  const lines: [number, number][][] = [];
  const points: PlanPoint[] = [];
  const lineXY: XY[][] = [];
  for (const route of plan.routes) {
    const pts = withPhotos ? route.points.filter((p) => p[3] === 1) : route.points;
    const xy = pts.map((p) => frame.toXY(p[0], p[1]));
    const pieces = straightPieces(xy);
    // Photo points: a turn point is shared by two pieces; it belongs to the one with more points (the survey line).
    // Pieces of two points between two longer ones are transit legs (both ends belong to survey lines).
    const owner = new Array<number>(pts.length).fill(-1);
    const dominant = dominantBearing(pieces);
    const ordered = pieces
      .map((p, i) => ({ p, i }))
      .sort((a, b) => b.p.to - b.p.from - (a.p.to - a.p.from) || axisDiff(a.p.bearingDeg, dominant) - axisDiff(b.p.bearingDeg, dominant) || a.i - b.i);
    const survey = new Set<number>();
    for (const { p, i } of ordered) {
      const free = range(p.from, p.to).filter((k) => owner[k] === -1).length;
      const isLeg = withPhotos ? free === 0 : p.to - p.from === 1 && pieces.length > 1 && axisDiff(p.bearingDeg, dominant) > TURN_DEG;
      if (isLeg) continue;
      survey.add(i);
      for (const k of range(p.from, p.to)) if (owner[k] === -1) owner[k] = i;
    }
    for (const [i, p] of pieces.entries()) {
      if (!survey.has(i)) continue;
      const index = lines.length;
      const yawDeg = normaliseYaw(p.bearingDeg);
      const pieceXY = xy.slice(p.from, p.to + 1);
      lines.push(pieceXY.map((q) => frame.toLonLat(q[0], q[1])));
      lineXY.push(pieceXY);
      if (withPhotos) {
        for (const k of range(p.from, p.to)) {
          if (owner[k] === i) points.push({ lon: pts[k]![0], lat: pts[k]![1], heightM: pts[k]![2], line: index, yawDeg });
        }
      } else {
        const [a, b] = [xy[p.from]!, xy[p.to]!];
        const n = Math.max(1, Math.round(p.lengthM / fallback.photoSpacingM)) + 1;
        const [ha, hb] = [pts[p.from]![2], pts[p.to]![2]];
        for (let k = 0; k < n; k++) {
          const t = n === 1 ? 0 : k / (n - 1);
          const [lon, lat] = frame.toLonLat(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
          points.push({ lon, lat, heightM: ha !== null && hb !== null ? ha + t * (hb - ha) : null, line: index, yawDeg });
        }
      }
    }
  }
  if (points.length === 0) throw new AppError('invalid_input', 'The flight plan holds no survey line to compare the photos with.');
  const steps: number[] = [];
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.line !== points[i - 1]!.line) continue;
    steps.push(Math.hypot(...sub(frame.toXY(points[i]!.lon, points[i]!.lat), frame.toXY(points[i - 1]!.lon, points[i - 1]!.lat))));
  }
  const photoSpacingM = withPhotos ? (medianOf(steps.filter((s) => s > 0.1)) ?? fallback.photoSpacingM) : fallback.photoSpacingM;
  return { format: plan.format, pointsFrom: withPhotos ? 'actions' : 'lines', lines, points, photoSpacingM, lineSpacingM: lineSpacing(lineXY) ?? fallback.lineSpacingM };
}

/** Splits a route into straight pieces at turns larger than TURN_DEG. */
function straightPieces(xy: readonly XY[]): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  const close = (end: number) => {
    if (end <= start) return;
    const d = sub(xy[end]!, xy[start]!);
    pieces.push({ from: start, to: end, bearingDeg: (Math.atan2(d[0], d[1]) * 180) / Math.PI, lengthM: Math.hypot(d[0], d[1]) });
    start = end;
  };
  for (let i = 1; i + 1 < xy.length; i++) if (turnDeg(xy[i - 1]!, xy[i]!, xy[i + 1]!) > TURN_DEG) close(i);
  close(xy.length - 1);
  return pieces;
}

/** The axis (bearing mod 180) along which most of the length runs, in TURN_DEG-wide bins. */
function dominantBearing(pieces: readonly Piece[]): number {
  let best = { deg: 0, length: -1 };
  for (const p of pieces) {
    const length = pieces.filter((q) => axisDiff(q.bearingDeg, p.bearingDeg) <= TURN_DEG / 2).reduce((a, q) => a + q.lengthM, 0);
    if (length > best.length) best = { deg: p.bearingDeg, length };
  }
  return best.deg;
}

/** Median distance between neighbouring parallel lines (each line's midpoint to the nearest parallel line beside it). */
function lineSpacing(lines: readonly XY[][]): number | null {
  const gaps: number[] = [];
  const dirs = lines.map((l) => unit(sub(l[l.length - 1]!, l[0]!)));
  for (const [i, l] of lines.entries()) {
    const mid = l.length % 2 ? l[(l.length - 1) / 2]! : scale(add(l[l.length / 2 - 1]!, l[l.length / 2]!), 0.5);
    let best = Infinity;
    for (const [j, m] of lines.entries()) {
      if (j === i || Math.abs(dot(dirs[i]!, dirs[j]!)) < Math.cos((TURN_DEG * Math.PI) / 180)) continue;
      const d = dirs[j]!;
      const rel = sub(mid, m[0]!);
      const t = dot(rel, d);
      const len = dot(sub(m[m.length - 1]!, m[0]!), d);
      if (t < -0.25 * len || t > 1.25 * len) continue; // not beside it
      const across = Math.abs(rel[0] * d[1] - rel[1] * d[0]);
      if (across > 0.5) best = Math.min(best, across);
    }
    if (Number.isFinite(best)) gaps.push(best);
  }
  return medianOf(gaps);
}

// ---------- planned vs flown ----------

export interface UnflownStretch {
  /** Indices of its planned points (consecutive in flight order). */
  points: number[];
  /** The ground it was to photograph along the route: its points, extended by half a photo spacing at each end. */
  coordinates: [number, number][];
  lengthM: number;
}

export interface PlanVsFlown {
  plan: ResolvedPlan;
  /** Per planned point: an accepted photo was taken near it. */
  flown: boolean[];
  stretches: UnflownStretch[];
}

/** Which planned points were flown by `photos` (accepted photo centres), and the runs of those that were not. */
export function compareWithPhotos(plan: ResolvedPlan, photos: readonly { lon: number; lat: number }[]): PlanVsFlown {
  const first = plan.points[0]!;
  const frame = localFrame(first.lon, first.lat);
  const along = ALONG_TOLERANCE * plan.photoSpacingM;
  const across = ACROSS_TOLERANCE * plan.lineSpacingM;
  const reach = Math.hypot(along, across);
  // Photos in a coarse grid, so each planned point looks only at the photos near it.
  const cell = Math.max(reach, 1);
  const grid = new Map<string, XY[]>();
  for (const p of photos) {
    const q = frame.toXY(p.lon, p.lat);
    const key = `${Math.floor(q[0] / cell)},${Math.floor(q[1] / cell)}`;
    const list = grid.get(key) ?? [];
    list.push(q);
    grid.set(key, list);
  }
  const pointXY = plan.points.map((p) => frame.toXY(p.lon, p.lat));
  const flown = plan.points.map((p, i) => {
    const at = pointXY[i]!;
    const dir: XY = [Math.sin((p.yawDeg * Math.PI) / 180), Math.cos((p.yawDeg * Math.PI) / 180)];
    const [cx, cy] = [Math.floor(at[0] / cell), Math.floor(at[1] / cell)];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const q of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          const rel = sub(q, at);
          if (Math.abs(dot(rel, dir)) <= along && Math.abs(rel[0] * dir[1] - rel[1] * dir[0]) <= across) return true;
        }
      }
    }
    return false;
  });
  const stretches: UnflownStretch[] = [];
  for (let i = 0; i < flown.length; ) {
    if (flown[i]) {
      i++;
      continue;
    }
    let j = i;
    // A stretch stays on one survey line: the turn to the next line starts another.
    while (j + 1 < flown.length && !flown[j + 1] && plan.points[j + 1]!.line === plan.points[i]!.line) j++;
    const idx = range(i, j);
    const xy = idx.map((k) => pointXY[k]!);
    const half = plan.photoSpacingM / 2;
    const dirOf = (k: number): XY => [Math.sin((plan.points[k]!.yawDeg * Math.PI) / 180), Math.cos((plan.points[k]!.yawDeg * Math.PI) / 180)];
    const ends = [sub(xy[0]!, scale(dirOf(i), half)), add(xy[xy.length - 1]!, scale(dirOf(j), half))];
    const path = [ends[0]!, ...xy, ends[1]!];
    let lengthM = 0;
    for (let k = 1; k < path.length; k++) lengthM += Math.hypot(...sub(path[k]!, path[k - 1]!));
    stretches.push({ points: idx, coordinates: path.map((q) => frame.toLonLat(q[0], q[1])), lengthM });
    i = j + 1;
  }
  return { plan, flown, stretches };
}

// ---------- helpers ----------

export function normaliseYaw(deg: number): number {
  const d = ((deg % 360) + 360) % 360;
  return d > 180 ? d - 360 : d;
}

/** Angle between two axes (bearings mod 180), 0..90. */
function axisDiff(a: number, b: number): number {
  const d = Math.abs(a - b) % 180;
  return d > 90 ? 180 - d : d;
}

function turnDeg(a: XY, b: XY, c: XY): number {
  const d1 = Math.atan2(b[0] - a[0], b[1] - a[1]);
  const d2 = Math.atan2(c[0] - b[0], c[1] - b[1]);
  const d = Math.abs(((d2 - d1) * 180) / Math.PI) % 360;
  return d > 180 ? 360 - d : d;
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);
const sub = (p: XY, q: XY): XY => [p[0] - q[0], p[1] - q[1]];
const add = (p: XY, q: XY): XY => [p[0] + q[0], p[1] + q[1]];
const scale = (p: XY, k: number): XY => [p[0] * k, p[1] * k];
const dot = (p: XY, q: XY) => p[0] * q[0] + p[1] * q[1];
const unit = (p: XY): XY => {
  const n = Math.hypot(p[0], p[1]) || 1;
  return [p[0] / n, p[1] / n];
};

