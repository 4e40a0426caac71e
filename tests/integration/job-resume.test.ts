import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../src-preload/contract.ts';
import { openProject } from '../../src-main/project/project.ts';
import { insertJob, updateJob } from '../../src-main/db/jobs.ts';
import { listImages } from '../../src-main/db/images.ts';
import { makeCard } from '../support/card.ts';
import { callApi, startServe } from '../support/cli.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

const temps: string[] = [];
afterAll(() => temps.splice(0).forEach(rmTemp));

/** A card of 36 distinct photos: the 18 real ones, and copies of them with a few bytes after the JPEG's end. */
function bigCard(): { root: string; count: number } {
  const card = makeCard(18);
  temps.push(card.root);
  let n = 18;
  for (let copy = 1; n < 36; copy++) {
    for (const f of card.files) {
      if (n >= 36) break;
      const bytes = Buffer.concat([fs.readFileSync(path.join(card.dcim, f)), Buffer.from(`copy ${copy}`)]);
      fs.writeFileSync(path.join(card.dcim, `X${copy}_${f}`), bytes);
      n++;
    }
  }
  return { root: card.root, count: n };
}

const jobsOf = async (url: URL, token: string): Promise<JobInfo[]> => (await callApi(url, token, 'jobs.list')).result as JobInfo[];

describe('interrupted jobs at the next start', () => {
  it('an ingest cut by kill -9 of `serve` is run again (same job) when serve opens the project, and completes', { timeout: 180_000 }, async () => {
    const card = bigCard();
    const dir = makeTemp('pf-resume-');
    temps.push(dir);

    const first = await startServe(dir);
    const started = await callApi(first.url, first.token, 'ingest.start', { source: card.root });
    const jobId = (started.result as { jobId: string }).jobId;
    // Killed for real once some photos are in and many are not: no chance to mark anything.
    let doneAtKill = 0;
    for (let i = 0; i < 3000 && doneAtKill === 0; i++) {
      const job = (await jobsOf(first.url, first.token)).find((j) => j.id === jobId)!;
      if (job.state !== 'running' && job.state !== 'queued') throw new Error(`ingest ended before the kill: ${job.state}`);
      if ((job.progress?.done ?? 0) >= 5) doneAtKill = job.progress!.done;
      else await new Promise((r) => setTimeout(r, 20));
    }
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;

    const cut = openProject(dir);
    const before = listImages(cut.db).length;
    // A classification the killed process was also running cannot resume: it stays interrupted.
    insertJob(cut.db, 'classify-killed', 'classify', {});
    updateJob(cut.db, 'classify-killed', { state: 'running' });
    cut.close();
    console.log(`killed at ${doneAtKill} photos done, ${before} rows recorded of ${card.count}`);
    expect(doneAtKill).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(card.count);

    const second = await startServe(dir);
    try {
      let jobs: JobInfo[] = [];
      await expect
        .poll(async () => {
          jobs = await jobsOf(second.url, second.token);
          return jobs.find((j) => j.id === jobId)?.state;
        }, { timeout: 120_000, interval: 200 })
        .toBe('done');
      const ingest = jobs.find((j) => j.id === jobId)!;
      expect(ingest.params).toEqual({ source: card.root });
      const summary = ingest.result as { ingested: number; alreadyIngested: number };
      expect(summary.alreadyIngested).toBe(before);
      expect(summary.ingested).toBe(card.count - before);
      expect(jobs.find((j) => j.id === 'classify-killed')?.state).toBe('interrupted');
      // The resumed ingest goes on through the sequence: classification, then coverage.
      await expect.poll(async () => (await jobsOf(second.url, second.token)).filter((j) => j.kind === 'coverage' && j.state === 'done').length, { timeout: 60_000 }).toBe(1);
    } finally {
      await second.stop();
    }
    const after = openProject(dir);
    const rows = listImages(after.db);
    expect(rows).toHaveLength(card.count);
    expect(new Set(rows.map((r) => r.source_path)).size).toBe(card.count);
    expect(rows.every((r) => r.status !== 'staged')).toBe(true);
    after.close();
  });
});
