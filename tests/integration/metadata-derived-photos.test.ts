import fs from 'node:fs';
import { createHash } from 'node:crypto';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPhotoMetadata } from '../../src-main/ingest/metadata.ts';
import * as derive from '../support/derived-photos.ts';
import { BRIGHTON_PHOTO, P4M_PHOTO } from '../support/derived-photos.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

// Each derived file is checked with exifr / sharp directly, so the fixtures do not depend on the code they test.

let dir: string;
beforeAll(() => {
  dir = makeTemp('postflight-derived-');
});
afterAll(() => rmTemp(dir));

async function tags(file: string): Promise<Record<string, Record<string, unknown>>> {
  return exifr.parse(fs.readFileSync(file), { xmp: true, mergeOutput: false, reviveValues: false, translateValues: false });
}

const md5 = (file: string) => createHash('md5').update(fs.readFileSync(file)).digest('hex');

async function meanLuma(file: string): Promise<number> {
  const { channels } = await sharp(file).stats();
  return channels.slice(0, 3).reduce((sum, c) => sum + c.mean, 0) / 3;
}

describe('derived photos: broken files', () => {
  it('a truncated JPEG keeps its header but cannot be decoded, and reads as corrupt', async () => {
    const file = derive.truncatedJpeg(dir, { source: P4M_PHOTO });
    expect(fs.statSync(file).size).toBe(Math.floor(fs.statSync(P4M_PHOTO).size * 0.6));
    expect((await sharp(file).metadata()).format).toBe('jpeg');
    await expect(sharp(file, { failOn: 'truncated' }).raw().toBuffer()).rejects.toThrow(/premature end/i);
    const { metadata, problems } = await readPhotoMetadata(fs.readFileSync(file), 'x.JPG');
    expect(problems.map((p) => p.code)).toEqual(['corrupt']);
    expect(problems[0]!.message).toMatch(/stops early/);
    expect(metadata.model).toBe('FC6360'); // what could be read is still kept
  });

  it('an empty file and a text file named .JPG read as corrupt, without throwing', async () => {
    const empty = derive.zeroBytes(dir);
    const text = derive.textAsJpeg(dir);
    expect(fs.statSync(empty).size).toBe(0);
    expect(text.endsWith('.JPG')).toBe(true);
    await expect(sharp(text).metadata()).rejects.toThrow();
    for (const file of [empty, text]) {
      const { metadata, problems } = await readPhotoMetadata(fs.readFileSync(file), 'x.JPG');
      expect(problems.map((p) => p.code)).toEqual(['corrupt']);
      expect(metadata.lat).toBeNull();
      expect(JSON.parse(JSON.stringify(metadata))).toEqual(metadata);
    }
  });

  it('an exact copy has the same bytes under another name and is writable', () => {
    const copy = derive.exactCopy(dir, { source: P4M_PHOTO });
    expect(copy).not.toBe(P4M_PHOTO);
    expect(md5(copy)).toBe(md5(P4M_PHOTO));
    expect(() => fs.accessSync(copy, fs.constants.W_OK)).not.toThrow();
  });
});

