import exifr from 'exifr';
import sharp, { type Metadata as SharpMetadata } from 'sharp';
import { readAttitude, type AircraftSource, type Attitude, type CameraPitchSource, type GimbalSource } from './metadata-attitude.ts';
import { readSensor, type SensorInfo } from './metadata-capture.ts';
import { readPosition, type PositionSource } from './metadata-gps.ts';
import { readCaptureTime, type CaptureTime } from './metadata-time.ts';
import { cameraTagsRead, firstOf, tag, toJsonSafe, toNumber, toText, type Json, type TagGroups } from './metadata-values.ts';

export type { AircraftSource, Attitude, CameraPitchSource, GimbalSource } from './metadata-attitude.ts';
export type { PositionSource } from './metadata-gps.ts';
export type { SensorInfo, SensorKind } from './metadata-capture.ts';

/** `exif`: no or unreadable metadata; `gps`: no or impossible position; `corrupt`: not a readable image. */
export type MetadataProblemCode = 'exif' | 'gps' | 'corrupt';

export interface MetadataProblem {
  code: MetadataProblemCode;
  message: string;
}

export interface RtkInfo {
  /** DJI's RTK solution flag (50 = fixed, 34 = float, 16 = single point, 0 = none). */
  flag: number | null;
  stdLon: number | null;
  stdLat: number | null;
  stdHgt: number | null;
}

export interface FlightSpeed {
  xMps: number;
  yMps: number;
}

/** One photo's metadata, normalised. JSON-serialisable; every field is null when the photo does not say. */
export interface PhotoMetadata extends CaptureTime {
  lat: number | null;
  lon: number | null;
  /** Metres above sea level. */
  alt: number | null;
  /** Metres above the take-off point (DJI RelativeAltitude). */
  relAlt: number | null;
  positionSource: PositionSource | null;
  /** Gimbal convention: pitch -90 = nadir. Only from tags that mean a gimbal. */
  gimbal: Attitude<GimbalSource> | null;
  /** Airframe (or fixed camera body) attitude: pitch ~0 when level. */
  aircraft: Attitude<AircraftSource> | null;
  cameraPitchSource: CameraPitchSource;
  rtk: RtkInfo | null;
  /** The aircraft's velocity when the photo was taken (DJI FlightXSpeed/FlightYSpeed: north and east, m/s). */
  speed: FlightSpeed | null;
  make: string | null;
  model: string | null;
  serial: string | null;
  focalMm: number | null;
  focal35Mm: number | null;
  /** Pixel size as stored (before EXIF orientation), from the image data itself when it can be read. */
  width: number | null;
  height: number | null;
  /** EXIF orientation 1-8. */
  orientation: number | null;
  format: string | null;
  bitsPerSample: number | null;
  iso: number | null;
  exposureS: number | null;
  /** Which sensor of the payload wrote the file (band or stream) and the capture (trigger) it belongs to. */
  sensor: SensorInfo;
  /** Every tag exifr read, grouped by IFD / XMP namespace, made JSON-safe. */
  raw: Json;
}

export interface MetadataResult {
  metadata: PhotoMetadata;
  problems: MetadataProblem[];
}

interface PixelFacts {
  format: string | null;
  width: number | null;
  height: number | null;
  bitsPerSample: number | null;
  orientation: number | null;
}

const EXIFR_OPTIONS = {
  tiff: true,
  ifd1: false,
  exif: true,
  gps: true,
  interop: false,
  xmp: true,
  multiSegment: true,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: true,
  makerNote: false,
  userComment: true,
  // Grouped output keeps namespaces apart (drone-dji vs Camera vs DLS), raw values keep the camera's own text.
  mergeOutput: false,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
} as const;

const BITS: Record<string, number> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, complex: 64, double: 64 };

/**
 * Reads everything the later steps need from one photo's bytes. Never throws for bad input: a file that is empty,
 * not an image, truncated or without metadata gets a record of what could be read plus problems saying why.
 */
export async function readPhotoMetadata(bytes: Buffer, fileName: string): Promise<MetadataResult> {
  if (bytes.length === 0) {
    return {
      metadata: buildMetadata(emptyFacts(), { groups: {}, error: null }),
      problems: [{ code: 'corrupt', message: `${fileName} is empty (0 bytes): the file was never written completely. Copy it again from the card.` }],
    };
  }
  const pixels = await inspectPixels(bytes, fileName);
  const tags = await parseTags(bytes);
  const metadata = buildMetadata(pixels.facts, tags);
  const problems: MetadataProblem[] = pixels.problem ? [pixels.problem] : [];
  // Metadata problems mean nothing for a file that is not an image at all.
  if (pixels.recognised) problems.push(...metadataProblems(tags, metadata, fileName));
  return { metadata, problems };
}

