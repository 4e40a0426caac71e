import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type PQueue from 'p-queue';
import { AppError } from '../common/errors.ts';
import type { ProjectDb } from '../db/database.ts';
import {
  ensureUpload,
  forgetMultipart,
  forgetPart,
  knownUploadIds,
  markVerified,
  recordPart,
  recordedParts,
  startMultipart,
  type UploadInput,
  type UploadPart,
  type UploadRow,
} from '../db/uploads.ts';
import { httpStatus, isTransient, sleep, backoffMs, withRetry, type OnRetry, type RetryPolicy } from './retry.ts';
import { meteredBody, type TokenBucket } from './throttle.ts';
import { RECHECK_ADVICE } from '../ingest/advice.ts';

/**
 * Moving one object to S3 so that any interruption resumes: small objects by one PutObject, larger ones by a multipart
 * upload whose id and acknowledged parts are journaled in SQLite as they complete.
 *
 * Why not @aws-sdk/lib-storage's Upload: it keeps the upload id and part ETags in memory only, so a killed process
 * starts the file over (and leaves an orphan upload); it cannot resume an existing upload id, and it has no per-part
 * Content-MD5 or journal hook. The loop below is small and owns exactly those parts.
 */

/** S3's floor for every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

export interface TransferMeter {
  /** Bytes handed to the socket (negative when an attempt failed and its bytes will go again). */
  wire(bytes: number): void;
  /** Bytes found already on the server (skipped objects, parts kept from an earlier run). */
  kept(bytes: number): void;
  /** One object is on the server and checked. */
  objectDone(): void;
  /** A request failed in a way worth retrying and will be tried again (`nextTry` of `tries`) after `waitMs`. */
  retrying(err: unknown, nextTry: number, tries: number, waitMs: number): void;
  /**
   * The link carried something new: the server answered, or a body got further than any earlier try of the same
   * request (a retry refilling fresh socket buffers with the same bytes is not progress: a stalled link allows that).
   */
  progressed(): void;
}

export interface TransferContext {
  client: S3Client;
  bucket: string;
  db: ProjectDb;
  /** Bounds the requests in flight; only leaf requests enter it, so nothing waits on itself. */
  requests: PQueue;
  retry: RetryPolicy;
  signal: AbortSignal;
  bandwidth: TokenBucket | undefined;
  partSize: number;
  multipartThreshold: number;
  meter: TransferMeter;
}

/** One object to put: its key, what it must hash to, and how to read its bytes. */
export interface ObjectSource {
  key: string;
  size: number;
  /** Hex MD5 of the whole object, also stored as the object's `md5` metadata. */
  md5: string;
  imageId: number | null;
  taskId: number | null;
  /** Human name for messages. */
  label: string;
  read(start: number, length: number): Promise<Buffer>;
}

export interface RemoteObject {
  size: number;
  md5: string | undefined;
  etag: string | undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.png': 'image/png',
  '.dng': 'image/x-adobe-dng',
  '.json': 'application/json',
};

const contentType = (key: string): string => CONTENT_TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream';

