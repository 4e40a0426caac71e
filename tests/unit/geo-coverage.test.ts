import { describe, expect, it } from 'vitest';
import { analyseCoverage, type CoveragePhoto } from '../../src-main/geo/coverage.ts';
import { computeFootprint, type PhotoPose } from '../../src-main/geo/footprint.ts';
import { localFrame } from '../../src-main/geo/local-frame.ts';
import { FOOTPRINT_ACROSS_M, SURVEY_ORIGIN, lawnmower, rectangleTask } from '../support/geo-lawnmower.ts';

const HALF_W = 200;
const HALF_H = 200;
const task = rectangleTask(HALF_W, HALF_H);

function toCoverage(photos: PhotoPose[]): CoveragePhoto[] {
  return photos.map((p) => {
    const r = computeFootprint(p);
    if (!r.ok) throw new Error(r.message);
    return { lon: p.lon!, lat: p.lat!, footprint: r.footprint.polygon, gsdCm: r.footprint.gsdCm };
  });
}

describe('task coverage on a lawnmower survey at 75% front / 65% side overlap', () => {
  const survey = lawnmower({ front: 0.75, side: 0.65, halfWidthM: HALF_W, halfHeightM: HALF_H });

  it('reads full coverage and the planned overlaps', () => {
    const { coverage } = analyseCoverage(task, toCoverage(survey.photos), { cellM: 1 });
    expect(coverage.coveragePct).toBe(100);
    expect(coverage.overlap3Pct).toBe(100);
    // Along a line every point is seen by 100 / 25 = 4 photos; across, by 2 or 3 lines: at least 8 photos.
    expect(coverage.overlap5Pct).toBe(100);
    expect(coverage.frontOverlapPct).toBeCloseTo(75, 6);
    expect(coverage.sideOverlapPct).toBeCloseTo(65, 6);
    expect(coverage.flightLines).toBe(survey.lineX.length);
    expect(coverage.gaps.features).toHaveLength(0);
    expect(coverage.gapAreaM2).toBe(0);
    expect(coverage.taskAreaM2).toBeCloseTo(4 * HALF_W * HALF_H, -2);
    // GSD: 2 H tan(half width) / pixels = 2 * 100 * 0.75 / 6000 m = 2.5 cm.
    expect(coverage.gsdCm?.median).toBeCloseTo(2.5, 9);
  });

  it('shows the strip left between two missing lines as a gap of the right size', () => {
    // Drop two neighbouring lines inside the task: the lines left on either side are 3 spacings apart, so a stripe
    // 3 * 52.5 - 150 = 7.5 m wide, as tall as the task, is seen by no photo at all.
    const k = survey.lineX.findIndex((x) => x > -50);
    const kept = survey.photos.filter((_, i) => survey.line[i] !== k && survey.line[i] !== k + 1);
    const cellM = 0.5;
    // The stripe (3000 m²) is under half a footprint (7500 m²): listed only when the sliver limit is lowered.
    const { coverage } = analyseCoverage(task, toCoverage(kept), { cellM, minGapAreaM2: 100 });
    const stripeW = 3 * survey.lineSpacingM - FOOTPRINT_ACROSS_M;
    expect(stripeW).toBeCloseTo(7.5, 9);
    const stripeArea = stripeW * 2 * HALF_H;
    // Cells count by their centres: each row may gain or lose up to one cell across the stripe.
    const oneCellColumn = cellM * 2 * HALF_H;
    expect(Math.abs(coverage.gapAreaM2 - stripeArea)).toBeLessThanOrEqual(oneCellColumn);
    expect(coverage.gaps.features).toHaveLength(1);
    expect(coverage.gaps.features[0]!.properties).toEqual({ kind: 'unphotographed', areaM2: coverage.gapAreaM2 });
    expect(coverage.unphotographedAreaM2).toBe(coverage.gapAreaM2);
    expect(coverage.thinOverlapAreaM2).toBe(0);
    const byDefault = analyseCoverage(task, toCoverage(kept), { cellM }).coverage;
    expect(byDefault.minGapAreaM2).toBeCloseTo(FOOTPRINT_ACROSS_M * 100 / 2, 6);
    expect(byDefault.gaps.features).toHaveLength(0);
    expect(byDefault.unphotographedAreaM2).toBe(coverage.unphotographedAreaM2);
    expect(coverage.coveragePct).toBeCloseTo(100 * (1 - stripeW / (2 * HALF_W)), 0);
    // The gap polygon sits between the kept neighbours' footprint edges.
    const frame = localFrame(SURVEY_ORIGIN.lon, SURVEY_ORIGIN.lat);
    const xs = coverage.gaps.features[0]!.geometry.coordinates[0]!.map((p) => frame.toXY(p[0]!, p[1]!)[0]);
    const westEdge = survey.lineX[k - 1]! + FOOTPRINT_ACROSS_M / 2;
    expect(Math.abs(Math.min(...xs) - westEdge)).toBeLessThanOrEqual(cellM);
    expect(Math.abs(Math.max(...xs) - (westEdge + stripeW))).toBeLessThanOrEqual(cellM);
  });

  it('tells ground no photo saw from ground seen by too few, and drops slivers', () => {
    // Keep every fourth line only (210 m apart, 150 m footprints): 60 m stripes no photo sees between them, and
    // every photographed point is seen by one line's 4 photos along it. With the minimum overlap at 5, the
    // photographed ground is all thin overlap.
    const sparse = survey.photos.filter((_, i) => survey.line[i]! % 4 === 0);
    const { coverage } = analyseCoverage(task, toCoverage(sparse), { cellM: 1, gapBelow: 5 });
    const kinds = new Set(coverage.gaps.features.map((f) => f.properties.kind));
    expect(kinds).toEqual(new Set(['unphotographed', 'thin_overlap']));
    const listed = (kind: string) =>
      coverage.gaps.features.filter((f) => f.properties.kind === kind).reduce((a, f) => a + f.properties.areaM2, 0);
    expect(listed('unphotographed')).toBeCloseTo(coverage.unphotographedAreaM2, 6);
    expect(coverage.unphotographedAreaM2).toBeCloseTo(coverage.taskAreaM2 * (1 - coverage.coveragePct / 100), -2);
    expect(listed('thin_overlap')).toBeLessThanOrEqual(coverage.thinOverlapAreaM2);
    expect(coverage.unphotographedAreaM2 + coverage.thinOverlapAreaM2).toBeCloseTo(coverage.gapAreaM2, 6);
    for (const f of coverage.gaps.features) expect(f.properties.areaM2).toBeGreaterThanOrEqual(coverage.minGapAreaM2);
    // The default minimum (3): the 4 photos along each line are enough, only the stripes are gaps.
    const three = analyseCoverage(task, toCoverage(sparse), { cellM: 1 }).coverage;
    expect(three.gaps.features.every((f) => f.properties.kind === 'unphotographed')).toBe(true);
  });

  it('sizes raster cells from the GSD (100 pixels on the ground)', () => {
    const { raster } = analyseCoverage(task, toCoverage(survey.photos));
    expect(raster.grid.cellM).toBeCloseTo(2.5, 9);
    // 400 m across: 160 cells, one more when the WGS84 round trip makes it a hair wider.
    expect(raster.grid.cols).toBeGreaterThanOrEqual(160);
    expect(raster.grid.cols).toBeLessThanOrEqual(161);
  });
});
