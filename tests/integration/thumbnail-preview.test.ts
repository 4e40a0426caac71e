import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { makeThumbnail, makeThumbnailFromPixels, previewFits, THUMBNAIL_LONG_EDGE, THUMBNAIL_QUALITY, writeEncodedThumbnail } from '../../src-main/ingest/thumbnail.ts';
import { measurePhotoWithPreview, thumbnailSize } from '../../src-main/quality/measure.ts';
import { loadEngine } from '../../src-main/quality/engine.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';

const dir = makeTemp();
afterAll(() => rmTemp(dir));

/** Mean absolute difference, and the mean signed difference of each of R, G, B, between two same-size thumbnails. */
async function compare(a: string, b: string): Promise<{ abs: number; cast: number[] }> {
  const [x, y] = await Promise.all([a, b].map((f) => sharp(f).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  expect([x!.info.width, x!.info.height]).toEqual([y!.info.width, y!.info.height]);
  let abs = 0;
  const signed = [0, 0, 0];
  for (let i = 0; i < x!.data.length; i++) {
    const d = x!.data[i]! - y!.data[i]!;
    abs += Math.abs(d);
    signed[i % 3]! += d;
  }
  const perChannel = x!.data.length / 3;
  return { abs: abs / x!.data.length, cast: signed.map((s) => s / perChannel) };
}

const photos = [path.join(sharedData, 'brighton_beach', 'DJI_0025.JPG'), path.join(sharedData, 'p4m_mirafiori', 'DJI_0100.JPG')];
const engines = [
  { name: 'native (1/8-scale preview from the one JPEG decode)', engine: loadEngine({ log: () => {} }) },
  { name: 'TypeScript (full decode)', engine: loadEngine({ native: false, log: () => {} }) },
];

describe('thumbnails from the quality check pixels', () => {
  // Ingest asks the addon for the thumbnail itself: scaled from the 1/8 preview and JPEG-encoded in the measuring
  // call. Same size as sharp's thumbnail of the file, same picture and colours, and the same metrics as without it.
  it.skipIf(!engines[0]!.engine.measureJpeg)('native: the thumbnail encoded in the measuring call is the picture sharp makes from the file', async () => {
    const engine = engines[0]!.engine;
    const photo = photos[0]!;
    const bytes = fs.readFileSync(photo);
    const plain = await measurePhotoWithPreview(bytes, { engine });
    const made = await measurePhotoWithPreview(bytes, { engine, thumbnail: { longEdge: THUMBNAIL_LONG_EDGE, quality: THUMBNAIL_QUALITY } });
    expect(made.metrics).toEqual(plain.metrics);
    expect(made.preview).toBeNull();
    expect(made.thumbnail).not.toBeNull();
    const fromAddon = path.join(dir, 'addon.jpg');
    const fromFile = path.join(dir, 'file.jpg');
    const a = await writeEncodedThumbnail(made.thumbnail!, fromAddon);
    const b = await makeThumbnail(bytes, fromFile, { format: 'jpeg' });
    expect([a.width, a.height]).toEqual([b.width, b.height]);
    expect(await sharp(fromAddon).metadata()).toMatchObject({ format: 'jpeg', width: b.width, height: b.height, channels: 3 });
    const { abs, cast } = await compare(fromAddon, fromFile);
    expect(abs).toBeLessThan(6);
    for (const c of cast) expect(Math.abs(c)).toBeLessThan(1.5);
  });

  it('thumbnailSize: sharp\'s fit-inside size, only where the 1/8 preview can make it', () => {
    expect(thumbnailSize(4000, 2250, 320)).toEqual({ width: 320, height: 180 });
    expect(thumbnailSize(3000, 4000, 320)).toEqual({ width: 240, height: 320 });
    expect(thumbnailSize(5472, 3648, 320)).toEqual({ width: 320, height: 213 });
    expect(thumbnailSize(1600, 1300, 320)).toBeNull(); // 200 px at 1/8: smaller than the thumbnail
    expect(thumbnailSize(300, 200, 320)).toBeNull();
    expect(thumbnailSize(40_000, 400, 320)).toBeNull(); // 5 000 preview pixels to 320: more than 7 a pixel
  });

  for (const { name, engine } of engines) {
    it(`${name}: the same picture as a thumbnail decoded from the file`, async () => {
      let compared = 0;
      for (const photo of photos) {
        const bytes = fs.readFileSync(photo);
        const { preview } = await measurePhotoWithPreview(bytes, { engine });
        expect(preview, photo).not.toBeNull();
        // A 1/8 preview of a small photo (1600 px wide: 200 px) is below the thumbnail size: ingest decodes the file.
        if (!previewFits(preview!)) continue;
        compared++;
        const fromPixels = path.join(dir, `${engine.name}-${path.basename(photo)}-pixels.webp`);
        const fromFile = path.join(dir, `${engine.name}-${path.basename(photo)}-file.webp`);
        const a = await makeThumbnailFromPixels(preview!, fromPixels);
        const b = await makeThumbnail(bytes, fromFile);
        expect([a.width, a.height]).toEqual([b.width, b.height]);
        // Same scene, same colours: resampling and WebP noise (a few grey levels on average: two WebP encodings of
        // one picture already differ by ~2), never a shift (tens of levels on this textured ground) or a colour cast.
        const { abs, cast } = await compare(fromPixels, fromFile);
        expect(abs, photo).toBeLessThan(6);
        for (const c of cast) expect(Math.abs(c), photo).toBeLessThan(1.5);
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
