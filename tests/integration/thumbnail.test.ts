import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/common/errors.ts';
import { makeThumbnail, PREVIEW_LONG_EDGE } from '../../src-main/ingest/thumbnail.ts';
import { P4M_PHOTO, textAsJpeg, truncatedJpeg } from '../support/derived-photos.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';

let dir: string;
beforeAll(() => {
  dir = makeTemp('postflight-thumbs-');
});
afterAll(() => rmTemp(dir));

const sample = (name: string) => fs.readFileSync(path.join(sharedData, 'metadata_samples', name));

describe('makeThumbnail', () => {
  it('writes a 320 px WebP of a drone photo and reports its real size', async () => {
    const out = path.join(dir, 'thumbs', 'a.webp');
    const result = await makeThumbnail(fs.readFileSync(path.join(sharedData, 'brighton_beach', 'DJI_0018.JPG')), out);
    expect(result).toEqual({ width: 320, height: 180, bytes: fs.statSync(out).size });
    expect(await sharp(out).metadata()).toMatchObject({ format: 'webp', width: 320, height: 180 });
    expect(fs.readdirSync(path.dirname(out))).toEqual(['a.webp']); // no temp file left behind
  });

  it('makes the larger preview with the same call', async () => {
    const out = path.join(dir, 'preview.jpg');
    const result = await makeThumbnail(fs.readFileSync(P4M_PHOTO), out, { longEdge: PREVIEW_LONG_EDGE, format: 'jpeg' });
    expect(result).toMatchObject({ width: 1600, height: 1300 });
    expect((await sharp(out).metadata()).format).toBe('jpeg');
  });

  it('honours EXIF orientation', async () => {
    const rotated = await sharp(P4M_PHOTO).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    const result = await makeThumbnail(rotated, path.join(dir, 'rotated.webp'));
    expect(result).toMatchObject({ width: 260, height: 320 });
  });

  it('never enlarges a small image', async () => {
    const result = await makeThumbnail(sample('issue-exifr-13.jpg'), path.join(dir, 'small.webp'));
    expect(result).toMatchObject({ width: 100, height: 67 });
  });

  it('makes visible thumbnails of 16-bit thermal and multispectral TIFFs', async () => {
    for (const name of ['002.tiff', '0000SET_IMG_0001_1.tif', 'issue-exif-js-124.tiff']) {
      const out = path.join(dir, `${name}.webp`);
      await makeThumbnail(sample(name), out);
      const { channels } = await sharp(out).stats();
      // Cast straight to 8 bits these would be a flat grey; stretched they use the range.
      expect(channels[0]!.stdev, name).toBeGreaterThan(30);
      expect(channels[0]!.mean, name).toBeGreaterThan(60);
      expect(channels[0]!.mean, name).toBeLessThan(200);
    }
  });

  it('throws a pilot-readable AppError for an unreadable photo and leaves nothing behind', async () => {
    const target = path.join(dir, 'broken');
    for (const bad of [textAsJpeg(dir), truncatedJpeg(dir, { source: P4M_PHOTO })]) {
      const out = path.join(target, `${path.basename(bad)}.webp`);
      const err = await makeThumbnail(fs.readFileSync(bad), out).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).toMatch(/cannot be decoded/);
      expect(fs.existsSync(out)).toBe(false);
    }
    expect(fs.existsSync(target) ? fs.readdirSync(target) : []).toEqual([]);
  });
});
