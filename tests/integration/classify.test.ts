import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyProject } from '../../src-main/classify/classify.ts';
import { setManualDecision } from '../../src-main/classify/manual.ts';
import { classifyCommand } from '../../src-main/cli/commands/classify.ts';
import { reportCommand } from '../../src-main/cli/commands/report.ts';
import type { CliIo } from '../../src-main/cli/command.ts';
import { getImage, insertImage, listReasons, replaceReasons, type ImageStatus } from '../../src-main/db/images.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { buildReport } from '../../src-main/report/report.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { TrackBuilder } from '../support/tracks.ts';
import { SHARP_METRICS, insertRectTask, insertTrack } from '../support/tracks-project.ts';
import { sql } from '../../src-main/db/database.ts';

const ORIGIN = { lat: 27.7, lon: 85.3 };
const BLURRY = { ...SHARP_METRICS, gridVariances: [...Array(6).fill(50), ...Array(10).fill(10)], gridScore: 50, blurEffect: 0.8 };

/**
 * One flight over two tasks: a diagonal take-off leg from 500 m south, an 8-strip grid, a hover burst on the last
 * waypoint and a diagonal way home; plus a few broken photos, a duplicate and a stray photo from 333 km away.
 */
function flyProject(project: Project) {
  const { db } = project;
  const taskA = insertRectTask(db, 'A', ORIGIN, [-10, -300, 190, 20]);
  const taskB = insertRectTask(db, 'B', ORIGIN, [190, -300, 410, 20]);

  const b = new TrackBuilder(ORIGIN).moveTo(150, -500, 60);
  b.photo().fly(0, 0, { every: 25, speed: 10 });
  const waypoint = b.photos.length - 1;
  b.survey({ strips: 8, length: 400, spacing: 40, every: 20, speed: 8 });
  const lastWaypoint = b.photos.length - 1;
  b.hover(7, 2);
  const home = b.photos.length;
  b.fly(150, -500, { every: 25, speed: 10 });

  const at = (k: number) => b.photos[waypoint + k]!;
  const special = { gimbal: at(5).id, blurry: at(10).id, noGps: at(15).id, noTime: at(25).id };
  const rowOf = insertTrack(db, b.photos, undefined, (p) => {
    if (p.id === special.gimbal) return { gimbal_pitch: 0 };
    if (p.id === special.blurry) return { metrics_json: JSON.stringify(BLURRY) };
    if (p.id === special.noGps) return { lat: null, lon: null };
    return {};
  });
  // Metadata's own finding, with its own words: classification keeps it.
  replaceReasons(db, rowOf.get(special.noTime)!, 'auto', [{ code: 'exif', message: 'DJI_X.JPG has no capture time (EXIF DateTimeOriginal is missing or invalid).' }]);
  const duplicate = insertImage(db, {
    source_root: '/media/card2',
    source_path: 'DCIM/100MEDIA/DJI_0030.JPG',
    file_name: 'DJI_0030.JPG',
    status: 'duplicate',
    duplicate_of: rowOf.get(at(30).id)!,
    ingested_at: new Date().toISOString(),
  });
  replaceReasons(db, duplicate, 'auto', [{ code: 'duplicate', message: 'Same photo as DJI_0030.JPG.' }]);
  const stray = new TrackBuilder({ lat: ORIGIN.lat + 3, lon: ORIGIN.lon }, 9000).moveTo(0, 0, 60).photo();
  const strayRow = insertTrack(db, stray.photos, Date.parse('2024-06-21T09:00:00Z')).get(9000)!;

  const expected = new Map<number, { status: ImageStatus; task: number | null; code?: string }>();
  const inA = (x: number) => x < 190;
  b.photos.forEach((p, i) => {
    const row = rowOf.get(p.id)!;
    const { x, y } = b.xy(p);
    const task = y >= -300 - 100 && x > -110 && x < 510 ? (inA(x) ? taskA : taskB) : null;
    if (i < waypoint || i >= home) expected.set(row, { status: 'rejected', task, code: 'flight_tail' });
    else if (i > lastWaypoint) expected.set(row, { status: 'rejected', task, code: 'stationary' });
    else if (p.id === special.gimbal) expected.set(row, { status: 'rejected', task, code: 'gimbal' });
    else if (p.id === special.blurry) expected.set(row, { status: 'rejected', task, code: 'blur' });
    else if (p.id === special.noGps) expected.set(row, { status: 'invalid_exif', task: null, code: 'gps' });
    else if (p.id === special.noTime) expected.set(row, { status: 'invalid_exif', task, code: 'exif' });
    else expected.set(row, { status: 'assigned', task });
  });
  expected.set(duplicate, { status: 'duplicate', task: null, code: 'duplicate' });
  expected.set(strayRow, { status: 'unmatched', task: null, code: 'outside' });
  return { expected, rowOf, b, waypoint, home, duplicate, strayRow, taskA };
}

