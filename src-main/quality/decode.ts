/**
 * Photo bytes -> the full-resolution gray image OpenCV's imdecode + BGR2GRAY would give, plus colour statistics.
 * Pixel count is checked from the header before any pixel is decoded, so a hostile file cannot exhaust memory.
 */
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { AppError } from '../common/errors.ts';
import { colourStats } from './colour.ts';
import type { ColourStats } from './types.ts';

/** 100 MP: above any current drone camera (61 MP is the largest common one), about 400 MB of RGB in flight. */
export const DEFAULT_MAX_PIXELS = 100_000_000;
/**
 * Colour statistics sample every 8th pixel of every 8th row, 1 pixel in 64 (140 000 samples of a 9 MP photo, a
 * fraction's standard error under 0.2 %): terrain colour needs no full resolution. Both engines use this grid.
 */
export const COLOUR_STEP = 8;

/** Interleaved 8-bit pixels, as sharp takes them raw. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export interface DecodedPhoto {
  gray: Uint8Array;
  width: number;
  height: number;
  colour: ColourStats;
  /**
   * The decoded colour image for the thumbnail, so the photo is not decoded a second time; null when the pixels would
   * not make a faithful thumbnail (16-bit sensor data).
   */
  preview: RawImage | null;
}

function unreadable(err: unknown): AppError {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new AppError('invalid_input', 'This photo could not be read: the file is damaged, incomplete or not an image.', { reason });
}

export interface PhotoHeader {
  width: number;
  height: number;
  format: string;
  orientation: number;
}

/** Reads the header and refuses images above `maxPixels` before anything is decoded. */
export async function readHeader(bytes: Buffer, maxPixels: number): Promise<PhotoHeader> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw unreadable(err);
  }
  const { width, height } = meta;
  if (!width || !height) throw unreadable(new Error('no image dimensions'));
  return checkHeader({ width, height, format: meta.format ?? 'unknown', orientation: meta.orientation ?? 1 }, maxPixels);
}

/** Refuses a header above `maxPixels` (used directly when the caller has already read the header). */
export function checkHeader(header: PhotoHeader, maxPixels: number): PhotoHeader {
  const { width, height } = header;
  if (width * height > maxPixels) {
    throw new AppError(
      'refused',
      `This image is ${width} x ${height} pixels, more than the ${Math.round(maxPixels / 1e6)} megapixels a photo check allows; it was skipped to protect memory.`,
      { width, height, maxPixels },
    );
  }
  return header;
}

/** OpenCV's 16->8 bit conversion in imdecode: round(v / 256). */
function reduceTo8(px16: Uint16Array): Uint8Array {
  const out = new Uint8Array(px16.length);
  for (let i = 0; i < px16.length; i++) out[i] = Math.min(255, Math.round(px16[i]! / 256));
  return out;
}

/** OpenCV's BGR2GRAY fixed-point weights (R 4899, G 9617, B 1868 over 2^14, rounded). */
export function rgbToGray(px: Uint8Array, n: number, channels: number): Uint8Array {
  const gray = new Uint8Array(n);
  if (channels < 3) {
    for (let i = 0, j = 0; i < n; i++, j += channels) gray[i] = px[j]!;
    return gray;
  }
  for (let i = 0, j = 0; i < n; i++, j += channels) gray[i] = (px[j]! * 4899 + px[j + 1]! * 9617 + px[j + 2]! * 1868 + 8192) >> 14;
  return gray;
}

/**
 * Decodes with sharp (libvips / libjpeg-turbo: bit-identical to OpenCV's imdecode here), applying EXIF orientation
 * like imdecode does. Truncated or corrupt data is refused rather than measured: libjpeg would fill the missing part
 * with flat gray, which reads as low texture and could pass a broken file as water. Callers check `readHeader`
 * first for a worded refusal; limitInputPixels is the backstop.
 */
export async function decodePhoto(bytes: Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<DecodedPhoto> {
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' }).rotate().raw().toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw unreadable(err);
  }
  const { width, height, channels } = info;
  const n = width * height;
  const bytesPerSample = data.length / (n * channels);
  const px =
    bytesPerSample === 2
      ? reduceTo8(new Uint16Array(data.buffer, data.byteOffset, n * channels))
      : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const preview = bytesPerSample === 1 && (channels === 1 || channels === 3 || channels === 4) ? { data: px, width, height, channels } : null;
  return { gray: rgbToGray(px, n, channels), width, height, colour: colourStats(px, width, height, channels, COLOUR_STEP), preview };
}

/** Container depths a sensor's samples are read as (band and radiometric cameras write 12 or 14 bits in 16). */
const SENSOR_DEPTHS = [8, 10, 12, 14, 16] as const;

/**
 * The real bit depth of one band: the smallest sensor depth that holds its largest sample. A 14-bit thermal core
 * right-aligned in 16 bits is 14 (read as 16 it would be a flat dark frame); MicaSense's 12 bits left-aligned in 16
 * fill the container and are 16.
 */
export function realBitDepth(max: number): number {
  return SENSOR_DEPTHS.find((d) => max < 2 ** d) ?? 16;
}

/**
 * Single-channel 16-bit images (multispectral bands, radiometric thermal TIFFs) read at their real bit depth and
 * scaled to 8-bit gray by the same rule for every band: v >> (depth - 8), no stretching, so exposure and
 * sharpness figures of the bands of one capture stay comparable. A full 16-bit band gives exactly OpenCV's
 * imdecode reduction (v >> 8); a 14-bit thermal frame reads as it would left-aligned in 16 bits instead of
 * as a nearly black, textureless image. Null for anything else.
 */
export async function decodeSensorBand(bytes: Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<(DecodedPhoto & { bitDepth: number }) | null> {
  let data: Buffer;
  let info: OutputInfo;
  try {
    const image = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' });
    const meta = await image.metadata();
    if (meta.channels !== 1 || meta.depth !== 'ushort') return null;
    ({ data, info } = await image.rotate().toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw unreadable(err);
  }
  const { width, height } = info;
  const n = width * height;
  const px16 = new Uint16Array(data.buffer, data.byteOffset, n);
  let max = 0;
  for (let i = 0; i < n; i++) if (px16[i]! > max) max = px16[i]!;
  const bitDepth = realBitDepth(max);
  const shift = bitDepth - 8;
  const gray = new Uint8Array(n);
  for (let i = 0; i < n; i++) gray[i] = px16[i]! >> shift;
  return { gray, width, height, colour: colourStats(gray, width, height, 1, COLOUR_STEP), preview: { data: gray, width, height, channels: 1 }, bitDepth };
}
