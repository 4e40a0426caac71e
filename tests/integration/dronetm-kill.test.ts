import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { openProject } from '../../src-main/project/project.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';
import { runAndKill, syncHere } from '../support/sync-child-run.ts';
import { dropBucket, freshBucket, RGW, rgwClient } from '../support/rgw.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { startDronetmStandIn, type DronetmStandIn } from '../support/dronetm-server.ts';
import { brightonPhotos, makeSyncProject } from '../support/sync-project.ts';
import { listKeys, listUploads, MiB, remoteMd5 } from '../support/sync-s3.ts';
import { sql } from '../../src-main/db/database.ts';

const photos = brightonPhotos();
const CONCURRENCY = 3;
const PILOT = { id: 'u-pilot', email: 'pilot@example.org', password: 'pw', name: 'Pilot' };
const PROJECT_ID = randomUUID();
let bucket: string;
let proxy: FaultProxy;
let dtm: DronetmStandIn;
let s3: S3Client;
let dir: string;

beforeAll(async () => {
  bucket = await freshBucket('dtmkill');
  const rgw = new URL(RGW.endpoint);
  proxy = await startFaultProxy({ host: rgw.hostname, port: Number(rgw.port) });
  dtm = await startDronetmStandIn({
    bucket,
    users: [PILOT],
    projects: [{ id: PROJECT_ID, name: 'kill', authorId: PILOT.id, tasks: [] }],
    presignEndpoint: proxy.url,
  });
  s3 = rgwClient();
  dir = makeTemp('pf-dtm-kill-');
});

afterAll(async () => {
  await dtm.close();
  await proxy.close();
  s3.destroy();
  await dropBucket(bucket);
  rmTemp(dir);
});

it('resumes a DroneTM sync killed at ~50%: every photo whole in user-uploads, completed once, no journaled part sent again', async () => {
  const fixture = makeSyncProject(dir, [
    {
      taskId: '4',
      verified: true,
      photos: [
        { fileName: 'STRIP_A.JPG', from: photos.slice(0, 5) },
        { fileName: 'STRIP_B.JPG', from: photos.slice(5, 10) },
        { fileName: 'DJI_0028.JPG', from: [photos[10]!] },
        { fileName: 'DJI_0029.JPG', from: [photos[11]!] },
        { fileName: 'DJI_0030.JPG', from: [photos[12]!], status: 'rejected' },
      ],
    },
  ]);
  const sizeOf = (id: number): number => (sql(fixture.project.db).prepare('SELECT size FROM images WHERE id = ?').get(id) as { size: number }).size;
  const rejectedId = fixture.imageIds.get('4/DJI_0030.JPG#4')!;
  const total = [...fixture.md5.keys()].filter((id) => id !== rejectedId).reduce((sum, id) => sum + sizeOf(id), 0);
  fixture.project.close();

  const env = { ...process.env, DRONETM_ACCESS_TOKEN: dtm.tokensFor(PILOT.email).access_token };
  proxy.resetStats();
  const flags = ['--project', dir, '--dronetm', dtm.url, '--dronetm-project', PROJECT_ID];
  const run = await runAndKill([...flags, '--part-size', '5', '--concurrency', String(CONCURRENCY), '--max-rate', '15'], env, 0.5);
  expect(run.exit).toBe('SIGKILL');
  const sentBeforeKill = proxy.stats.bytesUp;
  const completesBeforeKill = dtm.stats.completes.length;

  let persisted: number;
  const project = openProject(dir);
  try {
    const journaled = sql(project.db).prepare('SELECT COALESCE(SUM(size), 0) AS n FROM upload_parts').get() as { n: number };
    const kept = sql(project.db).prepare("SELECT COALESCE(SUM(size), 0) AS n FROM uploads WHERE state = 'verified'").get() as { n: number };
    persisted = journaled.n + kept.n;
    expect(persisted).toBeGreaterThan(0);
  } finally {
    project.close();
  }

  // Rerun in this process with no target flags: the project remembers its DroneTM project.
  proxy.resetStats();
  const { code, stdout: out } = await syncHere({ project: dir, json: true, 'part-size': '5', concurrency: String(CONCURRENCY) }, env);
  expect(code).toBe(0);
  const report = JSON.parse(out);
  const resent = sentBeforeKill + proxy.stats.bytesUp - total;
  console.log(
    `killed at ${(run.killedAt * 100).toFixed(0)}% (${completesBeforeKill} photos completed): ${(sentBeforeKill / 1e6).toFixed(1)} MB before, ` +
      `${(proxy.stats.bytesUp / 1e6).toFixed(1)} MB after, ${(resent / 1e6).toFixed(2)} MB beyond the ${(total / 1e6).toFixed(1)} MB of photos`,
  );
  expect(report.tasks).toMatchObject([{ taskId: '4', photos: 4 }]);
  expect(proxy.stats.bytesUp).toBeLessThanOrEqual(total - persisted + 300_000);
  expect(resent).toBeLessThanOrEqual(CONCURRENCY * 5 * MiB + 300_000);

  const prefix = `projects/${PROJECT_ID}/user-uploads/`;
  const names = ['DJI_0028.JPG', 'DJI_0029.JPG', 'STRIP_A.JPG', 'STRIP_B.JPG'];
  expect(await listKeys(s3, bucket, prefix)).toEqual(names.map((n) => `${prefix}${n}`));
  const ids = new Map([...fixture.imageIds].map(([k, id]) => [k.split('/')[1]!.split('#')[0]!, id]));
  for (const n of names) expect(await remoteMd5(s3, bucket, `${prefix}${n}`)).toBe(fixture.md5.get(ids.get(n)!));
  // Complete was called exactly once per photo, across both runs, all in the one batch the stopped sync opened.
  const byKey = new Map<string, number>();
  for (const c of dtm.stats.completes) byKey.set(c.fileKey, (byKey.get(c.fileKey) ?? 0) + 1);
  expect(Object.fromEntries(byKey)).toEqual(Object.fromEntries(names.map((n) => [`${prefix}${n}`, 1])));
  expect(new Set(dtm.stats.completes.map((c) => c.batchId))).toEqual(new Set([report.batchId]));
  expect(await listUploads(s3, bucket, prefix)).toEqual([]);
});
