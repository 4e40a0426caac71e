/**
 * `npm run bench:sync`: sync throughput to the local RGW beside its floor, a raw signed PutObject loop of the same
 * bytes at the same concurrency; then the bytes re-sent when the syncing process is SIGKILLed at ~50% and rerun.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { syncVerifiedTasks } from '../src-main/sync/sync.ts';
import { openProject } from '../src-main/project/project.ts';
import { makeTemp, repoRoot, rmTemp } from '../tests/support/paths.ts';
import { dropBucket, freshBucket, RGW, rgwClient } from '../tests/support/rgw.ts';
import { startFaultProxy } from '../tests/support/fault-proxy.ts';
import { brightonPhotos, makeSyncProject, type PhotoSpec } from '../tests/support/sync-project.ts';
import { MiB, rgwTarget } from '../tests/support/sync-s3.ts';
import { median, parallel, row, timed } from './support.ts';
import { sql } from '../src-main/db/database.ts';

const CONCURRENCY = 4;
const RUNS = 3;
const photos = brightonPhotos();

/** Two workloads of real bytes: the photos one by one (PutObject path), and 4-photo strips (multipart, 5 MiB parts). */
const workloads: { label: string; specs: PhotoSpec[]; partSize: number }[] = [
  { label: `${photos.length} photos, one PutObject each`, specs: photos.map((f) => ({ fileName: path.basename(f), from: [f] })), partSize: 8 * MiB },
  {
    label: '4 strips of 4 photos, multipart 5 MiB parts',
    specs: [0, 4, 8, 12].map((i) => ({ fileName: `STRIP_${i}.JPG`, from: photos.slice(i, i + 4) })),
    partSize: 5 * MiB,
  },
];

const bucket = await freshBucket('bench');
const s3 = rgwClient();
const temps: string[] = [];
const fresh = (): string => {
  const dir = makeTemp('pf-bench-sync-');
  temps.push(dir);
  return dir;
};
const mbps = (bytes: number, seconds: number): string => `${(bytes / 1e6 / seconds).toFixed(1)} MB/s`;

try {
  for (const w of workloads) {
    const bodies = w.specs.map((s) => Buffer.concat(s.from.map((f) => fs.readFileSync(f))));
    const bytes = bodies.reduce((sum, b) => sum + b.length, 0);
    const raw: number[] = [];
    const synced: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      raw.push(
        (
          await timed(() =>
            parallel(bodies, CONCURRENCY, (body) =>
              s3.send(new PutObjectCommand({ Bucket: bucket, Key: `raw-${run}/${bodies.indexOf(body)}`, Body: body, ContentLength: body.length })),
            ),
          )
        ).seconds,
      );
      const { project } = makeSyncProject(fresh(), [{ taskId: 'bench', verified: true, photos: w.specs }]);
      try {
        const report = await syncVerifiedTasks(project, {
          target: { ...rgwTarget(RGW.endpoint, bucket), prefix: `sync-${w.partSize}-${run}/` },
          credentials: RGW.credentials,
          partSize: w.partSize,
          concurrency: CONCURRENCY,
        });
        synced.push(report.seconds);
      } finally {
        project.close();
      }
    }
    const floor = median(raw);
    const ours = median(synced);
    console.log(`${w.label}: ${(bytes / 1e6).toFixed(1)} MB, concurrency ${CONCURRENCY}, median of ${RUNS}`);
    console.log(row('  raw signed PutObject loop (floor)', floor, null, mbps(bytes, floor)));
    console.log(row('  syncVerifiedTasks (HEAD, put, HEAD verify, manifest)', ours, floor, mbps(bytes, ours)));
  }

  // Kill at ~50% and rerun: bytes beyond one copy of the photos (what the kill cost).
  const rgw = new URL(RGW.endpoint);
  const proxy = await startFaultProxy({ host: rgw.hostname, port: Number(rgw.port) });
  try {
    const dir = fresh();
    const { project } = makeSyncProject(dir, [{ taskId: 'kill', verified: true, photos: workloads[1]!.specs }]);
    const total = (sql(project.db).prepare('SELECT SUM(size) AS n FROM images').get() as { n: number }).n;
    project.close();
    const env = { ...process.env, AWS_ACCESS_KEY_ID: RGW.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: RGW.credentials.secretAccessKey };
    const args = ['--project', dir, '--endpoint', proxy.url, '--bucket', bucket, '--region', RGW.region, '--path-style', '--prefix', 'kill/'];
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'tests/support/sync-child.ts'), ...args, '--part-size', '5', '--max-rate', '30'], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr.on('data', (d: Buffer) => {
        const m = [...d.toString().matchAll(/([\d.]+)\/([\d.]+) MB/g)].at(-1);
        if (m && Number(m[1]) >= 0.5 * Number(m[2])) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    const before = proxy.stats.bytesUp;
    proxy.resetStats();
    const reopened = openProject(dir);
    try {
      await syncVerifiedTasks(reopened, {
        target: { ...rgwTarget(proxy.url, bucket), prefix: 'kill/' },
        credentials: RGW.credentials,
        partSize: 5 * MiB,
      });
    } finally {
      reopened.close();
    }
    const after = proxy.stats.bytesUp;
    const resent = before + after - total;
    console.log(
      `kill at ~50% and rerun (${(total / 1e6).toFixed(1)} MB of photos): ${(before / 1e6).toFixed(1)} MB before the kill, ` +
        `${(after / 1e6).toFixed(1)} MB after; re-sent ${(resent / 1e6).toFixed(2)} MB (${((resent / total) * 100).toFixed(1)}% of the photos; ` +
        `bound: ${CONCURRENCY} parts in flight = ${((CONCURRENCY * 5 * MiB) / 1e6).toFixed(1)} MB)`,
    );
  } finally {
    await proxy.close();
  }
} finally {
  s3.destroy();
  for (const t of temps) rmTemp(t);
  await dropBucket(bucket);
}
