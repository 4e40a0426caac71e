import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { runIngest, type IngestSummary } from '../../src-main/ingest/ingest.ts';
import { listReasons } from '../../src-main/db/images.ts';
import * as derive from '../support/derived-photos.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';
import { sql } from '../../src-main/db/database.ts';

interface Row {
  id: number;
  file_name: string;
  status: string;
  md5: string | null;
  duplicate_of: number | null;
  lat: number | null;
  gimbal_pitch: number | null;
  width: number | null;
  sharpness: number | null;
  metrics_json: string | null;
  thumb_path: string | null;
}

describe('ingest: every file gets a row with the right status and a clear reason', () => {
  let card: string;
  let dir: string;
  let project: Project;
  let summary: IngestSummary;
  const byName = new Map<string, Row>();
  const reasonsOf = (name: string) => listReasons(project.db, [byName.get(name)!.id]).get(byName.get(name)!.id) ?? [];

  beforeAll(async () => {
    card = makeTemp('postflight-card-');
    const dcim = path.join(card, 'DCIM', '100MEDIA');
    fs.copyFileSync(derive.BRIGHTON_PHOTO, path.join((fs.mkdirSync(dcim, { recursive: true }), dcim), 'DJI_0018.JPG'));
    derive.truncatedJpeg(dcim, { name: 'TRUNCATED.JPG' });
    derive.zeroBytes(dcim, { name: 'ZERO.JPG' });
    derive.textAsJpeg(dcim, { name: 'NOTES.JPG' });
    derive.withoutGps(dcim, { name: 'NOGPS.JPG', source: path.join(sharedData, 'brighton_beach', 'DJI_0019.JPG') });
    derive.exactCopy(dcim, { name: 'DJI_0018_COPY.JPG' });
    await derive.sixteenBitTiff(dcim, { name: 'BAND16.TIF', source: path.join(sharedData, 'brighton_beach', 'DJI_0020.JPG') });
    await derive.black(dcim, { name: 'LENSCAP.JPG', source: path.join(sharedData, 'brighton_beach', 'DJI_0021.JPG') });
    fs.writeFileSync(path.join(dcim, 'FLIGHT.SRT'), '1\n00:00:00,000 --> 00:00:01,000\n');
    // Real edge cases from other cameras, straight from the shared data.
    const samples = path.join(card, 'SAMPLES');
    fs.mkdirSync(samples);
    for (const f of fs.readdirSync(path.join(sharedData, 'metadata_samples'))) fs.copyFileSync(path.join(sharedData, 'metadata_samples', f), path.join(samples, f));
    dir = makeTemp();
    project = openProject(dir, { create: true });
    summary = await runIngest(project, { source: card });
    for (const row of sql(project.db).prepare('SELECT * FROM images').all() as Row[]) byName.set(row.file_name, row);
  });
  afterAll(() => {
    project?.close();
    rmTemp(card);
    rmTemp(dir);
  });

  it('writes a row for every photo file and lists other files as skipped; nothing crashes', () => {
    const photoFiles = fs.readdirSync(path.join(card, 'DCIM', '100MEDIA')).filter((f) => !f.endsWith('.SRT'));
    const samplePhotos = fs.readdirSync(path.join(card, 'SAMPLES')).filter((f) => /\.(jpe?g|tiff?|dng)$/i.test(f));
    expect(byName.size).toBe(photoFiles.length + samplePhotos.length);
    expect(summary.ingested).toBe(byName.size);
    expect(summary.errors).toEqual([]);
    expect(summary.skipped.map((s) => s.path).sort()).toEqual(['DCIM/100MEDIA/FLIGHT.SRT', 'SAMPLES/png_with_exif_and_gps.png']);
  });

  it('a good drone photo is staged with metadata, metrics and a thumbnail', async () => {
    const good = byName.get('DJI_0018.JPG')!;
    expect(good.status).toBe('staged');
    const gps = (await exifr.gps(derive.BRIGHTON_PHOTO)) as { latitude: number };
    expect(good.lat).toBeCloseTo(gps.latitude, 7);
    expect(good.gimbal_pitch).toBeLessThan(-80);
    expect(good.sharpness).toBeGreaterThan(100);
    expect(fs.existsSync(project.resolve(good.thumb_path!))).toBe(true);
  });

  it('broken files are invalid_exif with a corrupt reason saying why', () => {
    for (const name of ['TRUNCATED.JPG', 'ZERO.JPG', 'NOTES.JPG']) {
      expect(byName.get(name)!.status, name).toBe('invalid_exif');
      const reasons = reasonsOf(name);
      expect(reasons.map((r) => r.code), name).toContain('corrupt');
      expect(reasons.every((r) => r.message.length > 20), name).toBe(true);
    }
    expect(reasonsOf('ZERO.JPG')[0]!.message).toMatch(/empty|0 bytes/i);
  });

  it('a photo without GPS is invalid_exif with a gps reason', () => {
    expect(byName.get('NOGPS.JPG')!.status).toBe('invalid_exif');
    expect(reasonsOf('NOGPS.JPG').map((r) => r.code)).toEqual(['gps']);
  });

  it('an exact copy (scanned after its original) is a duplicate pointing at it, not copied again', () => {
    const dup = byName.get('DJI_0018_COPY.JPG')!;
    expect(dup.status).toBe('duplicate');
    expect(dup.duplicate_of).toBe(byName.get('DJI_0018.JPG')!.id);
    expect(reasonsOf('DJI_0018_COPY.JPG').map((r) => r.code)).toEqual(['duplicate']);
    expect(fs.existsSync(path.join(dir, 'images', 'DCIM', '100MEDIA', 'DJI_0018_COPY.JPG'))).toBe(false);
  });

  it('a 16-bit TIFF is measured (reduced to 8 bits) and a black lens-cap photo is flagged black', () => {
    const tiff = byName.get('BAND16.TIF')!;
    expect(tiff.metrics_json).not.toBeNull();
    expect(tiff.thumb_path).not.toBeNull();
    const lenscap = JSON.parse(byName.get('LENSCAP.JPG')!.metrics_json!) as { black: boolean; white: boolean };
    expect(lenscap.black).toBe(true);
    expect(lenscap.white).toBe(false);
    expect(summary.quality.black).toBeGreaterThanOrEqual(1);
  });

  it('the real edge-case photos of other cameras each get a row and a status', () => {
    for (const f of fs.readdirSync(path.join(card, 'SAMPLES')).filter((n) => !n.endsWith('.png'))) {
      const row = byName.get(f);
      expect(row, f).toBeDefined();
      expect(['staged', 'invalid_exif'], f).toContain(row!.status);
      if (row!.status === 'invalid_exif') expect(reasonsOf(f).length, f).toBeGreaterThan(0);
    }
  });
});
