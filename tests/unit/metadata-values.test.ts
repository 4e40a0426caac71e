import { describe, expect, it } from 'vitest';
import { readAttitude } from '../../src-main/ingest/metadata-attitude.ts';
import { isValidPosition, parseCoordinate, readPosition } from '../../src-main/ingest/metadata-gps.ts';
import { parseStamp, readCaptureTime } from '../../src-main/ingest/metadata-time.ts';
import { decodeUserComment, toJsonSafe, toNumber } from '../../src-main/ingest/metadata-values.ts';

function userComment(text: string): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from('ASCII\0\0\0', 'latin1'), Buffer.from(text)]));
}

describe('coordinates', () => {
  it('parses the shapes cameras and tools write (Drone Tasking Manager cases included)', () => {
    expect(parseCoordinate(`8 deg 17' 42.56" S`)).toBeCloseTo(-(8 + 17 / 60 + 42.56 / 3600), 12);
    expect(parseCoordinate(`115 deg 29' 14.67" E`)).toBeCloseTo(115 + 29 / 60 + 14.67 / 3600, 12);
    expect(parseCoordinate('-8.299743916666667')).toBe(-8.299743916666667);
    expect(parseCoordinate('9.123456')).toBe(9.123456);
    expect(parseCoordinate('23,55.194960N')).toBeCloseTo(23.919916, 9);
    expect(parseCoordinate(`46°50'33.3855"N`)).toBeCloseTo(46.842607083, 8);
    expect(parseCoordinate([91, 59, 40.4156], 'W')).toBeCloseTo(-91.994559889, 8);
    expect(parseCoordinate(45.5, 'S')).toBe(-45.5);
    expect(parseCoordinate('north')).toBeNull();
    expect(parseCoordinate(undefined)).toBeNull();
  });

  it('rejects out-of-range and 0,0 positions as a gps problem, not a place', () => {
    expect(isValidPosition(250, 325)).toBe(false);
    expect(isValidPosition(0, 0)).toBe(false);
    expect(isValidPosition(-90, 180)).toBe(true);
    expect(readPosition({ gps: { GPSLatitude: 250, GPSLongitude: 325 } })).toEqual({
      ok: false,
      reason: 'invalid',
      lat: 250,
      lon: 325,
      source: 'exif-gps',
    });
    expect(readPosition({ exif: { ISO: 100 } })).toEqual({ ok: false, reason: 'missing' });
  });

  it('falls back to a valid XMP position when the EXIF one is junk', () => {
    const reading = readPosition({
      gps: { GPSLatitude: [0, 0, 0], GPSLongitude: [0, 0, 0] },
      'drone-dji': { GpsLatitude: 45.03159568, GpsLongtitude: 7.62046587, AbsoluteAltitude: 349.58 },
    });
    expect(reading).toEqual({ ok: true, position: { lat: 45.03159568, lon: 7.62046587, alt: 349.58, source: 'xmp-drone-dji' } });
  });
});