/** A part's MD5 (its ETag in hex, its Content-MD5 in base64). */
export const md5Of = (data: Buffer): Buffer => createHash('md5').update(data).digest();
const unquote = (etag: string | undefined): string => (etag ?? '').replace(/"/g, '').toLowerCase();

/** The ETag S3 gives a completed multipart object: MD5 of the parts' binary MD5s, dash, part count. */
export function multipartEtag(parts: readonly UploadPart[]): string {
  const joined = Buffer.concat(parts.map((p) => Buffer.from(unquote(p.etag), 'hex')));
  return `${md5Of(joined).toString('hex')}-${parts.length}`;
}

/** Runs one request in a queue slot, retried on transient failures. */
function call<T>(ctx: TransferContext, op: () => Promise<T>, retryable?: (err: unknown) => boolean): Promise<T> {
  const answered = async (): Promise<T> => {
    try {
      const out = await op();
      ctx.meter.progressed();
      return out;
    } catch (err) {
      // An error answer (404, 500) still came over the link.
      if (httpStatus(err) !== undefined) ctx.meter.progressed();
      throw err;
    }
  };
  return ctx.requests.add(
    () => {
      ctx.signal.throwIfAborted();
      return withRetry(answered, ctx.retry, ctx.signal, retryable, retryReporter(ctx));
    },
  );
}

/** A retried body must get this much further than its best earlier try before it counts as the link moving again. */
const RETRY_PROGRESS_MARGIN = 256 * 1024;

/** What sending a body needs: the request slots, retry policy, cancel signal, bandwidth cap and meter. */
export type SendContext = Pick<TransferContext, 'requests' | 'retry' | 'signal' | 'bandwidth' | 'meter'>;

/**
 * Sends a body in a queue slot: the bytes are loaded inside the slot (bounding memory to one body per slot) and each
 * attempt streams them afresh through the bandwidth cap.
 */
export function send<T>(ctx: SendContext, load: () => Promise<Buffer>, request: (body: Readable, data: Buffer) => Promise<T>): Promise<T> {
  return ctx.requests.add(
    async () => {
      ctx.signal.throwIfAborted();
      const data = await load();
      let best = 0;
      return withRetry(
        async () => {
          let sent = 0;
          const body = meteredBody(
            data,
            (n) => {
              sent += n;
              ctx.meter.wire(n);
              if (best === 0 || sent > best + RETRY_PROGRESS_MARGIN) ctx.meter.progressed();
            },
            ctx.bandwidth,
            ctx.signal,
          );
          try {
            const out = await request(body, data);
            ctx.meter.progressed();
            return out;
          } catch (err) {
            best = Math.max(best, sent);
            if (httpStatus(err) !== undefined) ctx.meter.progressed();
            ctx.meter.wire(-sent);
            throw err;
          }
        },
        ctx.retry,
        ctx.signal,
        undefined,
        retryReporter(ctx),
      );
    },
  );
}

const retryReporter = (ctx: SendContext): OnRetry => (err, nextTry, waitMs) => ctx.meter.retrying(err, nextTry, ctx.retry.attempts, waitMs);

export async function headObject(ctx: TransferContext, key: string): Promise<RemoteObject | null> {
  try {
    const out = await call(ctx, () => ctx.client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }), { abortSignal: ctx.signal }));
    return { size: out.ContentLength ?? -1, md5: out.Metadata?.md5, etag: out.ETag };
  } catch (err) {
    if (httpStatus(err) === 404) return null;
    throw err;
  }
}

export const sameObject = (remote: RemoteObject | null, src: ObjectSource): boolean =>
  remote !== null && remote.size === src.size && remote.md5 === src.md5;

/** Journals an object found complete on the server, so its multipart state (if any) is dropped. */
export function markKept(ctx: TransferContext, src: ObjectSource): void {
  markVerified(ctx.db, journalInput(src));
}

/**
 * Puts `src` and returns the ETag the server should now report for it. Resumes a journaled multipart upload when the
 * server still has it.
 */
export async function putObject(ctx: TransferContext, src: ObjectSource): Promise<string> {
  const { row, stale } = ensureUpload(ctx.db, journalInput(src));
  if (stale) await abortUpload(ctx, src.key, stale);
  if (src.size < ctx.multipartThreshold && !row.uploadId) return putWhole(ctx, src);
  return putMultipart(ctx, src, row, false);
}

async function putWhole(ctx: TransferContext, src: ObjectSource): Promise<string> {
  let checksum = '';
  await send(
    ctx,
    async () => {
      const data = await src.read(0, src.size);
      const digest = md5Of(data);
      if (digest.toString('hex') !== src.md5) throw changedSince(src);
      checksum = digest.toString('base64');
      return data;
    },
    (body, data) =>
      ctx.client.send(
        new PutObjectCommand({
          Bucket: ctx.bucket,
          Key: src.key,
          Body: body,
          ContentLength: data.length,
          ContentMD5: checksum,
          ContentType: contentType(src.key),
          Metadata: { md5: src.md5 },
        }),
        { abortSignal: ctx.signal },
      ),
  );
  return src.md5;
}

