import { afterEach, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/project/project.ts';
import { JobRunner } from '../../src-main/jobs/jobs.ts';
import { AppError } from '../../src-main/common/errors.ts';
import type { JobInfo } from '../../src-preload/contract.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach(rmTemp));
const temp = () => {
  const d = makeTemp();
  temps.push(d);
  return d;
};

describe('jobs', () => {
  it('records state, progress and result as the work goes, and publishes each change', async () => {
    const p = openProject(temp(), { create: true });
    const seen: JobInfo[] = [];
    const jobs = new JobRunner(p.db, (name, payload) => {
      if (name === 'job.updated') seen.push(payload as JobInfo);
    });
    const id = jobs.start('classify', { flightTail: true }, async (ctx) => {
      for (let i = 1; i <= 3; i++) {
        ctx.onProgress({ done: i, total: 3 });
        await new Promise((r) => setTimeout(r, 300));
      }
      return { assigned: 42 };
    });
    const final = await jobs.wait(id);
    expect(final).toMatchObject({ kind: 'classify', state: 'done', result: { assigned: 42 }, params: { flightTail: true } });
    expect(final.progress).toEqual({ done: 3, total: 3 });
    expect(seen.map((j) => j.state)).toContain('running');
    expect(seen.some((j) => j.progress?.done === 2)).toBe(true);
    p.close();
  });

  it('cancel stops the work through its signal and the job ends cancelled', async () => {
    const p = openProject(temp(), { create: true });
    const jobs = new JobRunner(p.db, () => {});
    const id = jobs.start('sync', {}, (ctx) =>
      new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(jobs.cancel(id)).toBe(true);
    expect((await jobs.wait(id)).state).toBe('cancelled');
    p.close();
  });

  it('a failing job keeps its typed error; jobs of one kind run one at a time', async () => {
    const p = openProject(temp(), { create: true });
    const jobs = new JobRunner(p.db, () => {});
    let running = 0;
    let maxRunning = 0;
    const work = async () => {
      maxRunning = Math.max(maxRunning, ++running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      throw new AppError('source_unavailable', 'The card was removed.');
    };
    const ids = [jobs.start('ingest', {}, work), jobs.start('ingest', {}, work)];
    const results = await Promise.all(ids.map((id) => jobs.wait(id)));
    expect(maxRunning).toBe(1);
    for (const r of results) expect(r).toMatchObject({ state: 'failed', error: { code: 'source_unavailable', message: 'The card was removed.' } });
    p.close();
  });

  it('a job that a finishing job chains on while the project closes is recorded cancelled, never run on the closed database', async () => {
    const p = openProject(temp(), { create: true });
    const jobs = new JobRunner(p.db, () => {});
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let chained: string | null = null;
    let chainedRan = false;
    // Like ingest: the last photo is already in flight when the cancel comes, so the work ends normally and chains.
    const first = jobs.start('ingest', {}, async () => {
      await gate;
      chained = jobs.start('classify', {}, async () => {
        chainedRan = true;
      });
      return { ingested: 1 };
    });
    await new Promise((r) => setTimeout(r, 20));
    const closing = jobs.shutdown();
    release();
    await closing;
    expect(jobs.get(first).state).toBe('done');
    expect(chained).not.toBeNull();
    expect(jobs.get(chained!)).toMatchObject({ kind: 'classify', state: 'cancelled', error: { code: 'cancelled' } });
    p.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(chainedRan).toBe(false);
  });

  it('jobs left running by a killed process show as interrupted when the project is opened again', () => {
    const dir = temp();
    const p = openProject(dir, { create: true });
    const jobs = new JobRunner(p.db, () => {});
    const id = jobs.start('ingest', { source: '/card' }, () => new Promise(() => {}));
    p.close(); // the process "dies" with the job running
    const again = openProject(dir);
    const list = new JobRunner(again.db, () => {}).list();
    expect(list.find((j) => j.id === id)?.state).toBe('interrupted');
    again.close();
  });
});
