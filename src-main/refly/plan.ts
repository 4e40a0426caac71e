/**
 * The re-fly planner: lawnmower lines over coverage gaps, as a plain function of the gaps, the camera and the height.
 *
 * Every gap is grown by a fraction `reach` of half a footprint each way (the camera positions whose photo sees a gap
 * point with at least (1 - reach) / 2 of a footprint to spare). With reach 1 that is every camera whose photo touches
 * the gap; the default is the least reach at which every gap point, however thin the gap, is seen by `minViews` (3)
 * new photos at the chosen overlaps (docs/decisions.md). Photos at the gap's edge still reach more than half a
 * footprint into the ground already photographed, so they tie into the old ones. Lines run along
 * the long axis of each group of gaps, spaced for the side overlap; photos along them are spaced for the front
 * overlap. Gaps whose grown areas touch are flown as one block with one line direction; blocks are visited in the
 * order that keeps the transit short (nearest next block, entered at its nearest corner, from the take-off point).
 *
 * Geometry is done in a local metric frame; the gap polygons are sampled on a fine raster (a few cells per photo
 * spacing), which handles holes and odd shapes without polygon clipping.
 */
import type { Feature, Polygon } from 'geojson';
import { fieldOfView, type CameraInput } from '../geo/cameras.ts';
import type { GapKind } from '../geo/coverage.ts';
import { localFrame, type LocalFrame } from '../geo/local-frame.ts';
import { gridOver, scanFill, type XY } from '../geo/raster.ts';
import { normaliseYaw } from './flight-plan.ts';

export interface ReflyGap {
  /** A coverage gap's kind, or `unflown`: a stretch of the task's flight plan no accepted photo was taken along. */
  kind: GapKind | 'unflown';
  areaM2: number;
}

/** Heights that follow the terrain (a project DEM): every photo point keeps `aglM` above the ground under it. */
export interface TerrainFollowing {
  /** Height above the ground kept at every photo point (m). */
  aglM: number;
  /** DEM elevation at the take-off point (m). */
  takeoffElevationM: number;
  /** Lowest and highest photo point above take-off (m). */
  minHeightM: number;
  maxHeightM: number;
  /** Photo points outside the DEM, left at `aglM` above take-off. */
  outsideDem: number;
}

export interface PlanInput {
  /** Gap polygons in WGS84. */
  gaps: readonly Feature<Polygon, ReflyGap>[];
  /** Flight height above the take-off point (m). */
  heightM: number;
  camera: CameraInput;
  /** Front and side overlap, 0..1 (defaults 0.75 / 0.70). */
  frontOverlap?: number;
  sideOverlap?: number;
  /** Where the drone takes off (lon, lat); the first block is the one nearest to it. */
  start?: [number, number];
  /** Mission speed cap (m/s); default 8. */
  maxSpeedMps?: number;
  /** How far past a gap the camera positions go, as a fraction of half a footprint (0..1]; default minimumReach(). */
  reach?: number;
  /**
   * New photos every gap point must keep being seen by when photos at a block's edges are dropped: by default the
   * views a point inside a regular lawnmower at these overlaps gets (interiorViews, 12 at 75/70), so the gap is flown
   * at the chosen overlaps throughout. 0 keeps every photo the reach gives.
   */
  minViews?: number;
}

export interface PlannedPhoto {
  lon: number;
  lat: number;
  /** Above the take-off point (m). */
  heightM: number;
  /** Direction of travel and of the image's top edge, degrees clockwise from north, -180..180 (DJI convention). */
  yawDeg: number;
  /** Index of its line in `lines`. */
  line: number;
}

export interface PlannedLine {
  /** Start and end (lon, lat) in flight direction. */
  coordinates: [[number, number], [number, number]];
  heightM: number;
  yawDeg: number;
  photoCount: number;
  block: number;
}

