/**
 * Parity with OpenCV + DroneTM's rules on every photo of reference_metrics.csv, for both engines: the native addon
 * (libjpeg luma decode + C++ kernels) and the fallback (sharp decode + TypeScript kernels in a worker).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine, measurePhoto, type KernelEngine } from '../../src-main/quality/measure.ts';
import { referenceRows } from '../support/quality-reference.ts';
import { sharedData } from '../support/paths.ts';

const rows = referenceRows(path.join(sharedData, 'reference_metrics.csv'));
const logs: string[] = [];
const native = loadEngine({ log: (l) => logs.push(l) });
const fallback = loadEngine({ native: false, log: (l) => logs.push(l) });

function within2(actual: number, expected: number): void {
  // 2% relative, with one grey level of slack for the 8-bit percentiles.
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(0.02 * Math.abs(expected), 1e-9));
}

describe.each([
  ['native', native],
  ['typescript', fallback],
] as [string, KernelEngine][])('%s engine against reference_metrics.csv', (name, engine) => {
  it.skipIf(engine.name !== name)(`matches every listed photo within 2% (${rows.length} photos)`, async () => {
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      const m = await measurePhoto(fs.readFileSync(path.join(sharedData, row.file)), { engine });
      expect(m.engine).toBe(name);
      expect([m.width, m.height]).toEqual([row.width, row.height]);
      for (const k of ['gridScore', 'wholeVariance', 'mean', 'std', 'p5', 'p95'] as const) {
        try {
          within2(m[k], row[k]);
        } catch (err) {
          throw new Error(`${row.file} ${k}: ${m[k]} vs reference ${row[k]}`, { cause: err });
        }
      }
      expect(m.lowTextureRatio, row.file).toBe(row.lowTextureRatio);
      expect([m.black, m.white], row.file).toEqual([row.black, row.white]);
      expect(m.gridVariances).toHaveLength(16);
    }
  });
});

it('says which engine runs, in one line each', () => {
  expect(logs.filter((l) => l.startsWith('quality:'))).toHaveLength(2);
});
