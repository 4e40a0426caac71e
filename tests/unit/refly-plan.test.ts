import type { Feature, Polygon } from 'geojson';
import { strFromU8, unzipSync } from 'fflate';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseCoverage } from '../../src-main/geo/coverage.ts';
import { computeFootprint } from '../../src-main/geo/footprint.ts';
import { localFrame } from '../../src-main/geo/local-frame.ts';
import { exportPlan, formatFromFileName, MAX_WAYPOINTS_PER_FILE, WPML_NS } from '../../src-main/refly/export.ts';
import { readFlightPlan, unflownStretches } from '../../src-main/refly/flight-plan.ts';
import { idealPhotoCount, planRefly, type ReflyGap, type ReflyPlan } from '../../src-main/refly/plan.ts';
import { SURVEY_ORIGIN, pose } from '../support/geo-lawnmower.ts';

/** The synthetic survey camera: 24 mm equivalent, 6000 x 4000, so 150 m across by 100 m along from 100 m. */
const CAMERA = { model: 'Synthetic', focalMm: 8, focal35Mm: 24, width: 6000, height: 4000 };
const frame = localFrame(SURVEY_ORIGIN.lon, SURVEY_ORIGIN.lat);

/** A rectangle gap of w x h metres centred at (cx, cy), its long side turned `deg` clockwise from north. */
function gap(cx: number, cy: number, w: number, h: number, deg = 0, kind: ReflyGap['kind'] = 'unphotographed'): Feature<Polygon, ReflyGap> {
  const r = (deg * Math.PI) / 180;
  const corners = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2], [-w / 2, -h / 2]].map(([x, y]) => {
    // Long side (h) along the bearing: rotate clockwise by deg.
    const ex = x! * Math.cos(r) + y! * Math.sin(r);
    const ny = -x! * Math.sin(r) + y! * Math.cos(r);
    return frame.toLonLat(cx + ex, cy + ny);
  });
  return { type: 'Feature', properties: { kind, areaM2: w * h }, geometry: { type: 'Polygon', coordinates: [corners] } };
}

/** Coverage of the gap polygon by the plan's photos, as the coverage step would see them once flown. */
function coverageOf(plan: ReflyPlan, area: Polygon) {
  const photos = plan.photos.map((p) => {
    const r = computeFootprint({ ...pose(p.lon, p.lat, p.yawDeg), relAlt: p.heightM });
    if (!r.ok) throw new Error(r.message);
    return { lon: p.lon, lat: p.lat, footprint: r.footprint.polygon, gsdCm: r.footprint.gsdCm };
  });
  return analyseCoverage(area, photos, { cellM: 1 }).coverage;
}

