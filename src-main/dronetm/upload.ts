import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { AppError } from '../common/errors.ts';
import type { ProjectDb } from '../db/database.ts';
import { markCompleting } from '../db/dronetm.ts';
import {
  ensureUpload,
  forgetMultipart,
  forgetPart,
  recordedParts,
  recordPart,
  setUploadDone,
  startMultipart,
  type UploadPart,
  type UploadRow,
} from '../db/uploads.ts';
import { backoffMs, httpStatus, isTransient, sleep } from '../sync/retry.ts';
import { md5Of, MIN_PART_SIZE, send, sendMissingParts, type ObjectSource, type SendContext } from '../sync/transfer.ts';
import type { DronetmClient } from './client.ts';
import { RECHECK_ADVICE } from '../ingest/advice.ts';

/**
 * One file to DroneTM through its upload API, resumable part by part: initiate (DroneTM creates the S3 multipart
 * upload and names the key), sign-part (a presigned S3 PUT per part, re-signed when S3 says it expired), PUT the
 * bytes straight to S3, list-parts to reconcile after a crash, complete (DroneTM then queues its own processing).
 *
 * The journal is the S3 sync's (`uploads` / `upload_parts`), under the key `dronetm:{api}|{file_key}`: the upload
 * id and each part S3 acknowledged are written as they happen; state `uploaded` means Complete was asked, `verified`
 * that it answered. A photo journaled `verified` is never sent (nor completed) again.
 */

export interface DronetmContext extends SendContext {
  client: DronetmClient;
  db: ProjectDb;
  partSize: number;
  /** Give up re-signing a part after this many expired URLs in a row. */
  maxResigns?: number;
}

export interface DronetmSource extends ObjectSource {
  /** The name DroneTM gets (`file_name` / `filename`), and the last segment of its key. */
  fileName: string;
  /** The key DroneTM will answer initiate with (checked), e.g. `projects/{pid}/user-uploads/{fileName}`. */
  fileKey: string;
}

export interface DronetmUploadRequest {
  projectId: string;
  staging: boolean;
  purpose?: 'image' | 'odm_import';
  /** DroneTM task uuid (ODM import). */
  taskId?: string;
  batchId?: string;
}

/** The journal key of a DroneTM upload: one server and file key, apart from any S3 object key. */
export const journalKey = (api: string, fileKey: string): string => `dronetm:${api}|${fileKey}`;

