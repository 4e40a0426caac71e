/** Turns the exact kernel sums into DroneTM's metrics (numpy semantics) and its terrain class. */
import type { ColourStats, Engine, KernelSums, QualityMetrics, QualityThresholds, Terrain } from './types.ts';

/**
 * DroneTM's values, plus maxBlurEffect measured here: sharp reference photos 0.21-0.37, grainy synthetic water and
 * snow 0.06-0.11, real photos defocused by sigma >= 1.5 px 0.38-0.68, motion-blurred by >= 9 px 0.51-0.62.
 */
export const DEFAULT_THRESHOLDS: Readonly<QualityThresholds> = Object.freeze({
  minSharpness: 100,
  // Measured on the DJI Zenmuse XT R-JPEG in shared/data (640x512 ironbow): sharp 43.3; the same frame defocused by
  // a Gaussian of sigma 1 px 10.0, 1.5 px 5.9, 2 px 4.0.
  thermalMinSharpness: 20,
  lowTextureVariance: 30,
  terrainLowTextureRatio: 0.6,
  maxBlurEffect: 0.35,
  blackPixel: 20,
  whitePixel: 235,
  saturationRatio: 0.9,
  lowDynamicRange: 25,
  lowStd: 15,
  veryDarkMean: 40,
  veryBrightMean: 215,
});

/** numpy.percentile with the default linear interpolation. */
export function percentile(values: readonly number[], q: number): number {
  const a = [...values].sort((x, y) => x - y);
  if (a.length === 0) return Number.NaN;
  const pos = (q / 100) * (a.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, a.length - 1);
  return a[lo]! + (pos - lo) * (a[hi]! - a[lo]!);
}

/** numpy.percentile over the pixels, read from the histogram instead of sorting millions of values. */
function histogramPercentile(hist: readonly number[], n: number, q: number): number {
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const valueAtRank = (rank: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += hist[v]!;
      if (seen > rank) return v;
    }
    return 255;
  };
  const a = valueAtRank(lo);
  const b = lo + 1 < n ? valueAtRank(lo + 1) : a;
  return a + (pos - lo) * (b - a);
}

function variance(count: number, sum: number, sq: number): number {
  if (count === 0) return 0;
  const m = sum / count;
  return Math.max(0, sq / count - m * m);
}

/** DroneTM's score from cell variances: 75th percentile of the textured cells, else the mean of all. */
export function gridScoreOf(cells: readonly number[], lowTextureVariance: number): { score: number; lowTextureRatio: number; textured: number } {
  const textured = cells.filter((v) => v >= lowTextureVariance);
  const score = textured.length > 0 ? percentile(textured, 75) : cells.reduce((a, b) => a + b, 0) / Math.max(1, cells.length);
  const lowTextureRatio = cells.length > 0 ? (cells.length - textured.length) / cells.length : 0;
  return { score, lowTextureRatio, textured: textured.length };
}

/**
 * DroneTM's colour heuristic, reduced to the classes that excuse a low sharpness score; every other class
 * (vegetation, urban, mixed, bare soil) is 'land'.
 */
export function classifyTerrain(c: ColourStats, lowTextureRatio: number, texturedCells: number, t: QualityThresholds): Terrain {
  if (lowTextureRatio < t.terrainLowTextureRatio) return 'land';
  if (c.blueRatio > 0.3 && c.meanSat > 20) return 'water';
  if (c.meanVal < 80 && c.meanSat < 40 && c.blueRatio > 0.15) return 'water';
  // Muddy water: coloured and without a single textured cell.
  if (lowTextureRatio >= 0.9 && texturedCells === 0 && c.meanSat > 10) return 'water';
  if (c.meanSat < 30 && c.meanVal > 180) return 'snow_ice';
  if (c.warmRatio > 0.4 && c.meanSat > 25 && c.meanSat < 120) return 'sand';
  if (c.meanSat < 50 && c.meanVal > 60 && c.meanVal < 180) return 'land';
  if (c.greenRatio > 0.3 && c.meanVal < 120) return 'land';
  if (c.meanVal > 160) return 'sand';
  return 'land';
}

/** DroneTM's lens-cap / blown-out rules. */
export function exposureFlags(
  m: Pick<QualityMetrics, 'mean' | 'std' | 'p5' | 'p95' | 'fracDark' | 'fracBright'>,
  t: QualityThresholds,
): { black: boolean; white: boolean } {
  const lowRange = m.p95 - m.p5 <= t.lowDynamicRange;
  return {
    black: (m.mean <= t.veryDarkMean && m.std <= t.lowStd) || (m.fracDark >= t.saturationRatio && lowRange),
    white: (m.mean >= t.veryBrightMean && m.std <= t.lowStd) || (m.fracBright >= t.saturationRatio && lowRange),
  };
}

function blurEffectOf([dH, kH, dV, kV]: KernelSums['blurSums']): number {
  const dir = (d: number, k: number): number => (d > 0 ? (d - k / 9) / d : 1);
  return Math.max(dir(dH, kH), dir(dV, kV));
}

export function metricsFromSums(s: KernelSums, width: number, height: number, colour: ColourStats, engine: Engine): QualityMetrics {
  const t = DEFAULT_THRESHOLDS;
  const gridVariances: number[] = [];
  s.cellCount.forEach((n, i) => {
    if (n > 0) gridVariances.push(variance(n, s.cellSum[i]!, s.cellSq[i]!));
  });
  const grid = gridScoreOf(gridVariances, t.lowTextureVariance);
  const n = width * height;
  let sum = 0;
  let sq = 0;
  let dark = 0;
  let bright = 0;
  s.histogram.forEach((count, v) => {
    sum += count * v;
    sq += count * v * v;
    if (v < t.blackPixel) dark += count;
    if (v > t.whitePixel) bright += count;
  });
  const mean = sum / n;
  const exposure = {
    mean,
    std: Math.sqrt(Math.max(0, sq / n - mean * mean)),
    p5: histogramPercentile(s.histogram, n, 5),
    p95: histogramPercentile(s.histogram, n, 95),
    fracDark: dark / n,
    fracBright: bright / n,
  };
  return {
    width,
    height,
    gridVariances,
    gridScore: grid.score,
    lowTextureRatio: grid.lowTextureRatio,
    wholeVariance: variance(n, s.wholeSum, s.wholeSq),
    ...exposure,
    ...exposureFlags(exposure, t),
    blurEffect: blurEffectOf(s.blurSums),
    colour,
    terrain: classifyTerrain(colour, grid.lowTextureRatio, grid.textured, t),
    engine,
  };
}
