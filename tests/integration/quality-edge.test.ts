/**
 * Synthetic edge cases and 16-bit TIFFs against OpenCV itself (Debian's python3-opencv), native kernels equal to
 * the TypeScript ones, hostile input, and the fallback engaging when the addon is absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/common/errors.ts';
import { kernelSumsTs } from '../../src-main/quality/kernels.ts';
import { computeMetrics, loadEngine, measurePhoto } from '../../src-main/quality/measure.ts';
import { openCvAvailable, openCvMetrics } from '../support/quality-reference.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';

const dir = makeTemp('postflight-quality-');
afterAll(() => rmTemp(dir));
const native = loadEngine({ log: () => {} });
const fallback = loadEngine({ native: false, log: () => {} });

/** Gray test images: sizes around the grid's remainders, and the constant and random extremes. */
function syntheticGrays(): { name: string; w: number; h: number; gray: Uint8Array }[] {
  let seed = 12345;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  const make = (name: string, w: number, h: number, f: (x: number, y: number) => number) => {
    const gray = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) gray[y * w + x] = f(x, y);
    return { name, w, h, gray };
  };
  return [
    make('1x1', 1, 1, () => 200),
    make('3x2', 3, 2, () => rnd()),
    make('5x7 odd', 5, 7, () => rnd()),
    make('9x13 odd', 9, 13, (x, y) => (x * 37 + y * 91) & 0xff),
    make('constant 64x48', 64, 48, () => 117),
    make('black 40x30', 40, 30, () => 3),
    make('white 40x30', 40, 30, () => 252),
    make('random 203x157', 203, 157, () => rnd()),
    make('checker 101x67', 101, 67, (x, y) => ((x + y) & 1 ? 240 : 10)),
    make('gradient 320x243', 320, 243, (x, y) => Math.floor((x + y) / 2.2) & 0xff),
  ];
}

