/**
 * The pixel kernels in TypeScript: the reference the native addon must match and the fallback when it is not built.
 * Everything is integer arithmetic accumulated in doubles, exact below 2^53 (a 16 MP image stays far below that).
 */
import { GRID_SIZE, type KernelSums } from './types.ts';

/** OpenCV's borderInterpolate(BORDER_REFLECT_101) for index i in [lo, hi): ...2 1 | 0 1 2 ... n-1 | n-2... */
function reflect101(i: number, lo: number, hi: number): number {
  if (hi - lo === 1) return lo;
  if (i < lo) return 2 * lo - i;
  if (i >= hi) return 2 * (hi - 1) - i;
  return i;
}

/** Laplacian (ksize=1: [0,1,0;1,-4,1;0,1,0]) at (x, y) with reflect-101 borders at the given bounds. */
function laplacianAt(g: Uint8Array, w: number, x: number, y: number, x0: number, x1: number, y0: number, y1: number): number {
  const row = y * w;
  const up = reflect101(y - 1, y0, y1) * w;
  const down = reflect101(y + 1, y0, y1) * w;
  return g[up + x]! + g[down + x]! + g[row + reflect101(x - 1, x0, x1)]! + g[row + reflect101(x + 1, x0, x1)]! - 4 * g[row + x]!;
}

/** Cell boundaries along one axis: GRID_SIZE cells of size n // GRID_SIZE, the last taking the remainder. */
export function cellEdges(n: number): number[] {
  const step = Math.floor(n / GRID_SIZE);
  const edges: number[] = [];
  for (let i = 0; i < GRID_SIZE; i++) edges.push(i * step);
  edges.push(n);
  return edges;
}

/**
 * One pass over the gray image: per-cell Laplacian sums (cell-local reflect-101 borders), the whole-image Laplacian
 * sums (image borders), the 256-bin histogram and the blur-effect sums (Crete et al. 2007: how much of each
 * neighbour difference survives a 9-tap mean filter; the filtered difference is (p[i+4] - p[i-5]) / 9).
 */
export function kernelSumsTs(gray: Uint8Array, width: number, height: number): KernelSums {
  const xs = cellEdges(width);
  const ys = cellEdges(height);
  const cellCount: number[] = [];
  const cellSum: number[] = [];
  const cellSq: number[] = [];
  let wholeSum = 0;
  let wholeSq = 0;
  for (let cy = 0; cy < GRID_SIZE; cy++) {
    const y0 = ys[cy]!;
    const y1 = ys[cy + 1]!;
    for (let cx = 0; cx < GRID_SIZE; cx++) {
      const x0 = xs[cx]!;
      const x1 = xs[cx + 1]!;
      let s = 0;
      let q = 0;
      // Interior: no border handling, identical for the cell and for the whole image.
      for (let y = y0 + 1; y < y1 - 1; y++) {
        const r = y * width;
        for (let i = r + x0 + 1, end = r + x1 - 1; i < end; i++) {
          const v = gray[i - width]! + gray[i + width]! + gray[i - 1]! + gray[i + 1]! - 4 * gray[i]!;
          s += v;
          q += v * v;
        }
      }
      let ws = s;
      let wq = q;
      // The ring of the cell: cell-local borders for the cell, image borders for the whole image.
      const ring = (x: number, y: number): void => {
        const c = laplacianAt(gray, width, x, y, x0, x1, y0, y1);
        const i = laplacianAt(gray, width, x, y, 0, width, 0, height);
        s += c;
        q += c * c;
        ws += i;
        wq += i * i;
      };
      if (x1 > x0 && y1 > y0) {
        for (let x = x0; x < x1; x++) {
          ring(x, y0);
          if (y1 - 1 > y0) ring(x, y1 - 1);
        }
        for (let y = y0 + 1; y < y1 - 1; y++) {
          ring(x0, y);
          if (x1 - 1 > x0) ring(x1 - 1, y);
        }
      }
      cellCount.push((x1 - x0) * (y1 - y0));
      cellSum.push(s);
      cellSq.push(q);
      wholeSum += ws;
      wholeSq += wq;
    }
  }
  const histogram = new Array<number>(256).fill(0);
  for (let i = 0; i < gray.length; i++) histogram[gray[i]!]!++;
  return { cellCount, cellSum, cellSq, wholeSum, wholeSq, histogram, ...blurEffectSums(gray, width, height) };
}

function blurEffectSums(g: Uint8Array, w: number, h: number): Pick<KernelSums, 'blurSums'> {
  // [horizontal difference, horizontal kept x9, vertical difference, vertical kept x9]
  let dH = 0;
  let kH = 0;
  let dV = 0;
  let kV = 0;
  for (let y = 5; y < h - 4; y++) {
    const r = y * w;
    for (let i = r + 5, end = r + w - 4; i < end; i++) {
      const p = g[i]!;
      const dh = Math.abs(p - g[i - 1]!);
      const dv = Math.abs(p - g[i - w]!);
      dH += dh;
      dV += dv;
      // 9 * max(0, d - b / 9) stays an integer.
      kH += Math.max(0, 9 * dh - Math.abs(g[i + 4]! - g[i - 5]!));
      kV += Math.max(0, 9 * dv - Math.abs(g[i + 4 * w]! - g[i - 5 * w]!));
    }
  }
  return { blurSums: [dH, kH, dV, kV] };
}