describe('capture time', () => {
  it('converts to UTC only with a declared offset, keeping the local wall clock', () => {
    const t = readCaptureTime({ exif: { DateTimeOriginal: '2024:05:01 14:03:07', SubSecTimeOriginal: '25', OffsetTimeOriginal: '+02:00' } });
    expect(t).toEqual({
      capturedAt: '2024-05-01T12:03:07.250Z',
      capturedLocal: '2024-05-01T14:03:07.250',
      captureOffset: '+02:00',
      gpsTimeUtc: null,
    });
    const unzoned = readCaptureTime({ exif: { DateTimeOriginal: '2024:05:01 14:03:07' } });
    expect(unzoned.capturedAt).toBeNull();
    expect(unzoned.capturedLocal).toBe('2024-05-01T14:03:07');
  });

  it('uses OffsetTime when OffsetTimeOriginal is absent, and DJI UTCAtExposure as UTC', () => {
    expect(readCaptureTime({ exif: { DateTimeOriginal: '2024:01:01 00:30:00', OffsetTime: '-05:00' } }).capturedAt).toBe(
      '2024-01-01T05:30:00.000Z',
    );
    const dji = readCaptureTime({ exif: { DateTimeOriginal: '2021:05:26 10:21:49' }, 'drone-dji': { UTCAtExposure: '2021-05-26T15:21:49.073960' } });
    expect(dji.capturedAt).toBe('2021-05-26T15:21:49.073Z');
    expect(dji.captureOffset).toBeNull();
  });

  it('reads GPS time from date stamp + rational time, and ignores unset clocks', () => {
    expect(readCaptureTime({ gps: { GPSDateStamp: '2017:09:03', GPSTimeStamp: [5, 53, 57] } }).gpsTimeUtc).toBe('2017-09-03T05:53:57.000Z');
    expect(readCaptureTime({ gps: { GPSTimeStamp: [5, 53, 57] } }).gpsTimeUtc).toBeNull(); // no date: ambiguous
    expect(parseStamp('0000:00:00 00:00:00')).toBeNull();
    expect(parseStamp('2021:02:30 10:00:00')).toBeNull();
    expect(parseStamp('2017-09-03T11:24:01+05:30')).toEqual({ local: '2017-09-03T11:24:01', offset: '+05:30' });
  });
});

describe('attitude', () => {
  it('DJI gimbal and flight attitude stay apart', () => {
    const a = readAttitude({ 'drone-dji': { GimbalPitchDegree: -89.9, GimbalYawDegree: 45, FlightPitchDegree: 1.8, FlightRollDegree: 3 } });
    expect(a.gimbal).toEqual({ pitch: -89.9, yaw: 45, roll: null, source: 'drone-dji' });
    expect(a.aircraft).toEqual({ pitch: 1.8, yaw: null, roll: 3, source: 'drone-dji' });
    expect(a.cameraPitchSource).toBe('gimbal');
  });

  it('a senseFly/eBee Camera:Pitch is body attitude: no gimbal pitch is made up from it', () => {
    const a = readAttitude({ Camera: { Pitch: 2.5, Roll: -1.2, Yaw: 181 } });
    expect(a.gimbal).toBeNull();
    expect(a.aircraft).toEqual({ pitch: 2.5, yaw: 181, roll: -1.2, source: 'xmp-camera' });
    expect(a.cameraPitchSource).toBe('fixed-camera-body');
  });

  it('reads a JSON UserComment pitch in the gimbal convention', () => {
    const a = readAttitude({ exif: { UserComment: userComment('{"pitch": -45.0, "yaw": 12}') } });
    expect(a.gimbal).toEqual({ pitch: -45, yaw: 12, roll: null, source: 'user-comment' });
    expect(readAttitude({ exif: { UserComment: userComment('not json at all') } }).gimbal).toBeNull();
  });

  it('aircraft attitude alone does not say where a camera pointed', () => {
    expect(readAttitude({ DLS: { Pitch: 0.1, Yaw: -0.36845451174720734, Roll: 0 } })).toMatchObject({
      gimbal: null,
      aircraft: { source: 'micasense-dls' },
      cameraPitchSource: null,
    });
  });
});

describe('values', () => {
  it('coerces the loose values exifr returns', () => {
    expect(toNumber('+1.80')).toBe(1.8);
    expect(toNumber('119599/3239')).toBeCloseTo(36.9246681, 6);
    expect(toNumber('0/100')).toBe(0);
    expect(toNumber('1/0')).toBeNull();
    expect(toNumber('abc')).toBeNull();
    expect(toNumber(Number.NaN)).toBeNull();
    expect(decodeUserComment(userComment('hello\0\0'))).toBe('hello');
  });

  it('makes a JSON-safe copy of a parse', () => {
    const safe = toJsonSafe({
      when: new Date('2020-01-02T03:04:05Z'),
      ref: new Uint8Array([1]),
      blob: new Uint8Array(1000),
      nan: Number.NaN,
      nested: { list: [1, 'a\0'] },
    });
    expect(safe).toEqual({ when: '2020-01-02T03:04:05.000Z', ref: [1], blob: '<1000 bytes>', nan: null, nested: { list: [1, 'a'] } });
  });
});
