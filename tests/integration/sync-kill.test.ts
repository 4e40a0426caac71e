import { afterAll, beforeAll, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { openProject } from '../../src-main/project/project.ts';
import { loadTarget } from '../../src-main/sync/target.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { runAndKill, syncHere } from '../support/sync-child-run.ts';
import { dropBucket, freshBucket, RGW, rgwClient } from '../support/rgw.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { brightonPhotos, makeSyncProject } from '../support/sync-project.ts';
import { listKeys, MiB, remoteMd5 } from '../support/sync-s3.ts';
import { sql } from '../../src-main/db/database.ts';

const photos = brightonPhotos();
const CONCURRENCY = 3;
let bucket: string;
let proxy: FaultProxy;
let s3: S3Client;
let dir: string;

beforeAll(async () => {
  bucket = await freshBucket('kill');
  const rgw = new URL(RGW.endpoint);
  proxy = await startFaultProxy({ host: rgw.hostname, port: Number(rgw.port) });
  s3 = rgwClient();
  dir = makeTemp('pf-sync-kill-');
  // The CLI takes its keys from the environment only (the SDK's default chain), never from flags or the project.
  process.env.AWS_ACCESS_KEY_ID = RGW.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = RGW.credentials.secretAccessKey;
});

afterAll(async () => {
  await proxy.close();
  s3.destroy();
  await dropBucket(bucket);
  rmTemp(dir);
});

it('resumes from the journal after the syncing process is killed at ~50%, re-sending at most the parts in flight', async () => {
  const fixture = makeSyncProject(dir, [
    {
      taskId: 'K-7',
      verified: true,
      photos: [
        { fileName: 'STRIP_A.JPG', from: photos.slice(0, 5) },
        { fileName: 'STRIP_B.JPG', from: photos.slice(5, 10) },
        { fileName: 'DJI_0028.JPG', from: [photos[10]!] },
        { fileName: 'DJI_0029.JPG', from: [photos[11]!] },
      ],
    },
  ]);
  const total = [...fixture.md5.keys()].reduce(
    (sum, id) => sum + (sql(fixture.project.db).prepare('SELECT size FROM images WHERE id = ?').get(id) as { size: number }).size,
    0,
  );
  fixture.project.close();

  proxy.resetStats();
  const flags = ['--project', dir, '--endpoint', proxy.url, '--bucket', bucket, '--region', RGW.region, '--path-style'];
  const run = await runAndKill([...flags, '--part-size', '5', '--concurrency', String(CONCURRENCY), '--max-rate', '15'], process.env, 0.5);
  expect(run.exit).toBe('SIGKILL');
  const sentBeforeKill = proxy.stats.bytesUp;

  let persisted: number;
  const project = openProject(dir);
  try {
    // The flags given once are now the project's target (and hold no secret).
    expect(loadTarget(project.db)).toEqual({ endpoint: proxy.url, region: RGW.region, bucket, prefix: '', pathStyle: true });
    const journaled = sql(project.db).prepare('SELECT COALESCE(SUM(size), 0) AS n FROM upload_parts').get() as { n: number };
    const kept = sql(project.db)
      .prepare("SELECT COALESCE(SUM(size), 0) AS n FROM uploads WHERE state = 'verified' AND image_id IS NOT NULL")
      .get() as { n: number };
    persisted = journaled.n + kept.n;
    expect(persisted).toBeGreaterThan(0);
    expect(sql(project.db).prepare('SELECT synced_at FROM tasks').get()).toEqual({ synced_at: null });
  } finally {
    project.close();
  }

  // Rerun with no target flags at all, in this process.
  proxy.resetStats();
  const { code, stdout: out } = await syncHere({ project: dir, json: true, 'part-size': '5', concurrency: String(CONCURRENCY) }, process.env);
  expect(code).toBe(0);
  const report = JSON.parse(out);
  const resent = sentBeforeKill + proxy.stats.bytesUp - total;
  console.log(
    `killed at ${(run.killedAt * 100).toFixed(0)}%: ${(sentBeforeKill / 1e6).toFixed(1)} MB before, ${(proxy.stats.bytesUp / 1e6).toFixed(1)} MB after, ` +
      `${(resent / 1e6).toFixed(2)} MB beyond the ${(total / 1e6).toFixed(1)} MB of photos`,
  );
  expect(report.tasks).toMatchObject([{ taskId: 'K-7', photos: 4 }]);
  // Nothing the journal held went again; all that was lost to the kill is what was on the wire.
  expect(proxy.stats.bytesUp).toBeLessThanOrEqual(total - persisted + 300_000);
  expect(resent).toBeLessThanOrEqual(CONCURRENCY * 5 * MiB + 300_000);

  const reopened = openProject(dir);
  try {
    const prefix = `projects/${reopened.info.id}/K-7/`;
    expect(await listKeys(s3, bucket, prefix)).toHaveLength(5);
    const rows = sql(reopened.db).prepare('SELECT id, file_name FROM images ORDER BY id').all() as { id: number; file_name: string }[];
    for (const r of rows) expect(await remoteMd5(s3, bucket, `${prefix}images/${r.file_name}`)).toBe(fixture.md5.get(r.id));
    expect((sql(reopened.db).prepare('SELECT synced_at FROM tasks').get() as { synced_at: string | null }).synced_at).not.toBeNull();
  } finally {
    reopened.close();
  }
});
