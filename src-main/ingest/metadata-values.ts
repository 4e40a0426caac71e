/**
 * Coercion of the loosely typed values exifr hands back (numbers, "+0.00" strings, "0/100" rationals, byte arrays)
 * and the JSON-safe copy of a whole parse kept as `raw`.
 */

/** The parse exifr returns with `mergeOutput: false`: one object per IFD or XMP namespace prefix. */
export type TagGroups = Record<string, Record<string, unknown>>;

/** A tag's value from one group (`ifd0`, `exif`, `gps`, `drone-dji`, `Camera`, ...), or undefined. */
export function tag(groups: TagGroups, group: string, name: string): unknown {
  return groups[group]?.[name];
}

/** A finite number from a number, a numeric string ("+1.80"), a rational string ("119599/3239") or a 1-array. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value) && value.length === 1) return toNumber(value[0]);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const rational = /^([-+]?\d+(?:\.\d+)?)\s*\/\s*([-+]?\d+(?:\.\d+)?)$/.exec(text);
  if (rational) {
    const den = Number(rational[2]);
    return den === 0 ? null : Number(rational[1]) / den;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** A trimmed, NUL-free string, or null when empty or not text. */
export function toText(value: unknown): string | null {
  let text: string | null = null;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (value instanceof Uint8Array) text = Buffer.from(value).toString('latin1');
  if (text === null) return null;
  const clean = text.replace(/\0/g, '').trim();
  return clean.length > 0 ? clean : null;
}

/**
 * The photo had readable camera metadata: at least one tag group (IFD or XMP namespace), a parse error aside. The one
 * rule for the `exif` finding: ingest applies it to the parse, classification reads the `images.tags_read` it wrote.
 */
export function cameraTagsRead(groups: unknown): boolean {
  if (groups === null || typeof groups !== 'object' || Array.isArray(groups)) return false;
  return Object.keys(groups).some((k) => k !== 'parseError');
}

/** The first value that is not null. */
export function firstOf<T>(...values: (T | null)[]): T | null {
  for (const v of values) if (v !== null) return v;
  return null;
}

/**
 * EXIF UserComment: 8 bytes naming the character code, then the text. exifr leaves it as bytes when values are not
 * revived; some drones store a JSON object there.
 */
export function decodeUserComment(value: unknown): string | null {
  if (typeof value === 'string') return toText(value);
  if (!(value instanceof Uint8Array) || value.length <= 8) return null;
  const bytes = Buffer.from(value);
  const code = bytes.subarray(0, 8).toString('latin1').replace(/\0/g, '').trim().toUpperCase();
  const body = bytes.subarray(8);
  return toText(code === 'UNICODE' ? decodeUtf16(body) : body.toString('utf8'));
}

function decodeUtf16(body: Buffer): string {
  // No byte-order mark is required; a leading zero byte means big-endian text.
  if (body.length >= 2 && body[0] === 0 && body[1] !== 0) {
    const swapped = Buffer.from(body);
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return body.subarray(0, body.length - (body.length % 2)).toString('utf16le');
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Byte runs up to this length are kept as number arrays (version ids, refs); longer ones are summarised. */
const SMALL_BYTES = 16;
/** Long strings (embedded IMU blobs, base64 previews) are cut so one row stays small. */
const LONG_TEXT = 2000;

/** A JSON-safe copy: Dates become ISO strings, byte arrays small lists or a size note, NaN null. */
export function toJsonSafe(value: unknown, depth = 0): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const clean = value.replace(/\0/g, '');
    return clean.length > LONG_TEXT ? `${clean.slice(0, LONG_TEXT)}… (${clean.length} characters)` : clean;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as ArrayLike<number>;
    return view.length <= SMALL_BYTES && !(value instanceof DataView) ? Array.from(view, Number) : `<${value.byteLength} bytes>`;
  }
  if (depth > 8) return null;
  if (Array.isArray(value)) return value.map((v) => toJsonSafe(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') out[k] = toJsonSafe(v, depth + 1);
    return out;
  }
  return null;
}
