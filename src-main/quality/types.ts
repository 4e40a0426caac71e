/** Shapes shared by the quality module: raw kernel sums, the stored metrics and the decision thresholds. */

export const GRID_SIZE = 4;

/** What either kernel engine (native addon or TypeScript) returns for one gray image; exact integer sums. */
export interface KernelSums {
  /** Per grid cell, row-major: pixel count, sum and sum of squares of the cell-local Laplacian. */
  cellCount: number[];
  cellSum: number[];
  cellSq: number[];
  /** Sum and sum of squares of the whole-image Laplacian. */
  wholeSum: number;
  wholeSq: number;
  /** 256-bin histogram of the gray image. */
  histogram: number[];
  /** Blur-effect sums: [horizontal differences, horizontal kept x9, vertical differences, vertical kept x9]. */
  blurSums: [number, number, number, number];
}

export type Terrain = 'water' | 'snow_ice' | 'sand' | 'land';

/** HSV statistics (OpenCV scales: H 0-179, S and V 0-255) of a downscaled colour image, for the terrain class. */
export interface ColourStats {
  meanHue: number;
  meanSat: number;
  meanVal: number;
  /** Fraction of pixels with hue 85-135 (blue/cyan). */
  blueRatio: number;
  /** Fraction with hue <= 35 (red to yellow: sand). */
  warmRatio: number;
  /** Fraction with hue 30-85. */
  greenRatio: number;
  /** Pixels sampled. */
  samples: number;
}

/** The sums ColourStats are divided from (both engines accumulate these over the same sample grid). */
export interface ColourSums {
  n: number;
  hSum: number;
  sSum: number;
  vSum: number;
  blue: number;
  warm: number;
  green: number;
}

export type Engine = 'native' | 'typescript';

/** Everything measured for one photo; plain JSON, stored as the image's metrics_json. */
export interface QualityMetrics {
  width: number;
  height: number;
  /** Laplacian variance per non-empty grid cell, row-major (16 unless the image is narrower than 4 pixels). */
  gridVariances: number[];
  /** DroneTM's sharpness score: 75th percentile of the textured cells (mean of all when none is textured). */
  gridScore: number;
  lowTextureRatio: number;
  wholeVariance: number;
  mean: number;
  std: number;
  p5: number;
  p95: number;
  /** Fraction of pixels < 20 and > 235. */
  fracDark: number;
  fracBright: number;
  black: boolean;
  white: boolean;
  /** Blur effect 0 (sharp) .. 1 (fully blurred), the worse of the two directions; contrast-independent. */
  blurEffect: number;
  colour: ColourStats;
  terrain: Terrain;
  engine: Engine;
  /** Real bit depth a single-channel 16-bit band was read at (see decodeSensorBand); absent for 8-bit photos. */
  bitDepth?: number;
}

/** Tunable thresholds (stored as project settings); defaults are DroneTM's, plus the blur-effect limit. */
export interface QualityThresholds {
  minSharpness: number;
  /** Sharpness minimum of rendered thermal frames (R-JPEG palettes carry far less edge contrast than daylight). */
  thermalMinSharpness: number;
  lowTextureVariance: number;
  /** Low-texture ratio from which the colour decides the terrain. */
  terrainLowTextureRatio: number;
  /** Terrain excuse only holds while the blur effect stays below this. */
  maxBlurEffect: number;
  blackPixel: number;
  whitePixel: number;
  saturationRatio: number;
  lowDynamicRange: number;
  lowStd: number;
  veryDarkMean: number;
  veryBrightMean: number;
}