interface ParsedTags {
  groups: TagGroups;
  error: string | null;
}

function buildMetadata(pixels: PixelFacts, { groups, error }: ParsedTags): PhotoMetadata {
  const exif = (name: string) => tag(groups, 'exif', name);
  const dji = (name: string) => tag(groups, 'drone-dji', name);
  const text = (group: string, name: string) => toText(tag(groups, group, name));
  const position = readPosition(groups);
  const rtk = {
    flag: toNumber(dji('RtkFlag')),
    stdLon: toNumber(dji('RtkStdLon')),
    stdLat: toNumber(dji('RtkStdLat')),
    stdHgt: toNumber(dji('RtkStdHgt')),
  };
  const time = readCaptureTime(groups);
  const speedX = toNumber(dji('FlightXSpeed'));
  const speedY = toNumber(dji('FlightYSpeed'));
  const model = firstOf(text('ifd0', 'Model'), text('tiff', 'Model'), text('ihdr', 'Model'));
  const serial = firstOf(
    text('exif', 'BodySerialNumber'),
    text('exif', 'SerialNumber'),
    text('ifd0', 'CameraSerialNumber'),
    text('drone-dji', 'DroneSerialNumber'),
    text('drone-dji', 'CameraSerialNumber'),
  );
  const lat = position.ok ? position.position.lat : null;
  const lon = position.ok ? position.position.lon : null;
  return {
    ...time,
    lat,
    lon,
    alt: position.ok ? position.position.alt : null,
    relAlt: toNumber(dji('RelativeAltitude')),
    positionSource: position.ok ? position.position.source : null,
    ...readAttitude(groups),
    rtk: Object.values(rtk).some((v) => v !== null) ? rtk : null,
    speed: speedX !== null && speedY !== null ? { xMps: speedX, yMps: speedY } : null,
    make: firstOf(text('ifd0', 'Make'), text('tiff', 'Make'), text('ihdr', 'Make')),
    model,
    serial,
    focalMm: toNumber(exif('FocalLength')),
    focal35Mm: toNumber(exif('FocalLengthIn35mmFormat')),
    width: firstOf(pixels.width, toNumber(exif('ExifImageWidth')), toNumber(tag(groups, 'ifd0', 'ImageWidth'))),
    height: firstOf(pixels.height, toNumber(exif('ExifImageHeight')), toNumber(tag(groups, 'ifd0', 'ImageHeight'))),
    orientation: firstOf(pixels.orientation, toNumber(tag(groups, 'ifd0', 'Orientation'))),
    format: pixels.format,
    bitsPerSample: pixels.bitsPerSample,
    iso: firstOf(firstNumber(exif('ISO')), firstNumber(exif('ISOSpeed')), firstNumber(exif('RecommendedExposureIndex'))),
    exposureS: toNumber(exif('ExposureTime')),
    sensor: readSensor(groups, { model, serial, capturedLocal: time.capturedLocal, lat, lon }),
    raw: toJsonSafe(error ? { ...groups, parseError: error } : groups),
  };
}

/** ISO can be written as a list (e.g. [100, 0]); the first entry is the speed. */
function firstNumber(value: unknown): number | null {
  return toNumber(Array.isArray(value) ? value[0] : value);
}

function emptyFacts(): PixelFacts {
  return { format: null, width: null, height: null, bitsPerSample: null, orientation: null };
}

