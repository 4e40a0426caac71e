import { firstOf, tag, toNumber, toText, type TagGroups } from './metadata-values.ts';

export interface CaptureTime {
  /** ISO 8601 UTC, only when the photo itself says which zone its clock was in (never guessed). */
  capturedAt: string | null;
  /** The camera's wall-clock time as written, normalised to `YYYY-MM-DDTHH:MM:SS[.fff]` with no zone. */
  capturedLocal: string | null;
  /** The UTC offset used for `capturedAt` ("+02:00", "Z"), when there was one. */
  captureOffset: string | null;
  /** ISO 8601 UTC from the GPS receiver's own clock (GPSDateStamp + GPSTimeStamp), when both are present. */
  gpsTimeUtc: string | null;
}

interface ParsedStamp {
  local: string;
  offset: string | null;
}

const OFFSET = /^(Z|[+-](?:0\d|1[0-4]):?[0-5]\d)$/;

/**
 * Parses EXIF "YYYY:MM:DD HH:MM:SS" or XMP "YYYY-MM-DDTHH:MM:SS(.fff)(Z|±HH:MM)". All-zero or impossible dates
 * (cameras that never had their clock set write "0000:00:00 00:00:00") give null.
 */
export function parseStamp(value: unknown, subSeconds?: unknown): ParsedStamp | null {
  const text = toText(value);
  if (!text) return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac, zone] = m;
  const digits = (frac ?? toText(subSeconds)?.replace(/\D/g, '') ?? '').slice(0, 3);
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}${digits ? `.${digits.padEnd(3, '0')}` : ''}`;
  if (!isRealDate(local)) return null;
  return { local, offset: zone ? normaliseOffset(zone) : null };
}

function isRealDate(local: string): boolean {
  const asUtc = new Date(`${local}Z`);
  // Round-trips only when every field was in range (Date would roll 2021-02-30 over to March).
  return !Number.isNaN(asUtc.getTime()) && asUtc.toISOString().slice(0, 19) === local.slice(0, 19) && asUtc.getUTCFullYear() > 1900;
}

function normaliseOffset(raw: string): string | null {
  const text = raw.trim();
  if (!OFFSET.test(text)) return null;
  return text === 'Z' || text.includes(':') ? text : `${text.slice(0, 3)}:${text.slice(3)}`;
}

function toUtcIso(local: string, offset: string): string {
  return new Date(`${local}${offset}`).toISOString();
}

/** GPS date and time from the GPS block, or from XMP's exif:GPSTimeStamp (a full date-time there). */
function readGpsTime(groups: TagGroups): string | null {
  const date = /^(\d{4})[:-](\d{2})[:-](\d{2})$/.exec(toText(tag(groups, 'gps', 'GPSDateStamp')) ?? '');
  const time = tag(groups, 'gps', 'GPSTimeStamp');
  const hms = Array.isArray(time) ? time.map(toNumber) : (toText(time)?.split(':').map(toNumber) ?? []);
  if (date && hms.length === 3 && hms.every((n) => n !== null)) {
    const [h, m, s] = hms;
    const totalMs = Math.round(s! * 1000);
    const whole = Math.floor(totalMs / 1000);
    const ms = totalMs % 1000;
    const local = `${date[1]}-${date[2]}-${date[3]}T${pad(h!)}:${pad(m!)}:${pad(whole)}.${String(ms).padStart(3, '0')}`;
    if (isRealDate(local)) return toUtcIso(local, 'Z');
  }
  const xmp = parseStamp(tag(groups, 'exif', 'GPSTimeStamp'));
  return xmp?.offset ? toUtcIso(xmp.local, xmp.offset) : null;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Capture time. The zone comes only from the photo: OffsetTimeOriginal, then OffsetTime, then a zone written into
 * the date itself (XMP), then DJI's drone-dji:UTCAtExposure (which is UTC by definition).
 */
export function readCaptureTime(groups: TagGroups): CaptureTime {
  const exif = (name: string) => tag(groups, 'exif', name);
  const original = parseStamp(exif('DateTimeOriginal'), exif('SubSecTimeOriginal'));
  const declared = firstOf(
    normaliseOffset(toText(exif('OffsetTimeOriginal')) ?? ''),
    normaliseOffset(toText(exif('OffsetTime')) ?? ''),
    normaliseOffset(toText(tag(groups, 'ifd0', 'OffsetTime')) ?? ''),
  );
  const offset = original ? firstOf(declared, original.offset) : null;
  let capturedAt = original && offset ? toUtcIso(original.local, offset) : null;
  if (!capturedAt) {
    const utc = parseStamp(tag(groups, 'drone-dji', 'UTCAtExposure'));
    if (utc) capturedAt = toUtcIso(utc.local, utc.offset ?? 'Z');
  }
  return {
    capturedAt,
    capturedLocal: original?.local ?? null,
    captureOffset: offset,
    gpsTimeUtc: readGpsTime(groups),
  };
}

/**
 * The capture instant when the photo stated it without guessing, from the columns ingest wrote: the GPS receiver's
 * clock (`gps_time_utc`), else the camera time with its declared zone (`captured_at`). A camera clock without a zone
 * gives null: the zone is never guessed from longitude, since a wrong guess would reject good midday photos.
 */
export function statedUtc(photo: { gps_time_utc: string | null; captured_at: string | null }): Date | null {
  return instant(photo.gps_time_utc) ?? instant(photo.captured_at);
}

/**
 * Seconds on one clock from a normalised capture time: `captured_at` (ISO UTC) or `captured_local` (the camera's wall
 * clock, zoneless, read as if UTC: only differences between photos of one camera matter).
 */
export function clockSeconds(normalised: string | null): number | null {
  if (normalised === null) return null;
  const d = instant(/(Z|[+-]\d{2}:\d{2})$/.test(normalised) ? normalised : `${normalised}Z`);
  return d === null ? null : d.getTime() / 1000;
}

function instant(iso: string | null): Date | null {
  if (iso === null) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The shape `capturedLocal` is written in (parseStamp): older rows may hold the camera's text as read. */
export const NORMALISED_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?$/;