describe('re-fly planner', () => {
  it('covers a gap with lines along its long axis, spaced for 75/70 overlap, each gap point seen by many photos', () => {
    const g = gap(0, 0, 60, 300, 30);
    const plan = planRefly({ gaps: [g], heightM: 100, camera: CAMERA });
    expect(plan.footprint.acrossM).toBeCloseTo(150, 6);
    expect(plan.footprint.alongM).toBeCloseTo(100, 6);
    expect(plan.lineSpacingM).toBeCloseTo(45, 6);
    expect(plan.photoSpacingM).toBeCloseTo(25, 6);
    // Lines run along the 30-degree long side, one way then back.
    expect(new Set(plan.lines.map((l) => l.yawDeg))).toEqual(new Set([30, -150]));
    expect(plan.lines.map((l) => l.yawDeg).slice(0, 2)).not.toEqual([plan.lines[0]!.yawDeg, plan.lines[0]!.yawDeg]);
    // Grown by a footprint: (60 + 150) across / 45 -> 5 lines.
    expect(plan.lines).toHaveLength(5);
    const c = coverageOf(plan, g.geometry);
    expect(c.coveragePct).toBe(100);
    expect(c.overlap5Pct).toBe(100);
    // Not wasteful: within 1.3x of the photos the grown area needs at these overlaps.
    expect(plan.photos.length / idealPhotoCount(plan.plannedAreaM2, plan)).toBeLessThan(1.3);
  });

  it('joins gaps whose grown areas touch, flies far ones as separate blocks, nearest first from take-off', () => {
    const near = [gap(0, 0, 40, 80), gap(90, 0, 40, 80)];
    const far = gap(2000, 0, 40, 80);
    const plan = planRefly({ gaps: [...near, far], heightM: 100, camera: CAMERA, start: frame.toLonLat(2100, 0) });
    expect(plan.blocks).toBe(2);
    // From a take-off beside the far gap, its block comes first.
    expect(plan.lines[0]!.block).toBe(0);
    const firstX = frame.toXY(plan.photos[0]!.lon, plan.photos[0]!.lat)[0];
    expect(firstX).toBeGreaterThan(1800);
    const lastX = frame.toXY(plan.photos[plan.photos.length - 1]!.lon, plan.photos[plan.photos.length - 1]!.lat)[0];
    expect(lastX).toBeLessThan(300);
    for (const g of [...near, far]) expect(coverageOf(plan, g.geometry).overlap3Pct).toBe(100);
    // The path is the sum of the hops, from take-off and back.
    expect(plan.lengthM).toBeGreaterThan(2 * 1800);
    expect(plan.flightTimeS).toBeGreaterThan(plan.lengthM / plan.speedMps);
  });

  it('takes a gap with a hole, and a different overlap', () => {
    const outer = gap(0, 0, 200, 200).geometry.coordinates[0]!;
    const hole = gap(0, 0, 60, 60).geometry.coordinates[0]!.slice().reverse();
    const ring: Feature<Polygon, ReflyGap> = { type: 'Feature', properties: { kind: 'thin_overlap', areaM2: 200 * 200 - 3600 }, geometry: { type: 'Polygon', coordinates: [outer, hole] } };
    const plan = planRefly({ gaps: [ring], heightM: 100, camera: CAMERA, frontOverlap: 0.8, sideOverlap: 0.6 });
    expect(plan.lineSpacingM).toBeCloseTo(60, 6);
    expect(plan.photoSpacingM).toBeCloseTo(20, 6);
    expect(coverageOf(plan, ring.geometry).overlap5Pct).toBe(100);
  });
});

describe('re-fly exporters', () => {
  const big = planRefly({ gaps: [gap(0, 0, 900, 900)], heightM: 100, camera: CAMERA });

  it('splits a DJI plan of more than 250 photo points into <name>-1.kmz, -2.kmz ... in flight order', () => {
    expect(big.photos.length).toBeGreaterThan(2 * MAX_WAYPOINTS_PER_FILE);
    const files = exportPlan(big, 'wpml', { fileName: 'site.kmz', title: 'Task <1> & co' });
    expect(files.map((f) => f.fileName)).toEqual(files.map((_, i) => `site-${i + 1}.kmz`));
    expect(files).toHaveLength(Math.ceil(big.photos.length / MAX_WAYPOINTS_PER_FILE));
    let seen = 0;
    for (const f of files) {
      const entries = unzipSync(f.bytes);
      expect(Object.keys(entries).sort()).toEqual(['wpmz/template.kml', 'wpmz/waylines.wpml']);
      const wpml = strFromU8(entries['wpmz/waylines.wpml']!);
      expect(wpml).toContain(`xmlns:wpml="${WPML_NS}"`);
      const coords = [...wpml.matchAll(/<coordinates>([^<]+)<\/coordinates>/g)].map((m) => m[1]!.split(',').map(Number));
      expect(coords.length).toBeLessThanOrEqual(MAX_WAYPOINTS_PER_FILE);
      // The files continue each other: first point of each is the next photo of the plan.
      expect(coords[0]![0]).toBeCloseTo(big.photos[seen]!.lon, 7);
      expect(coords[0]![1]).toBeCloseTo(big.photos[seen]!.lat, 7);
      seen += coords.length;
      expect(strFromU8(entries['wpmz/template.kml']!)).toContain('Task &lt;1&gt; &amp; co');
    }
    expect(seen).toBe(big.photos.length);
  });

  it('keeps one file under the limit, and tells the format from the file name', () => {
    const small = planRefly({ gaps: [gap(0, 0, 40, 40)], heightM: 100, camera: CAMERA });
    expect(exportPlan(small, 'wpml', { fileName: 'a.kmz', title: 't' }).map((f) => f.fileName)).toEqual(['a.kmz']);
    expect(['x.kmz', 'x.KML', 'x.plan', 'x.geojson', 'x.json', 'x.txt'].map(formatFromFileName)).toEqual(['wpml', 'kml', 'qgc', 'geojson', 'geojson', null]);
  });
});

