import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { AppError } from '../common/errors.ts';
import type { RawImage } from '../quality/measure.ts';

/** Long edge of the gallery thumbnail. */
export const THUMBNAIL_LONG_EDGE = 320;
/** Long edge of the larger review image: the same function, another size. */
export const PREVIEW_LONG_EDGE = 1600;

export interface ThumbnailOptions {
  /** Long edge in pixels (default 320; use PREVIEW_LONG_EDGE for the review image). Never enlarged. */
  longEdge?: number;
  format?: 'webp' | 'jpeg';
  quality?: number;
}

export interface ThumbnailResult {
  width: number;
  height: number;
  bytes: number;
}

/**
 * Writes a small upright image of a photo to `outFile`: EXIF orientation applied, 16-bit and single-band
 * (thermal, multispectral) data stretched to a visible 8-bit range, written to a temporary file and renamed so a
 * reader never sees half a thumbnail.
 */
export async function makeThumbnail(bytes: Buffer, outFile: string, opts: ThumbnailOptions = {}): Promise<ThumbnailResult> {
  return writeThumbnail(outFile, opts, async (longEdge) => {
    const { depth, channels } = await sharp(bytes).metadata();
    const upright = sharp(bytes, { failOn: 'truncated' }).rotate().resize(longEdge, longEdge, { fit: 'inside', withoutEnlargement: true });
    return depth === 'uchar' || depth === 'char' ? upright : stretchToEightBit(upright, channels === 1);
  });
}

/** True when already decoded pixels are large enough for a thumbnail of this long edge (else decode the file). */
export function previewFits(image: RawImage, longEdge = THUMBNAIL_LONG_EDGE): boolean {
  return Math.max(image.width, image.height) >= longEdge;
}

/**
 * The same thumbnail from pixels already decoded (upright 8-bit, e.g. the quality check's block-averaged preview),
 * so a photo is decoded once for both.
 */
export async function makeThumbnailFromPixels(image: RawImage, outFile: string, opts: ThumbnailOptions = {}): Promise<ThumbnailResult> {
  return writeThumbnail(outFile, opts, async (longEdge) =>
    sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }).resize(longEdge, longEdge, {
      fit: 'inside',
      withoutEnlargement: true,
    }),
  );
}

/** Quality of the gallery thumbnail (sharp's default, also what the addon encodes with). */
export const THUMBNAIL_QUALITY = 80;

async function writeThumbnail(outFile: string, opts: ThumbnailOptions, pixels: (longEdge: number) => Promise<Sharp>): Promise<ThumbnailResult> {
  const longEdge = opts.longEdge ?? THUMBNAIL_LONG_EDGE;
  const format = opts.format ?? 'webp';
  const quality = opts.quality ?? THUMBNAIL_QUALITY;
  return replaceFile(outFile, async (temp) => {
    let image = (await pixels(longEdge)).toColourspace('srgb');
    // WebP effort 2 of 6: 40 % less CPU than the default 4 for ~3 % more bytes on a 320 px thumbnail.
    // JPEG without mozjpeg's trellis search: ingest makes one per photo and it must stay cheap (2.3 ms at 320 px).
    image = format === 'webp' ? image.webp({ quality, effort: 2 }) : image.jpeg({ quality });
    const info = await image.toFile(temp);
    return { width: info.width, height: info.height, bytes: info.size };
  });
}

/**
 * Writes a thumbnail the addon already encoded (measurePhotoWithPreview's `thumbnail`: scaled from the quality
 * check's 1/8 preview and encoded on its thread, ~0.5 ms against ~2.5 ms through sharp), the same way.
 */
export async function writeEncodedThumbnail(thumb: { bytes: Buffer; width: number; height: number }, outFile: string): Promise<ThumbnailResult> {
  return replaceFile(outFile, async (temp) => {
    await fs.writeFile(temp, thumb.bytes);
    return { width: thumb.width, height: thumb.height, bytes: thumb.bytes.length };
  });
}

/** Writes `outFile` through a temporary file renamed over it, so a reader never sees half a thumbnail. */
async function replaceFile(outFile: string, write: (temp: string) => Promise<ThumbnailResult>): Promise<ThumbnailResult> {
  const temp = path.join(path.dirname(outFile), `.${path.basename(outFile)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.mkdir(path.dirname(outFile), { recursive: true });
    const result = await write(temp);
    await fs.rename(temp, outFile);
    return result;
  } catch (err) {
    await fs.rm(temp, { force: true });
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new AppError('invalid_input', `Could not make a thumbnail: the photo cannot be decoded (${why}).`, { outFile });
  }
}

/**
 * Raw sensor counts (thermal, multispectral) fill a narrow part of 16 bits and would look flat black or grey:
 * stretch the 1st-99th percentile of the (already small) image to 0-255.
 */
async function stretchToEightBit(image: Sharp, singleBand: boolean): Promise<Sharp> {
  const { data, info } = await image
    .toColourspace(singleBand ? 'grey16' : 'rgb16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  const samples = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  const sorted = Uint16Array.from(samples).sort();
  const lo = sorted[Math.floor(sorted.length * 0.01)] ?? 0;
  const hi = sorted[Math.floor(sorted.length * 0.99)] ?? lo;
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const out = Buffer.alloc(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((samples[i]! - lo) * scale)));
  return sharp(out, { raw: { width: info.width, height: info.height, channels: info.channels } });
}
