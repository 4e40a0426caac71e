import { describe, expect, it } from 'vitest';
import { gridOver, scanFill, traceRegions } from '../../src-main/geo/raster.ts';

function maskOf(rows: string[]): { grid: ReturnType<typeof gridOver>; inside: (i: number) => boolean } {
  // Rows are given top (north) first, as drawn.
  const grid = gridOver(0, 0, rows[0]!.length, rows.length, 1);
  const cells = rows.slice().reverse().join('');
  return { grid, inside: (i) => cells[i] === '#' };
}

describe('raster', () => {
  it('fills the cells whose centres are inside a polygon, holes excluded', () => {
    const grid = gridOver(0, 0, 10, 10, 1);
    let n = 0;
    const outer: [number, number][] = [[1, 1], [9, 1], [9, 9], [1, 9]];
    const hole: [number, number][] = [[3, 3], [3, 7], [7, 7], [7, 3]];
    scanFill(grid, [outer, hole], (_r, c0, c1) => (n += c1 - c0 + 1));
    expect(n).toBe(8 * 8 - 4 * 4);
  });

  it('traces a ring of cells as one polygon with one hole', () => {
    const { grid, inside } = maskOf(['###', '#.#', '###']);
    const polys = traceRegions(grid, inside);
    expect(polys).toHaveLength(1);
    expect(polys[0]!.areaM2).toBe(8);
    expect(polys[0]!.rings).toHaveLength(2);
    // Collinear cell edges are merged: a square outline and a square hole, four corners each.
    const [outer, hole] = polys[0]!.rings;
    expect(new Set(outer!.map((p) => p.join()))).toEqual(new Set(['0,0', '3,0', '3,3', '0,3']));
    expect(new Set(hole!.map((p) => p.join()))).toEqual(new Set(['1,1', '2,1', '2,2', '1,2']));
    expect(outer).toHaveLength(5);
  });

  it('keeps cells that only touch at a corner apart', () => {
    const { grid, inside } = maskOf(['.#', '#.']);
    const polys = traceRegions(grid, inside);
    expect(polys.map((p) => p.areaM2)).toEqual([1, 1]);
    for (const p of polys) expect(p.rings[0]).toHaveLength(5);
  });
});
