/**
 * The core host (a utility process in the app, a forked Node process here) answers calls while a 50k-photo
 * classification runs in it, and a cancel stops that classification mid-loop: long loops yield to the event loop.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCore, forkCoreHost, type CoreClient } from '../../src-main/core-host/client.ts';
import type { JobInfo } from '../../src-preload/contract-base.ts';
import { openProject } from '../../src-main/project/project.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { insertSurveyGrid } from '../support/survey-grid.ts';

let temp = '';
let projectDir = '';
let photos = 0;
let client: CoreClient;
const jobEvents: JobInfo[] = [];

async function call<T>(method: string, params: unknown = {}): Promise<T> {
  const envelope = await client.dispatch(method, params);
  if (envelope.error) throw new Error(`${method}: ${envelope.error.message}`);
  return envelope.result as T;
}

/** Waits for the first job.updated event (from `since`) that passes the test. */
async function eventWhere(test: (j: JobInfo) => boolean, since = 0, timeoutMs = 120_000): Promise<JobInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = jobEvents.slice(since).find(test);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no such job event; last: ${JSON.stringify(jobEvents.at(-1))}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  temp = makeTemp('postflight-core-host-');
  projectDir = path.join(temp, 'project');
  const project = openProject(projectDir, { create: true });
  photos = insertSurveyGrid(project.db, 50_000);
  project.close();
  client = connectCore(forkCoreHost({ recentFile: path.join(temp, 'recent.json'), keychain: false, pickFolder: false }), {
    emit: (name, payload) => {
      if (name === 'job.updated') jobEvents.push(payload as JobInfo);
    },
  });
  await client.ready;
  await call('project.open', { dir: projectDir });
});

afterAll(async () => {
  await client?.shutdown();
  rmTemp(temp);
});

describe('the core host', () => {
  it('a cancel stops a 50k-photo classification mid-loop, and nothing it computed is saved', async () => {
    expect(photos).toBe(50_000);
    const before = await call<{ total: number; items: { id: number; status: string }[] }>('images.list', { limit: 1 });
    const since = jobEvents.length;
    const { jobId } = await call<{ jobId: string }>('classify.start', {});
    // Mid-loop: the checks have started on some photos and are far from through.
    const mid = await eventWhere((j) => j.id === jobId && j.progress?.stage === 'checks' && j.progress.done > 0, since);
    expect(mid.progress!.done).toBeLessThan(photos);
    expect(await call<{ cancelled: boolean }>('jobs.cancel', { jobId })).toEqual({ cancelled: true });
    const final = await eventWhere((j) => j.id === jobId && ['done', 'failed', 'cancelled'].includes(j.state), since);
    expect(final.state).toBe('cancelled');
    // It stopped inside the loops, before saving: the last progress it reported is not the end.
    expect(['checks', 'flights']).toContain(final.progress?.stage);
    // No coverage run chained after a cancelled classification.
    expect(jobEvents.slice(since).some((j) => j.kind === 'coverage')).toBe(false);
    const after = await call<{ total: number; items: { id: number; status: string }[] }>('images.list', { limit: 1 });
    expect(after).toEqual(before);
  });

  it('answers other calls while a 50k-photo classification runs', async () => {
    const since = jobEvents.length;
    const { jobId } = await call<{ jobId: string }>('classify.start', {});
    await eventWhere((j) => j.id === jobId && j.state === 'running', since);
    const latencies: number[] = [];
    let answeredWhileRunning = 0;
    for (;;) {
      const t0 = performance.now();
      const jobs = await call<JobInfo[]>('jobs.list');
      latencies.push(performance.now() - t0);
      const job = jobs.find((j) => j.id === jobId)!;
      if (job.state !== 'running') break;
      answeredWhileRunning++;
    }
    const final = await eventWhere((j) => j.id === jobId && j.state !== 'running' && j.state !== 'queued', since);
    expect(final.state).toBe('done');
    // More than one answer came back while the same classification was still running: the host was not blocked.
    expect(answeredWhileRunning).toBeGreaterThan(1);
    console.log(
      `core host: ${answeredWhileRunning} calls answered during classification; latency median ` +
        `${latencies.sort((a, b) => a - b)[latencies.length >> 1]!.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
    );
    // Classification chains coverage (the shutdown cancels it).
    expect(jobEvents.slice(since).some((j) => j.kind === 'coverage')).toBe(true);
  });
});
