import { describe, expect, it } from 'vitest';
import { checkPhoto } from '../../src-main/classify/checks.ts';
import { deriveStatus } from '../../src-main/classify/status.ts';
import { solarElevationDeg } from '../../src-main/classify/sun.ts';
import { DEFAULT_CLASSIFY_THRESHOLDS as T } from '../../src-main/classify/thresholds.ts';
import { readPosition } from '../../src-main/ingest/metadata-gps.ts';
import { readCaptureTime, statedUtc } from '../../src-main/ingest/metadata-time.ts';
import { DEFAULT_THRESHOLDS as Q } from '../../src-main/quality/metrics.ts';
import type { ColourStats, QualityMetrics } from '../../src-main/quality/types.ts';

const LAND: ColourStats = { meanHue: 60, meanSat: 80, meanVal: 120, blueRatio: 0.05, warmRatio: 0.2, greenRatio: 0.5, samples: 1000 };
const WATER: ColourStats = { ...LAND, meanHue: 105, blueRatio: 0.7, greenRatio: 0.1 };

function metrics(o: { cells?: number | number[]; colour?: ColourStats; blurEffect?: number; mean?: number; std?: number } = {}): Partial<QualityMetrics> {
  const mean = o.mean ?? 120;
  const std = o.std ?? 45;
  return {
    gridVariances: Array.isArray(o.cells) ? o.cells : Array(16).fill(o.cells ?? 400),
    colour: o.colour ?? LAND,
    blurEffect: o.blurEffect ?? 0.2,
    mean,
    std,
    p5: Math.max(0, mean - 2 * std),
    p95: Math.min(255, mean + 2 * std),
    fracDark: mean < 20 ? 0.95 : 0.01,
    fracBright: mean > 235 ? 0.95 : 0.01,
  };
}

// Kathmandu, midsummer, local noon (+05:45) = 06:15 UTC: the camera's tags, and the columns ingest writes from them.
const NOON = { DateTimeOriginal: '2024:06:21 12:00:00', OffsetTimeOriginal: '+05:45' };
const NOON_UTC = readCaptureTime({ exif: NOON }).capturedAt;

/** A photo as classification reads it: only the normalised columns ingest wrote, never the raw EXIF. */
function photo(o: Partial<Parameters<typeof checkPhoto>[0]> = {}) {
  return {
    id: 1,
    file_name: 'DJI_0001.JPG',
    tags_read: 1,
    lat: 27.7172,
    lon: 85.324,
    captured_at: NOON_UTC,
    gps_time_utc: null,
    gimbal_pitch: -90,
    metrics_json: JSON.stringify(metrics()),
    ...o,
  };
}

const codes = (p: ReturnType<typeof photo>) => checkPhoto(p, T, Q).reasons.map((r) => r.code);

describe('per-photo checks', () => {
  it('passes a good photo', () => {
    expect(checkPhoto(photo(), T, Q)).toEqual({ reasons: [], position: { lat: 27.7172, lon: 85.324 } });
  });

  it('reports every failure in DroneTM order: exif, gps, gimbal, blur, black', () => {
    const p = photo({
      tags_read: 0,
      lat: null,
      lon: null,
      gimbal_pitch: 0,
      metrics_json: JSON.stringify(metrics({ cells: 10, blurEffect: 0.9, mean: 5, std: 2 })),
    });
    expect(codes(p)).toEqual(['exif', 'gps', 'gimbal', 'blur', 'black']);
  });

  it('places a photo whose EXIF position is DMS text (DroneTM case): ingest normalises it, classification reads the columns', () => {
    const read = readPosition({ gps: { GPSLatitude: `8 deg 17' 58.73" S`, GPSLongitude: `115 deg 5' 40.2" E` } });
    if (!read.ok) throw new Error('DMS text was not read');
    const { position, reasons } = checkPhoto(photo({ lat: read.position.lat, lon: read.position.lon }), T, Q);
    expect(reasons).toEqual([]);
    expect(position!.lat).toBeCloseTo(-(8 + 17 / 60 + 58.73 / 3600), 9);
    expect(position!.lon).toBeCloseTo(115 + 5 / 60 + 40.2 / 3600, 9);
  });

  it('rejects a position out of range (DroneTM case lat 250, lon 325)', () => {
    const { reasons, position } = checkPhoto(photo({ lat: 250, lon: 325 }), T, Q);
    expect(position).toBeNull();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]!.code).toBe('gps');
    expect(reasons[0]!.message).toContain('lat 250, lon 325');
  });

  it('gimbal: -20 passes, -19 is rejected, a missing pitch skips the check', () => {
    expect(codes(photo({ gimbal_pitch: -20 }))).toEqual([]);
    expect(codes(photo({ gimbal_pitch: -19 }))).toEqual(['gimbal']);
    expect(codes(photo({ gimbal_pitch: null }))).toEqual([]);
  });

  it('blur: a low score on land is blurry; on water it is excused only while the blur effect says sharp', () => {
    // A few textured cells (>= 30) keep the colour from calling it muddy water: land, score 50.
    const soft = [...Array(6).fill(50), ...Array(10).fill(10)];
    expect(codes(photo({ metrics_json: JSON.stringify(metrics({ cells: soft })) }))).toEqual(['blur']);
    expect(codes(photo({ metrics_json: JSON.stringify(metrics({ cells: 10, colour: WATER, blurEffect: 0.2 })) }))).toEqual([]);
    expect(codes(photo({ metrics_json: JSON.stringify(metrics({ cells: 10, colour: WATER, blurEffect: 0.8 })) }))).toEqual(['blur']);
  });

  it('exposure: a lens-cap frame is black, a blown-out one white', () => {
    expect(codes(photo({ metrics_json: JSON.stringify(metrics({ mean: 8, std: 3 })) }))).toEqual(['black']);
    expect(codes(photo({ metrics_json: JSON.stringify(metrics({ mean: 245, std: 4 })) }))).toEqual(['white']);
  });

  it('sun: rejected below 10 degrees only when the UTC time is stated', () => {
    // Reykjavik, 21 December, 11:30 UTC: the sun barely clears the horizon.
    const reykjavik = { lat: 64.1466, lon: -21.9426 };
    const gpsTime = readCaptureTime({ gps: { GPSDateStamp: '2024:12:21', GPSTimeStamp: [11, 30, 0] } }).gpsTimeUtc;
    expect(codes(photo({ ...reykjavik, captured_at: null, gps_time_utc: gpsTime }))).toEqual(['sun']);
    // The same photo with only a zoneless camera clock: never guessed, so no sun check.
    const zoneless = readCaptureTime({ exif: { DateTimeOriginal: '2024:12:21 11:30:00' } });
    expect(codes(photo({ ...reykjavik, captured_at: zoneless.capturedAt, gps_time_utc: zoneless.gpsTimeUtc }))).toEqual([]);
    // Midday in Kathmandu passes.
    expect(codes(photo())).toEqual([]);
  });
});

