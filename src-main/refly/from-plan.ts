/**
 * The re-fly of a flight plan's unflown stretches: exactly the planned photo points no accepted photo was taken
 * near, at their planned positions and headings, stretch after stretch in the plan's own flight order. Nothing is
 * grown or re-laid: the photos taken before and after a stretch already overlap its ends as the plan meant them to.
 */
import type { Feature, Polygon } from 'geojson';
import type { CameraInput } from '../geo/cameras.ts';
import { localFrame } from '../geo/local-frame.ts';
import type { XY } from '../geo/raster.ts';
import type { PlanVsFlown } from './flight-plan.ts';
import { groundFootprint, PHOTO_STOP_S, type PlannedLine, type PlannedPhoto, type ReflyGap, type ReflyPlan } from './plan.ts';

export interface UnflownPlanInput {
  check: PlanVsFlown;
  camera: CameraInput;
  /** Height above take-off for points whose plan gives none, and the height the footprint is figured at (m). */
  heightM: number;
  /** Use the plan's own heights above take-off where it gives them. */
  planHeights: boolean;
  start?: [number, number];
  maxSpeedMps?: number;
}

const MIN_PHOTO_INTERVAL_S = 2;

export function planUnflown(input: UnflownPlanInput): ReflyPlan {
  const { check } = input;
  const { plan } = check;
  const fp = groundFootprint(input.camera, input.heightM);
  const photoSpacingM = plan.photoSpacingM;
  const lineSpacingM = plan.lineSpacingM;
  const speedMps = Math.min(input.maxSpeedMps ?? 8, Math.max(1, photoSpacingM / MIN_PHOTO_INTERVAL_S));
  const first = plan.points[0]!;
  const frame = localFrame(first.lon, first.lat);
  const lines: PlannedLine[] = [];
  const photos: PlannedPhoto[] = [];
  const gaps: Feature<Polygon, ReflyGap>[] = [];
  for (const stretch of check.stretches) {
    const pts = stretch.points.map((k) => plan.points[k]!);
    const index = lines.length;
    const heightOf = (h: number | null) => (input.planHeights && h !== null ? h : input.heightM);
    for (const p of pts) photos.push({ lon: p.lon, lat: p.lat, heightM: heightOf(p.heightM), yawDeg: p.yawDeg, line: index });
    lines.push({
      coordinates: [[pts[0]!.lon, pts[0]!.lat], [pts[pts.length - 1]!.lon, pts[pts.length - 1]!.lat]],
      heightM: heightOf(pts[0]!.heightM),
      yawDeg: pts[0]!.yawDeg,
      photoCount: pts.length,
      block: index,
    });
    gaps.push(stripAround(stretch.coordinates, lineSpacingM, frame));
  }
  const path: XY[] = [];
  if (input.start) path.push(frame.toXY(...input.start));
  for (const p of photos) path.push(frame.toXY(p.lon, p.lat));
  if (input.start) path.push(frame.toXY(...input.start));
  let lengthM = 0;
  for (let i = 1; i < path.length; i++) lengthM += Math.hypot(path[i]![0] - path[i - 1]![0], path[i]![1] - path[i - 1]![1]);
  const gapAreaM2 = gaps.reduce((a, g) => a + g.properties.areaM2, 0);
  return {
    source: 'flight_plan',
    heightM: input.heightM,
    terrain: null,
    frontOverlap: clamp01(1 - photoSpacingM / fp.alongM),
    sideOverlap: clamp01(1 - lineSpacingM / fp.acrossM),
    footprint: fp,
    lineSpacingM,
    photoSpacingM,
    speedMps,
    lines,
    photos,
    gaps,
    gapBlocks: gaps.map((_, i) => i),
    blocks: lines.length,
    gapAreaM2,
    lengthM,
    flightTimeS: lengthM / speedMps + photos.length * PHOTO_STOP_S,
  };
}

/** The strip a stretch was to photograph: `widthM` wide around its path (a rectangle per straight run). */
function stripAround(coords: readonly [number, number][], widthM: number, frame: ReturnType<typeof localFrame>): Feature<Polygon, ReflyGap> {
  const xy = coords.map((c) => frame.toXY(c[0], c[1]));
  const a = xy[0]!;
  const b = xy[xy.length - 1]!;
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  const n: XY = [(-(b[1] - a[1]) / len) * (widthM / 2), ((b[0] - a[0]) / len) * (widthM / 2)];
  const ring = [
    [a[0] + n[0], a[1] + n[1]],
    [b[0] + n[0], b[1] + n[1]],
    [b[0] - n[0], b[1] - n[1]],
    [a[0] - n[0], a[1] - n[1]],
    [a[0] + n[0], a[1] + n[1]],
  ].map(([x, y]) => frame.toLonLat(x!, y!));
  return { type: 'Feature', properties: { kind: 'unflown', areaM2: len * widthM }, geometry: { type: 'Polygon', coordinates: [ring] } };
}

const clamp01 = (v: number) => Math.min(0.99, Math.max(0, v));