const MAX_PARTS = 10_000;
const unquote = (etag: string): string => etag.replace(/"/g, '').toLowerCase();

/**
 * Sends `src` unless the journal says DroneTM already completed it. Returns 'kept' (nothing sent), or 'sent'.
 */
export async function uploadToDronetm(ctx: DronetmContext, src: DronetmSource, request: DronetmUploadRequest): Promise<'kept' | 'sent'> {
  const { row, stale } = ensureUpload(ctx.db, journalInput(ctx, src));
  if (row.state === 'verified') return 'kept';
  if (stale) await ctx.client.abort(stale, src.fileKey).catch(() => undefined);
  return putMultipart(ctx, src, request, row, false);
}

function journalInput(ctx: DronetmContext, src: DronetmSource) {
  return { imageId: src.imageId, taskId: src.taskId, objectKey: journalKey(ctx.client.api, src.fileKey), size: src.size, md5: src.md5 };
}

function partSizeFor(size: number, wanted: number): number {
  const floor = Math.ceil(size / MAX_PARTS);
  return Math.max(MIN_PART_SIZE, wanted, Math.ceil(floor / MIN_PART_SIZE) * MIN_PART_SIZE);
}

async function putMultipart(
  ctx: DronetmContext,
  src: DronetmSource,
  request: DronetmUploadRequest,
  row: UploadRow,
  restarted: boolean,
): Promise<'kept' | 'sent'> {
  let uploadId = row.uploadId;
  let partSize = row.partSize ?? partSizeFor(src.size, ctx.partSize);
  let done = new Map<number, UploadPart>();
  if (uploadId) {
    const server = await ctx.client.listParts(uploadId, src.fileKey);
    if (server === null && row.state === 'uploaded') {
      // Complete was asked before the crash and S3 no longer knows the upload: it went through.
      setUploadDone(ctx.db, row.id, 'verified');
      ctx.meter.kept(src.size);
      return 'kept';
    }
    if (server === null) {
      forgetMultipart(ctx.db, row.id);
      uploadId = null;
    } else {
      done = await reconcile(ctx, src, row.id, uploadId, partSize, server);
    }
  }
  if (!uploadId) {
    if (!restarted) await assertUnchanged(ctx, src);
    partSize = partSizeFor(src.size, ctx.partSize);
    const created = await ctx.client.initiate({
      projectId: request.projectId,
      fileName: src.fileName,
      staging: request.staging,
      ...(request.purpose ? { purpose: request.purpose } : {}),
      ...(request.taskId ? { taskId: request.taskId } : {}),
    });
    if (created.fileKey !== src.fileKey) {
      await ctx.client.abort(created.uploadId, created.fileKey).catch(() => undefined);
      throw new AppError('remote_failed', `DroneTM put ${src.label} under ${created.fileKey}, not ${src.fileKey} as expected; this DroneTM version is not supported.`, {
        expected: src.fileKey,
        got: created.fileKey,
      });
    }
    uploadId = created.uploadId;
    startMultipart(ctx.db, row.id, uploadId, partSize);
  }
  const id = uploadId;
  const failed = await sendMissingParts(ctx, row.id, id, src.size, partSize, done, (n, start, size) => sendPart(ctx, src, id, n, start, size));
  if (failed) {
    if (isGoneError(failed.reason) && !restarted && !ctx.signal.aborted) return restart(ctx, src, request, row);
    throw failed.reason;
  }
  const parts = [...done.values()].sort((a, b) => a.partNumber - b.partNumber);
  markCompleting(ctx.db, row.id);
  await complete(ctx, src, request, id, parts);
  setUploadDone(ctx.db, row.id, 'verified');
  return 'sent';
}

function restart(ctx: DronetmContext, src: DronetmSource, request: DronetmUploadRequest, row: UploadRow): Promise<'kept' | 'sent'> {
  forgetMultipart(ctx.db, row.id);
  return putMultipart(ctx, src, request, { ...row, uploadId: null, partSize: null, state: 'pending' }, true);
}

/** Whole-file check before the first part goes: parts are hashed one by one, so a changed file would slip through. */
async function assertUnchanged(ctx: DronetmContext, src: DronetmSource): Promise<void> {
  const md5 = await ctx.requests.add(async () => {
    const hash = createHash('md5');
    for (let start = 0; start < src.size; start += ctx.partSize) {
      ctx.signal.throwIfAborted();
      hash.update(await src.read(start, Math.min(ctx.partSize, src.size - start)));
    }
    return hash.digest('hex');
  });
  if (md5 !== src.md5) {
    throw new AppError('conflict', `${src.label} no longer matches the copy Postflight checked at ingest (its checksum differs). ${RECHECK_ADVICE}`, {
      key: src.fileKey,
    });
  }
}

/**
 * Parts that need not go again: those the journal and S3 agree on, plus parts S3 holds that the journal missed (the
 * process died between S3's answer and the journal write) when their ETag is the MD5 of our bytes.
 */
async function reconcile(
  ctx: DronetmContext,
  src: DronetmSource,
  rowId: number,
  uploadId: string,
  partSize: number,
  server: { partNumber: number; etag: string }[],
): Promise<Map<number, UploadPart>> {
  const remote = new Map(server.map((p) => [p.partNumber, unquote(p.etag)]));
  const journal = new Map(recordedParts(ctx.db, rowId, uploadId).map((p) => [p.partNumber, p]));
  const done = new Map<number, UploadPart>();
  const count = Math.max(1, Math.ceil(src.size / partSize));
  for (let n = 1; n <= count; n++) {
    const size = Math.min(partSize, src.size - (n - 1) * partSize);
    const etag = remote.get(n);
    const known = journal.get(n);
    if (etag && known && unquote(known.etag) === etag) {
      done.set(n, known);
      continue;
    }
    if (etag) {
      const digest = md5Of(await src.read((n - 1) * partSize, size));
      if (digest.toString('hex') === etag) {
        const part = { partNumber: n, etag: `"${etag}"`, checksum: digest.toString('base64'), size };
        recordPart(ctx.db, rowId, uploadId, part);
        done.set(n, part);
        continue;
      }
    }
    if (known) forgetPart(ctx.db, rowId, uploadId, n);
  }
  return done;
}

/** S3's answer to a presigned PUT, shaped like an SDK error so the shared retry rules apply. */
class PresignedPutError extends Error {
  readonly $metadata: { httpStatusCode: number };
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message || `HTTP ${status}`);
    this.name = code || `Http${status}`;
    this.code = code;
    this.$metadata = { httpStatusCode: status };
  }
}

