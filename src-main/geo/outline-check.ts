/**
 * Is a task outline a simple polygon? Checked in O(n log n) for n corners: every edge goes into a static R-tree
 * (flatbush) and is tested only against the edges whose boxes touch its own, so a surveyed boundary with 50 000
 * corners is checked in well under a second (turf's kinks/booleanValid compare every pair of edges: 53 s).
 *
 * Rules (planar, on longitude/latitude, which is exact enough for the crossing tests at task sizes):
 * - an outline or a hole never touches nor crosses itself, and never doubles back on itself (a spike);
 * - two rings (a hole and its outline, two holes, two parts of a MultiPolygon) may touch at a point but never cross
 *   nor share a stretch of edge;
 * - every hole lies inside its outline and outside the other holes; no part of a MultiPolygon lies inside another;
 * - every part encloses an area.
 */
import Flatbush from 'flatbush';
import type { Position } from 'geojson';

/** Why an outline was refused, in words for the pilot, and where (lon, lat) when there is one place to look at. */
export interface OutlineProblem {
  reason: string;
  at: Position | null;
}

interface Edge {
  part: number;
  ring: number;
  /** index of the edge's first corner in its ring */
  i: number;
  /** corners in the ring, the closing one excluded */
  n: number;
  a: Position;
  b: Position;
}

/** The first problem found in a polygon set given as parts -> rings -> closed rings of [lon, lat], or null. */
export function outlineProblem(parts: Position[][][]): OutlineProblem | null {
  const edges: Edge[] = [];
  for (let part = 0; part < parts.length; part++) {
    const rings = parts[part]!;
    for (let ring = 0; ring < rings.length; ring++) {
      // A repeated corner adds no edge: neighbours are counted over the distinct corners.
      const r = rings[ring]!.slice(0, -1).filter((p, i, all) => {
        const q = all[(i + all.length - 1) % all.length]!;
        return all.length === 1 || p[0] !== q[0] || p[1] !== q[1];
      });
      if (r.length < 3) return { reason: `${ringName(part, ring, parts.length)} has fewer than 3 distinct corners, so no area`, at: r[0] ?? null };
      for (let i = 0; i < r.length; i++) edges.push({ part, ring, i, n: r.length, a: r[i]!, b: r[(i + 1) % r.length]! });
    }
  }
  const index = new Flatbush(edges.length);
  for (const e of edges) index.add(Math.min(e.a[0]!, e.b[0]!), Math.min(e.a[1]!, e.b[1]!), Math.max(e.a[0]!, e.b[0]!), Math.max(e.a[1]!, e.b[1]!));
  index.finish();
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k]!;
    const hits = index.search(Math.min(e.a[0]!, e.b[0]!), Math.min(e.a[1]!, e.b[1]!), Math.max(e.a[0]!, e.b[0]!), Math.max(e.a[1]!, e.b[1]!));
    for (const j of hits) {
      if (j <= k) continue;
      const problem = edgePairProblem(e, edges[j]!, parts.length);
      if (problem) return problem;
    }
  }

  for (let part = 0; part < parts.length; part++) {
    const rings = parts[part]!;
    for (let r = 0; r < rings.length; r++) {
      if (ringArea(rings[r]!) === 0) return { reason: `${ringName(part, r, parts.length)} encloses no area (its corners lie on one line)`, at: rings[r]![0]! };
    }
    for (let h = 1; h < rings.length; h++) {
      const p = pointOff(rings[h]!, rings[0]!);
      if (p && pointInRing(p, rings[0]!) === 'outside') return { reason: `${ringName(part, h, parts.length)} lies outside its outline`, at: p };
      for (let o = 1; o < rings.length; o++) {
        const q = o === h ? null : pointOff(rings[h]!, rings[o]!);
        if (q && pointInRing(q, rings[o]!) === 'inside') return { reason: `${ringName(part, h, parts.length)} lies inside hole ${o}`, at: q };
      }
    }
  }
  // Parts do not cross (checked above), so one part is inside another exactly when a corner of it is.
  if (parts.length > 1) {
    const boxes = parts.map((rings) => ringBox(rings[0]!));
    const partIndex = new Flatbush(parts.length);
    for (const b of boxes) partIndex.add(b[0], b[1], b[2], b[3]);
    partIndex.finish();
    for (let b = 0; b < parts.length; b++) {
      for (const a of partIndex.search(...boxes[b]!)) {
        if (a === b || !boxInside(boxes[b]!, boxes[a]!)) continue;
        const p = pointOff(parts[b]![0]!, parts[a]![0]!);
        if (!p || pointInRing(p, parts[a]![0]!) !== 'inside') continue;
        if (!parts[a]!.slice(1).some((hole) => pointInRing(p, hole) !== 'outside')) {
          return { reason: `part ${b + 1} lies inside part ${a + 1} (the parts of a task must not overlap)`, at: p };
        }
      }
    }
  }
  return null;
}

