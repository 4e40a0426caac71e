import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPhotoMetadata, type PhotoMetadata } from '../../src-main/ingest/metadata.ts';
import { sharedData } from '../support/paths.ts';

// Expected values were read independently with exiftool 12 (`exiftool -n`) and checked against exifr.

async function read(folder: string, file: string) {
  return readPhotoMetadata(fs.readFileSync(path.join(sharedData, folder, file)), file);
}

function photosIn(folder: string): string[] {
  return fs.readdirSync(path.join(sharedData, folder)).filter((f) => /\.(jpe?g|tiff?|png)$/i.test(f)).sort();
}

function expectJsonSafe(m: PhotoMetadata): void {
  expect(JSON.parse(JSON.stringify(m))).toEqual(m);
}

describe('readPhotoMetadata on brighton_beach (DJI Phantom 3)', () => {
  it('reads every photo of the flight with no problems, in time order ~7 s apart', async () => {
    const files = photosIn('brighton_beach');
    expect(files).toHaveLength(18);
    const results = await Promise.all(files.map((f) => read('brighton_beach', f)));
    for (const { metadata: m, problems } of results) {
      expect(problems).toEqual([]);
      expect(m).toMatchObject({ make: 'DJI', model: 'FC300S', width: 4000, height: 2250, format: 'jpeg', bitsPerSample: 8 });
      expect(m.relAlt).toBeGreaterThan(38);
      expect(m.relAlt).toBeLessThan(42);
      expect(m.gimbal?.pitch).toBeLessThanOrEqual(-89);
      expect(m.cameraPitchSource).toBe('gimbal');
      expect(m.lat).toBeCloseTo(46.84, 1);
      expect(m.lon).toBeCloseTo(-91.99, 1);
      expect(m.capturedAt).toBeNull(); // no offset tag: the zone is unknown and must not be guessed
      expectJsonSafe(m);
    }
    const times = results.map((r) => Date.parse(`${r.metadata.capturedLocal}Z`));
    const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 1000);
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    expect(Math.max(...gaps)).toBeLessThan(60);
  });

  it('gives exact values for DJI_0018', async () => {
    const { metadata: m } = await read('brighton_beach', 'DJI_0018.JPG');
    expect(m).toMatchObject({
      capturedLocal: '2016-06-23T16:31:59',
      gpsTimeUtc: null,
      alt: 198.309,
      relAlt: 39.8,
      positionSource: 'exif-gps',
      gimbal: { pitch: -89.9, yaw: 45, roll: 0, source: 'drone-dji' },
      aircraft: { pitch: 1.8, yaw: 46, roll: 3, source: 'drone-dji' },
      focalMm: 3.61,
      focal35Mm: 20,
      iso: 100,
      exposureS: 0.002702,
      orientation: 1,
      rtk: null,
    });
    expect(m.lat).toBeCloseTo(46.8426070833333, 9);
    expect(m.lon).toBeCloseTo(-91.9945598888889, 9); // GPSLongitudeRef W
    const raw = m.raw as Record<string, Record<string, unknown>>;
    expect(raw['drone-dji']?.['GimbalPitchDegree']).toBe(-89.9);
    expect(raw['exif']?.['DateTimeOriginal']).toBe('2016:06:23 16:31:59');
  });
});