/** A presigned URL S3 no longer accepts (expired, or signed for a moment that has passed). */
const isExpiredUrl = (err: unknown): boolean =>
  err instanceof PresignedPutError && err.$metadata.httpStatusCode === 403 && /expired|AccessDenied|SignatureDoesNotMatch/i.test(`${err.code} ${err.message}`);

const isGoneError = (err: unknown): boolean =>
  err instanceof PresignedPutError && (err.code === 'NoSuchUpload' || httpStatus(err) === 404);

/**
 * One part: signed by DroneTM, PUT to S3 with its Content-MD5. An expired URL is signed again (a part that waited
 * long in the queue, or a retry after a long backoff, outlives its URL); other failures follow the retry policy.
 */
async function sendPart(ctx: DronetmContext, src: DronetmSource, uploadId: string, n: number, start: number, size: number): Promise<UploadPart> {
  let checksum = '';
  const resigns = ctx.maxResigns ?? 3;
  for (let attempt = 0; ; attempt++) {
    const url = await ctx.client.signPart(uploadId, src.fileKey, n);
    try {
      const etag = await send(
        ctx,
        async () => {
          const data = await src.read(start, size);
          checksum = md5Of(data).toString('base64');
          return data;
        },
        (body, data) => putPresigned(url, body, data.length, checksum, ctx.signal),
      );
      return { partNumber: n, etag: etag ?? `"${Buffer.from(checksum, 'base64').toString('hex')}"`, checksum, size };
    } catch (err) {
      if (ctx.signal.aborted || !isExpiredUrl(err) || attempt >= resigns) {
        if (isExpiredUrl(err)) {
          throw new AppError('remote_failed', `S3 kept refusing the upload addresses DroneTM signed for ${src.label} (expired or not valid); check this computer's clock and try again.`, {
            key: src.fileKey,
          });
        }
        throw err;
      }
    }
  }
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

/** PUTs a body to a presigned S3 URL and answers the part's ETag. */
export function putPresigned(url: string, body: Readable, length: number, md5Base64: string, signal: AbortSignal, idleMs = 30_000): Promise<string | null> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: 'PUT',
        agent: agents[target.protocol as 'http:' | 'https:'],
        headers: { 'content-length': String(length), 'content-md5': md5Base64 },
        signal,
        timeout: idleMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(typeof res.headers.etag === 'string' ? res.headers.etag : null);
          const text = Buffer.concat(chunks).toString('utf8');
          const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '';
          const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 200);
          reject(new PresignedPutError(status, code, message));
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('socket idle too long'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    body.on('error', (err) => req.destroy(err));
    body.pipe(req);
  });
}

/**
 * Asks DroneTM to complete the upload (one call per file: DroneTM queues its processing on each). A failed or
 * unanswered call is settled with list-parts: upload gone means it completed; still there means ask again.
 */
async function complete(ctx: DronetmContext, src: DronetmSource, request: DronetmUploadRequest, uploadId: string, parts: UploadPart[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.requests.add(() =>
        ctx.client.complete({
          uploadId,
          fileKey: src.fileKey,
          parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
          projectId: request.projectId,
          fileName: src.fileName,
          ...(request.batchId ? { batchId: request.batchId } : {}),
          ...(request.purpose ? { purpose: request.purpose } : {}),
          ...(request.taskId ? { taskId: request.taskId } : {}),
        }),
      );
      return;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const status = (err as AppError).details?.['status'];
      const unanswered = !(err instanceof AppError) || status === undefined || (typeof status === 'number' && status >= 500);
      if (!unanswered && !isTransient(err)) throw err;
      if ((await ctx.client.listParts(uploadId, src.fileKey)) === null) return;
      if (attempt + 1 >= ctx.retry.attempts) throw err;
      const wait = backoffMs(ctx.retry, attempt);
      ctx.meter.retrying(err, attempt + 2, ctx.retry.attempts, wait);
      await sleep(wait, ctx.signal);
    }
  }
}
