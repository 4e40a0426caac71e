import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { frameForBbox, signedArea, type LocalFrame } from './local-frame.ts';
import { estimateOverlap, median } from './overlap.ts';
import { gridOver, scanFill, simplifyRing, traceRegions, type Grid, type Ring, type XY } from './raster.ts';

/** A photo as coverage sees it: where it was taken, what it saw, how sharp on the ground. In capture order. */
export interface CoveragePhoto {
  lon: number;
  lat: number;
  footprint: Polygon;
  gsdCm: number;
}

export interface CoverageOptions {
  /** Raster cell size (m); by default 100 pixels of the task's median GSD, kept between 0.5 and 5 m. */
  cellM?: number;
  /** Ground seen by fewer photos than this is a gap. */
  gapBelow?: number;
  /** At most this many gap polygons are listed (largest first); the total gap area always counts them all. */
  maxGaps?: number;
  /** Gaps smaller than this (m²) are not listed; by default max(100 m², half the median footprint). */
  minGapAreaM2?: number;
}

/**
 * What a gap is: `unphotographed` ground no footprint covers (what the coverage percentage leaves out), or
 * `thin_overlap` ground photographed by fewer than `gapBelow` photos, too few for reconstruction.
 */
export const GAP_KINDS = ['unphotographed', 'thin_overlap'] as const;
export type GapKind = (typeof GAP_KINDS)[number];
export interface GapProperties {
  kind: GapKind;
  areaM2: number;
}

/** Gaps smaller than this are never listed (DroneTM's minimum), nor smaller than half a photo's footprint. */
export const MIN_GAP_M2 = 100;

export interface TaskCoverage {
  photoCount: number;
  /** Exact area of the task polygon. */
  taskAreaM2: number;
  /** Share of the task seen by at least 1, 3 and 5 photos, percent. */
  coveragePct: number;
  overlap3Pct: number;
  overlap5Pct: number;
  frontOverlapPct: number | null;
  sideOverlapPct: number | null;
  flightLines: number;
  gsdCm: { median: number; min: number; max: number } | null;
  cellM: number;
  gapBelow: number;
  /** Area of the raster cells seen by fewer than `gapBelow` photos (both kinds, slivers included). */
  gapAreaM2: number;
  /** Of which seen by no photo at all, and by at least one but fewer than `gapBelow`. */
  unphotographedAreaM2: number;
  thinOverlapAreaM2: number;
  /** Gaps below this area (max of 100 m² and half the median footprint) are left out of `gaps` as slivers. */
  minGapAreaM2: number;
  /** Gap polygons (WGS84), each with its kind and `areaM2`; largest first. */
  gaps: FeatureCollection<Polygon, GapProperties>;
  gapsTruncated: boolean;
}

/** The overlap raster behind a coverage result, for drawing an overlap layer. */
export interface OverlapRaster {
  frame: LocalFrame;
  grid: Grid;
  /** Photos seeing each cell, row-major from the south-west corner; 0 outside the task. */
  counts: Uint16Array;
  /** 1 where the cell centre is inside the task. */
  inTask: Uint8Array;
}

const MAX_CELLS = 4_000_000;
const MIN_CELL_M = 0.5;
const MAX_CELL_M = 5;

