/**
 * Derived photos for the quality tests, made at test time from the real ones (or synthesised with sensor-like
 * grain) and written as JPEGs into a temp folder, so they pass through the same decode as a card's files.
 */
import path from 'node:path';
import sharp from 'sharp';

/** Gaussian defocus of a real photo, re-encoded as a camera would. */
export async function defocusedCopy(src: string, dir: string, sigma: number): Promise<string> {
  const out = path.join(dir, `${path.parse(src).name}-defocus-${sigma}.jpg`);
  await sharp(src).blur(sigma).jpeg({ quality: 92 }).toFile(out);
  return out;
}

/** Horizontal motion blur of `length` pixels (a box kernel along the flight direction). */
export async function motionBlurredCopy(src: string, dir: string, length: number): Promise<string> {
  const out = path.join(dir, `${path.parse(src).name}-motion-${length}.jpg`);
  await sharp(src)
    // sharp wants at least 3 kernel rows: only the middle one is non-zero.
    .convolve({ width: length, height: 3, kernel: [...new Array<number>(length).fill(0), ...new Array<number>(length).fill(1), ...new Array<number>(length).fill(0)], scale: length })
    .jpeg({ quality: 92 })
    .toFile(out);
  return out;
}

/** Deterministic pseudo-random numbers (mulberry32), so fixtures are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A flat surface of one colour with gentle large-scale shading and per-pixel sensor grain of `grain` grey levels
 * (standard deviation): calm water or fresh snow seen from 40 m.
 */
export async function syntheticSurface(
  dir: string,
  name: string,
  rgb: [number, number, number],
  opts: { width?: number; height?: number; grain?: number; seed?: number } = {},
): Promise<string> {
  const width = opts.width ?? 1600;
  const height = opts.height ?? 1200;
  const grain = opts.grain ?? 1.5;
  const rnd = random(opts.seed ?? 7);
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const shade = 6 * Math.sin(x / 240) * Math.cos(y / 310);
      // Box-Muller gaussian grain, shared by the channels like luminance noise.
      const n = grain * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) px[i + c] = Math.max(0, Math.min(255, Math.round(rgb[c]! + shade + n)));
    }
  }
  const out = path.join(dir, `${name}.jpg`);
  await sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toFile(out);
  return out;
}
