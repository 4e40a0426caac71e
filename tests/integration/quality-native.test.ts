/**
 * The addon's own parts against their references: the row-by-row kernels against the TypeScript kernels on awkward
 * sizes, its MD5 against node:crypto on every padding case, and the engine naming its JPEG decoder. Skipped only
 * where the addon is not built (the fallback's own tests still run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { DEFAULT_ADDON_PATH } from '../../src-main/quality/engine.ts';
import { loadEngine, md5Hex } from '../../src-main/quality/measure.ts';
import { kernelSumsTs } from '../../src-main/quality/kernels.ts';
import sharp from 'sharp';
import { sharedData } from '../support/paths.ts';

const native = loadEngine({ log: () => {} });
const built = native.name === 'native';

/** Deterministic noise with smooth patches, so every kernel branch sees both. */
function grayImage(width: number, height: number, seed: number): Uint8Array {
  const g = new Uint8Array(width * height);
  let s = seed;
  for (let i = 0; i < g.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    g[i] = (i % width) % 37 < 9 ? 128 : s >>> 24;
  }
  return g;
}

describe.skipIf(!built)('native addon', () => {
  it('row-by-row kernels equal the TypeScript kernels exactly, on sizes that stress cell and image borders', async () => {
    for (const [w, h] of [[1, 1], [3, 2], [7, 5], [9, 12], [17, 16], [64, 11], [1001, 613], [4003, 37], [70_001, 12]] as const) {
      const g = grayImage(w, h, w * 31 + h);
      expect(await native.kernelSums(g, w, h), `${w}x${h}`).toEqual(kernelSumsTs(g, w, h));
    }
  });

  // The kernels' SIMD levels (SSE2 everywhere on x86-64, AVX2 where built and the CPU has it) give the same sums,
  // on widths around every step of 16 and 32 columns and their chunk limits.
  it('every SIMD level of the kernels equals the TypeScript kernels exactly', async () => {
    const addon = createRequire(import.meta.url)(DEFAULT_ADDON_PATH) as { simd?: string[]; kernelSums: (...a: unknown[]) => Promise<unknown> };
    expect(addon.simd?.length).toBeGreaterThan(0);
    for (const level of addon.simd!) {
      for (const [w, h] of [[31, 9], [33, 10], [47, 13], [64, 12], [75, 11], [2051, 12], [4003, 37], [70_001, 12]] as const) {
        const g = grayImage(w, h, w * 7 + h);
        expect(await addon.kernelSums(g, w, h, level), `${level} ${w}x${h}`).toEqual(kernelSumsTs(g, w, h));
      }
    }
    await expect(addon.kernelSums(grayImage(8, 8, 1), 8, 8, 'neon-on-x86')).rejects.toThrow(/no neon-on-x86 loops/);
    // The engine's line (the ingest log, app.info) names the loops in use.
    expect(native.detail.endsWith(`, ${addon.simd!.at(-1)!.toUpperCase()} kernel loops`), native.detail).toBe(true);
  });

  it('md5 on the thread pool equals node:crypto for every tail length and a photo', async () => {
    const photo = fs.readFileSync(path.join(sharedData, 'brighton_beach', 'DJI_0018.JPG'));
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const b = photo.subarray(0, n);
      expect(await md5Hex(b, native), `${n} bytes`).toBe(createHash('md5').update(b).digest('hex'));
    }
    expect(await md5Hex(photo, native)).toBe(createHash('md5').update(photo).digest('hex'));
  });

  // .ci/run fails when npm ci built the addon without its decoder; a hand build without the package skips this.
  it.skipIf(!native.measureJpeg)('names its JPEG decoder, and refuses a truncated JPEG instead of measuring grey', async () => {
    expect(native.detail).toMatch(/^native kernels, libjpeg-turbo \d/);
    const photo = fs.readFileSync(path.join(sharedData, 'brighton_beach', 'DJI_0018.JPG'));
    const m = await native.measureJpeg!(photo, 4000, 2250, 8);
    expect([m.previewWidth, m.previewHeight, m.preview!.length]).toEqual([500, 282, 500 * 282 * 3]);
    await expect(native.measureJpeg!(photo.subarray(0, photo.length >> 1), 4000, 2250, 8)).rejects.toThrow();
  });

  // native/src/jsimd_postflight.c claims bit-exactness with jidctint.c: every luma byte of every shared JPEG, plus
  // synthetic photos whose coefficients reach the ends of the exact range (quality 100 noise and hard edges).
  it.skipIf(!native.decodeFloor || !native.detail.includes('SSE2'))('the SIMD inverse DCT decodes every JPEG to exactly the bytes of the C one', async () => {
    const files = ['brighton_beach', 'p4m_mirafiori', 'metadata_samples'].flatMap((d) =>
      fs.readdirSync(path.join(sharedData, d), { recursive: true, encoding: 'utf8' }).filter((f) => /\.jpe?g$/i.test(f)).map((f) => path.join(sharedData, d, f)),
    );
    const noise = grayImage(257, 131, 7);
    const edges = Uint8Array.from({ length: 256 * 128 }, (_, i) => ((i >> 3) + (i >> 10)) % 2 ? 255 : 0);
    const synthetic = [
      await sharp(noise, { raw: { width: 257, height: 131, channels: 1 } }).jpeg({ quality: 100 }).toBuffer(),
      await sharp(edges, { raw: { width: 256, height: 128, channels: 1 } }).jpeg({ quality: 100 }).toBuffer(),
      await sharp(edges, { raw: { width: 128, height: 256, channels: 1 } }).jpeg({ quality: 5 }).toBuffer(),
      await sharp(noise, { raw: { width: 257, height: 131, channels: 1 } }).toColourspace('srgb').jpeg({ quality: 97, chromaSubsampling: '4:4:4' }).toBuffer(),
    ];
    const jpegs = [...files.map((f) => ({ name: f, bytes: fs.readFileSync(f) })), ...synthetic.map((bytes, i) => ({ name: `synthetic ${i}`, bytes }))];
    let compared = 0;
    for (const { name, bytes } of jpegs) {
      const plain = await native.decodeFloor!(bytes, 2, true).catch(() => null);
      if (!plain) continue; // not a JPEG the library decodes (e.g. a lossless or 12-bit sample)
      const simd = (await native.decodeFloor!(bytes, 0, true))!;
      expect(simd.length, name).toBe(plain.length);
      const first = simd.findIndex((v, i) => v !== plain[i]);
      expect(first, `${name}: first differing luma byte`).toBe(-1);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(files.length * 0.9 + synthetic.length);
  });
});
