/** Capture timestamps as cameras write them, and the rule for when one is unambiguously UTC. */

/**
 * The capture instant in UTC when the photo states it without guessing: GPS time (GPSDateTime, or GPSDateStamp +
 * GPSTimeStamp), the normalised UTC time (set by metadata only when the zone is known), or DateTimeOriginal with
 * OffsetTimeOriginal. A camera clock without a zone gives null: the time zone is never guessed from longitude, since
 * a wrong guess would reject good midday photos.
 */
export function unambiguousUtc(capturedAt: string | null, tag: (name: string) => unknown): Date | null {
  return (
    readTimestamp(tag('gpsTimeUtc'), 'Z') ??
    readTimestamp(tag('GPSDateTime'), 'Z') ??
    readTimestamp(joinGpsDateTime(tag('GPSDateStamp'), tag('GPSTimeStamp')), 'Z') ??
    readTimestamp(capturedAt, 'Z') ??
    readTimestamp(cameraClockText(tag('DateTimeOriginal')), offsetOf(tag('OffsetTimeOriginal')))
  );
}

/**
 * EXIF "YYYY:MM:DD HH:MM:SS[.fff]" or ISO "YYYY-MM-DDTHH:MM:SS[.fff]" read in `zone`; a Z or offset written in the value
 * wins. Values already normalised to UTC (gpsTimeUtc, captured_at) are read with zone Z.
 */
export function readTimestamp(value: unknown, zone: string | null): Date | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!m) return null;
  const ownZone = m[7] ? offsetOf(m[7]) : null;
  const z = ownZone ?? zone;
  if (z === null) return null;
  const seconds = Number(m[6]);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]!.padStart(2, '0')}:${m[5]}:${String(Math.floor(seconds)).padStart(2, '0')}${z}`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return new Date(d.getTime() + Math.round((seconds % 1) * 1000));
}

/**
 * DateTimeOriginal only as the camera wrote it ("YYYY:MM:DD HH:MM:SS", no zone): a value that went through a JS Date
 * was already shifted by the reading machine's zone and cannot be trusted.
 */
function cameraClockText(value: unknown): string | null {
  return typeof value === 'string' && /^\d{4}:\d{2}:\d{2} \d{1,2}:\d{2}:\d{2}(\.\d+)?$/.test(value.trim()) ? value : null;
}

/** "+05:45" / "-0300" / "Z" as an ISO zone suffix, or null. */
function offsetOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s.toUpperCase() === 'Z') return 'Z';
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(s);
  return m ? `${m[1]}${m[2]}:${m[3]}` : null;
}

/** GPSDateStamp "2024:06:15" with GPSTimeStamp "14:30:22.5" or exifr's [14, 30, 22.5]. */
function joinGpsDateTime(date: unknown, time: unknown): string | null {
  if (typeof date !== 'string') return null;
  let t: string | null = null;
  if (typeof time === 'string') t = time.trim();
  else if (Array.isArray(time) && time.length === 3 && time.every((x) => typeof x === 'number')) {
    t = (time as number[]).map((x) => (x < 10 ? `0${x}` : String(x))).join(':');
  }
  return t === null ? null : `${date.trim()} ${t}`;
}
