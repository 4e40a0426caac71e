import { describe, expect, it } from 'vitest';
import { decodeValues, imageCorners, overlapBand, overlapPixels, OVERLAP_BANDS } from '../../src-renderer/src/map/overlap.ts';

describe('overlap layer colours', () => {
  it('bands cells by photos seeing them: red < 3, amber 3-4, green >= 5, nothing outside the task', () => {
    // Cell values are 1 + photos; 0 is outside the task.
    expect([0, 1, 2, 3, 4, 5, 6, 7, 255].map(overlapBand)).toEqual([null, 'low', 'low', 'low', 'thin', 'thin', 'good', 'good', 'good']);
  });

  it('paints one RGBA pixel per cell, transparent outside the task', () => {
    const px = overlapPixels(new Uint8Array([0, 1, 4, 6]));
    const rgba = (i: number) => [...px.subarray(i * 4, i * 4 + 4)];
    expect(rgba(0)).toEqual([0, 0, 0, 0]);
    expect(rgba(1)).toEqual([...OVERLAP_BANDS[0].rgba]);
    expect(rgba(2)).toEqual([...OVERLAP_BANDS[1].rgba]);
    expect(rgba(3)).toEqual([...OVERLAP_BANDS[2].rgba]);
  });

  it('decodes the base64 raster and orders the corners for MapLibre', () => {
    expect([...decodeValues(Buffer.from([0, 1, 200]).toString('base64'))]).toEqual([0, 1, 200]);
    const sw: [number, number] = [0, 0];
    const se: [number, number] = [1, 0];
    const ne: [number, number] = [1, 1];
    const nw: [number, number] = [0, 1];
    expect(imageCorners({ corners: [sw, se, ne, nw] })).toEqual([nw, ne, se, sw]);
  });
});
