/**
 * Opening projects from the app (issue 12, item 8 and the writer lock): a failed open leaves the open project and its
 * running jobs alone, and a project another Postflight writes to is refused with that process's pid.
 */
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Session } from '../../src-main/api/session.ts';
import { createDispatch } from '../../src-main/api/dispatch.ts';
import { createHandlers } from '../../src-main/api/handlers.ts';
import type { CardOffloadInfo, JobInfo } from '../../src-preload/contract.ts';
import { cardStateText } from '../../src-renderer/src/ingest/summary.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { makeCard } from '../support/card.ts';
import { startServe } from '../support/cli.ts';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach(rmTemp));

it('a mistyped folder or a project held by another Postflight fails to open and the running ingest goes on', async () => {
  const dir = makeTemp();
  temps.push(dir);
  const card = makeCard(10);
  temps.push(card.root);
  const session = new Session({ emit: () => {}, recentFile: null });
  const call = createDispatch(createHandlers(session, 'http'));
  const other = path.join(dir, 'other');
  const server = await startServe(other, { POSTFLIGHT_STATE_DIR: path.join(dir, 'state') });
  try {
    const current = path.join(dir, 'current');
    expect((await call('project.open', { dir: current, create: true })).error).toBeUndefined();
    const started = await call('ingest.start', { source: card.root, inPlace: false });
    expect(started.error).toBeUndefined();

    const typo = await call('project.open', { dir: path.join(dir, 'curent') });
    expect(typo.error?.code).toBe('project_missing');
    const held = await call('project.open', { dir: other });
    expect(held.error?.code).toBe('conflict');
    expect(held.error?.message).toMatch(new RegExp(`open in another Postflight \\(pid ${server.child.pid}\\b`));

    expect(session.project?.dir).toBe(current);
    let jobs: JobInfo[] = [];
    for (;;) {
      jobs = (await call('jobs.list', {})).result as JobInfo[];
      if (jobs.every((j) => j.state !== 'queued' && j.state !== 'running')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(jobs.find((j) => j.kind === 'ingest')?.state).toBe('done');
    // The Ingest view's per-card state: the card the job copied is safe to format.
    const offloads = (await call('ingest.offloads', {})).result as CardOffloadInfo[];
    expect(offloads).toMatchObject([{ source: card.root, photoCount: 10, photosVerified: 10, safeToFormat: true, unverified: [] }]);
    expect(cardStateText(offloads[0]!)).toBe('Safe to format: all 10 photos have a verified copy in the project.');
  } finally {
    await session.close();
    await server.stop();
  }
});