function journalInput(src: ObjectSource): UploadInput {
  return { imageId: src.imageId, taskId: src.taskId, objectKey: src.key, size: src.size, md5: src.md5 };
}

function changedSince(src: ObjectSource): AppError {
  return new AppError(
    'conflict',
    `${src.label} no longer matches the copy Postflight checked at ingest (its checksum differs). ${RECHECK_ADVICE}`,
    { key: src.key },
  );
}

/** The part size for an object: the configured one, grown when the object would need more than 10,000 parts. */
function partSizeFor(size: number, wanted: number): number {
  const floor = Math.ceil(size / MAX_PARTS);
  return Math.max(MIN_PART_SIZE, wanted, Math.ceil(floor / MIN_PART_SIZE) * MIN_PART_SIZE);
}

const isGone = (err: unknown): boolean => {
  const name = (err as { name?: string } | null)?.name;
  // RGW 16.2 answers ListParts on an unknown upload with 404 NoSuchKey; AWS with NoSuchUpload.
  return name === 'NoSuchUpload' || name === 'NoSuchKey' || httpStatus(err) === 404;
};

/**
 * Checks the source still hashes to the md5 it is stored under, reading it a part at a time in a queue slot: parts
 * are hashed one by one, so without this a photo changed since ingest would arrive under its old checksum.
 */
async function assertUnchanged(ctx: TransferContext, src: ObjectSource, partSize: number): Promise<void> {
  const md5 = await ctx.requests.add(async () => {
    const hash = createHash('md5');
    for (let start = 0; start < src.size; start += partSize) {
      ctx.signal.throwIfAborted();
      hash.update(await src.read(start, Math.min(partSize, src.size - start)));
    }
    return hash.digest('hex');
  });
  if (md5 !== src.md5) throw changedSince(src);
}

async function putMultipart(ctx: TransferContext, src: ObjectSource, row: UploadRow, restarted: boolean): Promise<string> {
  if (!restarted) await assertUnchanged(ctx, src, ctx.partSize);
  let uploadId = row.uploadId;
  let partSize = row.partSize ?? partSizeFor(src.size, ctx.partSize);
  let done = new Map<number, UploadPart>();
  if (uploadId) {
    const server = await listParts(ctx, src.key, uploadId);
    if (server) {
      done = await reconcile(ctx, src, row.id, uploadId, partSize, server);
    } else {
      forgetMultipart(ctx.db, row.id);
      uploadId = null;
    }
  }
  if (!uploadId) {
    partSize = partSizeFor(src.size, ctx.partSize);
    const created = await call(ctx, () =>
      ctx.client.send(
        new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: src.key, ContentType: contentType(src.key), Metadata: { md5: src.md5 } }),
        { abortSignal: ctx.signal },
      ),
    );
    uploadId = created.UploadId!;
    startMultipart(ctx.db, row.id, uploadId, partSize);
  }
  const id = uploadId;
  const failed = await sendMissingParts(ctx, row.id, id, src.size, partSize, done, (n, start, size) => sendPart(ctx, src, id, n, start, size));
  if (failed) {
    if (isGone(failed.reason) && !restarted && !ctx.signal.aborted) return restart(ctx, src, row);
    throw failed.reason;
  }
  const parts = [...done.values()].sort((a, b) => a.partNumber - b.partNumber);
  const outcome = await complete(ctx, src, id, parts);
  if (outcome === 'gone') {
    if (restarted) throw new AppError('remote_failed', `The server keeps losing the upload of ${src.label}; try again later.`, { key: src.key });
    return restart(ctx, src, row);
  }
  // The journal keeps the parts until the HEAD check records the object as verified.
  return multipartEtag(parts);
}

