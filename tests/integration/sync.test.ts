import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../../src-main/common/errors.ts';
import { syncVerifiedTasks, type SyncOptions } from '../../src-main/sync/sync.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { dropBucket, freshBucket, RGW, rgwClient } from '../support/rgw.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { brightonPhotos, makeSyncProject } from '../support/sync-project.ts';
import { listKeys, listUploads, MiB, remoteMd5, rgwTarget } from '../support/sync-s3.ts';
import { sql } from '../../src-main/db/database.ts';

const photos = brightonPhotos();
let bucket: string;
let proxy: FaultProxy;
let s3: S3Client;
const temps: string[] = [];

beforeAll(async () => {
  bucket = await freshBucket('sync');
  const rgw = new URL(RGW.endpoint);
  proxy = await startFaultProxy({ host: rgw.hostname, port: Number(rgw.port) });
  s3 = rgwClient();
});

afterAll(async () => {
  await proxy.close();
  s3.destroy();
  await dropBucket(bucket);
  for (const t of temps) rmTemp(t);
});

function options(extra: Partial<SyncOptions> = {}): SyncOptions {
  return {
    target: rgwTarget(proxy.url, bucket),
    credentials: RGW.credentials,
    partSize: 5 * MiB,
    concurrency: 3,
    retry: { attempts: 5, baseMs: 50, maxMs: 500 },
    ...extra,
  };
}

function tempProject(): string {
  const dir = makeTemp('pf-sync-');
  temps.push(dir);
  return dir;
}

/** A project whose one verified task holds one big object made of real photos end to end. */
function stripProject(taskId: string, from: string[]) {
  const { project, md5 } = makeSyncProject(tempProject(), [{ taskId, verified: true, photos: [{ fileName: 'STRIP.JPG', from }] }]);
  return { project, md5: [...md5.values()][0]!, key: `projects/${project.info.id}/${taskId}/images/STRIP.JPG` };
}