describe('planned vs flown', () => {
  const plan = planRefly({ gaps: [gap(0, 0, 120, 400)], heightM: 100, camera: CAMERA });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-plan-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads back the waylines of a DJI WPML KMZ and of KML lines', () => {
    const [kmz] = exportPlan(plan, 'wpml', { fileName: 'p.kmz', title: 't' });
    fs.writeFileSync(path.join(dir, 'p.kmz'), kmz!.bytes);
    const [kml] = exportPlan(plan, 'kml', { fileName: 'p.kml', title: 't' });
    fs.writeFileSync(path.join(dir, 'p.kml'), kml!.bytes);
    for (const file of ['p.kmz', 'p.kml']) {
      const lines = readFlightPlan(path.join(dir, file));
      expect(lines, file).toHaveLength(plan.lines.length);
      lines.forEach((l, i) => {
        expect(l[0][0]).toBeCloseTo(plan.lines[i]!.coordinates[0][0], 7);
        expect(l[1][1]).toBeCloseTo(plan.lines[i]!.coordinates[1][1], 7);
      });
    }
    fs.writeFileSync(path.join(dir, 'bad.kmz'), 'not a zip');
    expect(() => readFlightPlan(path.join(dir, 'bad.kmz'))).toThrow(/not a readable KMZ/);
  });

  it('finds the stretches an aborted flight left, and only those', () => {
    const lines = readFlightPlan(path.join(dir, 'p.kmz'));
    // The flight stopped half-way along the third line.
    const thirdStart = plan.photos.findIndex((p) => p.line === 2);
    const thirdCount = plan.lines[2]!.photoCount;
    const flown = plan.photos.slice(0, thirdStart + Math.floor(thirdCount / 2));
    const opts = { acrossM: plan.lineSpacingM, alongM: plan.footprint.alongM, minM: plan.photoSpacingM };
    expect(unflownStretches(lines, plan.photos, opts)).toEqual([]);
    const missing = unflownStretches(lines, flown, opts);
    // Half of line 3 and all of the lines after it.
    expect(missing).toHaveLength(plan.lines.length - 2);
    const missingArea = missing.reduce((a, m) => a + m.properties.areaM2, 0);
    const lineLength = (l: (typeof lines)[number]) => Math.hypot(...frame.toXY(l[1][0], l[1][1]).map((v, k) => v - frame.toXY(l[0][0], l[0][1])[k]!) as [number, number]);
    const expected = lines.slice(3).reduce((a, l) => a + lineLength(l), 0) + lineLength(lines[2]!) / 2;
    expect(missingArea / plan.lineSpacingM).toBeGreaterThan(expected - plan.footprint.alongM);
    expect(missingArea / plan.lineSpacingM).toBeLessThan(expected + plan.footprint.alongM);
    // Re-planned, the stretches are covered again.
    const again = planRefly({ gaps: missing, heightM: 100, camera: CAMERA });
    for (const m of missing) expect(coverageOf(again, m.geometry).overlap3Pct).toBe(100);
  });
});
