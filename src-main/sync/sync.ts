import fs from 'node:fs';
import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import { AppError } from '../common/errors.ts';
import { RateMeter, type Progress, type WorkControl } from '../common/progress.ts';
import type { Project } from '../project/project.ts';
import { createS3Client } from './client.ts';
import type { S3Credentials } from './credentials.ts';
import { photoKeys, projectPrefix, taskPrefix, MANIFEST_NAME } from './layout.ts';
import { buildManifest } from './manifest.ts';
import { DEFAULT_RETRY, failureInWords, isTransient, type RetryPolicy } from './retry.ts';
import { markTaskSynced, taskPhotos, tasksToSync, type SyncPhoto, type SyncTask } from './selection.ts';
import type { SyncTarget } from './target.ts';
import { TokenBucket } from './throttle.ts';
import { RECHECK_ADVICE } from '../ingest/advice.ts';
import {
  abortAbandoned,
  headObject,
  markKept,
  MIN_PART_SIZE,
  putObject,
  sameObject,
  verifyObject,
  type ObjectSource,
  type TransferContext,
  type TransferMeter,
} from './transfer.ts';

export interface SyncOptions {
  target: SyncTarget;
  /** Keys from the app's credential store; without them the AWS SDK's default chain (env vars, profile). */
  credentials?: S3Credentials;
  /** Task ids (as pilots see them) to sync; default: every verified task not synced since it was verified. */
  taskIds?: readonly string[];
  /** Multipart part size in bytes (at least 5 MiB). */
  partSize?: number;
  /** Objects this big or bigger go multipart; default: the part size. */
  multipartThreshold?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Optional cap on upload bandwidth, bytes per second. */
  maxBytesPerSecond?: number;
  retry?: Partial<RetryPolicy>;
  /** A connection idle this long is treated as dropped (and retried); default a third of the stall timeout. */
  idleTimeoutMs?: number;
  /** Nothing got through (no byte sent, no object checked) for this long: the sync gives up in words. */
  stallTimeoutMs?: number;
}

/** A sync that moves nothing for this long gives up (the issue's bound is 60 s; a retry or two fit before it). */
export const DEFAULT_STALL_MS = 45_000;

export interface TaskSyncResult {
  taskId: string;
  photos: number;
  uploaded: number;
  skipped: number;
  manifestKey: string;
  syncedAt: string;
}

export interface SyncReport {
  tasks: TaskSyncResult[];
  /** Objects checked (photos and manifests). */
  objects: number;
  uploaded: number;
  skipped: number;
  bytesTotal: number;
  /** Bytes put on the wire, re-sends included. */
  bytesSent: number;
  abortedUploads: number;
  /** Requests tried again after a dropped link, a timeout or a server hiccup. */
  retries: number;
  seconds: number;
}

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

interface PlannedTask {
  task: SyncTask;
  sources: ObjectSource[];
  manifest: ObjectSource;
}

/**
 * One-click sync: uploads every photo of the verified tasks under `projects/{project}/{task}/images/`, checks each by
 * HEAD, then writes the task's manifest last and marks the task synced. Safe to stop at any point (signal, crash, lost
 * link): the next run skips what the server already has and resumes multipart uploads part by part.
 */
