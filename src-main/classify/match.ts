/**
 * Which task a photo belongs to: the task polygon containing it, else the nearest task within a buffer of its edge,
 * else none. Task bounding boxes sit in a static R-tree (flatbush), so each photo tests only the few polygons whose
 * box holds it.
 *
 * Shared edges: a point on the border of two tasks (or inside overlapping tasks) goes to the task imported first
 * (lowest tasks.id, i.e. its order in the task file). Ties in the edge-buffer fallback are broken the same way.
 */
import Flatbush from 'flatbush';
import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Reason } from '../db/images.ts';
import { greatCircleKm, metresPerDegree, type LatLon } from './geodesy.ts';

export interface TaskArea {
  /** tasks.id */
  id: number;
  geometry: Polygon | MultiPolygon;
  bbox: [minLon: number, minLat: number, maxLon: number, maxLat: number];
}

export type TaskMatch = { taskId: number; via: 'inside' | 'edge' } | { taskId: null; reason: Reason };

export interface MatchOptions {
  edgeBufferM: number;
  farFromProjectKm: number;
}

export function buildTaskMatcher(tasks: readonly TaskArea[], opts: MatchOptions): (p: LatLon) => TaskMatch {
  if (tasks.length === 0) {
    const reason: Reason = { code: 'outside', message: 'No task areas in this project yet: import the tasks to match photos.' };
    return () => ({ taskId: null, reason });
  }
  const sorted = [...tasks].sort((a, b) => a.id - b.id);
  const index = new Flatbush(sorted.length);
  for (const t of sorted) index.add(t.bbox[0], t.bbox[1], t.bbox[2], t.bbox[3]);
  index.finish();
  const extent = [index.minX, index.minY, index.maxX, index.maxY] as const;

  return (p) => {
    const inside = index.search(p.lon, p.lat, p.lon, p.lat, (i) => booleanPointInPolygon([p.lon, p.lat], sorted[i]!.geometry));
    if (inside.length > 0) return { taskId: sorted[Math.min(...inside)]!.id, via: 'inside' };

    const m = metresPerDegree(p.lat);
    const dLon = opts.edgeBufferM / m.east;
    const dLat = opts.edgeBufferM / m.north;
    let best = -1;
    let bestDist = Infinity;
    for (const i of index.search(p.lon - dLon, p.lat - dLat, p.lon + dLon, p.lat + dLat)) {
      const d = distanceToEdgesM(p, sorted[i]!.geometry, m);
      if (d <= opts.edgeBufferM && (d < bestDist || (d === bestDist && i < best))) {
        best = i;
        bestDist = d;
      }
    }
    if (best >= 0) return { taskId: sorted[best]!.id, via: 'edge' };

    const nearest = { lon: clamp(p.lon, extent[0], extent[2]), lat: clamp(p.lat, extent[1], extent[3]) };
    const km = greatCircleKm(p, nearest);
    const message =
      km > opts.farFromProjectKm
        ? `Photo was taken ${km.toFixed(0)} km from the project area (likely the wrong project).`
        : `Photo is outside every task area (more than ${opts.edgeBufferM} m from the nearest task).`;
    return { taskId: null, reason: { code: 'outside', message } };
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Shortest distance in metres from a point to any ring edge, on the tangent plane at the point. */
function distanceToEdgesM(p: LatLon, geometry: Polygon | MultiPolygon, m: { east: number; north: number }): number {
  const polygons: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = Infinity;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let k = 1; k < ring.length; k++) {
        const a = ring[k - 1]!;
        const b = ring[k]!;
        const d = segmentDistance(
          (a[0]! - p.lon) * m.east,
          (a[1]! - p.lat) * m.north,
          (b[0]! - p.lon) * m.east,
          (b[1]! - p.lat) * m.north,
        );
        if (d < best) best = d;
      }
    }
  }
  return best;
}

/** Distance from the origin to the segment (ax, ay)-(bx, by). */
function segmentDistance(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy);
}
