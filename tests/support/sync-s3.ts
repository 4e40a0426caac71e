import { createHash } from 'node:crypto';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { SyncTarget } from '../../src-main/sync/target.ts';
import { RGW } from './rgw.ts';

/** MD5 of the object's bytes as the server returns them (GetObject), or null when absent. */
export async function remoteMd5(client: S3Client, bucket: string, key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return createHash('md5').update(await out.Body!.transformToByteArray()).digest('hex');
}

export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(out.Contents ?? []).map((o) => o.Key!));
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function listUploads(client: S3Client, bucket: string, prefix: string): Promise<{ key: string; uploadId: string }[]> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
}

/** A sync target on RGW reached through `endpoint` (the fault proxy, or RGW itself). */
export function rgwTarget(endpoint: string, bucket: string): SyncTarget {
  return { endpoint, region: RGW.region, bucket, prefix: '', pathStyle: true };
}

export const MiB = 1024 * 1024;