/**
 * Sends every part of an upload not in `done` (counting those as kept), journaling each as the server acknowledges
 * it and adding it to `done`. All parts are tried; answers the first failure, or null when every part is in.
 */
export async function sendMissingParts(
  ctx: Pick<TransferContext, 'db' | 'meter'>,
  rowId: number,
  uploadId: string,
  size: number,
  partSize: number,
  done: Map<number, UploadPart>,
  sendOne: (n: number, start: number, length: number) => Promise<UploadPart>,
): Promise<{ reason: unknown } | null> {
  const count = Math.max(1, Math.ceil(size / partSize));
  ctx.meter.kept([...done.values()].reduce((sum, p) => sum + p.size, 0));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !done.has(n));
  const results = await Promise.allSettled(
    missing.map(async (n) => {
      const part = await sendOne(n, (n - 1) * partSize, Math.min(partSize, size - (n - 1) * partSize));
      recordPart(ctx.db, rowId, uploadId, part);
      done.set(n, part);
    }),
  );
  const failed = results.find((r) => r.status === 'rejected');
  return failed ? { reason: failed.reason } : null;
}

/** The server no longer knows our upload id: start the file over from a clean journal row. */
function restart(ctx: TransferContext, src: ObjectSource, row: UploadRow): Promise<string> {
  forgetMultipart(ctx.db, row.id);
  return putMultipart(ctx, src, { ...row, uploadId: null, partSize: null }, true);
}

async function sendPart(ctx: TransferContext, src: ObjectSource, uploadId: string, n: number, start: number, size: number): Promise<UploadPart> {
  let checksum = '';
  const out = await send(
    ctx,
    async () => {
      const data = await src.read(start, size);
      checksum = md5Of(data).toString('base64');
      return data;
    },
    (body, data) =>
      ctx.client.send(
        new UploadPartCommand({
          Bucket: ctx.bucket,
          Key: src.key,
          UploadId: uploadId,
          PartNumber: n,
          Body: body,
          ContentLength: data.length,
          ContentMD5: checksum,
        }),
        { abortSignal: ctx.signal },
      ),
  );
  return { partNumber: n, etag: out.ETag ?? `"${Buffer.from(checksum, 'base64').toString('hex')}"`, checksum, size };
}

interface ServerPart {
  etag: string;
  size: number;
}

/** Every part the server holds for an upload, or null when it no longer knows the upload. */
async function listParts(ctx: TransferContext, key: string, uploadId: string): Promise<Map<number, ServerPart> | null> {
  const parts = new Map<number, ServerPart>();
  let marker: string | undefined;
  try {
    do {
      const out = await call(ctx, () =>
        ctx.client.send(new ListPartsCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }), {
          abortSignal: ctx.signal,
        }),
      );
      for (const p of out.Parts ?? []) parts.set(p.PartNumber!, { etag: p.ETag ?? '', size: p.Size ?? -1 });
      marker = out.IsTruncated ? out.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (err) {
    if (isGone(err)) return null;
    throw err;
  }
  return parts;
}

/**
 * Which parts need not go again: those the journal and the server agree on, plus parts the server got but the journal
 * missed (the process died between the server's answer and the journal write) when their MD5 matches our bytes.
 */
async function reconcile(
  ctx: TransferContext,
  src: ObjectSource,
  rowId: number,
  uploadId: string,
  partSize: number,
  server: Map<number, ServerPart>,
): Promise<Map<number, UploadPart>> {
  const journal = new Map(recordedParts(ctx.db, rowId, uploadId).map((p) => [p.partNumber, p]));
  const done = new Map<number, UploadPart>();
  const count = Math.ceil(src.size / partSize);
  for (let n = 1; n <= count; n++) {
    const size = Math.min(partSize, src.size - (n - 1) * partSize);
    const remote = server.get(n);
    const known = journal.get(n);
    if (remote && remote.size === size && known && unquote(known.etag) === unquote(remote.etag)) {
      done.set(n, known);
      continue;
    }
    if (remote && remote.size === size) {
      const digest = md5Of(await src.read((n - 1) * partSize, size));
      if (digest.toString('hex') === unquote(remote.etag)) {
        const part = { partNumber: n, etag: remote.etag, checksum: digest.toString('base64'), size };
        recordPart(ctx.db, rowId, uploadId, part);
        done.set(n, part);
        continue;
      }
    }
    if (known) forgetPart(ctx.db, rowId, uploadId, n);
  }
  return done;
}

