/** HSV statistics (OpenCV's 8-bit conventions) over a sparse sample of the decoded pixels, for the terrain class. */
import type { ColourStats, ColourSums } from './types.ts';

/**
 * Samples every `step`-th pixel of every `step`-th row of an interleaved 8-bit image (1 channel = gray: hue 0,
 * saturation 0, like OpenCV's GRAY2BGR->HSV).
 */
export function colourStats(px: Uint8Array, width: number, height: number, channels: number, step: number): ColourStats {
  let n = 0;
  let hSum = 0;
  let sSum = 0;
  let vSum = 0;
  let blue = 0;
  let warm = 0;
  let green = 0;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * channels;
      const r = px[i]!;
      const g = channels >= 3 ? px[i + 1]! : r;
      const b = channels >= 3 ? px[i + 2]! : r;
      const v = Math.max(r, g, b);
      const diff = v - Math.min(r, g, b);
      const s = v === 0 ? 0 : Math.round((255 * diff) / v);
      let h = 0;
      if (diff > 0) {
        h = v === r ? (60 * (g - b)) / diff : v === g ? 120 + (60 * (b - r)) / diff : 240 + (60 * (r - g)) / diff;
        if (h < 0) h += 360;
        h = Math.round(h / 2);
      }
      n++;
      hSum += h;
      sSum += s;
      vSum += v;
      if (h >= 85 && h <= 135) blue++;
      if (h <= 35) warm++;
      if (h >= 30 && h <= 85) green++;
    }
  }
  return colourFromSums({ n, hSum, sSum, vSum, blue, warm, green });
}

/** The statistics from their sums (the addon returns the sums of the same sample grid). */
export function colourFromSums(c: ColourSums): ColourStats {
  const d = Math.max(1, c.n);
  return { meanHue: c.hSum / d, meanSat: c.sSum / d, meanVal: c.vSum / d, blueRatio: c.blue / d, warmRatio: c.warm / d, greenRatio: c.green / d, samples: c.n };
}
