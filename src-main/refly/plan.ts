/**
 * The re-fly planner: lawnmower lines over coverage gaps, as a plain function of the gaps, the camera and the height.
 *
 * Photos are placed on the grid of the chosen overlaps (lines a line spacing apart along the long axis of each group
 * of gaps, photos a photo spacing apart along them), only where they serve the bare gap: the grid is centred on the
 * gaps (the outer lines and the end photos about half a spacing inside their edges) and a grid position is flown
 * when it lies in a gap. Inside the gaps the overlaps are the chosen ones throughout; each photo's footprint reaches
 * half a footprint less half a spacing (0.35 of a footprint across, 0.375 along at 75/70) past the gap's edge into
 * the ground photographed before, which is how the new photos tie into the old ones. Every gap point is seen by at
 * least `MIN_NEW_VIEWS` new photos (one fewer on `thin_overlap` ground, which a photo saw already): where the grid
 * positions in the gaps leave one short (a gap thinner than a line spacing between two lines, a tip, a run's end),
 * the free grid position nearest it is added. A gap narrower than a line spacing
 * gets one line down its middle. Gaps close together are flown as one block with one grid; blocks are visited in the
 * order that keeps the transit short (nearest next block, entered at its nearest corner, from the take-off point).
 *
 * Geometry is done in a local metric frame; the gap polygons are sampled on a fine raster (a few cells per photo
 * spacing) to check the views, which handles holes and odd shapes without polygon clipping.
 */
import type { Feature, Polygon } from 'geojson';
import { fieldOfView, type CameraInput } from '../geo/cameras.ts';
import type { GapKind } from '../geo/coverage.ts';
import { localFrame, type LocalFrame } from '../geo/local-frame.ts';
import { crossings, gridOver, scanFill, type XY } from '../geo/raster.ts';
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
  speedMps: number;
  /** Lines and photos in flight order. */
  lines: PlannedLine[];
  photos: PlannedPhoto[];
  /** The gaps the plan covers, as given. */
  gaps: Feature<Polygon, ReflyGap>[];
  /** The block (index in flight order) flying each gap, parallel to `gaps`. */
  gapBlocks: number[];
  blocks: number;
  /** Sum of the gap areas, m². */
  gapAreaM2: number;
  /** Path from the take-off point through every photo point and back (or first to last point without one), m. */
  lengthM: number;
  /** Flight time estimate: the path at mission speed plus a stop of `PHOTO_STOP_S` at each photo point, s. */
  flightTimeS: number;
}

