/**
 * Planned vs flown, end to end on real photo sets: the flight plan is made from the real photos' own positions (a DJI
 * WPML KMZ in DroneTM's waypoint structure, one photo waypoint per photo), then a stretch of the photos is left off
 * the card (a mid-flight gap over Brighton Beach, an aborted flight at Mirafiori). `tasks import --plan` keeps the
 * plan; the app's API reports exactly the dropped photo points as unflown, in one stretch; `refly --from-plan`
 * plans exactly those points, and nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFrame } from '../../src-main/geo/local-frame.ts';
import { callApi, runPostflight, startServe } from '../support/cli.ts';
import { djiWaypointKmz } from '../support/flight-plan.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';
import { taskAround, taskFile } from '../support/refly-task.ts';
import { sql } from '../../src-main/db/database.ts';
import { openProject } from '../../src-main/project/project.ts';

interface Shot {
  file: string;
  lon: number;
  lat: number;
  relAlt: number;
  time: number;
}

async function shots(folder: string): Promise<Shot[]> {
  const files = fs.readdirSync(folder).filter((f) => /\.jpe?g$/i.test(f));
  const all = await Promise.all(
    files.map(async (f) => {
      const m = await exifr.parse(path.join(folder, f), { xmp: true });
      return { file: f, lon: m.longitude as number, lat: m.latitude as number, relAlt: Number(m.RelativeAltitude), time: (m.DateTimeOriginal as Date).getTime() };
    }),
  );
  return all.sort((a, b) => a.time - b.time || a.file.localeCompare(b.file));
}

interface FlightPlanInfo {
  taskId: string;
  plannedPoints: number;
  flownPoints: number;
  unflownPoints: number;
  unflownStretches: number;
  pointsFrom: string;
  geojson: { features: { properties: { role: string; points?: number }; geometry: { coordinates: [number, number][] } }[] };
}

const CASES = [
  // Three photos from the middle of the second line of three (DroneTM #514's mid-flight gap).
  { name: 'brighton_beach', drop: (i: number) => i >= 8 && i <= 10, what: 'a mid-flight gap', stretches: 1 },
  // The last five photos: the end of the second line and the whole short third line (an aborted flight), so two
  // stretches (a stretch stays on its line).
  { name: 'p4m_mirafiori', drop: (i: number, n: number) => i >= n - 5, what: 'an aborted flight', stretches: 2 },
] as const;

describe.each(CASES)('planned vs flown over $name ($what)', ({ name, drop, stretches }) => {
  let tmp: string;
  let project: string;
  let planFile: string;
  let all: Shot[];
  let dropped: Shot[];
  const run = (...args: string[]) => {
    const r = runPostflight(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };

  beforeAll(async () => {
    tmp = makeTemp(`postflight-planned-${name}-`);
    project = path.join(tmp, 'project');
    const originals = path.join(sharedData, name);
    all = await shots(originals);
    dropped = all.filter((_, i) => drop(i, all.length));
    // The card: every photo but the dropped stretch.
    const card = path.join(tmp, 'card');
    fs.mkdirSync(card);
    for (const s of all) if (!dropped.includes(s)) fs.copyFileSync(path.join(originals, s.file), path.join(card, s.file));
    // The plan: a photo waypoint at every real photo's position and height, taking off 30 m before the first.
    const frame = localFrame(all[0]!.lon, all[0]!.lat);
    const [takeoffLon, takeoffLat] = frame.toLonLat(-30, -20);
    planFile = path.join(tmp, 'task-plan.kmz');
    fs.writeFileSync(planFile, djiWaypointKmz({ lon: takeoffLon, lat: takeoffLat }, all.map((s) => ({ lon: s.lon, lat: s.lat, heightM: s.relAlt, headingDeg: 0 }))));
    const taskPath = path.join(tmp, 'task.geojson');
    fs.writeFileSync(taskPath, taskFile('P1', taskAround(all, 10, 0)));
    run('ingest', card, '--in-place', '--project', project);
    run('tasks', 'import', taskPath, '--project', project);
    run('classify', '--project', project);
  }, 300_000);
  afterAll(() => rmTemp(tmp));

  it('keeps the plan with its task (found from its waypoints) and says what is unflown', () => {
    const r = run('tasks', 'import', '--plan', planFile, '--project', project);
    expect(r.stdout).toMatch(new RegExp(`Flight plan task-plan.kmz kept for task P1: ${all.length + 1} waypoints; ${all.length} planned photo points \\(its photo waypoints\\), ${all.length - dropped.length} with an accepted photo near them, ${dropped.length} in ${stretches} unflown stretch${stretches === 1 ? '' : 'es'}`));
  });

  it('serves the planned waylines and exactly the dropped stretch to the app', async () => {
    const serve = await startServe(project);
    try {
      const plans = (await callApi(serve.url, serve.token, 'tasks.flightPlans')).result as FlightPlanInfo[];
      expect(plans).toHaveLength(1);
      const info = plans[0]!;
      expect(info).toMatchObject({ taskId: 'P1', pointsFrom: 'actions', plannedPoints: all.length, unflownPoints: dropped.length, flownPoints: all.length - dropped.length, unflownStretches: stretches });
      const planned = info.geojson.features.filter((f) => f.properties.role === 'planned');
      expect(planned.length).toBeGreaterThanOrEqual(2);
      const unflown = info.geojson.features.filter((f) => f.properties.role === 'unflown');
      expect(unflown).toHaveLength(stretches);
      // The stretches run through the dropped photos' positions (their ends reach half a photo spacing beyond them).
      const inner = unflown.flatMap((u) => u.geometry.coordinates.slice(1, -1));
      expect(inner).toHaveLength(dropped.length);
      inner.forEach(([lon, lat], i) => {
        expect(lon).toBeCloseTo(dropped[i]!.lon, 6);
        expect(lat).toBeCloseTo(dropped[i]!.lat, 6);
      });
      const again = await callApi(serve.url, serve.token, 'refly.plan', { taskId: 'P1', fromPlan: true });
      expect((again.result as { source: string; photoCount: number }).source).toBe('flight_plan');
      expect((again.result as { photoCount: number }).photoCount).toBe(dropped.length);
    } finally {
      await serve.stop();
    }
  });

  it('re-flies exactly the dropped photo points with refly --from-plan', () => {
    const out = path.join(tmp, 'out', 'from-plan.geojson');
    const summary = JSON.parse(run('refly', '--project', project, '--task', 'P1', '--from-plan', '--out', out, '--json').stdout) as { photoCount: number; heightSource: string; source: string };
    expect(summary).toMatchObject({ photoCount: dropped.length, heightSource: 'flight_plan', source: 'flight_plan' });
    const plan = JSON.parse(fs.readFileSync(out, 'utf8')) as { features: { properties: { role: string; heightM?: number; kind?: string }; geometry: { coordinates: [number, number] } }[] };
    const photos = plan.features.filter((f) => f.properties.role === 'photo');
    expect(photos.map((p) => p.geometry.coordinates.map((v) => v.toFixed(6)))).toEqual(dropped.map((d) => [d.lon.toFixed(6), d.lat.toFixed(6)]));
    photos.forEach((p, i) => expect(p.properties.heightM).toBeCloseTo(dropped[i]!.relAlt, 1));
    expect(plan.features.filter((f) => f.properties.role === 'gap').map((g) => g.properties.kind)).toEqual(Array(stretches).fill('unflown'));
    // A plan file given for this run is compared the same way.
    const direct = JSON.parse(run('refly', '--project', project, '--task', 'P1', '--from-plan', '--plan', planFile, '--out', out, '--json').stdout) as { photoCount: number };
    expect(direct.photoCount).toBe(dropped.length);
  });
});

describe('planned vs flown refusals', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = makeTemp('postflight-planned-refusals-');
  });
  afterAll(() => rmTemp(tmp));

  it('refuses a plan over no task, and --from-plan on a task without a plan, in words', async () => {
    const project = path.join(tmp, 'project');
    const originals = path.join(sharedData, 'brighton_beach');
    const all = await shots(originals);
    fs.writeFileSync(path.join(tmp, 'task.geojson'), taskFile('B', taskAround(all, 10, 0)));
    expect(runPostflight(['ingest', originals, '--in-place', '--project', project]).code).toBe(0);
    expect(runPostflight(['tasks', 'import', path.join(tmp, 'task.geojson'), '--project', project]).code).toBe(0);
    expect(runPostflight(['classify', '--project', project]).code).toBe(0);
    const far = path.join(tmp, 'far.kmz');
    fs.writeFileSync(far, djiWaypointKmz({ lon: 8.6, lat: 45 }, [0, 1, 2].map((k) => ({ lon: 8.6, lat: 45 + k * 1e-4, heightM: 40, headingDeg: 0 }))));
    const over = runPostflight(['tasks', 'import', '--plan', far, '--project', project]);
    expect(over.code).not.toBe(0);
    expect(over.stderr).toMatch(/runs over none of the project's tasks/);
    const none = runPostflight(['refly', '--project', project, '--task', 'B', '--from-plan', '--out', path.join(tmp, 'x.kmz')]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/Task B has no flight plan: import it with `tasks import --plan <plan.kmz> --task B`/);
    // Photos without a height above take-off, and no project flight height: the height is asked for, in words.
    const opened = openProject(project, { writer: 'test' });
    sql(opened.db).prepare('UPDATE images SET rel_alt = NULL').run();
    opened.close();
    const noHeight = runPostflight(['refly', '--project', project, '--task', 'B', '--out', path.join(tmp, 'x.kmz')]);
    expect(noHeight.code).not.toBe(0);
    expect(noHeight.stderr).toMatch(/carry no height above the take-off point.*give the height to fly at \(--height in metres above take-off\)/);
    const given = runPostflight(['refly', '--project', project, '--task', 'B', '--height', '40', '--out', path.join(tmp, 'x.geojson'), '--json']);
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(given.stdout)).toMatchObject({ heightM: 40, heightSource: 'given' });
  }, 300_000);
});