export async function syncVerifiedTasks(project: Project, options: SyncOptions, control: WorkControl = {}): Promise<SyncReport> {
  const started = performance.now();
  const tasks = tasksToSync(project, options.taskIds);
  const plan = await Promise.all(tasks.map((t) => planTask(project, options.target, t)));
  const objects = plan.flatMap((p) => [...p.sources, p.manifest]);
  const meter = new SyncMeter(
    objects.reduce((sum, o) => sum + o.size, 0),
    objects.length,
    control.onProgress,
  );
  const report: SyncReport = {
    tasks: [],
    objects: objects.length,
    uploaded: 0,
    skipped: 0,
    bytesTotal: meter.bytesTotal,
    bytesSent: 0,
    abortedUploads: 0,
    retries: 0,
    seconds: 0,
  };
  if (plan.length === 0) return report;

  const partSize = Math.max(MIN_PART_SIZE, options.partSize ?? DEFAULT_PART_SIZE);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_MS;
  const client = createS3Client(options.target, {
    ...(options.credentials ? { credentials: options.credentials } : {}),
    idleTimeoutMs: options.idleTimeoutMs ?? Math.min(30_000, Math.round(stallMs / 3)),
    connectTimeoutMs: Math.min(10_000, Math.round(stallMs / 3)),
    maxSockets: concurrency * 2,
  });
  // Attached only once nothing before the try below can throw, so the finally always detaches it.
  const run = new AbortController();
  const onCancel = (): void => run.abort(control.signal!.reason);
  control.signal?.addEventListener('abort', onCancel, { once: true });
  if (control.signal?.aborted) onCancel();
  const ctx: TransferContext = {
    client,
    bucket: options.target.bucket,
    db: project.db,
    requests: new PQueue({ concurrency }),
    retry: { ...DEFAULT_RETRY, ...options.retry },
    signal: run.signal,
    bandwidth: options.maxBytesPerSecond ? new TokenBucket(options.maxBytesPerSecond) : undefined,
    partSize,
    multipartThreshold: Math.max(MIN_PART_SIZE, options.multipartThreshold ?? partSize),
    meter,
  };
  const stopWatch = watchStall(meter, run, stallMs, options.target.endpoint ?? 'AWS S3');
  try {
    meter.emit('check', true);
    report.abortedUploads = await abortAbandoned(ctx, projectPrefix(options.target, project.info.id));
    for (const planned of plan) {
      const counts = { uploaded: 0, skipped: 0 };
      await settleAll(planned.sources, (src) => putIfMissing(ctx, src, counts), run);
      // The manifest goes only once every photo checked out, so a reader who sees it sees a complete task.
      await putIfMissing(ctx, planned.manifest, counts);
      report.tasks.push({
        taskId: planned.task.taskId,
        photos: planned.sources.length,
        ...counts,
        manifestKey: planned.manifest.key,
        syncedAt: markTaskSynced(project, planned.task.rowId),
      });
      report.uploaded += counts.uploaded;
      report.skipped += counts.skipped;
    }
  } catch (err) {
    // A stall aborts the run with its own worded error; the requests it cut short only say "aborted".
    throw toSyncError(run.signal.reason instanceof AppError ? run.signal.reason : err, control.signal, options.target);
  } finally {
    stopWatch();
    control.signal?.removeEventListener('abort', onCancel);
    client.destroy();
    report.retries = meter.retries;
    report.bytesSent = meter.bytesSent;
    report.seconds = (performance.now() - started) / 1000;
    meter.emit('done', true);
  }
  return report;
}

async function putIfMissing(ctx: TransferContext, src: ObjectSource, counts: { uploaded: number; skipped: number }): Promise<void> {
  if (sameObject(await headObject(ctx, src.key), src)) {
    markKept(ctx, src);
    ctx.meter.kept(src.size);
    counts.skipped++;
  } else {
    const etag = await putObject(ctx, src);
    await verifyObject(ctx, src, etag);
    counts.uploaded++;
  }
  ctx.meter.objectDone();
}

/** Runs `fn` over all items; the first failure stops the run (the rest see the abort) and is rethrown once all settle. */
export async function settleAll<T>(items: readonly T[], fn: (item: T) => Promise<void>, run: AbortController): Promise<void> {
  const results = await Promise.allSettled(
    items.map(async (item) => {
      try {
        await fn(item);
      } catch (err) {
        if (!run.signal.aborted) run.abort(err);
        throw err;
      }
    }),
  );
  if (results.some((r) => r.status === 'rejected')) throw run.signal.reason;
}