function snapshot(project: Project) {
  const db = project.db;
  return {
    images: sql(db).prepare('SELECT id, status, task_id, flight_id, manual_decision FROM images ORDER BY id').all(),
    reasons: sql(db).prepare('SELECT image_id, code, message, source FROM reasons ORDER BY image_id, source, code').all(),
    flights: sql(db).prepare('SELECT * FROM flights ORDER BY id').all(),
  };
}

function captureIo(): CliIo & { out: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  stderr.resume();
  return { stdout, stderr, isTty: false, env: {}, out: () => text };
}

describe('classifyProject on a real project file', () => {
  let dir: string;
  let project: Project;
  beforeEach(() => {
    dir = makeTemp();
    project = openProject(dir, { create: true });
  });
  afterEach(() => {
    project.close();
    rmTemp(dir);
  });

  it('gives every photo its status, task, flight and reasons', async () => {
    const { expected, strayRow } = flyProject(project);
    const summary = await classifyProject(project);

    const reasons = listReasons(project.db);
    for (const [id, want] of expected) {
      const row = getImage(project.db, id)!;
      expect({ id, status: row.status, task: row.task_id }).toEqual({ id, status: want.status, task: want.task });
      const codes = (reasons.get(id) ?? []).map((r) => r.code);
      expect(codes).toEqual(want.code ? [want.code] : []);
    }
    expect(reasons.get(strayRow)![0]!.message).toMatch(/33\d km .*likely the wrong project/);
    const exif = [...reasons.values()].flat().find((r) => r.code === 'exif')!;
    expect(exif.message).toContain('no capture time');

    const flights = sql(project.db).prepare('SELECT id, image_count FROM flights ORDER BY id').all() as { id: number; image_count: number }[];
    const located = [...expected.entries()].filter(([, w]) => w.status !== 'duplicate' && w.code !== 'gps').length;
    expect(flights).toEqual([
      { id: 1, image_count: located - 1 },
      { id: 2, image_count: 1 },
    ]);
    expect(getImage(project.db, strayRow)!.flight_id).toBe(2);
    expect(summary.flights).toBe(2);
    expect(summary.by_status.assigned).toBe([...expected.values()].filter((w) => w.status === 'assigned').length);
    expect(summary.by_reason.flight_tail).toBeGreaterThan(25);
    expect(summary.by_reason.stationary).toBe(7);
  });

  it('is idempotent, can skip the flight-tail pass for one run, and changes nothing when cancelled', async () => {
    const { expected } = flyProject(project);
    await classifyProject(project);
    const first = snapshot(project);
    await classifyProject(project);
    expect(snapshot(project)).toEqual(first);

    const noTail = await classifyProject(project, { flightTail: false });
    expect(noTail.flight_tail).toBe(false);
    expect(noTail.by_reason.flight_tail).toBeUndefined();
    const tails = [...expected.entries()].filter(([, w]) => w.code === 'flight_tail').map(([id]) => id);
    for (const id of tails) expect(getImage(project.db, id)!.status).not.toBe('rejected');

    await classifyProject(project);
    expect(snapshot(project)).toEqual(first);

    const controller = new AbortController();
    controller.abort();
    await expect(classifyProject(project, { flightTail: false, signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(snapshot(project)).toEqual(first);
  });

  it("lets the pilot's decision win over every later run, logs it, and undoes it", async () => {
    const { b, rowOf, waypoint, duplicate, taskA } = flyProject(project);
    await classifyProject(project);
    const tailInTask = rowOf.get(b.photos[waypoint - 1]!.id)!;
    const good = rowOf.get(b.photos[waypoint + 3]!.id)!;
    expect(getImage(project.db, tailInTask)).toMatchObject({ status: 'rejected', task_id: taskA });

    expect(setManualDecision(project, [tailInTask], 'accepted')).toEqual([{ id: tailInTask, status: 'assigned' }]);
    expect(setManualDecision(project, [good], 'rejected')).toEqual([{ id: good, status: 'rejected' }]);
    await classifyProject(project);
    expect(getImage(project.db, tailInTask)).toMatchObject({ status: 'assigned', manual_decision: 'accepted' });
    expect(getImage(project.db, good)).toMatchObject({ status: 'rejected', manual_decision: 'rejected' });
    const reasons = listReasons(project.db, [tailInTask]).get(tailInTask)!.map((r) => [r.code, r.source]);
    expect(reasons).toEqual([
      ['flight_tail', 'auto'],
      ['manual', 'manual'],
    ]);

    setManualDecision(project, [tailInTask, good], null);
    expect(getImage(project.db, tailInTask)!.status).toBe('rejected');
    expect(getImage(project.db, good)!.status).toBe('assigned');
    expect(listReasons(project.db, [good]).get(good)).toBeUndefined();

    const events = sql(project.db).prepare('SELECT kind, image_id, payload FROM events ORDER BY id').all() as { kind: string; image_id: number; payload: string }[];
    expect(events.map((e) => [e.image_id, JSON.parse(e.payload).decision])).toEqual([
      [tailInTask, 'accepted'],
      [good, 'rejected'],
      [tailInTask, null],
      [good, null],
    ]);
    expect(() => setManualDecision(project, [duplicate], 'accepted')).toThrow(/duplicate/);
  });

  it('reports every photo and task, and the CLI prints the same', async () => {
    const { expected, rowOf, b, waypoint } = flyProject(project);
    const io = captureIo();
    expect(await classifyCommand.run({ values: { project: dir, json: true }, positionals: [] }, io)).toBe(0);
    const summary = JSON.parse(io.out());
    expect(summary.flight_tail).toBe(true);

    const report = buildReport(project);
    expect(Object.keys(report)).toEqual(['images', 'tasks', 'summary', 'cards', 'flights']);
    const good = report.images.find((i) => i.id === rowOf.get(b.photos[waypoint + 3]!.id))!;
    expect(Object.keys(good).sort()).toEqual(
      ['id', 'path', 'file_name', 'md5', 'status', 'reasons', 'task_id', 'flight_id', 'lat', 'lon', 'captured_at', 'sharpness', 'gimbal_pitch', 'footprint', 'gsd_cm', 'capture_key', 'band', 'sensor_kind', 'motion_px', 'rtk_flag', 'rtk_solution'].sort(),
    );
    expect(good).toMatchObject({ path: `DCIM/100MEDIA/${good.file_name}`, status: 'assigned', task_id: 'A', flight_id: 1, reasons: [] });
    expect(report.tasks.map((t) => Object.keys(t).sort())[0]).toEqual(
      ['task_id', 'image_count', 'assigned_count', 'coverage_pct', 'overlap3_pct', 'overlap5_pct', 'gsd_cm', 'gaps', 'unphotographed_m2', 'thin_overlap_m2', 'verified', 'captures', 'height_model', 'rtk'].sort(),
    );
    const assignedA = [...expected.values()].filter((w) => w.status === 'assigned' && w.task === 1).length;
    expect(report.tasks[0]).toMatchObject({ task_id: 'A', assigned_count: assignedA, verified: false });
    // The classify command computes coverage after matching: the figure is there, not left for later.
    expect(typeof report.tasks[0]!.coverage_pct).toBe('number');
    expect(report.summary.images).toBe(expected.size);
    const { flight_tail: _ran, ...counts } = summary;
    expect(report.summary).toEqual(counts);
    expect(report.summary.by_reason.duplicate).toBe(1);

    const jsonIo = captureIo();
    expect(await reportCommand.run({ values: { project: dir, json: true }, positionals: [] }, jsonIo)).toBe(0);
    expect(JSON.parse(jsonIo.out())).toEqual(JSON.parse(JSON.stringify(report)));

    const textIo = captureIo();
    await reportCommand.run({ values: { project: dir }, positionals: [] }, textIo);
    expect(textIo.out()).toContain(`${expected.size} photos in 2 flights`);
    expect(textIo.out()).toMatch(/\n {2}A +\d+ +\d+ +\d+%/);
  });
});
