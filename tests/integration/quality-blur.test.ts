/**
 * The blur decision on derived photos: real survey photos defocused and motion-blurred (which DroneTM's colour rule
 * excuses as water or sand) stay blurry; grainy synthetic water and snow with the same low grid score pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, judgeSharpness, loadEngine, measurePhoto } from '../../src-main/quality/measure.ts';
import { defocusedCopy, motionBlurredCopy, syntheticSurface } from '../support/quality-fixtures.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';

const dir = makeTemp('postflight-quality-blur-');
afterAll(() => rmTemp(dir));
const engine = loadEngine({ log: () => {} });
const measure = async (file: string) => measurePhoto(fs.readFileSync(file), { engine });
const photos = [path.join(sharedData, 'brighton_beach', 'DJI_0030.JPG'), path.join(sharedData, 'p4m_mirafiori', 'DJI_0150.JPG')];

describe('blurred land stays blurry', () => {
  it.each(photos)('%s: sharp original passes, defocus and motion blur are rejected', async (src) => {
    expect(judgeSharpness(await measure(src)).blurry).toBe(false);
    let excusedByColourAlone = 0;
    for (const file of [await defocusedCopy(src, dir, 2), await defocusedCopy(src, dir, 3), await motionBlurredCopy(src, dir, 25)]) {
      const m = await measure(file);
      const verdict = judgeSharpness(m);
      expect(verdict.score, file).toBeLessThan(DEFAULT_THRESHOLDS.minSharpness);
      expect(verdict, file).toMatchObject({ blurry: true, code: 'blur' });
      expect(verdict.message).toMatch(/^Blurry photo/);
      // DroneTM's rule alone (no blur-effect limit) would have let this one through.
      if (!judgeSharpness(m, { maxBlurEffect: Infinity }).blurry) excusedByColourAlone++;
    }
    // The defocused copies lose all texture and keep their colour: the case the second signal exists for.
    expect(excusedByColourAlone).toBeGreaterThan(0);
  });
});

describe('genuine low-texture terrain passes', () => {
  it.each([
    ['water', [40, 90, 130]],
    ['snow_ice', [225, 228, 232]],
  ] as const)('synthetic %s with sensor grain', async (terrain, rgb) => {
    const m = await measure(await syntheticSurface(dir, terrain, [...rgb], { grain: 1.5 }));
    const verdict = judgeSharpness(m);
    expect(verdict.score).toBeLessThan(DEFAULT_THRESHOLDS.minSharpness);
    expect(m.terrain).toBe(terrain);
    expect(verdict).toMatchObject({ blurry: false, terrain });
    expect(verdict.message).toMatch(/Low texture but sharp/);
  });

  it('thresholds are settings: a lower minimum accepts what the default rejects', async () => {
    const m = await measure(await defocusedCopy(photos[1]!, dir, 2));
    expect(judgeSharpness(m).blurry).toBe(true);
    expect(judgeSharpness(m, { minSharpness: m.gridScore / 2 }).blurry).toBe(false);
  });
});
