import type { XY } from './raster.ts';

/** One photo for the overlap estimate: its camera position and footprint corners in the task's metric frame. */
export interface PlacedFootprint {
  centre: XY;
  corners: XY[];
}

export interface OverlapEstimate {
  /** Median overlap between consecutive photos along a flight line, percent (null with fewer than 2 on a line). */
  frontPct: number | null;
  /** Median overlap between neighbouring parallel lines, percent (null with a single line). */
  sidePct: number | null;
  flightLines: number;
}

/** A turn larger than this between consecutive photos starts a new flight line. */
const LINE_TURN_DEG = 25;
/** Parallel lines differ in direction by less than this (either way round). */
const PARALLEL_DEG = 20;

/**
 * Estimates forward and side overlap the way a flight planner states them: photos in capture order are split into
 * straight lines (a turn or a long jump ends a line); front overlap is 1 - spacing / footprint length along the line,
 * side overlap is 1 - line spacing / footprint width across it.
 */
export function estimateOverlap(photos: readonly PlacedFootprint[]): OverlapEstimate {
  const steps: number[] = [];
  for (let i = 0; i + 1 < photos.length; i++) steps.push(dist(photos[i]!.centre, photos[i + 1]!.centre));
  const typicalStep = median(steps.filter((s) => s > 0.1)) ?? 0;

  const lines: { members: PlacedFootprint[]; dir: XY }[] = [];
  let current: { members: PlacedFootprint[]; dir: XY | null } = { members: photos[0] ? [photos[0]] : [], dir: null };
  const fronts: number[] = [];
  const flush = () => {
    if (current.members.length >= 2 && current.dir) lines.push({ members: current.members, dir: current.dir });
  };
  for (let i = 0; i + 1 < photos.length; i++) {
    const a = photos[i]!;
    const b = photos[i + 1]!;
    const len = dist(a.centre, b.centre);
    if (len < 0.1) continue; // hovering: same place, says nothing about the line
    const dir: XY = [(b.centre[0] - a.centre[0]) / len, (b.centre[1] - a.centre[1]) / len];
    const straight = !current.dir || dot(dir, current.dir) >= Math.cos((LINE_TURN_DEG * Math.PI) / 180);
    if (straight && len <= 2.5 * typicalStep) {
      current.dir ??= dir;
      current.members.push(b);
      fronts.push(1 - len / extent(a.corners, dir));
    } else {
      flush();
      current = { members: [b], dir: null };
    }
  }
  flush();

  const sides: number[] = [];
  for (const line of lines) {
    const normal: XY = [-line.dir[1], line.dir[0]];
    const origin = line.members[0]!.centre;
    const along = range(line.members.map((p) => dot(sub(p.centre, origin), line.dir)));
    let nearest = Infinity;
    for (const other of lines) {
      if (other === line || Math.abs(dot(other.dir, line.dir)) < Math.cos((PARALLEL_DEG * Math.PI) / 180)) continue;
      const otherAlong = range(other.members.map((p) => dot(sub(p.centre, origin), line.dir)));
      if (otherAlong[1] < along[0] || otherAlong[0] > along[1]) continue; // side by side, not end to end
      const offset = Math.abs(mean(other.members.map((p) => dot(sub(p.centre, origin), normal))));
      if (offset > 1) nearest = Math.min(nearest, offset);
    }
    if (Number.isFinite(nearest)) {
      const width = median(line.members.map((p) => extent(p.corners, normal)))!;
      sides.push(1 - nearest / width);
    }
  }
  const pct = (v: number | null) => (v === null ? null : Math.max(0, v) * 100);
  return { frontPct: pct(median(fronts)), sidePct: pct(median(sides)), flightLines: lines.length };
}

/** Length of the footprint's shadow on a unit direction. */
function extent(corners: readonly XY[], dir: XY): number {
  const [lo, hi] = range(corners.map((c) => dot(c, dir)));
  return hi - lo;
}

function range(values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const dot = (a: XY, b: XY) => a[0] * b[0] + a[1] * b[1];
const sub = (a: XY, b: XY): XY => [a[0] - b[0], a[1] - b[1]];
const dist = (a: XY, b: XY) => Math.hypot(a[0] - b[0], a[1] - b[1]);