async function inspectPixels(
  bytes: Buffer,
  fileName: string,
): Promise<{ facts: PixelFacts; recognised: boolean; problem: MetadataProblem | null }> {
  // A baseline or progressive 8-bit JPEG (every drone photo) is described by its frame header, read here in
  // microseconds; sharp's metadata() parses the whole header again in libvips (~3 ms a photo). Anything else, or a
  // JPEG whose markers do not lead to a frame header, goes to sharp, which also words what is wrong with it.
  const frame = jpegFrame(bytes);
  if (frame && endsWithJpegEnd(bytes)) {
    return { facts: { format: 'jpeg', width: frame.width, height: frame.height, bitsPerSample: 8, orientation: null }, recognised: true, problem: null };
  }
  let info: SharpMetadata;
  try {
    info = await sharp(bytes).metadata();
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return {
      facts: emptyFacts(),
      recognised: false,
      problem: { code: 'corrupt', message: `${fileName} is not a readable image (${why}). It may be damaged or not a photo at all.` },
    };
  }
  const facts: PixelFacts = {
    format: info.format ?? null,
    width: info.width ?? null,
    height: info.height ?? null,
    bitsPerSample: BITS[info.depth ?? ''] ?? null,
    orientation: info.orientation ?? null,
  };
  // A JPEG that ends with its end-of-image marker is whole; anything else is decoded to be sure.
  if (info.format === 'jpeg' && endsWithJpegEnd(bytes)) return { facts, recognised: true, problem: null };
  try {
    await sharp(bytes, { failOn: 'truncated' }).resize(256, 256, { fit: 'inside' }).raw().toBuffer();
    return { facts, recognised: true, problem: null };
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return {
      facts,
      recognised: true,
      problem: {
        code: 'corrupt',
        message: `${fileName} is damaged: its image data stops early or cannot be decoded (${why}). The copy may be incomplete or the card faulty.`,
      },
    };
  }
}

/**
 * The frame header (SOF) of an 8-bit JPEG with 1 or 3 components, found by walking the marker segments from the
 * start; null when the bytes are not such a JPEG or the walk goes wrong (sharp then looks at the file). The EXIF
 * orientation is not here: it comes from the tags (ifd0 Orientation).
 */
export function jpegFrame(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame header
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2) return null;
    // SOF0-3, 5-7, 9-11, 13-15 (C4 is DHT, C8 is reserved, CC is DAC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 10 > bytes.length || length < 8) return null;
      const precision = bytes[i + 4]!;
      const height = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      const width = (bytes[i + 7]! << 8) | bytes[i + 8]!;
      const components = bytes[i + 9]!;
      // Lossless (C3, CB) and hierarchical (C5-C7, CD-CF) frames, other depths and component counts: sharp decides.
      const plain = marker === 0xc0 || marker === 0xc1 || marker === 0xc2 || marker === 0xc9 || marker === 0xca;
      return plain && precision === 8 && width > 0 && height > 0 && (components === 1 || components === 3) ? { width, height } : null;
    }
    i += 2 + length;
  }
  return null;
}

function endsWithJpegEnd(bytes: Buffer): boolean {
  let end = bytes.length;
  // Some cameras pad after the end-of-image marker.
  while (end > 2 && (bytes[end - 1] === 0x00 || (bytes[end - 1] === 0xff && bytes[end - 2] === 0xff))) end--;
  return bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

async function parseTags(bytes: Buffer): Promise<ParsedTags> {
  try {
    const out: unknown = await exifr.parse(bytes, EXIFR_OPTIONS);
    if (!out || typeof out !== 'object') return { groups: {}, error: null };
    const groups: TagGroups = {};
    let error: string | null = null;
    for (const [key, value] of Object.entries(out)) {
      if (key === 'errors') error = (value as unknown[]).map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
      else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) groups[key] = value as Record<string, unknown>;
      else groups[key] = { value };
    }
    return { groups, error };
  } catch (err) {
    return { groups: {}, error: err instanceof Error ? err.message : String(err) };
  }
}

function metadataProblems(tags: ParsedTags, metadata: PhotoMetadata, fileName: string): MetadataProblem[] {
  const problems: MetadataProblem[] = [];
  if (!cameraTagsRead(tags.groups)) {
    problems.push({
      code: 'exif',
      message: tags.error
        ? `The metadata of ${fileName} is damaged and could not be read (${tags.error}).`
        : `${fileName} has no EXIF metadata: its capture time, camera and position are unknown.`,
    });
  } else if (!metadata.capturedLocal) {
    problems.push({ code: 'exif', message: `${fileName} has no capture time (EXIF DateTimeOriginal is missing or invalid).` });
  }
  if (metadata.lat !== null) return problems;
  const position = readPosition(tags.groups);
  problems.push({
    code: 'gps',
    message:
      !position.ok && position.reason === 'invalid'
        ? `${fileName} has an impossible GPS position (lat ${position.lat}, lon ${position.lon}): out of range, or 0,0 written without a fix.`
        : `${fileName} has no GPS position, so it cannot be placed on the map or matched to a task.`,
  });
  return problems;
}
