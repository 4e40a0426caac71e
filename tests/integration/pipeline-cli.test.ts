/**
 * The pilot's whole evening, through the CLI only: ingest every photo in ../shared/data (a Brighton Beach survey, a
 * Phantom 4 Multispectral flight 7000 km away, and other cameras' edge cases), import the sample tasks, classify,
 * read the report, verify. Expected statuses are worked out here from the photos' own metadata (exifr), not taken
 * from the code under test.
 */
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPostflight } from '../support/cli.ts';
import { makeTemp, repoRoot, rmTemp, sharedData } from '../support/paths.ts';

interface ReportImage {
  path: string;
  file_name: string;
  status: string;
  reasons: { code: string; message: string }[];
  task_id: string | null;
  gimbal_pitch: number | null;
  footprint: unknown;
}
interface Report {
  images: ReportImage[];
  tasks: { task_id: string; assigned_count: number; coverage_pct: number | null; verified: boolean }[];
  summary: { images: number };
}

const tasksFile = path.join(repoRoot, 'resources', 'sample-tasks', 'brighton_beach.geojson');

describe('postflight ingest -> tasks import -> classify -> report -> verify, on all the shared photos', () => {
  let dir: string;
  let report: Report;
  const run = (...args: string[]) => {
    const r = runPostflight([...args, '--project', dir]);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const byPath = (p: string) => report.images.find((i) => i.path === p)!;

  beforeAll(() => {
    dir = path.join(makeTemp(), 'survey');
    const ingest = run('ingest', sharedData);
    expect(ingest.stdout).toMatch(/Ingested \d+ photos/);
    run('tasks', 'import', tasksFile);
    const classify = run('classify');
    expect(classify.stdout).toMatch(/Classified \d+ photos/);
    report = JSON.parse(run('report', '--json').stdout) as Report;
  });
  afterAll(() => rmTemp(path.dirname(dir)));

  it('reports every photo file of the shared data exactly once, by its path on the source', () => {
    const photoFiles = fs
      .readdirSync(sharedData, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(jpe?g|tiff?|dng)$/i.test(f))
      .map((f) => f.split(path.sep).join('/'))
      .sort();
    expect(report.images.map((i) => i.path).sort()).toEqual(photoFiles);
    expect(report.summary.images).toBe(photoFiles.length);
  });

  it('assigns every Brighton Beach photo to a task (the three just outside are within the 100 m edge fallback)', () => {
    const brighton = report.images.filter((i) => i.path.startsWith('brighton_beach/'));
    expect(brighton).toHaveLength(18);
    for (const i of brighton) {
      expect(i.status, i.path).toBe('assigned');
      expect(['1', '2'], i.path).toContain(i.task_id);
      expect(i.footprint, i.path).not.toBeNull();
    }
    const perTask = report.tasks.map((t) => [t.task_id, t.assigned_count]);
    expect(perTask).toEqual([
      ['1', brighton.filter((i) => i.task_id === '1').length],
      ['2', brighton.filter((i) => i.task_id === '2').length],
    ]);
    for (const t of report.tasks) expect(t.coverage_pct, t.task_id).toBeGreaterThan(90);
  });

  it('leaves the Italian flight unmatched as "likely wrong project"', async () => {
    const mirafiori = report.images.filter((i) => i.path.startsWith('p4m_mirafiori/'));
    expect(mirafiori).toHaveLength(33);
    const gps = (await exifr.gps(path.join(sharedData, 'p4m_mirafiori', 'DJI_0010.JPG'))) as { latitude: number };
    expect(gps.latitude).toBeGreaterThan(44); // Turin, far from the Brighton Beach tasks
    for (const i of mirafiori) {
      expect(i.status, i.path).toBe('unmatched');
      expect(i.reasons.map((r) => r.code)).toEqual(['outside']);
      expect(i.reasons[0]!.message).toMatch(/wrong project/i);
    }
  });

  it('rejects the Mavic 2 Pro photo whose gimbal points up, and gives every edge case a status with reasons', async () => {
    const file = 'metadata_samples/issue-exifr-13.jpg';
    const xmp = (await exifr.parse(path.join(sharedData, file), { xmp: true })) as { GimbalPitchDegree?: number };
    expect(xmp.GimbalPitchDegree).toBeGreaterThan(-20);
    const hasselblad = byPath(file);
    expect(hasselblad.status).toBe('rejected');
    expect(hasselblad.reasons.map((r) => r.code)).toContain('gimbal');
    for (const i of report.images.filter((x) => x.path.startsWith('metadata_samples/'))) {
      expect(['assigned', 'rejected', 'unmatched', 'invalid_exif'], i.path).toContain(i.status);
      if (i.status !== 'assigned') expect(i.reasons.length, i.path).toBeGreaterThan(0);
    }
  });

  it('verify refuses a task below the thresholds with its reasons, and --force marks it verified', () => {
    const refused = runPostflight(['verify', '--task', '1', '--project', dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Task 1 cannot be verified: .*(seen by 3 or more photos|covered)/);
    run('verify', '--task', '1', '--force');
    const after = JSON.parse(run('report', '--json').stdout) as Report;
    expect(after.tasks.find((t) => t.task_id === '1')!.verified).toBe(true);
    expect(after.tasks.find((t) => t.task_id === '2')!.verified).toBe(false);
  });
});
