import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { repoRoot } from './paths.ts';

/** The shared single-node Ceph RGW (../shared/tools/ceph-rgw); keys and port as its start.sh sets them. */
export const RGW = {
  endpoint: `http://127.0.0.1:${process.env.RGW_PORT ?? 7480}`,
  region: 'us-east-1',
  credentials: { accessKeyId: process.env.S3_ACCESS_KEY ?? 'testaccess', secretAccessKey: process.env.S3_SECRET_KEY ?? 'testsecret' },
};

const START = path.resolve(repoRoot, '..', 'shared', 'tools', 'ceph-rgw', 'start.sh');

export function rgwClient(endpoint = RGW.endpoint): S3Client {
  return new S3Client({
    endpoint,
    region: RGW.region,
    credentials: RGW.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function reachable(): Promise<boolean> {
  const client = rgwClient();
  try {
    await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/**
 * Makes sure RGW answers, starting it when it does not. The start runs under a lock and re-checks first, because
 * start.sh stops any running RGW before starting (other test files or engineers may be using it).
 */
export async function ensureRgw(): Promise<void> {
  if (await reachable()) return;
  execFileSync(
    'flock',
    ['/tmp/pf-rgw-start.lock', 'bash', '-c', `curl -sf -o /dev/null ${RGW.endpoint}/ || bash ${START}`],
    { stdio: 'inherit', timeout: 300_000 },
  );
  if (!(await reachable())) throw new Error(`RGW did not come up at ${RGW.endpoint}; see /tmp/ceph-test/log`);
}

/** A new, empty bucket for one test file. */
export async function freshBucket(label: string): Promise<string> {
  await ensureRgw();
  const bucket = `pf-${label}-${randomBytes(4).toString('hex')}`;
  const client = rgwClient();
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}

/**
 * Empties and deletes a test bucket, then runs RGW's garbage collector: the OSD keeps data in 2 GB of RAM and RGW frees
 * deleted multipart tails only after hours, so tests that leave their bytes behind fill it and hang every writer.
 */
export async function dropBucket(bucket: string): Promise<void> {
  const client = rgwClient();
  try {
    for (;;) {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (out.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length === 0) break;
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const u of uploads.Uploads ?? []) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }));
    }
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  const conf = `${process.env.CEPH_TEST_DIR ?? '/tmp/ceph-test'}/conf/ceph.conf`;
  execFileSync('radosgw-admin', ['-n', 'client.admin', 'gc', 'process', '--include-all'], {
    env: { ...process.env, CEPH_CONF: conf },
    stdio: 'ignore',
    timeout: 60_000,
  });
}