export interface ReflyPlan {
  /** What the plan covers: coverage gaps, or the unflown stretches of the task's flight plan. */
  source: 'gaps' | 'flight_plan';
  /** Height of the footprints (m): above take-off on flat ground, above the ground under each photo with `terrain`. */
  heightM: number;
  /** Set when the photo points' heights above take-off follow a DEM. */
  terrain: TerrainFollowing | null;
  frontOverlap: number;
  sideOverlap: number;
  /** Ground size of one photo: across the track (image width) and along it (image height), m. */
  footprint: { acrossM: number; alongM: number };
  lineSpacingM: number;
  photoSpacingM: number;
  /** Camera positions go this fraction of half a footprint past the gaps (1: every photo that touches a gap). */
  reach: number;
  speedMps: number;
  /** Lines and photos in flight order. */
  lines: PlannedLine[];
  photos: PlannedPhoto[];
  /** The gaps the plan covers, as given. */
  gaps: Feature<Polygon, ReflyGap>[];
  /** The block (index in flight order) flying each gap, parallel to `gaps`. */
  gapBlocks: number[];
  blocks: number;
  /** Sum of the gap areas, and of the grown areas the lines cover, m². */
  gapAreaM2: number;
  plannedAreaM2: number;
  /** Path from the take-off point through every photo point and back (or first to last point without one), m. */
  lengthM: number;
  /** Flight time estimate: the path at mission speed plus a stop of `PHOTO_STOP_S` at each photo point, s. */
  flightTimeS: number;
}

export const DEFAULT_FRONT_OVERLAP = 0.75;
export const DEFAULT_SIDE_OVERLAP = 0.7;
/** Seconds a stop-and-shoot waypoint costs beyond flying through it (brake, shoot, accelerate). */
export const PHOTO_STOP_S = 2;
/** A DJI camera needs about 2 s between photos; the speed keeps that along a line. */
const MIN_PHOTO_INTERVAL_S = 2;
const ANGLE_STEP_DEG = 2;
const RAD = Math.PI / 180;

/** Ground footprint of one nadir photo from `heightM` above flat ground. */
export function groundFootprint(camera: CameraInput, heightM: number): { acrossM: number; alongM: number } {
  const fov = fieldOfView(camera);
  return { acrossM: 2 * heightM * fov.tanHalfW, alongM: 2 * heightM * fov.tanHalfH };
}

export function planRefly(input: PlanInput): ReflyPlan {
  const front = input.frontOverlap ?? DEFAULT_FRONT_OVERLAP;
  const side = input.sideOverlap ?? DEFAULT_SIDE_OVERLAP;
  if (!(front >= 0 && front < 1 && side >= 0 && side < 1)) throw new RangeError('overlaps must be in [0, 1)');
  if (!(input.heightM > 0)) throw new RangeError('the flight height must be positive');
  const fp = groundFootprint(input.camera, input.heightM);
  const lineSpacingM = fp.acrossM * (1 - side);
  const photoSpacingM = fp.alongM * (1 - front);
  const speedMps = Math.min(input.maxSpeedMps ?? 8, photoSpacingM / MIN_PHOTO_INTERVAL_S);
  const reach = input.reach ?? minimumReach(front, side);
  if (!(reach > 0 && reach <= 1)) throw new RangeError('reach must be in (0, 1]');
  const gaps = [...input.gaps];
  const empty: ReflyPlan = {
    source: 'gaps',
    heightM: input.heightM,
    terrain: null,
    frontOverlap: front,
    sideOverlap: side,
    footprint: fp,
    lineSpacingM,
    photoSpacingM,
    reach,
    speedMps,
    lines: [],
    photos: [],
    gaps,
    gapBlocks: gaps.map(() => -1),
    blocks: 0,
    gapAreaM2: gaps.reduce((a, g) => a + g.properties.areaM2, 0),
    plannedAreaM2: 0,
    lengthM: 0,
    flightTimeS: 0,
  };
  if (gaps.length === 0) return empty;

  const frame = frameOver(gaps);
  const rings = gaps.map((g) => g.geometry.coordinates.map((ring) => ring.map((p) => frame.toXY(p[0]!, p[1]!))));
  const cellM = Math.max(0.25, Math.min(lineSpacingM, photoSpacingM, fp.acrossM, fp.alongM) / 4);
  const clusters = joinNearGaps(rings, reach * Math.max(fp.acrossM, fp.alongM));
  const start: XY | null = input.start ? frame.toXY(input.start[0], input.start[1]) : null;

  const blocks = clusters.map((members) => {
    const points = sample(members.map((i) => rings[i]!), cellM);
    return blockLines(points, { acrossM: reach * fp.acrossM, alongM: reach * fp.alongM }, fp, lineSpacingM, photoSpacingM, cellM, input.minViews ?? interiorViews(front, side));
  });
  const order = orderBlocks(blocks, start);
  const planned = order.map((o) => o.runs);
  const gapBlocks = gaps.map(() => -1);
  order.forEach((o, position) => {
    for (const g of clusters[o.index]!) gapBlocks[g] = position;
  });

  const lines: PlannedLine[] = [];
  const photos: PlannedPhoto[] = [];
  const path: XY[] = start ? [start] : [];
  for (const [b, runs] of planned.entries()) {
    for (const run of runs) {
      const yawDeg = normaliseYaw(run.bearingDeg);
      const index = lines.length;
      lines.push({ coordinates: [frame.toLonLat(...run.points[0]!), frame.toLonLat(...run.points[run.points.length - 1]!)], heightM: input.heightM, yawDeg, photoCount: run.points.length, block: b });
      for (const p of run.points) {
        const [lon, lat] = frame.toLonLat(p[0], p[1]);
        photos.push({ lon, lat, heightM: input.heightM, yawDeg, line: index });
        path.push(p);
      }
    }
  }
  if (start) path.push(start);
  let lengthM = 0;
  for (let i = 1; i < path.length; i++) lengthM += dist(path[i - 1]!, path[i]!);
  return {
    ...empty,
    lines,
    photos,
    gapBlocks,
    blocks: planned.length,
    plannedAreaM2: blocks.reduce((a, b) => a + b.areaM2, 0),
    lengthM,
    flightTimeS: lengthM / speedMps + photos.length * PHOTO_STOP_S,
  };
}