export const DEFAULT_FRONT_OVERLAP = 0.75;
export const DEFAULT_SIDE_OVERLAP = 0.7;
/** Seconds a stop-and-shoot waypoint costs beyond flying through it (brake, shoot, accelerate). */
export const PHOTO_STOP_S = 2;
/** New photos every gap point is seen by at the least (the project's default minimum overlap for reconstruction). */
export const MIN_NEW_VIEWS = 3;
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
    speedMps,
    lines: [],
    photos: [],
    gaps,
    gapBlocks: gaps.map(() => -1),
    blocks: 0,
    gapAreaM2: gaps.reduce((a, g) => a + g.properties.areaM2, 0),
    lengthM: 0,
    flightTimeS: 0,
  };
  if (gaps.length === 0) return empty;

  const frame = frameOver(gaps);
  const rings = gaps.map((g) => g.geometry.coordinates.map((ring) => ring.map((p) => frame.toXY(p[0]!, p[1]!))));
  const cellM = Math.max(0.25, Math.min(lineSpacingM, photoSpacingM, fp.acrossM, fp.alongM) / 4);
  // Gaps whose new photos would overlap (closer than half a footprint) share one grid.
  const clusters = joinNearGaps(rings, Math.max(fp.acrossM, fp.alongM) / 2);
  const start: XY | null = input.start ? frame.toXY(input.start[0], input.start[1]) : null;

  const blocks = clusters.map((members) => {
    const polys = members.map((i) => rings[i]!);
    // Ground seen too thinly is seen by at least one photo already: one new view fewer gets it to the minimum.
    const needs = members.map((i) => (gaps[i]!.properties.kind === 'thin_overlap' ? MIN_NEW_VIEWS - 1 : MIN_NEW_VIEWS));
    return blockLines(polys, needs, sample(polys, cellM), fp, lineSpacingM, photoSpacingM);
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
    lengthM,
    flightTimeS: lengthM / speedMps + photos.length * PHOTO_STOP_S,
  };
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

/** Groups gaps closer than `joinM`: indices per group. */
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

/** Centres of the raster cells inside each polygon (holes excluded). */
function sample(polys: readonly XY[][][], cellM: number): XY[][] {
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
  return polys.map((poly) => {
    const points: XY[] = [];
    scanFill(grid, poly, (r, c0, c1) => {
      for (let c = c0; c <= c1; c++) points.push([grid.x0 + (c + 0.5) * cellM, grid.y0 + (r + 0.5) * cellM]);
    });
    // A gap thinner than a cell still needs its line: fall back to its outline's vertices.
    return points.length > 0 ? points : poly[0]!;
  });
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
}

/** One line of a block's grid: its place across the block, the phase of its photo positions, the chosen ones. */
interface GridLine {
  u: number;
  /** Photo positions along the line are v0 + j x photo spacing. */
  v0: number;
  chosen: Set<number>;
}

/**
 * Photos over one group of gaps, on the grid of the chosen overlaps: lines along the group's long axis (the direction
 * giving the narrowest extent across) a line spacing apart, photos along them a photo spacing apart. The lines are
 * centred on the group, as many as its width holds line spacings (at least one), so the outer ones sit about half a
 * spacing inside its edges; on each line the photo positions are centred the same way on the stretch of the line
 * inside the gaps. A grid position is photographed when it lies in a gap: the photos' cells (a line spacing by a
 * photo spacing around each) then tile the gaps, and inside them the overlaps are the chosen ones throughout. Gap
 * points the cells leave to their neighbours (a thin gap between lines, a run's end, a tip) must still be seen by
 * their polygon's `needs` new photos: where one is not, the free grid position nearest it is added. The photo
 * positions are also tried shifted along the lines by quarters of a spacing; the shift needing the fewest photos is
 * flown.
 */
function blockLines(
  polys: readonly XY[][][],
  needs: readonly number[],
  samples: readonly XY[][],
  full: { acrossM: number; alongM: number },
  lineSpacing: number,
  photoSpacing: number,
): Block {
  const points = samples.flat();
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
  const toUV = (p: XY): XY => [p[0] * c[0] + p[1] * c[1], p[0] * a[0] + p[1] * a[1]];
  const uvPolys = polys.map((poly) => poly.map((ring) => ring.map(toUV)));
  const vuPolys = uvPolys.map((poly) => poly.map((ring) => ring.map(([u, v]): XY => [v, u])));
  // Views are checked at the sample points and at the outline's corners (a tip may hold no sample), each point
  // needing its gap's new views.
  const checks = polys.flatMap((poly, g) => [...samples[g]!, ...poly.flat()].map((p) => ({ uv: toUV(p), need: needs[g]! })));
  const uv = checks.map((c) => c.uv);
  const need = checks.map((c) => c.need);
  const [uLo, uHi] = extent(uvPolys.flatMap((poly) => poly[0]!.map((q) => q[0])));
  const nLines = Math.max(1, Math.round((uHi - uLo) / lineSpacing));
  const first = (uLo + uHi) / 2 - ((nLines - 1) / 2) * lineSpacing;
  const spacing = { lineSpacing, photoSpacing, halfW: full.acrossM / 2, halfH: full.alongM / 2 };
  let grid: GridLine[] | null = null;
  for (const shift of ALONG_SHIFTS) {
    const tried = photoGrid(vuPolys, uv, need, first, shift * photoSpacing, spacing);
    if (!grid || photoCount(tried) < photoCount(grid)) grid = tried;
  }

  // Runs: the chosen positions of each line, split where positions are left out.
  const lines: { runs: XY[][] }[] = [];
  for (const { u, v0, chosen } of grid!) {
    const js = [...chosen].sort((p, q) => p - q);
    const runs: XY[][] = [];
    for (const [n, j] of js.entries()) {
      const v = v0 + j * photoSpacing;
      const point: XY = [u * c[0] + v * a[0], u * c[1] + v * a[1]];
      if (n > 0 && j === js[n - 1]! + 1) runs[runs.length - 1]!.push(point);
      else runs.push([point]);
    }
    if (runs.length > 0) lines.push({ runs });
  }
  return { lines, bearingDeg: best.deg, runs: lines.flatMap((l) => l.runs) };
}

/**
 * Shifts of the photo positions along the lines tried, in photo spacings (centred first: kept on a tie). The lines
 * are not shifted across: a shift there can put the outer lines just outside a gap and fly it with a line less,
 * which the views alone would not notice (a footprint spans more line spacings than photo spacings).
 */
const ALONG_SHIFTS = [0, 0.25, 0.5, -0.25];

const photoCount = (grid: readonly GridLine[]) => grid.reduce((n, l) => n + l.chosen.size, 0);

/**
 * The grid with its line `k` at u = first + k x line spacing (the gaps given as (v, u) rings), each line's photo
 * positions centred on its stretch in the gaps (or, for a line no gap crosses, on the points beside it) and shifted
 * by `alongShift`: the positions in the gaps, then those the views of the points `uv` need. Lines in order across.
 */
function photoGrid(
  vuPolys: readonly XY[][][],
  uv: readonly XY[],
  need: readonly number[],
  first: number,
  alongShift: number,
  { lineSpacing, photoSpacing, halfW, halfH }: { lineSpacing: number; photoSpacing: number; halfW: number; halfH: number },
): GridLine[] {
  const lineOf = (u: number) => Math.round((u - first) / lineSpacing);
  // Points by the line whose strip (half a line spacing either side) holds them.
  const bands = new Map<number, number[]>();
  for (const [i, [u]] of uv.entries()) {
    const k = lineOf(u);
    const band = bands.get(k);
    if (band) band.push(i);
    else bands.set(k, [i]);
  }
  const grid = new Map<number, GridLine>();
  for (const [k, band] of bands) {
    const u = first + k * lineSpacing;
    const stretches = inside(vuPolys, u);
    const [v0, v1] = stretches.length > 0 ? [stretches[0]![0], stretches[stretches.length - 1]![1]] : extent(band.map((i) => uv[i]![1]));
    const n = Math.max(1, Math.round((v1 - v0) / photoSpacing));
    const line: GridLine = { u, v0: (v0 + v1) / 2 - ((n - 1) / 2 - alongShift) * photoSpacing, chosen: new Set() };
    for (const [s0, s1] of stretches) {
      for (let j = Math.ceil((s0 - line.v0) / photoSpacing); line.v0 + j * photoSpacing <= s1; j++) line.chosen.add(j);
    }
    grid.set(k, line);
  }

  // New views of every point; a point short of its need gets the nearest free grid position that sees it.
  const views = new Int32Array(uv.length);
  const reachLines = Math.ceil(halfW / lineSpacing) + 1;
  const see = (k: number, j: number) => {
    const line = grid.get(k)!;
    const v = line.v0 + j * photoSpacing;
    for (let b = k - reachLines; b <= k + reachLines; b++) {
      for (const i of bands.get(b) ?? []) if (Math.abs(uv[i]![0] - line.u) <= halfW && Math.abs(uv[i]![1] - v) <= halfH) views[i]!++;
    }
  };
  for (const [k, line] of grid) for (const j of line.chosen) see(k, j);
  for (const [i, [u, v]] of uv.entries()) {
    while (views[i]! < need[i]!) {
      let pick: { k: number; j: number; d: number } | null = null;
      // Lines already flown first, nearest first: extending a run beats a lone photo on a line of its own (a turn more).
      const own = lineOf(u);
      const near = [own, own - 1, own + 1].sort((p, q) => Number(!grid.get(p)?.chosen.size) - Number(!grid.get(q)?.chosen.size) || Math.abs(p - own) - Math.abs(q - own));
      for (const k of near) {
        const line = grid.get(k);
        if (!line || Math.abs(line.u - u) > halfW || (pick && k !== pick.k)) continue;
        const jc = Math.round((v - line.v0) / photoSpacing);
        for (let j = jc - 2; j <= jc + 2; j++) {
          const dv = line.v0 + j * photoSpacing - v;
          if (line.chosen.has(j) || Math.abs(dv) > halfH) continue;
          const d = ((line.u - u) / lineSpacing) ** 2 + (dv / photoSpacing) ** 2;
          if (!pick || d < pick.d) pick = { k, j, d };
        }
      }
      if (!pick) break;
      grid.get(pick.k)!.chosen.add(pick.j);
      see(pick.k, pick.j);
    }
  }
  return [...grid.entries()].sort((p, q) => p[0] - q[0]).map(([, line]) => line);
}

/**
 * Stretches (v0, v1) of the line at `u` inside the polygons, merged, in order. The polygons are given as (v, u), so
 * the line is a scanline of raster's `crossings` (even-odd within each polygon: holes out).
 */
function inside(vuPolys: readonly XY[][][], u: number): [number, number][] {
  const out: [number, number][] = [];
  for (const poly of vuPolys) {
    const vs = crossings(poly, u);
    for (let i = 0; i + 1 < vs.length; i += 2) out.push([vs[i]!, vs[i + 1]!]);
  }
  out.sort((p, q) => p[0] - q[0]);
  const merged: [number, number][] = [];
  for (const s of out) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
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
