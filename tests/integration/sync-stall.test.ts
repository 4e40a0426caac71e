/**
 * A sync over a link that stalls (the fault proxy stops forwarding either way, holding the connections open, as a
 * phone hotspot that lost signal does): retries are reported as they happen, and the sync gives up in words within
 * its stall timeout (default under 60 s) instead of retrying for minutes; what was sent is kept and a rerun resumes.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/common/errors.ts';
import type { Progress } from '../../src-main/common/progress.ts';
import { DEFAULT_STALL_MS, syncVerifiedTasks } from '../../src-main/sync/sync.ts';
import { cliBin } from '../support/cli.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { dropBucket, freshBucket, RGW } from '../support/rgw.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { brightonPhotos, makeSyncProject } from '../support/sync-project.ts';
import { MiB, rgwTarget } from '../support/sync-s3.ts';

const photos = brightonPhotos();
let bucket: string;
let proxy: FaultProxy;
const temps: string[] = [];
const temp = (): string => {
  const dir = makeTemp('pf-sync-stall-');
  temps.push(dir);
  return dir;
};

beforeAll(async () => {
  bucket = await freshBucket('stall');
  const rgw = new URL(RGW.endpoint);
  proxy = await startFaultProxy({ host: rgw.hostname, port: Number(rgw.port) });
});
afterAll(async () => {
  proxy.hold(false);
  await proxy.close();
  await dropBucket(bucket);
  for (const t of temps) rmTemp(t);
});

describe('a sync whose link stalls', () => {
  it('reports each retry as it happens, gives up at the stall timeout in words, and a rerun finishes', async () => {
    const { project } = makeSyncProject(temp(), [
      { taskId: 'S1', verified: true, photos: [{ fileName: 'STRIP.JPG', from: photos.slice(0, 5) }, { fileName: 'DJI_0030.JPG', from: [photos[5]!] }] },
    ]);
    const options = {
      target: rgwTarget(proxy.url, bucket),
      credentials: RGW.credentials,
      partSize: 5 * MiB,
      concurrency: 2,
      maxBytesPerSecond: 4 * 1e6,
      retry: { attempts: 30, baseMs: 50, maxMs: 200 },
    };
    const notes: string[] = [];
    let heldAt = 0;
    const onProgress = (p: Progress): void => {
      if (p.message && notes.at(-1) !== p.message) notes.push(p.message);
      if (!heldAt && (p.bytesDone ?? 0) > 0.3 * (p.bytesTotal ?? Infinity)) {
        heldAt = performance.now();
        proxy.hold(true);
      }
    };
    try {
      const err = await syncVerifiedTasks(project, { ...options, stallTimeoutMs: 8_000, idleTimeoutMs: 2_000 }, { onProgress }).then(
        () => null,
        (e: unknown) => e,
      );
      const gaveUpAfter = performance.now() - heldAt;
      expect(heldAt).toBeGreaterThan(0);
      expect(err).toBeInstanceOf(AppError);
      const e = err as AppError;
      expect(e.code).toBe('remote_failed');
      expect(e.message).toMatch(/^The connection to http:\/\/127\.0\.0\.1:\d+ stalled: nothing got through for \d+ s, after \d+ retr(y|ies)\. Photos and parts already sent are kept; run sync again when the connection is back\.$/);
      expect(e.details).toMatchObject({ reason: 'stalled' });
      // The bytes already in the socket buffers when the link stalled count as moving, then nothing moves for 8 s.
      expect(gaveUpAfter).toBeLessThan(8_000 + 6_000);
      // Every retry was said as it happened, with its reason and count.
      expect(notes.length).toBeGreaterThanOrEqual(1);
      expect(notes[0]).toMatch(/^Retrying \((no answer in time|connection reset)\): try 2 of 30; 1 retry so far\.$/);
      console.log(`stalled link: gave up ${(gaveUpAfter / 1000).toFixed(1)} s after the link stalled, retries said: ${notes.length}`);

      proxy.hold(false);
      const report = await syncVerifiedTasks(project, options);
      expect(report.tasks).toMatchObject([{ taskId: 'S1', photos: 2 }]);
      expect(report.retries).toBe(0);
    } finally {
      proxy.hold(false);
      project.close();
    }
  });

  it('the CLI, with its defaults, prints a line for each retry and gives up within 60 s', { timeout: 120_000 }, async () => {
    expect(DEFAULT_STALL_MS).toBeLessThanOrEqual(60_000);
    const dir = temp();
    makeSyncProject(dir, [{ taskId: 'S2', verified: true, photos: [{ fileName: 'DJI_0031.JPG', from: [photos[6]!] }] }]).project.close();
    proxy.hold(true);
    const started = performance.now();
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [cliBin, 'sync', '--project', dir, '--endpoint', proxy.url, '--bucket', bucket, '--region', RGW.region, '--path-style'],
        { env: { ...process.env, AWS_ACCESS_KEY_ID: RGW.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: RGW.credentials.secretAccessKey }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    const seconds = (performance.now() - started) / 1000;
    proxy.hold(false);
    console.log(`CLI over a stalled link: exit ${run.code} after ${seconds.toFixed(1)} s\n${run.stderr}`);
    expect(run.code).toBe(1);
    expect(seconds).toBeLessThan(60);
    expect(run.stderr).toMatch(/^Retrying \(no answer in time\): try 2 of 6; 1 retry so far\.$/m);
    expect(run.stderr).toMatch(/^postflight: The connection to http:\/\/127\.0\.0\.1:\d+ stalled: nothing got through for 4\d s, after [1-5] retr(y|ies)\./m);
    expect(run.stderr).not.toMatch(/\n\s+at |TimeoutError|AbortError/);
  });
});