describe('sun elevation', () => {
  it('matches DroneTM: Kathmandu 2024-06-21 06:15Z is about 85.6 degrees', () => {
    expect(solarElevationDeg(27.7172, 85.324, new Date('2024-06-21T06:15:00Z'))).toBeCloseTo(85.6, 0);
  });

  it('agrees with the closed form at solstice noon and is negative at night', () => {
    // Solar noon at longitude 0 is within minutes of 12:00 UTC; peak elevation = 90 - lat + 23.44.
    expect(solarElevationDeg(45, 0, new Date('2026-06-21T12:00:00Z'))).toBeCloseTo(90 - 45 + 23.44, 0);
    expect(solarElevationDeg(45, 0, new Date('2026-12-21T12:00:00Z'))).toBeCloseTo(90 - 45 - 23.44, 0);
    expect(solarElevationDeg(45, 0, new Date('2026-06-21T00:30:00Z'))).toBeLessThan(0);
  });
});

describe('stated UTC (from the columns ingest normalised)', () => {
  it('takes GPS time, the normalised UTC time, or DateTimeOriginal with its offset', () => {
    const utc = (exif: Record<string, unknown>, gps: Record<string, unknown> = {}) => {
      const t = readCaptureTime({ exif, gps });
      return statedUtc({ gps_time_utc: t.gpsTimeUtc, captured_at: t.capturedAt })?.toISOString() ?? null;
    };
    expect(utc({}, { GPSDateStamp: '2024:06:15', GPSTimeStamp: '14:30:22.5' })).toBe('2024-06-15T14:30:22.500Z');
    expect(statedUtc({ gps_time_utc: '2024-06-15T14:30:22.000Z', captured_at: null })?.toISOString()).toBe('2024-06-15T14:30:22.000Z');
    expect(statedUtc({ gps_time_utc: null, captured_at: '2024-06-15T14:30:22.000Z' })?.toISOString()).toBe('2024-06-15T14:30:22.000Z');
    expect(utc(NOON)).toBe('2024-06-21T06:15:00.000Z');
    // The GPS receiver's clock wins over the camera's.
    expect(utc(NOON, { GPSDateStamp: '2024:06:21', GPSTimeStamp: [6, 15, 3] })).toBe('2024-06-21T06:15:03.000Z');
  });

  it('never guesses a zone', () => {
    const utc = (exif: Record<string, unknown>, gps: Record<string, unknown> = {}) => {
      const t = readCaptureTime({ exif, gps });
      return statedUtc({ gps_time_utc: t.gpsTimeUtc, captured_at: t.capturedAt });
    };
    expect(utc({ DateTimeOriginal: '2024:06:21 12:00:00' })).toBeNull();
    expect(utc({}, { GPSDateStamp: 'not a date', GPSTimeStamp: 'nor a time' })).toBeNull();
    expect(statedUtc({ gps_time_utc: null, captured_at: null })).toBeNull();
  });
});

describe('status', () => {
  it('follows the reasons, the task and, above all, the pilot', () => {
    expect(deriveStatus([], 3, null)).toBe('assigned');
    expect(deriveStatus([], null, null)).toBe('unmatched');
    expect(deriveStatus(['outside'], null, null)).toBe('unmatched');
    expect(deriveStatus(['gps', 'blur'], null, null)).toBe('invalid_exif');
    expect(deriveStatus(['blur'], 3, null)).toBe('rejected');
    expect(deriveStatus(['corrupt'], 3, null)).toBe('rejected');
    expect(deriveStatus(['blur'], 3, 'accepted')).toBe('assigned');
    expect(deriveStatus(['gps'], null, 'accepted')).toBe('unmatched');
    expect(deriveStatus([], 3, 'rejected')).toBe('rejected');
  });
});
