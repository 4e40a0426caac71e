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
  /**
   * Also make a JPEG thumbnail of this long edge where the addon can (an upright JPEG whose 1/8-scale preview is at
   * least that large): scaled from the preview and encoded on the measuring thread, so no pixels reach JavaScript.
   * Otherwise `thumbnail` is null and `preview` is there as without this option.
   */
  thumbnail?: { longEdge: number; quality: number };
}

/** A JPEG thumbnail made by the addon in the measuring call. */
export interface EncodedThumbnail {
  bytes: Buffer;
  width: number;
  height: number;
}

export interface MeasuredPhoto {
  metrics: QualityMetrics;
  /** The decoded colour image (DecodedPhoto.preview) for a thumbnail, unless `thumbnail` was made instead. */
  preview: RawImage | null;
  thumbnail: EncodedThumbnail | null;
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
export async function measurePhotoWithPreview(bytes: Buffer, opts: MeasureOptions = {}): Promise<MeasuredPhoto> {
  const engine = opts.engine ?? kernelEngine();
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const header = opts.header ? checkHeader(opts.header, maxPixels) : await readHeader(bytes, maxPixels);
  const band = header.format === 'jpeg' ? null : await decodeSensorBand(bytes, maxPixels);
  if (!band) {
    const fast = await measureJpegNative(engine, bytes, header, opts.thumbnail);
    if (fast) return fast;
  }
  const photo = band ?? (await decodePhoto(bytes, maxPixels));
  const sums = await engine.kernelSums(photo.gray, photo.width, photo.height);
  const metrics = metricsFromSums(sums, photo.width, photo.height, photo.colour, engine.name);
  return { metrics: band ? { ...metrics, bitDepth: band.bitDepth } : metrics, preview: photo.preview, thumbnail: null };
}

/**
 * The addon's JPEG path: one decode on the libuv pool feeds the kernels row by row, samples the colour and makes a
 * 1/8-scale preview for the thumbnail (or the thumbnail itself); nothing full-size reaches JavaScript. Only for
 * upright (orientation 1) JPEGs; null when it does not apply or the addon refuses the file, so that sharp decodes it
 * (and words any error).
 */
async function measureJpegNative(engine: KernelEngine, bytes: Buffer, header: PhotoHeader, thumb?: MeasureOptions['thumbnail']): Promise<MeasuredPhoto | null> {
  if (!engine.measureJpeg || header.format !== 'jpeg' || header.orientation !== 1) return null;
  const { width, height } = header;
  const size = thumb ? thumbnailSize(width, height, thumb.longEdge) : null;
  let m;
  try {
    m = size ? await engine.measureJpeg(bytes, width, height, COLOUR_STEP, size.width, size.height, thumb!.quality) : await engine.measureJpeg(bytes, width, height, COLOUR_STEP);
  } catch {
    return null;
  }
  return {
    metrics: metricsFromSums(m.sums, width, height, colourFromSums(m.colour), engine.name),
    preview: m.preview ? { data: m.preview, width: m.previewWidth, height: m.previewHeight, channels: 3 } : null,
    thumbnail: m.thumbnail && size ? { bytes: m.thumbnail, ...size } : null,
  };
}

/**
 * The thumbnail's size as sharp's `fit: 'inside'` gives it for the whole photo, when the 1/8-scale preview can make it
 * (at least that large, at most 7 preview pixels to one thumbnail pixel); else null.
 */
export function thumbnailSize(width: number, height: number, longEdge: number): { width: number; height: number } | null {
  const scale = longEdge / Math.max(width, height);
  if (scale >= 1) return null;
  const size = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  const pw = Math.ceil(width / 8);
  const ph = Math.ceil(height / 8);
  return size.width <= pw && size.height <= ph && pw <= 7 * size.width && ph <= 7 * size.height ? size : null;
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
