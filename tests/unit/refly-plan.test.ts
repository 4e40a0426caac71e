import type { Feature, Polygon } from 'geojson';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseCoverage, type CoveragePhoto } from '../../src-main/geo/coverage.ts';
import { computeFootprint } from '../../src-main/geo/footprint.ts';
import { localFrame } from '../../src-main/geo/local-frame.ts';
import { exportPlan, formatFromFileName, MAX_WAYPOINTS_PER_FILE, WPML_NS } from '../../src-main/refly/export.ts';
import { compareWithPhotos, parseFlightPlan, readFlightPlan, resolvePlan } from '../../src-main/refly/flight-plan.ts';
import { planUnflown } from '../../src-main/refly/from-plan.ts';
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

/** Coverage of the gap polygon by the plan's photos (and `before`), as the coverage step would see them once flown. */
function coverageOf(plan: ReflyPlan, area: Polygon, before: CoveragePhoto[] = []) {
  const photos = plan.photos.map((p) => {
    const r = computeFootprint({ ...pose(p.lon, p.lat, p.yawDeg), relAlt: p.heightM });
    if (!r.ok) throw new Error(r.message);
    return { lon: p.lon, lat: p.lat, footprint: r.footprint.polygon, gsdCm: r.footprint.gsdCm };
  });
  return analyseCoverage(area, [...before, ...photos], { cellM: 1 }).coverage;
}