async function planTask(project: Project, target: SyncTarget, task: SyncTask): Promise<PlannedTask> {
  const prefix = taskPrefix(target, project.info.id, task.taskId);
  const photos = await Promise.all(taskPhotos(project, task.rowId).map((photo) => checkedPhoto(task, photo)));
  const keys = photoKeys(prefix, photos.map((p) => ({ imageId: p.photo.imageId, fileName: p.photo.fileName, md5: p.md5 })));
  const entries = photos.map((p) => ({ ...p, key: keys.get(p.photo.imageId)! }));
  const sources = entries.map((e) => photoSource(task, e, e.key));
  const manifestBytes = buildManifest(project.info, task, prefix, entries);
  const manifest: ObjectSource = {
    key: `${prefix}${MANIFEST_NAME}`,
    size: manifestBytes.length,
    md5: createHash('md5').update(manifestBytes).digest('hex'),
    imageId: null,
    taskId: task.rowId,
    label: `The manifest of task ${task.taskId}`,
    read: async (start, length) => manifestBytes.subarray(start, start + length),
  };
  return { task, sources, manifest };
}

/** A photo about to be sent, checked against what ingest saw: still there, same size; its md5 (from ingest when known). */
export async function checkedPhoto(task: SyncTask, photo: SyncPhoto): Promise<{ photo: SyncPhoto; size: number; md5: string }> {
  const stat = await fs.promises.stat(photo.file).catch(() => null);
  if (!stat?.isFile()) {
    throw new AppError(
      'source_unavailable',
      `Photo ${photo.fileName} of task ${task.taskId} is missing at ${photo.file}. Reconnect the drive it is on; if it was a copy in the project: ${RECHECK_ADVICE}`,
      { imageId: photo.imageId, file: photo.file },
    );
  }
  if (photo.size !== null && photo.size !== stat.size) {
    throw new AppError('conflict', `Photo ${photo.fileName} changed size since ingest. ${RECHECK_ADVICE}`, {
      imageId: photo.imageId,
    });
  }
  return { photo, size: stat.size, md5: photo.md5 ?? (await md5File(photo.file)) };
}

/** The object a checked photo of a task is sent as, under `key`. */
export function photoSource(task: SyncTask, p: { photo: SyncPhoto; size: number; md5: string }, key: string): ObjectSource {
  return {
    key,
    size: p.size,
    md5: p.md5,
    imageId: p.photo.imageId,
    taskId: task.rowId,
    label: `Photo ${p.photo.fileName}`,
    read: (start, length) => readRange(p.photo.file, start, length),
  };
}

export async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function readRange(file: string, start: number, length: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buf, filled, length - filled, start + filled);
      if (bytesRead === 0) throw new AppError('conflict', `${file} is shorter than when it was ingested. ${RECHECK_ADVICE}`, { file });
      filled += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}

/**
 * Progress for the whole run: bytes (kept + sent), MB/s over a short window, ETA; reported at most 5 times a second.
 * A retry is reported at once, in words (`message`), and stays in the progress until bytes move again.
 */
export class SyncMeter implements TransferMeter {
  readonly bytesTotal: number;
  readonly objectsTotal: number;
  bytesDone = 0;
  bytesSent = 0;
  objectsDone = 0;
  retries = 0;
  /** performance.now() when the link last carried something new (see TransferMeter.progressed; the stall watch reads it). */
  lastMovedAt = performance.now();
  private readonly onProgress: ((p: Progress) => void) | undefined;
  private readonly rate = new RateMeter();
  private lastEmit = 0;
  private stage = 'check';
  private note: string | null = null;

  constructor(bytesTotal: number, objectsTotal: number, onProgress: ((p: Progress) => void) | undefined) {
    this.bytesTotal = bytesTotal;
    this.objectsTotal = objectsTotal;
    this.onProgress = onProgress;
  }

  wire(bytes: number): void {
    this.bytesDone += bytes;
    if (bytes > 0) this.bytesSent += bytes;
    this.emit('upload');
  }

  kept(bytes: number): void {
    this.bytesDone += bytes;
    this.progressed();
    this.emit(this.stage);
  }

