/**
 * Motion blur predicted from metadata, on real photos: Brighton Beach (a Phantom 3, no recorded velocity: speed from
 * the positions and times of neighbouring photos) and P4 Multispectral Mirafiori (DJI FlightXSpeed/FlightYSpeed),
 * plus a Brighton photo given a 1/10 s shutter in a copy of the flight.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyProject } from '../../src-main/classify/classify.ts';
import { MOTION_LIMIT_PX } from '../../src-main/classify/motion.ts';
import { listImages, listReasons, type ImageRow } from '../../src-main/db/images.ts';
import { imageDetail } from '../../src-main/db/read-model.ts';
import { buildReport } from '../../src-main/report/report.ts';
import { runIngest } from '../../src-main/ingest/ingest.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { withExposureTime } from '../support/derived-photos.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';

const SLOW = 'DJI_0022.JPG';

async function ingested(dir: string, source: string): Promise<Project> {
  const project = openProject(path.join(dir, 'project'), { create: true });
  await runIngest(project, { source, inPlace: true });
  await classifyProject(project);
  return project;
}

function motionCodes(project: Project): Map<string, string[]> {
  const reasons = listReasons(project.db);
  const rows = listImages(project.db);
  return new Map(rows.map((r) => [r.file_name, (reasons.get(r.id) ?? []).filter((x) => x.code === 'motion').map((x) => x.message)]));
}

describe('motion blur from metadata', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTemp();
  });
  afterAll(() => rmTemp(dir));

  it('Brighton Beach: speed from neighbouring photos, real shutter speeds stay under half a pixel, a 1/10 s copy warns and is not rejected for it', async () => {
    const card = path.join(dir, 'brighton');
    fs.mkdirSync(card);
    for (const name of fs.readdirSync(path.join(sharedData, 'brighton_beach'))) {
      if (name !== SLOW) fs.copyFileSync(path.join(sharedData, 'brighton_beach', name), path.join(card, name));
    }
    withExposureTime(card, 0.1, { source: path.join(sharedData, 'brighton_beach', SLOW), name: SLOW });
    const project = await ingested(path.join(dir, 'b'), card);
    try {
      const rows = listImages(project.db);
      expect(rows).toHaveLength(18);
      // No recorded velocity on a Phantom 3: every speed comes from the track.
      expect(rows.every((r) => r.speed_x_mps === null)).toBe(true);
      const slow = rows.find((r) => r.file_name === SLOW)!;
      expect(slow.exposure_s).toBeCloseTo(0.1, 6);
      const others = rows.filter((r) => r !== slow);
      const px = others.map((r) => r.motion_px);
      expect(px.every((v) => v !== null && v > 0)).toBe(true);
      // The same flight at the camera's own 1/370 s: exposure x speed is a fraction of a 1.7 cm ground pixel.
      expect(Math.max(...(px as number[]))).toBeLessThan(MOTION_LIMIT_PX);
      // 37x the exposure: the smear scales with it (same speed and GSD as its neighbours, within the track's spread).
      expect(slow.motion_px!).toBeGreaterThan(5);
      const codes = motionCodes(project);
      expect(codes.get(SLOW)).toHaveLength(1);
      expect(codes.get(SLOW)![0]).toMatch(/^Motion blur likely: \d+\.\d px of smear \(limit 0\.5 px\) — 1\/10 s exposure at \d+\.\d m\/s \(from the positions/);
      expect(codes.get(SLOW)![0]).toMatch(/Pixel sharpness measured \d+/);
      expect(others.every((r) => codes.get(r.file_name)!.length === 0)).toBe(true);
      // A warning, not a rejection: the photo keeps its status.
      expect(slow.status).toBe('unmatched');
      // Where the pilot reads it: report --json and the photo's details in the app.
      expect(buildReport(project).images.find((i) => i.file_name === SLOW)!.motion_px).toBe(slow.motion_px);
      expect(imageDetail(project.db, slow.id)!.motionPx).toBe(slow.motion_px);
    } finally {
      project.close();
    }
  });

  it('P4 Multispectral: speed as the drone recorded it', async () => {
    const project = await ingested(path.join(dir, 'p4m'), path.join(sharedData, 'p4m_mirafiori'));
    try {
      const rows: ImageRow[] = listImages(project.db);
      expect(rows.length).toBe(33);
      expect(rows.every((r) => r.speed_x_mps !== null && r.speed_y_mps !== null)).toBe(true);
      expect(rows.every((r) => r.motion_px !== null)).toBe(true);
      // Recorded speed x exposure / GSD, independently: 1/2500 s and a ~2.3 cm pixel.
      for (const r of rows) {
        const speed = Math.hypot(r.speed_x_mps!, r.speed_y_mps!);
        expect(r.motion_px!).toBeCloseTo((speed * r.exposure_s! * 100) / 2.3, 1);
      }
      expect([...motionCodes(project).values()].every((m) => m.length === 0)).toBe(true);
    } finally {
      project.close();
    }
  });
});