describe.skipIf(!openCvAvailable)('against OpenCV (python3-opencv)', () => {
  it('synthetic gray images: every metric, including sizes not divisible by 4 and constant images', async () => {
    const cases = syntheticGrays();
    const files: string[] = [];
    for (const c of cases) {
      const f = path.join(dir, `${c.name.replace(/\W+/g, '_')}.png`);
      await sharp(Buffer.from(c.gray), { raw: { width: c.w, height: c.h, channels: 1 } }).png().toFile(f);
      files.push(f);
    }
    const refs = openCvMetrics(files);
    cases.forEach((c, i) => {
      const m = computeMetrics(c.gray, c.w, c.h);
      const ref = refs[i]!;
      for (const k of ['gridScore', 'lowTextureRatio', 'wholeVariance', 'mean', 'std', 'p5', 'p95', 'fracDark', 'fracBright'] as const) {
        expect(m[k], `${c.name} ${k}`).toBeCloseTo(ref[k], 6);
      }
      expect(m.gridVariances.length, c.name).toBe(ref.gridVariances.length);
      m.gridVariances.forEach((v, j) => expect(v, `${c.name} cell ${j}`).toBeCloseTo(ref.gridVariances[j]!, 6));
    });
  });

  it('16-bit TIFFs are read at their real bit depth: full-depth bands as imdecode reduces them, a 14-bit frame as left-aligned', async () => {
    const files = ['0000SET_IMG_0001_1.tif', '0000SET_IMG_0001_2.tif', '001.tif'].map((f) => path.join(sharedData, 'metadata_samples', f));
    // The 14-bit thermal frame's reference is OpenCV on the same samples shifted up to fill 16 bits.
    const tmp = makeTemp();
    const { data, info } = await sharp(files[2]).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const px = new Uint16Array(data.buffer, data.byteOffset, info.width * info.height).map((v) => v * 4);
    const shifted = path.join(tmp, '001-left-aligned.tif');
    await sharp(px, { raw: { width: info.width, height: info.height, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'none' }).toFile(shifted);
    const refs = openCvMetrics([files[0]!, files[1]!, shifted]);
    rmTemp(tmp);
    for (const [i, f] of files.entries()) {
      const m = await measurePhoto(fs.readFileSync(f), { engine: fallback });
      expect(m.bitDepth).toBe(i === 2 ? 14 : 16);
      const ref = refs[i]!;
      expect([m.width, m.height]).toEqual([ref.width, ref.height]);
      for (const k of ['gridScore', 'wholeVariance', 'mean', 'std', 'p5', 'p95'] as const) {
        expect(m[k], `${f} ${k}`).toBeCloseTo(ref[k], 6);
      }
    }
  });
});

describe.skipIf(native.name !== 'native')('native addon', () => {
  it('gives the same kernel sums as the TypeScript kernels', async () => {
    for (const c of syntheticGrays()) {
      expect(await native.kernelSums(c.gray, c.w, c.h), c.name).toEqual(kernelSumsTs(c.gray, c.w, c.h));
    }
  });

  it('rejects a buffer smaller than width x height instead of reading past it', async () => {
    await expect(native.kernelSums(new Uint8Array(10), 4, 4)).rejects.toThrow(/smaller/);
  });
});

describe('hostile input', () => {
  const photo = fs.readFileSync(path.join(sharedData, 'p4m_mirafiori', 'DJI_0010.JPG'));

  it.each([
    ['native', native],
    ['typescript', fallback],
  ] as const)('%s: refuses an image above the pixel limit before decoding it', async (_n, engine) => {
    const err = await measurePhoto(photo, { engine, maxPixels: 1_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('refused');
    expect((err as AppError).message).toMatch(/1600 x 1300 pixels.*megapixels/);
  });

  it.each([
    ['native', native],
    ['typescript', fallback],
  ] as const)('%s: a truncated JPEG is refused as damaged, not measured as flat gray', async (_n, engine) => {
    const truncated = photo.subarray(0, Math.floor(photo.length * 0.6));
    const err = await measurePhoto(truncated, { engine }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid_input');
    expect((err as AppError).message).toMatch(/damaged, incomplete/);
  });

  it('bytes that are no image get the same clear error', async () => {
    const err = await measurePhoto(Buffer.from('not a photo at all'), { engine: fallback }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('invalid_input');
  });
});

describe('engine selection', () => {
  it('falls back to the TypeScript kernels when the addon is missing, and says so once', async () => {
    const lines: string[] = [];
    const engine = loadEngine({ addonPath: path.join(dir, 'missing.node'), log: (l) => lines.push(l) });
    expect(engine.name).toBe('typescript');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/TypeScript kernels.*addon not loaded/);
    const m = await measurePhoto(fs.readFileSync(path.join(sharedData, 'metadata_samples', 'issue-exifr-13.jpg')), { engine });
    expect(m.engine).toBe('typescript');
  });

  it('a fallback engine that never measured anything does not keep its process alive', () => {
    const engineModule = path.resolve(import.meta.dirname, '../../src-main/quality/engine.ts');
    // A script file, not `-e`: an evaluated script let the process end anyway.
    const script = path.join(dir, 'idle-engine.mjs');
    fs.writeFileSync(script, `import { loadEngine } from ${JSON.stringify(pathToFileURL(engineModule).href)};\nloadEngine({ native: false, log: () => {} });\n`);
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal, 'killed by the timeout: the idle worker held the process').toBeNull();
    expect(r.status, r.stderr).toBe(0);
  });

  it('POSTFLIGHT_NATIVE=off forces the fallback', () => {
    const before = process.env.POSTFLIGHT_NATIVE;
    process.env.POSTFLIGHT_NATIVE = 'off';
    try {
      expect(loadEngine({ log: () => {} }).name).toBe('typescript');
    } finally {
      if (before === undefined) delete process.env.POSTFLIGHT_NATIVE;
      else process.env.POSTFLIGHT_NATIVE = before;
    }
  });
});
