/**
 * Terrain-following re-fly on a real photo set: Brighton Beach (flown ~40 m above take-off) over a synthetic DEM, a
 * plane rising 0.25 m per metre eastwards written as a GeoTIFF, imported with `tasks import --dem`. The task is drawn
 * 45 m further east than the flown block, so the re-fly lines climb with the ground: every planned photo point must
 * sit at the flown height above the ground under it (the median over the photos of rel. altitude + z(take-off) -
 * z(photo), computed here from the photos' own EXIF), i.e. at that height + z(point) - z(take-off) above take-off.
 * Without the DEM the same task plans every point at one height.
 */
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFrame } from '../../src-main/geo/local-frame.ts';
import { runPostflight } from '../support/cli.ts';
import { writeDem } from '../support/dem-file.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';
import { taskAround, taskFile } from '../support/refly-task.ts';

interface Summary {
  photoCount: number;
  heightM: number;
  terrain: { aglM: number; takeoffElevationM: number; minHeightM: number; maxHeightM: number; outsideDem: number } | null;
}
interface PlanPhoto {
  properties: { role: string; heightM: number };
  geometry: { coordinates: [number, number] };
}

describe('terrain-following re-fly heights over brighton_beach', () => {
  let tmp: string;
  let project: string;
  let shots: { lon: number; lat: number; relAlt: number; time: number }[];
  let frame: ReturnType<typeof localFrame>;
  /** The synthetic ground: 20 m at the first photo, rising 0.25 m per metre east. */
  const z = (lon: number, lat: number) => 20 + 0.25 * frame.toXY(lon, lat)[0];
  const run = (...args: string[]) => {
    const r = runPostflight(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const plan = (out: string) => {
    const summary = JSON.parse(run('refly', '--project', project, '--task', 'T1', '--out', out, '--json').stdout) as Summary;
    const photos = (JSON.parse(fs.readFileSync(out, 'utf8')) as { features: PlanPhoto[] }).features.filter((f) => f.properties.role === 'photo');
    return { summary, photos };
  };

  beforeAll(async () => {
    tmp = makeTemp('postflight-refly-terrain-');
    project = path.join(tmp, 'project');
    const originals = path.join(sharedData, 'brighton_beach');
    const files = fs.readdirSync(originals).filter((f) => /\.jpe?g$/i.test(f));
    shots = (
      await Promise.all(
        files.map(async (f) => {
          const m = await exifr.parse(path.join(originals, f), { xmp: true });
          return { lon: m.longitude as number, lat: m.latitude as number, relAlt: Number(m.RelativeAltitude), time: (m.DateTimeOriginal as Date).getTime() };
        }),
      )
    ).sort((a, b) => a.time - b.time);
    frame = localFrame(shots[0]!.lon, shots[0]!.lat);
    fs.writeFileSync(path.join(tmp, 'task.geojson'), taskFile('T1', taskAround(shots, -5, 45)));
    run('ingest', originals, '--in-place', '--project', project);
    run('tasks', 'import', path.join(tmp, 'task.geojson'), '--project', project);
    run('classify', '--project', project);
  }, 300_000);
  afterAll(() => rmTemp(tmp));

  it('plans one height above take-off without a DEM', () => {
    const { summary, photos } = plan(path.join(tmp, 'flat.geojson'));
    expect(summary.terrain).toBeNull();
    expect(new Set(photos.map((p) => p.properties.heightM)).size).toBe(1);
  });

  it('keeps the flown height above the ground at every photo point with a DEM, and says so', () => {
    const cell = 0.0001;
    const [w, n] = [shots[0]!.lon - 0.004, shots[0]!.lat + 0.003];
    writeDem(path.join(tmp, 'dem.tif'), { epsg: 4326, x0: w, y0: n, cell, cols: 80, rows: 60, z: (lon, lat) => z(lon, lat) });
    run('tasks', 'import', '--dem', path.join(tmp, 'dem.tif'), '--project', project);
    const first = shots[0]!;
    const agls = shots.filter((s) => s.relAlt >= 2).map((s) => s.relAlt + z(first.lon, first.lat) - z(s.lon, s.lat)).sort((a, b) => a - b);
    const agl = agls.length % 2 ? agls[(agls.length - 1) / 2]! : (agls[agls.length / 2 - 1]! + agls[agls.length / 2]!) / 2;

    const { summary, photos } = plan(path.join(tmp, 'terrain.geojson'));
    expect(summary.terrain).not.toBeNull();
    expect(summary.terrain!.aglM).toBeCloseTo(agl, 1);
    expect(summary.heightM).toBeCloseTo(agl, 1);
    expect(summary.terrain!.takeoffElevationM).toBeCloseTo(20, 1);
    expect(summary.terrain!.outsideDem).toBe(0);
    for (const p of photos) {
      const [lon, lat] = p.geometry.coordinates;
      expect(p.properties.heightM).toBeCloseTo(agl + z(lon, lat) - z(first.lon, first.lat), 1);
    }
    // The gap lies east of the block, up the slope: the points climb.
    const heights = photos.map((p) => p.properties.heightM);
    expect(Math.max(...heights) - Math.min(...heights)).toBeGreaterThan(5);
    expect(summary.terrain!.maxHeightM).toBeCloseTo(Math.max(...heights), 1);

    const text = run('refly', '--project', project, '--task', 'T1', '--out', path.join(tmp, 'terrain.kmz')).stdout;
    expect(text).toMatch(new RegExp(`terrain-following \\(project DEM\\): ${agl.toFixed(1)} m above the ground under every photo point`));
  });
});