describe('derived photos: metadata edits', () => {
  it('GPS stripped from EXIF and XMP, every other tag kept', async () => {
    for (const source of [BRIGHTON_PHOTO, P4M_PHOTO]) {
      const file = derive.withoutGps(dir, { source });
      const [before, after] = [await tags(source), await tags(file)];
      expect(after['gps']).toBeUndefined();
      expect(after['drone-dji']?.['GpsLatitude']).toBeUndefined();
      expect(after['exif']).toEqual(before['exif']);
      expect(after['ifd0']).toEqual(before['ifd0']);
      const { GpsLatitude: _lat, GpsLongitude: _lon, ...djiRest } = before['drone-dji']!;
      expect(after['drone-dji']).toEqual(djiRest);
      const { metadata, problems } = await readPhotoMetadata(fs.readFileSync(file), 'x.JPG');
      expect(problems.map((p) => p.code)).toEqual(['gps']);
      expect(metadata.gimbal?.pitch).toBe(before['drone-dji']!['GimbalPitchDegree']);
    }
  });

  it('gimbal pitch edited in the XMP text, the file still a valid JPEG', async () => {
    const up = derive.withGimbalPitch(dir, 1);
    const oblique = derive.withGimbalPitch(dir, -45, { source: P4M_PHOTO });
    expect((await tags(up))['drone-dji']?.['GimbalPitchDegree']).toBe(1);
    expect((await tags(oblique))['drone-dji']?.['GimbalPitchDegree']).toBe(-45);
    expect((await tags(oblique))['gps']).toEqual((await tags(P4M_PHOTO))['gps']);
    const { data } = await sharp(oblique, { failOn: 'truncated' }).resize(64).raw().toBuffer({ resolveWithObject: true });
    expect(data.length).toBeGreaterThan(0);
  });

  it('DateTimeOriginal shifted (with CreateDate and ModifyDate)', async () => {
    const file = derive.withTimeShift(dir, 3600 * 25 + 7);
    const exif = (await tags(file))['exif']!;
    expect(exif['DateTimeOriginal']).toBe('2016:06:24 17:32:06');
    expect(exif['CreateDate']).toBe('2016:06:24 17:32:06');
    expect((await tags(file))['gps']).toEqual((await tags(BRIGHTON_PHOTO))['gps']);
  });

  it('GPS moved to a given place, in EXIF and in DJI XMP', async () => {
    const file = derive.movedTo(dir, -33.8568, 151.2153, { source: P4M_PHOTO });
    const gps = await exifr.gps(fs.readFileSync(file));
    expect(gps.latitude).toBeCloseTo(-33.8568, 6);
    expect(gps.longitude).toBeCloseTo(151.2153, 6);
    const dji = (await tags(file))['drone-dji']!;
    expect(dji['GpsLatitude']).toBeCloseTo(-33.8568, 6);
    expect(dji['GpsLongitude']).toBeCloseTo(151.2153, 6);
  });

  it('an impossible position (250, 325) is written as asked and read as a gps problem', async () => {
    const file = derive.movedTo(dir, 250, 325);
    const { metadata, problems } = await readPhotoMetadata(fs.readFileSync(file), 'x.JPG');
    expect(metadata.lat).toBeNull();
    expect(problems).toEqual([{ code: 'gps', message: expect.stringMatching(/lat 250, lon 325/) }]);
  });
});

describe('derived photos: pixel edits keep metadata', () => {
  it('blurred, black and white keep GPS and DJI XMP; pixels changed as intended', async () => {
    const original = await sharp(P4M_PHOTO).stats();
    const blurred = derive.blurred(dir, { source: P4M_PHOTO });
    const black = derive.black(dir, { source: P4M_PHOTO });
    const white = derive.white(dir, { source: P4M_PHOTO });
    for (const file of await Promise.all([blurred, black, white])) {
      const t = await tags(file);
      expect(t['gps']?.['GPSLatitude']).toEqual((await tags(P4M_PHOTO))['gps']?.['GPSLatitude']);
      expect(t['drone-dji']?.['GimbalPitchDegree']).toBe(-90);
      expect(t['exif']?.['DateTimeOriginal']).toBe('2026:01:26 13:50:17');
    }
    expect((await sharp(await blurred).stats()).sharpness).toBeLessThan(original.sharpness / 4);
    expect(await meanLuma(await black)).toBeLessThan(5);
    expect(await meanLuma(await white)).toBeGreaterThan(240);
  });

  it('16-bit TIFFs, RGB and single-band', async () => {
    const rgb = await derive.sixteenBitTiff(dir, { source: P4M_PHOTO });
    const grey = await derive.sixteenBitTiff(dir, { source: P4M_PHOTO, grey: true, longEdge: 800 });
    expect(await sharp(rgb).metadata()).toMatchObject({ format: 'tiff', depth: 'ushort', channels: 3, width: 1600, height: 1300 });
    expect(await sharp(grey).metadata()).toMatchObject({ format: 'tiff', depth: 'ushort', channels: 1, width: 800 });
    const { channels } = await sharp(grey).stats();
    expect(channels[0]!.max).toBeGreaterThan(255); // really uses the 16-bit range
  });
});