function ringName(part: number, ring: number, parts: number): string {
  const name = ring === 0 ? 'the outline' : `hole ${ring}`;
  return parts > 1 ? `${name} of part ${part + 1}` : name;
}

function edgePairProblem(e: Edge, f: Edge, parts: number): OutlineProblem | null {
  const sameRing = e.part === f.part && e.ring === f.ring;
  const adjacent = sameRing && ((e.i + 1) % e.n === f.i || (f.i + 1) % f.n === e.i);
  const d1 = orient(e.a, e.b, f.a);
  const d2 = orient(e.a, e.b, f.b);
  const d3 = orient(f.a, f.b, e.a);
  const d4 = orient(f.a, f.b, e.b);
  const ring = ringName(e.part, e.ring, parts);
  if (d1 * d2 < 0 && d3 * d4 < 0) {
    return { reason: sameRing ? `${ring} crosses itself` : `${ring} crosses ${ringName(f.part, f.ring, parts)}`, at: crossingPoint(e, f) };
  }
  // Collinear edges sharing a stretch (not only an end): a spike of no width, or two rings running along each other.
  if (d1 === 0 && d2 === 0 && overlapLength(e, f) > 0) {
    return { reason: sameRing ? `${ring} doubles back on itself (a spike of no width)` : `${ring} runs along ${ringName(f.part, f.ring, parts)}`, at: sharedPoint(e, f) };
  }
  if (adjacent || !sameRing) return null; // neighbours share a corner; two rings may touch at a point
  const touch = [
    d1 === 0 && onSegment(e.a, e.b, f.a) ? f.a : null,
    d2 === 0 && onSegment(e.a, e.b, f.b) ? f.b : null,
    d3 === 0 && onSegment(f.a, f.b, e.a) ? e.a : null,
    d4 === 0 && onSegment(f.a, f.b, e.b) ? e.b : null,
  ].find((p) => p !== null);
  return touch ? { reason: `${ring} touches itself`, at: touch } : null;
}

function orient(a: Position, b: Position, c: Position): number {
  const v = (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return Math.min(a[0]!, b[0]!) <= p[0]! && p[0]! <= Math.max(a[0]!, b[0]!) && Math.min(a[1]!, b[1]!) <= p[1]! && p[1]! <= Math.max(a[1]!, b[1]!);
}

/** Length of the stretch two collinear edges share, along the axis they extend most on. */
function overlapLength(e: Edge, f: Edge): number {
  const axis = Math.abs(e.b[0]! - e.a[0]!) >= Math.abs(e.b[1]! - e.a[1]!) ? 0 : 1;
  const lo = Math.max(Math.min(e.a[axis]!, e.b[axis]!), Math.min(f.a[axis]!, f.b[axis]!));
  const hi = Math.min(Math.max(e.a[axis]!, e.b[axis]!), Math.max(f.a[axis]!, f.b[axis]!));
  return hi - lo;
}

function sharedPoint(e: Edge, f: Edge): Position {
  return [f.a, f.b].find((p) => onSegment(e.a, e.b, p)) ?? e.a;
}

function crossingPoint(e: Edge, f: Edge): Position {
  const [x1, y1] = e.a as [number, number];
  const [x2, y2] = e.b as [number, number];
  const [x3, y3] = f.a as [number, number];
  const [x4, y4] = f.b as [number, number];
  const den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4);
  const t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den;
  return [x1 + t * (x2 - x1), y1 + t * (y2 - y1)];
}

/** Twice the signed planar area of a closed ring (shoelace). */
function ringArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return s;
}

function pointInRing(p: Position, ring: Position[]): 'inside' | 'outside' | 'boundary' {
  const [x, y] = p as [number, number];
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (orient(a, b, p) === 0 && onSegment(a, b, p)) return 'boundary';
    if (a[1]! > y !== b[1]! > y && x < ((b[0]! - a[0]!) * (y - a[1]!)) / (b[1]! - a[1]!) + a[0]!) inside = !inside;
  }
  return inside ? 'inside' : 'outside';
}

/** A corner of `ring` that is not on `other`'s boundary (rings may touch at points), or null. */
function pointOff(ring: Position[], other: Position[]): Position | null {
  for (let i = 0; i < Math.min(ring.length - 1, 3); i++) if (pointInRing(ring[i]!, other) !== 'boundary') return ring[i]!;
  // Three corners on the other ring's boundary: the middle of an edge decides.
  for (let i = 0; i + 1 < ring.length; i++) {
    const m = [(ring[i]![0]! + ring[i + 1]![0]!) / 2, (ring[i]![1]! + ring[i + 1]![1]!) / 2];
    if (pointInRing(m, other) !== 'boundary') return m;
  }
  return null;
}

type Box = [number, number, number, number];
function ringBox(ring: Position[]): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring as [number, number][]) {
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  return box;
}
function boxInside(inner: Box, outer: Box): boolean {
  return inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3];
}