/** Coverage of one task polygon by a set of photo footprints, on a raster in the task's local metric frame. */
export function analyseCoverage(
  task: Polygon | MultiPolygon,
  photos: readonly CoveragePhoto[],
  options: CoverageOptions = {},
): { coverage: TaskCoverage; raster: OverlapRaster } {
  const gapBelow = options.gapBelow ?? 3;
  const bbox = bboxOf(task);
  const frame = frameForBbox(bbox);
  const taskRings = polygonsOf(task).map((poly) => poly.map((ring) => ring.map((p) => frame.toXY(p[0]!, p[1]!))));
  const [minX, minY] = frame.toXY(bbox[0], bbox[1]);
  const [maxX, maxY] = frame.toXY(bbox[2], bbox[3]);
  const gsds = photos.map((p) => p.gsdCm).filter((g) => g > 0);
  const medianGsd = median(gsds);
  // 100 pixels on the ground: a GSD of g cm/px makes g metres, a few metres for usual survey heights.
  let cellM = options.cellM ?? clamp(medianGsd ?? 2, MIN_CELL_M, MAX_CELL_M);
  while (((maxX - minX) / cellM) * ((maxY - minY) / cellM) > MAX_CELLS) cellM *= 1.25;
  const grid = gridOver(minX, minY, maxX, maxY, cellM);

  const inTask = new Uint8Array(grid.cols * grid.rows);
  for (const poly of taskRings) {
    scanFill(grid, poly, (r, c0, c1) => {
      for (let c = c0, i = r * grid.cols + c0; c <= c1; c++, i++) inTask[i] = 1;
    });
  }
  const counts = new Uint16Array(grid.cols * grid.rows);
  const placed = photos.map((p) => {
    const corners = p.footprint.coordinates[0]!.slice(0, -1).map((q) => frame.toXY(q[0]!, q[1]!));
    scanFill(grid, [corners], (r, c0, c1) => {
      for (let i = r * grid.cols + c0, end = r * grid.cols + c1; i <= end; i++) if (counts[i]! < 65535) counts[i]!++;
    });
    return { centre: frame.toXY(p.lon, p.lat), corners };
  });

  let cells = 0;
  let seen1 = 0;
  let seen3 = 0;
  let seen5 = 0;
  let gapCells = 0;
  let emptyCells = 0;
  for (let i = 0; i < counts.length; i++) {
    if (!inTask[i]) {
      counts[i] = 0;
      continue;
    }
    const n = counts[i]!;
    cells++;
    if (n >= 1) seen1++;
    if (n >= 3) seen3++;
    if (n >= 5) seen5++;
    if (n < gapBelow) gapCells++;
    if (n === 0 && gapBelow > 0) emptyCells++;
  }
  const pct = (k: number) => (cells ? (k / cells) * 100 : 0);
  const footprintAreas = placed.map((p) => Math.abs(signedArea(p.corners)));
  const minGapAreaM2 = options.minGapAreaM2 ?? Math.max(MIN_GAP_M2, (median(footprintAreas) ?? 0) / 2);
  const traced = (kind: GapKind, inside: (i: number) => boolean) =>
    traceRegions(grid, (i) => inTask[i] === 1 && inside(i)).flatMap((g) => (g.areaM2 >= minGapAreaM2 ? [{ ...g, kind }] : []));
  const gapPolys = [
    ...(gapBelow > 0 ? traced('unphotographed', (i) => counts[i] === 0) : []),
    ...(gapBelow > 1 ? traced('thin_overlap', (i) => counts[i]! > 0 && counts[i]! < gapBelow) : []),
  ].sort((a, b) => b.areaM2 - a.areaM2);
  const maxGaps = options.maxGaps ?? 200;
  const toLonLatRing = (ring: Ring): Position[] => simplifyRing(ring, cellM / 2).map(([x, y]) => frame.toLonLat(x, y));
  const overlap = estimateOverlap(placed);
  const coverage: TaskCoverage = {
    photoCount: photos.length,
    taskAreaM2: taskRings.reduce((sum, poly) => sum + poly.reduce((a, ring, k) => a + (k === 0 ? 1 : -1) * Math.abs(signedArea(ring)), 0), 0),
    coveragePct: pct(seen1),
    overlap3Pct: pct(seen3),
    overlap5Pct: pct(seen5),
    frontOverlapPct: overlap.frontPct,
    sideOverlapPct: overlap.sidePct,
    flightLines: overlap.flightLines,
    gsdCm: medianGsd === null ? null : { median: medianGsd, min: Math.min(...gsds), max: Math.max(...gsds) },
    cellM,
    gapBelow,
    gapAreaM2: gapCells * cellM * cellM,
    unphotographedAreaM2: emptyCells * cellM * cellM,
    thinOverlapAreaM2: (gapCells - emptyCells) * cellM * cellM,
    minGapAreaM2,
    gaps: {
      type: 'FeatureCollection',
      features: gapPolys.slice(0, maxGaps).map(
        (g): Feature<Polygon, GapProperties> => ({
          type: 'Feature',
          properties: { kind: g.kind, areaM2: g.areaM2 },
          geometry: { type: 'Polygon', coordinates: g.rings.map(toLonLatRing) },
        }),
      ),
    },
    gapsTruncated: gapPolys.length > maxGaps,
  };
  return { coverage, raster: { frame, grid, counts, inTask } };
}

export function polygonsOf(geom: Polygon | MultiPolygon): Position[][][] {
  return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
}

export function bboxOf(geom: Polygon | MultiPolygon): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polygonsOf(geom)) {
    for (const [lon, lat] of poly[0]! as XY[]) {
      b[0] = Math.min(b[0], lon);
      b[1] = Math.min(b[1], lat);
      b[2] = Math.max(b[2], lon);
      b[3] = Math.max(b[3], lat);
    }
  }
  return b;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