  objectDone(): void {
    this.objectsDone++;
    this.progressed();
    this.emit(this.stage, true);
  }

  retrying(err: unknown, nextTry: number, tries: number, waitMs: number): void {
    this.retries++;
    const wait = waitMs >= 1000 ? ` in ${Math.round(waitMs / 1000)} s` : '';
    this.note = `Retrying (${failureInWords(err)}): try ${nextTry} of ${tries}${wait}; ${this.retries} ${this.retries === 1 ? 'retry' : 'retries'} so far.`;
    this.emit(this.stage, true);
  }

  progressed(): void {
    this.lastMovedAt = performance.now();
    this.note = null;
  }

  emit(stage: string, force = false): void {
    this.stage = stage;
    const now = performance.now();
    if (!this.onProgress || (!force && now - this.lastEmit < 200)) return;
    this.lastEmit = now;
    const rate = this.rate.sample(this.bytesSent, Date.now());
    this.onProgress({
      stage,
      done: this.objectsDone,
      total: this.objectsTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      rate,
      etaSeconds: RateMeter.eta(this.bytesTotal - this.bytesDone, rate),
      ...(this.note ? { message: this.note } : {}),
    });
  }
}

/**
 * Gives up a run that moves nothing for `stallMs`: aborts it with a worded error (retries included, so a link that
 * keeps failing is not retried for minutes). Returns the function that stops watching.
 */
export function watchStall(meter: SyncMeter, run: AbortController, stallMs: number, where: string): () => void {
  const timer = setInterval(() => {
    const idle = performance.now() - meter.lastMovedAt;
    if (idle < stallMs || run.signal.aborted) return;
    const retries = meter.retries ? `, after ${meter.retries} ${meter.retries === 1 ? 'retry' : 'retries'}` : '';
    run.abort(
      new AppError(
        'remote_failed',
        `The connection to ${where} stalled: nothing got through for ${Math.round(idle / 1000)} s${retries}. Photos and parts already sent are kept; run sync again when the connection is back.`,
        { reason: 'stalled', stalledSeconds: Math.round(idle / 1000), retries: meter.retries, endpoint: where },
      ),
    );
  }, Math.min(1000, Math.max(100, stallMs / 10)));
  timer.unref();
  return () => clearInterval(timer);
}

/** Turns whatever stopped the run into a message the pilot can act on. Never includes credentials. */
function toSyncError(err: unknown, cancel: AbortSignal | undefined, target: SyncTarget): AppError {
  if (cancel?.aborted) {
    return new AppError('cancelled', 'Sync paused. Run it again to carry on: photos and parts already sent are kept.');
  }
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const where = target.endpoint ?? 'AWS S3';
  const details = { name: e.name, status: e.$metadata?.httpStatusCode, bucket: target.bucket, endpoint: where };
  if (e.name === 'CredentialsProviderError' || /credential/i.test(e.message ?? '')) {
    return new AppError(
      'invalid_input',
      'No S3 credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), or save the keys in the app.',
      details,
    );
  }
  if (/region is missing/i.test(e.message ?? '')) {
    return new AppError('invalid_input', 'No S3 region: give --region (for example us-east-1) or set AWS_REGION.', details);
  }
  if (e.name === 'NoSuchBucket') return new AppError('not_found', `Bucket ${target.bucket} does not exist on ${where}.`, details);
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied'].includes(e.name ?? '') || e.$metadata?.httpStatusCode === 403) {
    return new AppError('refused', `${where} refused the credentials for bucket ${target.bucket}; check the access key and secret.`, details);
  }
  if (isTransient(err)) {
    return new AppError('remote_failed', `Lost the connection to ${where} (${e.message ?? e.name}). Run sync again to resume where it stopped.`, details);
  }
  return new AppError('remote_failed', `${where} refused the upload: ${e.name ?? 'error'}${e.message ? ` (${e.message})` : ''}.`, details);
}