describe('readPhotoMetadata on p4m_mirafiori (DJI P4 Multispectral, RTK)', () => {
  it('reads all 33 photos with RTK fields and no problems', async () => {
    const files = photosIn('p4m_mirafiori');
    expect(files).toHaveLength(33);
    for (const file of files) {
      const { metadata: m, problems } = await read('p4m_mirafiori', file);
      expect(problems, file).toEqual([]);
      expect(m).toMatchObject({ make: 'DJI', model: 'FC6360', width: 1600, height: 1300, cameraPitchSource: 'gimbal' });
      expect(m.rtk?.flag, file).not.toBeNull();
      expect(m.relAlt).toBeCloseTo(44.5, 0);
      expect(m.lat).toBeCloseTo(45.03, 1);
      expect(m.lon).toBeCloseTo(7.62, 1);
    }
  });

  it('gives exact values for DJI_0010', async () => {
    const { metadata: m } = await read('p4m_mirafiori', 'DJI_0010.JPG');
    expect(m).toMatchObject({
      capturedLocal: '2026-01-26T13:50:17',
      relAlt: 44.47,
      alt: 349.583,
      gimbal: { pitch: -90, yaw: 106.8, roll: 0 },
      aircraft: { pitch: 0, yaw: 107, roll: 0.8 },
      rtk: { flag: 50, stdLon: 0.01053, stdLat: 0.0138, stdHgt: 0.0205 },
      serial: '7d2ed18fec733f57faa2ea5415a75c9f',
      focalMm: 5.74,
      focal35Mm: 40,
      iso: 200,
      exposureS: 0.0004,
    });
    expect(m.lat).toBeCloseTo(45.0315956666667, 9);
    expect(m.lon).toBeCloseTo(7.62046586111111, 9);
  });
});

