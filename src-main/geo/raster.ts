/**
 * A square-cell grid in a local metric frame, filled by scanline rasterisation (a cell belongs to a polygon when its
 * centre is inside, even-odd rule so holes work), and turned back into polygons by tracing cell boundaries.
 */

export type XY = [number, number];
export type Ring = XY[];

export interface Grid {
  /** Metric coordinates of the grid's lower-left corner. */
  x0: number;
  y0: number;
  cellM: number;
  cols: number;
  rows: number;
}

export function gridOver(minX: number, minY: number, maxX: number, maxY: number, cellM: number): Grid {
  return {
    x0: minX,
    y0: minY,
    cellM,
    cols: Math.max(1, Math.ceil((maxX - minX) / cellM)),
    rows: Math.max(1, Math.ceil((maxY - minY) / cellM)),
  };
}

/**
 * Where the horizontal line at `y` crosses the rings (open or closed), sorted into `out`: inside (even-odd, so holes
 * are out) from the first to the second, the third to the fourth, ...
 */
export function crossings(rings: readonly Ring[], y: number, out: number[] = []): number[] {
  out.length = 0;
  for (const ring of rings) {
    for (let i = 0, n = ring.length; i < n; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % n]!;
      if (a[1] <= y !== b[1] <= y) out.push(a[0] + ((y - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
    }
  }
  return out.sort((p, q) => p - q);
}

/**
 * Calls `span(row, firstCol, lastCol)` for every run of cells whose centres lie inside the polygon formed by `rings`
 * (outer rings and holes alike, even-odd). Rings may be open or closed.
 */
export function scanFill(grid: Grid, rings: readonly Ring[], span: (row: number, c0: number, c1: number) => void): void {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const ring of rings) {
    for (const p of ring) {
      minY = Math.min(minY, p[1]);
      maxY = Math.max(maxY, p[1]);
    }
  }
  const { x0, y0, cellM, cols, rows } = grid;
  const r0 = Math.max(0, Math.ceil((minY - y0) / cellM - 0.5));
  const r1 = Math.min(rows - 1, Math.floor((maxY - y0) / cellM - 0.5));
  const xs: number[] = [];
  for (let r = r0; r <= r1; r++) {
    crossings(rings, y0 + (r + 0.5) * cellM, xs);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const c0 = Math.max(0, Math.ceil((xs[k]! - x0) / cellM - 0.5));
      const c1 = Math.min(cols - 1, Math.ceil((xs[k + 1]! - x0) / cellM - 0.5) - 1);
      if (c1 >= c0) span(r, c0, c1);
    }
  }
}

export interface TracedPolygon {
  /** Outer ring then holes, metric coordinates, counter-clockwise outer / clockwise holes, closed. */
  rings: Ring[];
  /** Exact area of the cells it encloses, m². */
  areaM2: number;
}

/**
 * Merges the cells where `inside(index)` holds into polygons (4-connected regions; holes kept), in metric
 * coordinates. Boundaries follow cell edges with collinear vertices removed.
 */