/**
 * Completes an upload. A failed or unanswered Complete is settled by asking the server instead of blindly retrying:
 * RGW answers an unknown upload id with 500 InternalError, which would otherwise look transient forever.
 */
async function complete(ctx: TransferContext, src: ObjectSource, uploadId: string, parts: UploadPart[]): Promise<'done' | 'gone'> {
  const expected = multipartEtag(parts);
  for (let attempt = 0; ; attempt++) {
    try {
      await call(
        ctx,
        () =>
          ctx.client.send(
            new CompleteMultipartUploadCommand({
              Bucket: ctx.bucket,
              Key: src.key,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
            }),
            { abortSignal: ctx.signal },
          ),
        () => false,
      );
      return 'done';
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const invalidPart = (err as { name?: string }).name === 'InvalidPart';
      if (!isTransient(err) && !isGone(err) && !invalidPart) throw err;
      const remote = await headObject(ctx, src.key);
      if (remote && remote.size === src.size && unquote(remote.etag) === expected) return 'done';
      if (invalidPart || (await listParts(ctx, src.key, uploadId)) === null) return 'gone';
      if (attempt + 1 >= ctx.retry.attempts) throw err;
      const wait = backoffMs(ctx.retry, attempt);
      ctx.meter.retrying(err, attempt + 2, ctx.retry.attempts, wait);
      await sleep(wait, ctx.signal);
    }
  }
}

async function abortUpload(ctx: TransferContext, key: string, uploadId: string): Promise<void> {
  try {
    await call(ctx, () => ctx.client.send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }), { abortSignal: ctx.signal }));
  } catch (err) {
    if (!isGone(err)) throw err;
  }
}

/**
 * Aborts multipart uploads under `prefix` that the journal does not own (left by a process killed between creating
 * an upload and journaling it, or replaced since): they hold storage the bucket owner pays for. Returns how many.
 */
export async function abortAbandoned(ctx: TransferContext, prefix: string): Promise<number> {
  const ours = knownUploadIds(ctx.db);
  let keyMarker: string | undefined;
  let idMarker: string | undefined;
  let aborted = 0;
  do {
    const out = await call(ctx, () =>
      ctx.client.send(
        new ListMultipartUploadsCommand({ Bucket: ctx.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: idMarker }),
        { abortSignal: ctx.signal },
      ),
    );
    for (const u of out.Uploads ?? []) {
      if (!u.Key || !u.UploadId || ours.has(u.UploadId)) continue;
      await abortUpload(ctx, u.Key, u.UploadId);
      aborted++;
    }
    keyMarker = out.IsTruncated ? out.NextKeyMarker : undefined;
    idMarker = out.IsTruncated ? out.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return aborted;
}

/** HEADs `src` and checks size, stored md5 and (when known) the ETag we expect; marks it verified when all match. */
export async function verifyObject(ctx: TransferContext, src: ObjectSource, expectedEtag: string): Promise<void> {
  const remote = await headObject(ctx, src.key);
  if (!sameObject(remote, src) || unquote(remote!.etag) !== expectedEtag) {
    throw new AppError('remote_failed', `${src.label} did not arrive intact on the server (size or checksum differ); sync again to resend it.`, {
      key: src.key,
      expected: { size: src.size, md5: src.md5, etag: expectedEtag },
      found: remote,
    });
  }
  markKept(ctx, src);
}