/**
 * The least reach (fraction of half a footprint past a gap) at which a gap point, even on a gap thinner than a cell,
 * is seen by `minViews` new photos: the cameras within reach x half a footprint either side of it number at least
 * floor(reach / (1 - side)) across by floor(reach / (1 - front)) along. 0.6 at 75/70.
 */
export function minimumReach(front: number, side: number, minViews = 3): number {
  const candidates = [1];
  for (let k = 1; k * (1 - side) <= 1; k++) candidates.push(k * (1 - side));
  for (let k = 1; k * (1 - front) <= 1; k++) candidates.push(k * (1 - front));
  const views = (r: number) => Math.floor(r / (1 - side) + 1e-9) * Math.floor(r / (1 - front) + 1e-9);
  return Math.min(...candidates.filter((r) => views(r) >= minViews));
}

/** Photos seeing a point inside a regular lawnmower at these overlaps, at the least: lines x photos per line. */
export function interiorViews(front: number, side: number): number {
  return Math.floor(1 / (1 - side) + 1e-9) * Math.floor(1 / (1 - front) + 1e-9);
}

/** Photos the plan needs at the least: the covered area over the ground each photo adds at these overlaps. */
export function idealPhotoCount(areaM2: number, plan: Pick<ReflyPlan, 'footprint' | 'frontOverlap' | 'sideOverlap'>): number {
  return areaM2 / (plan.footprint.acrossM * plan.footprint.alongM * (1 - plan.frontOverlap) * (1 - plan.sideOverlap));
}