export function traceRegions(grid: Grid, inside: (index: number) => boolean): TracedPolygon[] {
  const { cols, rows } = grid;
  const vcols = cols + 1;
  const at = (c: number, r: number) => c >= 0 && r >= 0 && c < cols && r < rows && inside(r * cols + c);
  // Directed boundary edges with the region on the left; at most two leave any vertex.
  // Directions: 0 = +x, 1 = +y, 2 = -x, 3 = -y.
  const outA = new Map<number, number>();
  const outB = new Map<number, number>();
  const addEdge = (c: number, r: number, dir: number) => {
    const v = r * vcols + c;
    if (outA.has(v)) outB.set(v, dir);
    else outA.set(v, dir);
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (!inside(r * cols + c)) continue;
      if (!at(c, r - 1)) addEdge(c, r, 0);
      if (!at(c + 1, r)) addEdge(c + 1, r, 1);
      if (!at(c, r + 1)) addEdge(c + 1, r + 1, 2);
      if (!at(c - 1, r)) addEdge(c, r + 1, 3);
    }
  }
  const DX = [1, 0, -1, 0];
  const DY = [0, 1, 0, -1];
  /** Takes the first of `preferred` leaving `v`; returns -1 when `closeDir` (the ring's first edge) comes first. */
  const take = (v: number, preferred: number[], closeDir = -1): number => {
    for (const d of preferred) {
      if (d === closeDir) return -1;
      if (outA.get(v) === d) {
        const b = outB.get(v);
        if (b === undefined) outA.delete(v);
        else {
          outA.set(v, b);
          outB.delete(v);
        }
        return d;
      }
      if (outB.get(v) === d) {
        outB.delete(v);
        return d;
      }
    }
    return -1;
  };

  const outers: { ring: Ring; area: number; holes: Ring[] }[] = [];
  const holes: { ring: Ring; probe: XY }[] = [];
  const toXY = (vc: number, vr: number): XY => [grid.x0 + vc * grid.cellM, grid.y0 + vr * grid.cellM];
  for (const start of [...outA.keys()]) {
    while (outA.has(start)) {
      let vc = start % vcols;
      let vr = Math.floor(start / vcols);
      let dir = take(start, [0, 1, 2, 3]);
      const firstDir = dir;
      const ring: Ring = [];
      let twiceArea = 0;
      for (;;) {
        const nc = vc + DX[dir]!;
        const nr = vr + DY[dir]!;
        twiceArea += vc * nr - nc * vr;
        vc = nc;
        vr = nr;
        const v = vr * vcols + vc;
        // Prefer turning left so regions touching at a corner stay apart; back at the start, the first edge closes it.
        const next = take(v, [(dir + 1) % 4, dir, (dir + 3) % 4], v === start ? firstDir : -1);
        if (next < 0) {
          if (dir !== firstDir) ring.push(toXY(vc, vr));
          break;
        }
        if (next !== dir) ring.push(toXY(vc, vr));
        dir = next;
      }
      if (ring.length < 3) continue;
      ring.push(ring[0]!);
      const area = (twiceArea / 2) * grid.cellM * grid.cellM;
      if (area > 0) outers.push({ ring, area, holes: [] });
      else {
        // A point just inside the region, beside the hole's first edge, finds the outer ring that holds it.
        const [a, b] = [ring[0]!, ring[1]!];
        const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
        const nx = -(b[1] - a[1]) / len;
        const ny = (b[0] - a[0]) / len;
        holes.push({ ring, probe: [(a[0] + b[0]) / 2 + (nx * grid.cellM) / 2, (a[1] + b[1]) / 2 + (ny * grid.cellM) / 2] });
      }
    }
  }
  outers.sort((p, q) => p.area - q.area);
  for (const hole of holes) {
    const owner = outers.find((o) => pointInRing(hole.probe, o.ring));
    owner?.holes.push(hole.ring);
  }
  return outers.map((o) => ({
    rings: [o.ring, ...o.holes],
    areaM2: o.area - o.holes.reduce((s, h) => s + Math.abs(ringArea(h)), 0),
  }));
}

export function pointInRing(p: XY, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

function ringArea(ring: Ring): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s / 2;
}

/**
 * Douglas-Peucker on a closed ring: removes the cell staircase along slanted edges. Keeps the ring unchanged when
 * simplifying would leave fewer than four corners.
 */
export function simplifyRing(ring: Ring, tolerance: number): Ring {
  if (ring.length <= 5) return ring;
  const open = ring.slice(0, -1);
  // Split at the vertex farthest from the first so both halves are real chains.
  let far = 1;
  let best = -1;
  for (let i = 1; i < open.length; i++) {
    const d = Math.hypot(open[i]![0] - open[0]![0], open[i]![1] - open[0]![1]);
    if (d > best) {
      best = d;
      far = i;
    }
  }
  const keep = new Uint8Array(open.length + 1);
  keep[0] = keep[far] = keep[open.length] = 1;
  const closed = [...open, open[0]!];
  dp(closed, 0, far, tolerance, keep);
  dp(closed, far, open.length, tolerance, keep);
  const out = closed.filter((_, i) => keep[i]);
  return out.length >= 5 ? out : ring;
}

function dp(pts: Ring, i0: number, i1: number, tol: number, keep: Uint8Array): void {
  const stack: [number, number][] = [[i0, i1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = pts[a]!;
    const [bx, by] = pts[b]!;
    const len = Math.hypot(bx - ax, by - ay) || 1;
    let worst = -1;
    let dmax = tol;
    for (let i = a + 1; i < b; i++) {
      const d = Math.abs((bx - ax) * (ay - pts[i]![1]) - (ax - pts[i]![0]) * (by - ay)) / len;
      if (d > dmax) {
        dmax = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
}
