/**
 * Who flew what, for DroneTM's pilot payments: a Brighton Beach card copied into a project, then the report's card and
 * flights carry the drone (model, serial), time span, photo count and pilot (project's pilot, overridden per card).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyProject } from '../../src-main/classify/classify.ts';
import { setCardPilot, setProjectPilot } from '../../src-main/db/crews.ts';
import { listImages } from '../../src-main/db/images.ts';
import { runIngest } from '../../src-main/ingest/ingest.ts';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { buildReport } from '../../src-main/report/report.ts';
import { Session } from '../../src-main/api/session.ts';
import { createDispatch } from '../../src-main/api/dispatch.ts';
import { createHandlers } from '../../src-main/api/handlers.ts';
import type { CrewInfo } from '../../src-preload/contract.ts';
import { makeTemp, rmTemp, sharedData } from '../support/paths.ts';

describe('per card and per flight: drone, pilot, time span, photo count', () => {
  let dir: string;
  let project: Project;
  const card = path.join(sharedData, 'brighton_beach');
  beforeAll(async () => {
    dir = makeTemp();
    project = openProject(path.join(dir, 'project'), { create: true });
    await runIngest(project, { source: card });
    await classifyProject(project);
  });
  afterAll(() => {
    project.close();
    rmTemp(dir);
  });

  it('reports the card and its flights with drone, span and count, and the pilot entered once then per card', () => {
    const rows = listImages(project.db);
    const times = rows.map((r) => r.captured_at ?? r.captured_local!).sort();
    const drone = { make: rows[0]!.make, model: rows[0]!.model, serial: rows[0]!.serial };
    expect(drone.model).toBeTruthy();
    expect(rows.every((r) => r.model === drone.model && r.serial === drone.serial)).toBe(true);

    let report = buildReport(project);
    expect(report.cards).toHaveLength(1);
    expect(report.cards[0]!.pilot).toBeNull();
    expect(report.cards[0]!.drones).toEqual([{ ...drone, photo_count: 18, first_capture: times[0], last_capture: times[17] }]);
    expect(report.flights.length).toBeGreaterThan(0);
    expect(report.flights.reduce((n, f) => n + f.photo_count, 0)).toBe(rows.filter((r) => r.flight_id !== null).length);
    for (const f of report.flights) {
      expect(f).toMatchObject({ ...drone, pilot: null });
      const own = rows.filter((r) => r.flight_id === f.flight_id).map((r) => r.captured_at ?? r.captured_local!).sort();
      expect([f.first_capture, f.last_capture, f.photo_count]).toEqual([own[0], own[own.length - 1], own.length]);
    }

    setProjectPilot(project.db, ' Ada Lovelace ');
    report = buildReport(project);
    expect(report.cards[0]!.pilot).toBe('Ada Lovelace');
    expect(report.flights.every((f) => f.pilot === 'Ada Lovelace')).toBe(true);

    const source = report.cards[0]!.source;
    setCardPilot(project.db, source, 'Grace Hopper');
    report = buildReport(project);
    expect(report.cards[0]!.pilot).toBe('Grace Hopper');
    expect(report.flights.every((f) => f.pilot === 'Grace Hopper' && f.source === source)).toBe(true);
    setCardPilot(project.db, source, null);
    expect(buildReport(project).cards[0]!.pilot).toBe('Ada Lovelace');
  });

  it('the app reads it and sets the pilot per project and per card through the API', async () => {
    const session = new Session({ emit: () => {}, recentFile: null });
    const call = createDispatch(createHandlers(session, 'http'));
    project.close();
    try {
      expect((await call('project.open', { dir: path.join(dir, 'project') })).error).toBeUndefined();
      const set = await call('crews.setPilot', { source: null, name: 'Katherine Johnson' });
      expect(set.error).toBeUndefined();
      const info = set.result as CrewInfo;
      expect(info.projectPilot).toBe('Katherine Johnson');
      expect(info.cards).toHaveLength(1);
      expect(info.cards[0]).toMatchObject({ pilot: 'Katherine Johnson', drones: [{ photoCount: 18 }] });
      const source = info.cards[0]!.source;
      const card = (await call('crews.setPilot', { source, name: 'Mary Jackson' })).result as CrewInfo;
      expect(card.cards[0]!.pilot).toBe('Mary Jackson');
      expect(card.flights.every((f) => f.pilot === 'Mary Jackson' && f.photoCount > 0)).toBe(true);
      expect(((await call('crews.get', {})).result as CrewInfo).projectPilot).toBe('Katherine Johnson');
    } finally {
      await session.close();
      project = openProject(path.join(dir, 'project'));
    }
  });
});
