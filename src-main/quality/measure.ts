/**
 * Pixel quality of one photo (issue 3 §6, issue 9): DroneTM's grid sharpness, exposure and terrain colour, plus a
 * blur effect that keeps the terrain excuse honest. Public surface of the quality module.
 */
import { colourFromSums, colourStats } from './colour.ts';
import { COLOUR_STEP, DEFAULT_MAX_PIXELS, checkHeader, decodePhoto, decodeSensorBand, readHeader, type PhotoHeader, type RawImage } from './decode.ts';
import { kernelEngine, type KernelEngine } from './engine.ts';
import { kernelSumsTs } from './kernels.ts';
import { metricsFromSums } from './metrics.ts';
import type { ColourStats, QualityMetrics } from './types.ts';

export { DEFAULT_THRESHOLDS, exposureFlags } from './metrics.ts';
export { judgeSharpness, type SharpnessVerdict } from './sharpness.ts';
export { loadEngine, kernelEngine, md5Hex, type KernelEngine, type EngineOptions } from './engine.ts';
export { DEFAULT_MAX_PIXELS, type RawImage } from './decode.ts';
export type { QualityMetrics, QualityThresholds, Terrain, ColourStats, Engine } from './types.ts';

export interface MeasureOptions {
  /** Refuse images with more pixels than this (AppError 'refused'); default 100 MP. */
  maxPixels?: number;
  /** Kernel engine; default the process-wide one (native addon, else TypeScript in a worker). */
  engine?: KernelEngine;
  /** The photo's header when the caller has already read it (ingest's metadata step), so it is not parsed twice. */
  header?: PhotoHeader;
}

/**
 * Decode + kernels for one photo file's bytes (JPEG, TIFF incl. 16-bit, PNG, ...). Throws AppError 'refused' above
 * the pixel limit and 'invalid_input' for damaged, truncated or non-image files.
 */
export async function measurePhoto(bytes: Buffer, opts: MeasureOptions = {}): Promise<QualityMetrics> {
  return (await measurePhotoWithPreview(bytes, opts)).metrics;
}

/**
 * `measurePhoto`, also handing back the decoded colour image (see DecodedPhoto.preview) so the caller can make the
 * thumbnail without decoding the photo again.
 */
export async function measurePhotoWithPreview(bytes: Buffer, opts: MeasureOptions = {}): Promise<{ metrics: QualityMetrics; preview: RawImage | null }> {
  const engine = opts.engine ?? kernelEngine();
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const header = opts.header ? checkHeader(opts.header, maxPixels) : await readHeader(bytes, maxPixels);
  const band = header.format === 'jpeg' ? null : await decodeSensorBand(bytes, maxPixels);
  if (!band) {
    const fast = await measureJpegNative(engine, bytes, header);
    if (fast) return fast;
  }
  const photo = band ?? (await decodePhoto(bytes, maxPixels));
  const sums = await engine.kernelSums(photo.gray, photo.width, photo.height);
  const metrics = metricsFromSums(sums, photo.width, photo.height, photo.colour, engine.name);
  return { metrics: band ? { ...metrics, bitDepth: band.bitDepth } : metrics, preview: photo.preview };
}

/**
 * The addon's JPEG path: one decode on the libuv pool feeds the kernels row by row, samples the colour and makes a
 * 1/8-scale preview for the thumbnail; nothing full-size reaches JavaScript. Only for upright (orientation 1) JPEGs;
 * null when it does not apply or the addon refuses the file, so that sharp decodes it (and words any error).
 */
async function measureJpegNative(engine: KernelEngine, bytes: Buffer, header: PhotoHeader): Promise<{ metrics: QualityMetrics; preview: RawImage } | null> {
  if (!engine.measureJpeg || header.format !== 'jpeg' || header.orientation !== 1) return null;
  const { width, height } = header;
  let m;
  try {
    m = await engine.measureJpeg(bytes, width, height, COLOUR_STEP);
  } catch {
    return null;
  }
  return {
    metrics: metricsFromSums(m.sums, width, height, colourFromSums(m.colour), engine.name),
    preview: { data: m.preview, width: m.previewWidth, height: m.previewHeight, channels: 3 },
  };
}

/**
 * The metrics of an already decoded 8-bit gray image, synchronously with the TypeScript kernels. Without `colour`
 * the terrain colour is that of the gray image itself (no hue, no saturation).
 */
export function computeMetrics(gray: Uint8Array, width: number, height: number, colour?: ColourStats): QualityMetrics {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || gray.length < width * height) {
    throw new RangeError(`gray image of ${gray.length} bytes cannot be ${width} x ${height}`);
  }
  const c = colour ?? colourStats(gray, width, height, 1, 4);
  return metricsFromSums(kernelSumsTs(gray, width, height), width, height, c, 'typescript');
}
