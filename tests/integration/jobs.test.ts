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