describe('readPhotoMetadata on metadata_samples', () => {
  it('reads every sample file without a problem', async () => {
    const files = photosIn('metadata_samples');
    expect(files).toHaveLength(10);
    for (const file of files) {
      const { metadata, problems } = await read('metadata_samples', file);
      expect(problems, file).toEqual([]);
      expectJsonSafe(metadata);
    }
  });

  it('DJI thermal TIFFs: 16-bit, gimbal pitch, below-sea-level GPS altitude, sub-second time', async () => {
    const a = (await read('metadata_samples', '001.tif')).metadata;
    expect(a).toMatchObject({
      format: 'tiff',
      bitsPerSample: 16,
      width: 640,
      height: 512,
      make: 'DJI',
      model: 'FLIR',
      capturedLocal: '2017-11-07T18:56:07.890',
      alt: -8,
      relAlt: 32.099998,
      gimbal: { pitch: -90, yaw: -115.300003, source: 'drone-dji' },
      aircraft: { pitch: 6, source: 'drone-dji' },
    });
    expect(a.lat).toBeCloseTo(50.8625989166667, 9);
    expect(a.lon).toBeCloseTo(4.67254213888889, 9);
    const b = (await read('metadata_samples', '002.tiff')).metadata;
    expect(b).toMatchObject({ model: 'XT2', serial: '297394', capturedLocal: '2019-05-24T15:06:38.720', gimbal: { pitch: -89.900002 } });
    expect(b.rtk).toEqual({ flag: 0, stdLon: null, stdLat: null, stdHgt: null });
    expect(b.lon).toBeCloseTo(-2.82502444444444, 9);
  });

  it('DJI FLIR JPEG', async () => {
    const { metadata: m } = await read('metadata_samples', 'issue-exifr-3.jpg');
    expect(m).toMatchObject({ make: 'DJI', model: 'FLIR', alt: -8.5, relAlt: 62.5, gimbal: { pitch: -89.9 }, aircraft: { pitch: 7.2 } });
    expect(m.lat).toBeCloseTo(40.3775014444444, 9);
    expect(m.lon).toBeCloseTo(-74.4899133611111, 9);
  });

  it('Hasselblad (Mavic 2 Pro): gimbal pitch +1 (pointing up) and the real pixel size of a shrunken file', async () => {
    const { metadata: m } = await read('metadata_samples', 'issue-exifr-13.jpg');
    expect(m).toMatchObject({
      make: 'Hasselblad',
      model: 'L1D-20c',
      serial: '0K8TFBK0020618',
      gimbal: { pitch: 1, yaw: -127.1, roll: 0, source: 'drone-dji' },
      aircraft: { pitch: 0.9, source: 'drone-dji' },
      cameraPitchSource: 'gimbal',
      relAlt: 125.3,
      // EXIF claims 5472x3648; the pixels are a 100x67 thumbnail.
      width: 100,
      height: 67,
      focal35Mm: 28,
    });
    expect((m.raw as Record<string, Record<string, unknown>>)['exif']?.['ExifImageWidth']).toBe(5472);
  });

  it('Parrot Sequoia (eBee-style fixed camera): Camera:Pitch is body attitude, never a gimbal pitch', async () => {
    for (const file of ['issue-metadata-extractor-152.jpg', 'issue-metadata-extractor-152.tif']) {
      const { metadata: m } = await read('metadata_samples', file);
      expect(m.gimbal, file).toBeNull();
      expect(m.cameraPitchSource).toBe('fixed-camera-body');
      expect(m.aircraft?.source).toBe('xmp-camera');
      expect(m.make).toBe('Parrot');
      expect(m.serial).toBe('PI040378D25L000046');
    }
    const jpg = (await read('metadata_samples', 'issue-metadata-extractor-152.jpg')).metadata;
    expect(jpg.aircraft).toEqual({ pitch: 13.239553, yaw: -167.088455, roll: 0.388475, source: 'xmp-camera' });
    expect(jpg).toMatchObject({ width: 4608, height: 3456, capturedLocal: '2016-01-06T10:11:06.602', iso: 100 });
    const tif = (await read('metadata_samples', 'issue-metadata-extractor-152.tif')).metadata;
    expect(tif).toMatchObject({ bitsPerSample: 16, width: 1280, height: 964, focal35Mm: 30, iso: 200 });
  });

  it('FLIR Vue Pro TIFF: rational-text attitude, GPS date and time in UTC, no guessed zone', async () => {
    const { metadata: m } = await read('metadata_samples', 'issue-exif-js-124.tiff');
    expect(m).toMatchObject({
      make: 'FLIR',
      model: 'Vue Pro 640 9mm',
      serial: '151453',
      capturedLocal: '2017-09-03T11:23:57.950',
      capturedAt: null,
      gpsTimeUtc: '2017-09-03T05:53:57.000Z',
      gimbal: null,
      aircraft: { pitch: 0, yaw: 0, roll: 0, source: 'xmp-camera' },
      cameraPitchSource: 'fixed-camera-body',
    });
    expect(m.lat).toBeCloseTo(23.919916, 6);
    expect(m.lon).toBeCloseTo(71.2132954533278, 9);
  });

  it('PNG with EXIF GPS', async () => {
    const { metadata: m } = await read('metadata_samples', 'png_with_exif_and_gps.png');
    expect(m).toMatchObject({
      format: 'png',
      make: 'Canon',
      model: 'Canon PowerShot S40',
      width: 1,
      height: 1,
      alt: 252,
      gpsTimeUtc: '2018-07-25T14:34:23.000Z',
      capturedLocal: '2003-12-14T12:01:44.935',
      gimbal: null,
      aircraft: null,
      cameraPitchSource: null,
    });
    expect(m.lat).toBeCloseTo(50.2996027777778, 9);
    expect(m.lon).toBeCloseTo(14.8202944444444, 9);
  });

  it('MicaSense RedEdge 16-bit bands: DLS attitude converted from radians, kept out of the gimbal', async () => {
    const { metadata: m } = await read('metadata_samples', '0000SET_IMG_0001_1.tif');
    expect(m).toMatchObject({ make: 'MicaSense', model: 'RedEdge', serial: '1777777', bitsPerSample: 16, width: 1280, height: 960, iso: 100 });
    expect(m.gimbal).toBeNull();
    expect(m.cameraPitchSource).toBeNull();
    expect(m.aircraft?.source).toBe('micasense-dls');
    // DLS:Yaw -0.36845451 rad, the same heading MicaSense also writes as Camera:IrradianceYaw -21.11 degrees.
    expect(m.aircraft?.yaw).toBeCloseTo(-21.1109, 3);
    expect(m.lat).toBeCloseTo(36.5760815, 7);
    expect(m.lon).toBeCloseTo(-119.4352604, 7);
  });
});