function frameOver(gaps: readonly Feature<Polygon, ReflyGap>[]): LocalFrame {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of gaps) {
    for (const [lon, lat] of g.geometry.coordinates[0]! as XY[]) {
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  return localFrame((w + e) / 2, (s + n) / 2);
}

/** Groups gaps closer than `joinM` (their grown areas touch): indices per group. */
function joinNearGaps(rings: readonly XY[][][], joinM: number): number[][] {
  const parent = rings.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const boxes = rings.map((poly) => {
    const [x0, x1] = extent(poly[0]!.map((p) => p[0]));
    const [y0, y1] = extent(poly[0]!.map((p) => p[1]));
    return [x0, y0, x1, y1] as const;
  });
  for (let i = 0; i < rings.length; i++) {
    for (let j = i + 1; j < rings.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      if (a[0] - b[2] > joinM || b[0] - a[2] > joinM || a[1] - b[3] > joinM || b[1] - a[3] > joinM) continue;
      if (ringDistance(rings[i]![0]!, rings[j]![0]!) <= joinM) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rings.length; i++) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  return [...groups.values()];
}

function ringDistance(a: readonly XY[], b: readonly XY[]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < a.length; i++) {
    for (let j = 0; j + 1 < b.length; j++) {
      best = Math.min(best, segmentDistance(a[i]!, a[i + 1]!, b[j]!, b[j + 1]!));
      if (best === 0) return 0;
    }
  }
  return best;
}

function segmentDistance(p1: XY, p2: XY, q1: XY, q2: XY): number {
  const cross = (o: XY, a: XY, b: XY) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const d1 = cross(q1, q2, p1);
  const d2 = cross(q1, q2, p2);
  const d3 = cross(p1, p2, q1);
  const d4 = cross(p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
  return Math.min(pointSegment(p1, q1, q2), pointSegment(p2, q1, q2), pointSegment(q1, p1, p2), pointSegment(q2, p1, p2));
}

function pointSegment(p: XY, a: XY, b: XY): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** Centres of the raster cells inside the polygons (holes excluded). */
function sample(polys: readonly XY[][][], cellM: number): XY[] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polys) {
    for (const [x, y] of poly[0]!) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  const grid = gridOver(x0, y0, x1, y1, cellM);
  const points: XY[] = [];
  for (const poly of polys) {
    scanFill(grid, poly, (r, c0, c1) => {
      for (let c = c0; c <= c1; c++) points.push([grid.x0 + (c + 0.5) * cellM, grid.y0 + (r + 0.5) * cellM]);
    });
  }
  // A gap thinner than a cell still needs its line: fall back to its outline's vertices.
  if (points.length === 0) for (const poly of polys) points.push(...poly[0]!);
  return points;
}

interface Run {
  /** Photo points in flight order (metric). */
  points: XY[];
  bearingDeg: number;
}

interface Block {
  /** Runs line by line (across the block), each line's runs in +along order, flown +along. */
  lines: { runs: XY[][] }[];
  bearingDeg: number;
  runs: XY[][];
  areaM2: number;
}

/**
 * Lines over one group of gap points: direction along the group's long axis (the one giving the narrowest extent
 * across), lines spaced evenly to cover the points grown by half of `fp` either side (the footprint scaled by the
 * reach), and on each line the stretches within that of a gap point, photos evenly spaced over each stretch.
 */
function blockLines(
  points: readonly XY[],
  fp: { acrossM: number; alongM: number },
  full: { acrossM: number; alongM: number },
  lineSpacing: number,
  photoSpacing: number,
  cellM: number,
  minViews: number,
): Block {
  let best = { deg: 0, width: Infinity };
  for (let deg = 0; deg < 180; deg += ANGLE_STEP_DEG) {
    const c = acrossAxis(deg);
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      const u = p[0] * c[0] + p[1] * c[1];
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
    if (hi - lo < best.width - 1e-9) best = { deg, width: hi - lo };
  }
  const a = alongAxis(best.deg);
  const c = acrossAxis(best.deg);
  const us = points.map((p) => p[0] * c[0] + p[1] * c[1]);
  const vs = points.map((p) => p[0] * a[0] + p[1] * a[1]);
  const [uLo, uHi] = extent(us);
  const nLines = Math.max(1, Math.ceil((uHi - uLo + fp.acrossM) / lineSpacing));
  const mid = (uLo + uHi) / 2;
  const halfW = fp.acrossM / 2;
  const halfH = fp.alongM / 2;
  // Runs as (u, v) photo positions, line by line.
  const uvLines: { u: number; runs: number[][] }[] = [];
  for (let k = 0; k < nLines; k++) {
    const u = mid + (k - (nLines - 1) / 2) * lineSpacing;
    const spans: [number, number][] = [];
    for (let i = 0; i < points.length; i++) {
      if (Math.abs(us[i]! - u) <= halfW + cellM / 2) spans.push([vs[i]! - halfH, vs[i]! + halfH]);
    }
    if (spans.length === 0) continue;
    spans.sort((p, q) => p[0] - q[0]);
    const merged: [number, number][] = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      // Stretches closer than a photo spacing are one: the photos would be as many either way.
      if (last && s[0] <= last[1] + photoSpacing) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    }
    const runs = merged.map(([v0, v1]) => {
      const n = Math.max(1, Math.ceil((v1 - v0) / photoSpacing));
      const centre = (v0 + v1) / 2;
      return Array.from({ length: n }, (_, i) => centre + (i - (n - 1) / 2) * photoSpacing);
    });
    uvLines.push({ u, runs });
  }
  pruneRedundant(uvLines, us, vs, full, minViews);
  const lines: { runs: XY[][] }[] = [];
  let areaM2 = 0;
  for (const { u, runs } of uvLines) {
    const kept = runs.filter((r) => r.length > 0);
    if (kept.length === 0) continue;
    for (const r of kept) areaM2 += r.length * photoSpacing * lineSpacing;
    lines.push({ runs: kept.map((r) => r.map((v): XY => [u * c[0] + v * a[0], u * c[1] + v * a[1]])) });
  }
  return { lines, bearingDeg: best.deg, runs: lines.flatMap((l) => l.runs), areaM2 };
}