describe('sync of verified tasks to RGW', () => {
  it('uploads only the verified task photos intact, writes the manifest last, and a rerun sends nothing', async () => {
    const { project, md5, imageIds } = makeSyncProject(tempProject(), [
      {
        taskId: 'T1',
        verified: true,
        photos: [
          { fileName: 'DJI_0018.JPG', from: [photos[0]!] },
          { fileName: 'DJI_0019.JPG', from: [photos[1]!] },
          { fileName: 'DJI_0020.JPG', from: [photos[2]!], status: 'rejected' },
          { fileName: 'DJI_0021.JPG', from: [photos[3]!], manualDecision: 'rejected' },
          // A second card's DJI_0018.JPG, accepted by hand: same name, other bytes.
          { fileName: 'DJI_0018.JPG', from: [photos[4]!], status: 'unmatched', manualDecision: 'accepted' },
          // Four photos end to end: a 15 MB object, sent as three 5 MiB parts.
          { fileName: 'PANO_0001.JPG', from: photos.slice(5, 9) },
        ],
      },
      { taskId: 'T2', verified: false, photos: [{ fileName: 'DJI_0030.JPG', from: [photos[9]!] }] },
    ]);
    try {
      proxy.resetStats();
      const first = await syncVerifiedTasks(project, options());
      const base = `projects/${project.info.id}/`;
      const keys = await listKeys(s3, bucket, base);
      const second18 = imageIds.get('T1/DJI_0018.JPG#4')!;
      const secondName = `DJI_0018_${md5.get(second18)!.slice(0, 8)}.JPG`;
      expect(keys).toEqual(
        [`T1/images/DJI_0018.JPG`, `T1/images/DJI_0019.JPG`, `T1/images/${secondName}`, `T1/images/PANO_0001.JPG`, `T1/postflight-manifest.json`]
          .map((k) => base + k)
          .sort(),
      );
      const expected: [string, number][] = [
        ['DJI_0018.JPG', imageIds.get('T1/DJI_0018.JPG#0')!],
        ['DJI_0019.JPG', imageIds.get('T1/DJI_0019.JPG#1')!],
        [secondName, second18],
        ['PANO_0001.JPG', imageIds.get('T1/PANO_0001.JPG#5')!],
      ];
      for (const [name, id] of expected) expect(await remoteMd5(s3, bucket, `${base}T1/images/${name}`)).toBe(md5.get(id));

      // The manifest is the last object written, and it describes exactly what was sent.
      const writes = proxy.stats.requests.filter((r) => r.startsWith('PUT') || r.startsWith('POST'));
      expect(writes.at(-1)).toBe(`PUT /${bucket}/${base}T1/postflight-manifest.json?x-id=PutObject`);
      expect(writes.filter((r) => r.includes('partNumber=')).length).toBe(3);
      const manifestOut = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${base}T1/postflight-manifest.json` }));
      const manifest = JSON.parse(await manifestOut.Body!.transformToString());
      expect(manifest.task.id).toBe('T1');
      expect(manifest.photos.map((p: { path: string; md5: string }) => [p.path, p.md5])).toEqual(
        expected.map(([name, id]) => [`images/${name}`, md5.get(id)]),
      );

      expect(first).toMatchObject({ uploaded: 5, skipped: 0, abortedUploads: 0 });
      const synced = sql(project.db).prepare('SELECT task_id, synced_at FROM tasks ORDER BY task_id').all() as { task_id: string; synced_at: string | null }[];
      expect(synced[0]!.synced_at).not.toBeNull();
      expect(synced[1]!.synced_at).toBeNull();
      const states = sql(project.db).prepare('SELECT DISTINCT state FROM uploads').all();
      expect(states).toEqual([{ state: 'verified' }]);
      expect(sql(project.db).prepare('SELECT COUNT(*) AS n FROM upload_parts').get()).toEqual({ n: 0 });

      // Named again: every object is checked by HEAD and none is sent.
      proxy.resetStats();
      const again = await syncVerifiedTasks(project, options({ taskIds: ['T1'] }));
      expect(again).toMatchObject({ uploaded: 0, skipped: 5, bytesSent: 0 });
      const listsUploads = (r: string): boolean => r.startsWith('GET') && /[?&]uploads=/.test(r);
      expect(proxy.stats.requests.filter((r) => !r.startsWith('HEAD') && !listsUploads(r))).toEqual([]);
      expect(proxy.stats.requests.filter((r) => r.startsWith('HEAD')).length).toBe(5);
      expect(proxy.stats.bytesUp).toBeLessThan(20_000);

      // Not named: nothing is waiting, so nothing is asked of the server at all.
      proxy.resetStats();
      expect((await syncVerifiedTasks(project, options())).tasks).toEqual([]);
      expect(proxy.stats.requests).toEqual([]);

      await expect(syncVerifiedTasks(project, options({ taskIds: ['T2'] }))).rejects.toMatchObject({ code: 'refused' });
    } finally {
      project.close();
    }
  });

  it('retries a part cut mid-transfer and re-sends at most the parts that were in flight', async () => {
    const { project, md5, key } = stripProject('cut', photos.slice(0, 5));
    try {
      proxy.resetStats();
      proxy.cutAfter(7 * MiB);
      const report = await syncVerifiedTasks(project, options({ concurrency: 2 }));
      expect(report.uploaded).toBe(2);
      expect(await remoteMd5(s3, bucket, key)).toBe(md5);
      const resent = report.bytesSent - report.bytesTotal; // wire bytes beyond one copy of everything
      expect(resent).toBeGreaterThan(0); // the cut really cost something
      expect(resent).toBeLessThanOrEqual(2 * 5 * MiB);
      expect(proxy.stats.bytesUp).toBeLessThanOrEqual(report.bytesTotal + 2 * 5 * MiB + 200_000);
    } finally {
      project.close();
    }
  });

  it('settles a Complete whose answer was lost by asking the server, and retries a stalled link', async () => {
    const { project, md5, key } = stripProject('lost-answer', photos.slice(11, 15));
    try {
      proxy.resetStats();
      proxy.loseAnswerTo(/^POST .*uploadId=/);
      // The first request hangs for 20 s: the idle timeout (1 s) must give up on it and try again.
      proxy.stallOnce(20_000);
      const report = await syncVerifiedTasks(project, options({ idleTimeoutMs: 1000 }));
      expect(report.seconds).toBeLessThan(10);
      expect(report.uploaded).toBe(2);
      expect(await remoteMd5(s3, bucket, key)).toBe(md5);
      // One Create, one Complete (its answer lost), then a HEAD that found the object whole: no blind retry, no restart.
      const writes = proxy.stats.requests.filter((r) => !r.includes('postflight-manifest'));
      const completeAt = writes.findIndex((r) => r.startsWith('POST') && r.includes('?uploadId='));
      expect(writes.filter((r) => r.startsWith('POST'))).toHaveLength(2);
      expect(writes[completeAt + 1]).toMatch(/^HEAD /);
    } finally {
      project.close();
    }
  });

  it('starts a file again cleanly when the server forgot its upload, and aborts uploads nobody owns', async () => {
    const { project, md5, key } = stripProject('lost', photos.slice(6, 11));
    try {
      const pause = new AbortController();
      const run = syncVerifiedTasks(project, options({ concurrency: 1, maxBytesPerSecond: 20e6 }), {
        signal: pause.signal,
        onProgress: (p) => {
          if ((p.bytesDone ?? 0) > 0.45 * (p.bytesTotal ?? Infinity)) pause.abort();
        },
      });
      await expect(run).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'cancelled');
      const row = sql(project.db).prepare('SELECT id, upload_id FROM uploads WHERE object_key = ?').get(key) as { id: number; upload_id: string };
      expect(row.upload_id).toBeTruthy();
      const parts = sql(project.db).prepare('SELECT COUNT(*) AS n FROM upload_parts WHERE upload_row = ?').get(row.id) as { n: number };
      expect(parts.n).toBeGreaterThanOrEqual(1);

      // The server loses our upload; someone else's stale upload sits under the project prefix.
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: row.upload_id }));
      const orphanKey = `projects/${project.info.id}/lost/images/ORPHAN.JPG`;
      await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: orphanKey }));

      const report = await syncVerifiedTasks(project, options());
      expect(report.abortedUploads).toBe(1);
      expect(await remoteMd5(s3, bucket, key)).toBe(md5);
      expect(await listUploads(s3, bucket, `projects/${project.info.id}/`)).toEqual([]);
      expect(sql(project.db).prepare('SELECT state, upload_id FROM uploads WHERE object_key = ?').get(key)).toEqual({ state: 'verified', upload_id: null });
    } finally {
      project.close();
    }
  });
  it('refuses a big photo whose bytes changed since ingest instead of sending them under the old checksum', async () => {
    const { project, key } = stripProject('changed', photos.slice(0, 3));
    try {
      const row = sql(project.db).prepare('SELECT stored_path FROM images').get() as { stored_path: string };
      const file = project.resolve(row.stored_path);
      // Same size, one byte different (bit rot, or an editor that saved over the copy).
      const handle = fs.openSync(file, 'r+');
      const byte = Buffer.alloc(1);
      fs.readSync(handle, byte, 0, 1, 7 * MiB);
      fs.writeSync(handle, Buffer.from([byte[0]! ^ 0xff]), 0, 1, 7 * MiB);
      fs.closeSync(handle);

      // The message names the way out: a recheck copies the photo again from its card.
      await expect(syncVerifiedTasks(project, options())).rejects.toSatisfy(
        (e) => e instanceof AppError && e.code === 'conflict' && e.message.includes('postflight ingest --recheck'),
      );
      expect(await listKeys(s3, bucket, `projects/${project.info.id}/`)).not.toContain(key);
    } finally {
      project.close();
    }
  });
});