describe('re-fly planner', () => {
  it('lays the 75/70 grid over a gap along its long axis, only where it serves the bare gap, each gap point seen by 3+ new photos', () => {
    // 135 m = 3 line spacings wide, 300 m = 12 photo spacings long, turned 30 degrees.
    const g = gap(0, 0, 135, 300, 30);
    const plan = planRefly({ gaps: [g], heightM: 100, camera: CAMERA });
    expect(plan.footprint.acrossM).toBeCloseTo(150, 6);
    expect(plan.footprint.alongM).toBeCloseTo(100, 6);
    expect(plan.lineSpacingM).toBeCloseTo(45, 6);
    expect(plan.photoSpacingM).toBeCloseTo(25, 6);
    // Lines run along the 30-degree long side, one way then back.
    expect(new Set(plan.lines.map((l) => l.yawDeg))).toEqual(new Set([30, -150]));
    expect(plan.lines.map((l) => l.yawDeg).slice(0, 2)).not.toEqual([plan.lines[0]!.yawDeg, plan.lines[0]!.yawDeg]);
    // Three lines, half a spacing inside the gap's edges (lines on the edges would be four), photos a spacing apart.
    const across = (lon: number, lat: number) => {
      const [x, y] = frame.toXY(lon, lat);
      const r = (30 * Math.PI) / 180;
      return [x * Math.cos(r) - y * Math.sin(r), x * Math.sin(r) + y * Math.cos(r)] as const;
    };
    expect(plan.lines).toHaveLength(3);
    expect(plan.lines.map((l) => across(...l.coordinates[0])[0]).sort((p, q) => p - q)).toEqual([expect.closeTo(-45, 3), expect.closeTo(0, 3), expect.closeTo(45, 3)]);
    for (const [i, line] of plan.lines.entries()) {
      const along = plan.photos.filter((p) => p.line === i).map((p) => across(p.lon, p.lat)[1]);
      for (let k = 1; k < along.length; k++) expect(Math.abs(along[k]! - along[k - 1]!)).toBeCloseTo(25, 3);
      expect(along).toHaveLength(line.photoCount);
      // Every photo of the grid stands in the gap, but for the ones the ends need to be seen 3 times.
      expect(along.filter((v) => Math.abs(v) > 150).length).toBeLessThanOrEqual(2);
    }
    // Not wasteful: within 1.3x of the photos the bare gap needs at these overlaps, and not sparser than them.
    const ratio = plan.photos.length / idealPhotoCount(plan.gapAreaM2, plan);
    expect(ratio).toBeLessThanOrEqual(1.3);
    expect(ratio).toBeGreaterThanOrEqual(1);
    const c = coverageOf(plan, g.geometry);
    expect(c.coveragePct).toBe(100);
    expect(c.overlap3Pct).toBe(100);
    // Tied into the ground around it: the new photos reach half a footprint less half a spacing past every edge
    // (52.5 m across, 37.5 m along).
    expect(coverageOf(plan, gap(0, 0, 135 + 2 * 50, 300 + 2 * 35, 30).geometry).coveragePct).toBe(100);
    expect(coverageOf(plan, gap(0, 0, 135 + 2 * 60, 300, 30).geometry).coveragePct).toBeLessThan(100);
  });

  it('flies a gap thinner than a line spacing with one line down its middle, as dense as one line can be', () => {
    const g = gap(0, 0, 7.5, 600, 0);
    const plan = planRefly({ gaps: [g], heightM: 100, camera: CAMERA });
    expect(plan.lines).toHaveLength(1);
    for (const p of plan.photos) expect(Math.abs(frame.toXY(p.lon, p.lat)[0])).toBeLessThan(0.01);
    // The floor: a photo every photo spacing over the gap's length, line spacing / gap width (6x) the ideal.
    const floor = plan.lineSpacingM / 7.5;
    const ratio = plan.photos.length / idealPhotoCount(plan.gapAreaM2, plan);
    expect(ratio).toBeGreaterThanOrEqual(floor);
    expect(ratio).toBeLessThanOrEqual(1.3 * floor);
    expect(coverageOf(plan, g.geometry).overlap3Pct).toBe(100);
  });

  it('asks one new view fewer of thinly seen ground, which a photo saw already', () => {
    const strip = (kind: ReflyGap['kind']) => gap(0, 0, 7.5, 600, 0, kind);
    const unphotographed = planRefly({ gaps: [strip('unphotographed')], heightM: 100, camera: CAMERA });
    const thin = planRefly({ gaps: [strip('thin_overlap')], heightM: 100, camera: CAMERA });
    expect(thin.photos.length).toBeLessThan(unphotographed.photos.length);
    // With the one photo that saw it before, every point is seen 3 times; the new ones alone leave its ends at 2.
    const g = strip('thin_overlap').geometry;
    const seenBefore: CoveragePhoto = { lon: SURVEY_ORIGIN.lon, lat: SURVEY_ORIGIN.lat, footprint: g, gsdCm: 3 };
    expect(coverageOf(thin, g, [seenBefore]).overlap3Pct).toBe(100);
    expect(coverageOf(thin, g).overlap3Pct).toBeLessThan(100);
    expect(coverageOf(unphotographed, g).overlap3Pct).toBe(100);
  });

  it('keeps every point of a non-convex gap seen by 3+ new photos, tips and inner corner included', () => {
    // An L: 200 x 60 along the bottom, 60 x 200 up the left side.
    const ring = [[0, 0], [200, 0], [200, 60], [60, 60], [60, 200], [0, 200], [0, 0]].map(([x, y]) => frame.toLonLat(x! - 100, y! - 100));
    const l: Feature<Polygon, ReflyGap> = { type: 'Feature', properties: { kind: 'unphotographed', areaM2: 200 * 60 + 60 * 140 }, geometry: { type: 'Polygon', coordinates: [ring] } };
    const plan = planRefly({ gaps: [l], heightM: 100, camera: CAMERA });
    const c = coverageOf(plan, l.geometry);
    expect(c.coveragePct).toBe(100);
    expect(c.overlap3Pct).toBe(100);
    expect(plan.photos.length / idealPhotoCount(plan.gapAreaM2, plan)).toBeLessThanOrEqual(1.3);
  });

  it('sees a thin gap that falls between the lines of the gap it is flown with 3+ times, where no line crosses it', () => {
    // The block's grid (4 lines over x -67.5..115, at -43.75 + k x 45) has no line across the sliver at x 110-115,
    // 42.5 m from the big gap (one block), which runs 150 m past both its ends, where the big gap's photos do not see it.
    const big = gap(0, 0, 135, 300);
    const sliver = gap(112.5, 0, 5, 600);
    const plan = planRefly({ gaps: [big, sliver], heightM: 100, camera: CAMERA });
    expect(plan.blocks).toBe(1);
    const c = coverageOf(plan, sliver.geometry);
    expect(c.coveragePct).toBe(100);
    expect(c.overlap3Pct).toBe(100);
    // The sliver's photos stand on the grid's lines beside it, none on the sliver.
    const xs = plan.photos.map((p) => frame.toXY(p.lon, p.lat)[0]);
    for (const x of xs) expect(Math.abs(((x + 43.75) / 45) - Math.round((x + 43.75) / 45))).toBeLessThan(0.01);
    expect(xs.some((x) => x > 110)).toBe(true);
    expect(xs.some((x) => x > 105 && x < 120)).toBe(false);
    expect(coverageOf(plan, big.geometry).overlap3Pct).toBe(100);
  });

  it('joins gaps whose new photos would overlap, flies far ones as separate blocks, nearest first from take-off', () => {
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
    const c = coverageOf(plan, ring.geometry);
    expect(c.coveragePct).toBe(100);
    expect(c.overlap3Pct).toBe(100);
    expect(plan.photos.length / idealPhotoCount(plan.gapAreaM2, plan)).toBeLessThanOrEqual(1.3);
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
  const spacing = { photoSpacingM: plan.photoSpacingM, lineSpacingM: plan.lineSpacingM };
  const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'flight-plans', name));
  const kmzOf = (entries: Record<string, Uint8Array>) => zipSync(entries);

  it('reads back our own DJI WPML KMZ: every photo waypoint is a planned point, lines as planned', () => {
    const [kmz] = exportPlan(plan, 'wpml', { fileName: 'p.kmz', title: 't' });
    fs.writeFileSync(path.join(dir, 'p.kmz'), kmz!.bytes);
    const stored = readFlightPlan(path.join(dir, 'p.kmz'));
    expect(stored.format).toBe('dji_wpml');
    const resolved = resolvePlan(stored, { photoSpacingM: 1, lineSpacingM: 1 });
    expect(resolved.pointsFrom).toBe('actions');
    expect(resolved.points).toHaveLength(plan.photos.length);
    expect(resolved.lines).toHaveLength(plan.lines.length);
    resolved.points.forEach((p, i) => {
      expect(p.lon).toBeCloseTo(plan.photos[i]!.lon, 7);
      expect(p.line).toBe(plan.photos[i]!.line);
      expect(p.heightM).toBeCloseTo(100, 6);
      expect(Math.abs(p.yawDeg - plan.photos[i]!.yawDeg) % 360).toBeLessThan(0.5);
    });
    // Spacing read from the plan itself, not from the fallback.
    expect(resolved.photoSpacingM).toBeCloseTo(plan.photoSpacingM, 0);
    expect(resolved.lineSpacingM).toBeCloseTo(plan.lineSpacingM, 0);
    fs.writeFileSync(path.join(dir, 'bad.kmz'), 'not a zip');
    expect(() => readFlightPlan(path.join(dir, 'bad.kmz'))).toThrow(/not a readable KMZ/);
  });

  it("reads a DJI Pilot 2 waypoint template alone (wpmz/template.kml, heights from its waylineCoordinateSysParam)", () => {
    const [kmz] = exportPlan(plan, 'wpml', { fileName: 'p.kmz', title: 't' });
    const template = unzipSync(kmz!.bytes)['wpmz/template.kml']!;
    const resolved = resolvePlan(parseFlightPlan(zipSync({ 'wpmz/template.kml': template }), 'pilot.kmz'), { photoSpacingM: 1, lineSpacingM: 1 });
    expect(resolved.points).toHaveLength(plan.photos.length);
    expect(resolved.lines).toHaveLength(plan.lines.length);
    expect(resolved.points.every((p) => p.heightM === 100)).toBe(true);
    // A KMZ with neither waypoints nor lines is refused in words.
    expect(() => parseFlightPlan(zipSync({ 'wpmz/template.kml': strToU8('<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>') }), 'empty.kmz')).toThrow(/holds no waylines/);
  });

  it('reads KML lines: points sampled at the photo spacing along each line', () => {
    const [kml] = exportPlan(plan, 'kml', { fileName: 'p.kml', title: 't' });
    fs.writeFileSync(path.join(dir, 'p.kml'), kml!.bytes);
    const resolved = resolvePlan(readFlightPlan(path.join(dir, 'p.kml')), spacing);
    expect(resolved.pointsFrom).toBe('lines');
    expect(resolved.lines).toHaveLength(plan.lines.length);
    // Sampled from the line's start to its end, one per photo spacing: as many as the plan has (its ends included).
    expect(Math.abs(resolved.points.length - plan.photos.length)).toBeLessThanOrEqual(plan.lines.length);
  });

  it("reads a DJI WPML in DroneTM's waypoint structure (waylines.wpml only, take-off waypoint, photo actions)", () => {
    const stored = parseFlightPlan(kmzOf({ 'wpmz/waylines.wpml': new Uint8Array(fixture('dronetm-waypoints.wpml')) }), 'task-7.kmz');
    const resolved = resolvePlan(stored, { photoSpacingM: 99, lineSpacingM: 99 });
    expect(resolved.pointsFrom).toBe('actions');
    // The take-off waypoint takes no photo and is not a planned point; 3 lines of 6.
    expect(resolved.lines).toHaveLength(3);
    expect(resolved.points).toHaveLength(18);
    expect(resolved.points.every((p) => p.heightM === 60)).toBe(true);
    expect(resolved.points.slice(0, 6).every((p) => Math.abs(p.yawDeg) < 1)).toBe(true);
    expect(resolved.points.slice(6, 12).every((p) => Math.abs(Math.abs(p.yawDeg) - 180) < 1)).toBe(true);
    expect(resolved.photoSpacingM).toBeCloseTo(10, 0);
    expect(resolved.lineSpacingM).toBeCloseTo(29.9, 0);
  });

  it("reads DroneTM's waylines mode (line ends only, photos on the pilot's timer): legs left out, points sampled", () => {
    const stored = parseFlightPlan(fixture('dronetm-waylines.wpml'), 'waylines.wpml');
    const resolved = resolvePlan(stored, { photoSpacingM: 10, lineSpacingM: 99 });
    expect(resolved.pointsFrom).toBe('lines');
    expect(resolved.lines).toHaveLength(4);
    // 150 m lines at 10 m: 16 points each.
    expect(resolved.points).toHaveLength(64);
    expect(resolved.lineSpacingM).toBeCloseTo(29.9, 0);
  });

  it('finds what an aborted flight and a mid-flight gap left, and only that', () => {
    const resolved = resolvePlan(readFlightPlan(path.join(dir, 'p.kmz')), spacing);
    expect(compareWithPhotos(resolved, plan.photos).stretches).toEqual([]);
    // Aborted half-way along the third line.
    const thirdStart = plan.photos.findIndex((p) => p.line === 2);
    const abortAt = thirdStart + Math.floor(plan.lines[2]!.photoCount / 2);
    const aborted = compareWithPhotos(resolved, plan.photos.slice(0, abortAt));
    expect(aborted.flown.filter((f) => !f).length).toBe(plan.photos.length - abortAt);
    expect(aborted.stretches).toHaveLength(plan.lines.length - 2);
    expect(aborted.stretches[0]!.points[0]).toBe(abortAt);
    // A mid-flight gap: three photos of line 2 missing.
    const secondStart = plan.photos.findIndex((p) => p.line === 1);
    const gapped = plan.photos.filter((_, i) => i < secondStart + 2 || i > secondStart + 4);
    const mid = compareWithPhotos(resolved, gapped);
    expect(mid.stretches.map((s) => s.points)).toEqual([[secondStart + 2, secondStart + 3, secondStart + 4]]);
    expect(mid.stretches[0]!.lengthM).toBeCloseTo(3 * plan.photoSpacingM, 0);
    // Re-planned, exactly the missing points, at their planned positions and headings.
    const again = planUnflown({ check: mid, camera: CAMERA, heightM: 100, planHeights: true });
    expect(again.source).toBe('flight_plan');
    expect(again.photos.map((p) => [p.lon, p.lat, p.yawDeg])).toEqual([2, 3, 4].map((k) => [resolved.points[secondStart + k]!.lon, resolved.points[secondStart + k]!.lat, resolved.points[secondStart + k]!.yawDeg]));
    expect(again.gaps.map((g) => g.properties.kind)).toEqual(['unflown']);
  });

  it('counts photos taken on a timer that drifts from the plan as flown; a single photo more than half a line away does not fly a line', () => {
    const resolved = resolvePlan(readFlightPlan(path.join(dir, 'p.kmz')), spacing);
    // Photos every 1.3 planned spacings, starting half a spacing late, 3 m off the line: all points still flown.
    const drifted = plan.lines.flatMap((l, i) => {
      const pts = plan.photos.filter((p) => p.line === i);
      const a = frame.toXY(...l.coordinates[0]);
      const b = frame.toXY(...l.coordinates[1]);
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const d = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
      const out: { lon: number; lat: number }[] = [];
      for (let t = plan.photoSpacingM / 2; t <= len + plan.photoSpacingM / 2; t += 1.3 * plan.photoSpacingM) {
        const [lon, lat] = frame.toLonLat(a[0] + t * d[0]! + 3 * d[1]!, a[1] + t * d[1]! - 3 * d[0]!);
        out.push({ lon, lat });
      }
      return pts.length ? out : [];
    });
    expect(compareWithPhotos(resolved, drifted).stretches).toEqual([]);
    // Every photo moved sideways by 0.6 line spacings: nearer the next line than its own, so its own is unflown.
    const shifted = plan.photos.filter((p) => p.line === 0).map((p) => {
      const [x, y] = frame.toXY(p.lon, p.lat);
      const [lon, lat] = frame.toLonLat(x + 0.6 * plan.lineSpacingM * Math.cos((p.yawDeg * Math.PI) / 180), y - 0.6 * plan.lineSpacingM * Math.sin((p.yawDeg * Math.PI) / 180));
      return { lon, lat };
    });
    const check = compareWithPhotos(resolved, shifted);
    expect(check.flown.slice(0, plan.lines[0]!.photoCount).some(Boolean)).toBe(false);
  });
});
