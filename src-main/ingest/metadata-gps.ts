import { firstOf, tag, toNumber, toText, type TagGroups } from './metadata-values.ts';

export type PositionSource = 'exif-gps' | 'xmp-exif' | 'xmp-drone-dji';

export interface Position {
  lat: number;
  lon: number;
  /** Metres above sea level (GPS altitude signed by its ref), when known. */
  alt: number | null;
  source: PositionSource;
}

/** Where the photo was taken, or why that is not known. */
export type PositionReading =
  | { ok: true; position: Position }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'invalid'; lat: number | null; lon: number | null; source: PositionSource };

/**
 * Degrees from any of the shapes cameras write: a number, [deg, min, sec], or text such as "45.0315",
 * "8 deg 17' 42.56\" S", "46°50'33.4\"N" or XMP's "23,55.194960N". A S/W hemisphere (in the text or `ref`)
 * makes it negative.
 */
export function parseCoordinate(value: unknown, ref?: unknown): number | null {
  let degrees: number | null = null;
  let hemisphere = toText(ref)?.charAt(0).toUpperCase() ?? '';
  if (typeof value === 'number') degrees = Number.isFinite(value) ? value : null;
  else if (Array.isArray(value) || value instanceof Float64Array || value instanceof Float32Array) {
    degrees = fromParts(Array.from(value as ArrayLike<unknown>, toNumber));
  } else if (typeof value === 'string') {
    const text = value.trim();
    const letter = /([NSEW])\s*$/i.exec(text) ?? /^\s*([NSEW])/i.exec(text);
    if (letter) hemisphere = letter[1]!.toUpperCase();
    const parts = text.match(/[-+]?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
    degrees = parts.length > 0 && parts.length <= 3 ? fromParts(parts) : null;
  }
  if (degrees === null) return null;
  return hemisphere === 'S' || hemisphere === 'W' ? -Math.abs(degrees) : degrees;
}

function fromParts(parts: (number | null)[]): number | null {
  if (parts.length === 0 || parts.length > 3 || parts.some((p) => p === null)) return null;
  const [d, m = 0, s = 0] = parts as number[];
  const magnitude = Math.abs(d!) + m / 60 + s / 3600;
  return d! < 0 || Object.is(d, -0) ? -magnitude : magnitude;
}

/** GPS altitude is unsigned; its ref (1) says below sea level. The ref arrives as a number or a 1-byte array. */
function signedAltitude(value: unknown, ref: unknown): number | null {
  const alt = toNumber(value);
  if (alt === null) return null;
  const below = ref instanceof Uint8Array ? ref[0] === 1 : toNumber(ref) === 1;
  return below ? -Math.abs(alt) : alt;
}

export function isValidPosition(lat: number, lon: number): boolean {
  const inRange = Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  // Receivers without a fix write 0,0; no survey is flown at that point in the Gulf of Guinea.
  const nullIsland = Math.abs(lat) < 1e-7 && Math.abs(lon) < 1e-7;
  return inRange && !nullIsland;
}

interface Candidate {
  lat: number | null;
  lon: number | null;
  alt: number | null;
  source: PositionSource;
}

/**
 * The photo's position: the EXIF GPS block first, then XMP (exif namespace text, then DJI's drone-dji tags, which
 * some firmware spells "GpsLongtitude"). The first valid pair wins; a present but impossible pair is reported.
 */
export function readPosition(groups: TagGroups): PositionReading {
  const dji = (name: string) => tag(groups, 'drone-dji', name);
  const xmpExif = (name: string) => {
    // The XMP exif namespace shares the `exif` group with the EXIF IFD; only XMP writes GPS there, as text.
    const v = tag(groups, 'exif', name);
    return typeof v === 'string' ? v : undefined;
  };
  const candidates: Candidate[] = [
    {
      lat: parseCoordinate(tag(groups, 'gps', 'GPSLatitude'), tag(groups, 'gps', 'GPSLatitudeRef')),
      lon: parseCoordinate(tag(groups, 'gps', 'GPSLongitude'), tag(groups, 'gps', 'GPSLongitudeRef')),
      alt: signedAltitude(tag(groups, 'gps', 'GPSAltitude'), tag(groups, 'gps', 'GPSAltitudeRef')),
      source: 'exif-gps',
    },
    {
      lat: parseCoordinate(xmpExif('GPSLatitude')),
      lon: parseCoordinate(xmpExif('GPSLongitude')),
      alt: signedAltitude(tag(groups, 'exif', 'GPSAltitude'), tag(groups, 'exif', 'GPSAltitudeRef')),
      source: 'xmp-exif',
    },
    {
      lat: parseCoordinate(firstOf(toText(dji('GpsLatitude')), toText(dji('GPSLatitude')))),
      lon: parseCoordinate(firstOf(toText(dji('GpsLongitude')), toText(dji('GpsLongtitude')), toText(dji('GPSLongitude')))),
      alt: toNumber(dji('AbsoluteAltitude')),
      source: 'xmp-drone-dji',
    },
  ];
  const present = candidates.filter((c) => c.lat !== null || c.lon !== null);
  const valid = present.find((c) => c.lat !== null && c.lon !== null && isValidPosition(c.lat, c.lon));
  if (valid) return { ok: true, position: { lat: valid.lat!, lon: valid.lon!, alt: valid.alt, source: valid.source } };
  const first = present[0];
  if (!first) return { ok: false, reason: 'missing' };
  return { ok: false, reason: 'invalid', lat: first.lat, lon: first.lon, source: first.source };
}