/**
 * Drops planned photos no gap point needs: whole lines from the outside in, then photos from the ends of each run,
 * as long as every gap point a dropped photo sees is still seen by `minViews` of the photos left (a point seen by
 * fewer from the start is never made worse). Photos are dropped only at the block's edges, so lines stay straight
 * and runs unbroken.
 */
function pruneRedundant(lines: { u: number; runs: number[][] }[], us: readonly number[], vs: readonly number[], full: { acrossM: number; alongM: number }, minViews: number): void {
  if (minViews <= 0) return;
  const halfW = full.acrossM / 2;
  const halfH = full.alongM / 2;
  const views = new Int32Array(us.length);
  const seenBy = (u: number, v: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < us.length; i++) if (Math.abs(us[i]! - u) <= halfW && Math.abs(vs[i]! - v) <= halfH) out.push(i);
    return out;
  };
  const sees = lines.map((l) => l.runs.map((r) => r.map((v) => seenBy(l.u, v))));
  for (const line of sees) for (const run of line) for (const photo of run) for (const i of photo) views[i]!++;
  const tryDrop = (photos: number[][]): boolean => {
    for (const photo of photos) for (const i of photo) views[i]!--;
    let ok = true;
    for (const photo of photos) for (const i of photo) if (views[i]! < minViews) ok = false;
    if (!ok) for (const photo of photos) for (const i of photo) views[i]!++;
    return ok;
  };
  // Whole lines, outermost first, alternating sides.
  let [lo, hi] = [0, lines.length - 1];
  while (lo < hi) {
    let dropped = false;
    for (const k of [lo, hi]) {
      if (tryDrop(sees[k]!.flat())) {
        lines[k]!.runs = [];
        sees[k] = [];
        dropped = true;
        if (k === lo) lo++;
        else hi--;
        break;
      }
    }
    if (!dropped) break;
  }
  // Then photos from both ends of every run.
  for (const [k, line] of lines.entries()) {
    for (const [j, run] of line.runs.entries()) {
      const photoSees = sees[k]![j]!;
      while (run.length > 1 && tryDrop([photoSees[0]!])) {
        run.shift();
        photoSees.shift();
      }
      while (run.length > 1 && tryDrop([photoSees[photoSees.length - 1]!])) {
        run.pop();
        photoSees.pop();
      }
    }
  }
}

/** Unit vector along a bearing (degrees clockwise from north), and the one 90 degrees clockwise from it. */
const alongAxis = (deg: number): XY => [Math.sin(deg * RAD), Math.cos(deg * RAD)];
const acrossAxis = (deg: number): XY => [Math.cos(deg * RAD), -Math.sin(deg * RAD)];

/**
 * Flight order: from the take-off point (or the first block), repeatedly the unvisited block whose nearest entry
 * corner is closest to where the drone is; inside a block, lines one after the other, alternating direction.
 */
function orderBlocks(blocks: readonly Block[], start: XY | null): { index: number; runs: Run[] }[] {
  const left = new Set(blocks.flatMap((b, i) => (b.runs.length > 0 ? [i] : [])));
  const out: { index: number; runs: Run[] }[] = [];
  let at: XY | null = start;
  while (left.size > 0) {
    let best: { block: number; runs: Run[]; cost: number } | null = null;
    for (const i of left) {
      for (const reverseLines of [false, true]) {
        for (const firstBackwards of [false, true]) {
          const runs = serpentine(blocks[i]!, reverseLines, firstBackwards);
          const cost = at ? dist(at, runs[0]!.points[0]!) : 0;
          if (!best || cost < best.cost) best = { block: i, runs, cost };
        }
      }
    }
    left.delete(best!.block);
    out.push({ index: best!.block, runs: best!.runs });
    const last = best!.runs[best!.runs.length - 1]!;
    at = last.points[last.points.length - 1]!;
  }
  return out;
}

function serpentine(block: Block, reverseLines: boolean, firstBackwards: boolean): Run[] {
  const lines = reverseLines ? [...block.lines].reverse() : block.lines;
  return lines.flatMap((line, k) => {
    const backwards = (k % 2 === 1) !== firstBackwards;
    const runs = backwards ? [...line.runs].reverse() : line.runs;
    return runs.map((points) => ({
      points: backwards ? [...points].reverse() : points,
      bearingDeg: backwards ? block.bearingDeg + 180 : block.bearingDeg,
    }));
  });
}


/** Smallest and largest value, in a loop: spreading a large array into Math.min overflows the stack. */
function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

const dist = (p: XY, q: XY) => Math.hypot(p[0] - q[0], p[1] - q[1]);
