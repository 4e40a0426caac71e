import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import { AppError } from '../common/errors.ts';
import { RateMeter, type WorkControl } from '../common/progress.ts';
import type { Project } from '../project/project.ts';
import { findOriginal, insertImage, isIngested, replaceReasons, type ImageStatus, type NewImage, type Reason } from '../db/images.ts';
import { readPhotoMetadata, type PhotoMetadata } from './metadata.ts';
import { makeThumbnail, makeThumbnailFromPixels } from './thumbnail.ts';
import { measurePhotoWithPreview, type QualityMetrics } from '../quality/measure.ts';
import { countPhotos, scanSource, type ScanEntry } from './scan.ts';
import { md5Of, removePartialCopies, writeVerifiedCopy } from './offload.ts';
import { finishIngestRun, startIngestRun } from '../db/ingest-runs.ts';
import { transaction } from '../db/database.ts';

/**
 * Photos processed at once: twice the cores (at most 8). Decoding runs on worker threads while metadata, colour
 * statistics and the database run on the main thread, so a little oversubscription keeps every core busy (measured
 * on 2 cores: 4 at a time is ~8% faster than 2). Each photo in flight holds about twice its pixel count in memory.
 */
export const DEFAULT_INGEST_CONCURRENCY = Math.max(1, Math.min(8, 2 * os.availableParallelism()));

export interface IngestOptions extends WorkControl {
  /** The card or folder to ingest. */
  source: string;
  /** Index the files where they are instead of copying them into the project. */
  inPlace?: boolean;
  /** Photos processed at once (default DEFAULT_INGEST_CONCURRENCY). */
  concurrency?: number;
}

export interface IngestSummary {
  runId: number;
  source: string;
  mode: 'copy' | 'in_place';
  /** Photos found on the source (photo formats only). */
  found: number;
  /** Photos recorded by this run. */
  ingested: number;
  /** Photos a previous run had already recorded (same path, size and time): not read again. */
  alreadyIngested: number;
  counts: Record<ImageStatus, number>;
  /** Reason codes of the photos recorded by this run, with how many photos carry each. */
  reasons: Record<string, number>;
  /** Quality flags measured at ingest (before classification): blurry, black, white. */
  quality: { measured: number; belowSharpness: number; black: number; white: number };
  skipped: { path: string; reason: string }[];
  skippedCount: number;
  errors: { path: string; message: string }[];
  bytes: number;
  elapsedSeconds: number;
}

const SKIPPED_LISTED = 1000;
/** Photos larger than this are recorded as unreadable instead of being held in memory. */
const MAX_PHOTO_BYTES = 1024 * 1024 * 1024;
/** Errors that mean the card itself went away (pulled, unmounted, failing), not a bad file. */
const SOURCE_GONE = new Set(['ENOENT', 'EIO', 'ENODEV', 'ENXIO', 'ESTALE', 'ENOTCONN', 'ENOTDIR', 'EREMOTEIO']);

interface Measured {
  metadata: PhotoMetadata;
  problems: Reason[];
  metrics: QualityMetrics | null;
  thumbPath: string | null;
}

/**
 * Ingests a card: every photo file is read ONCE; the same bytes are hashed, copied (verified and fsynced), parsed
 * and measured, and a row is always written, also for unreadable files. The row is the commit point: a photo with a
 * row is never read again, so a killed or interrupted run resumes where it stopped. A pulled card stops the run with
 * a clear error after the photos already recorded.
 */
export async function runIngest(project: Project, options: IngestOptions): Promise<IngestSummary> {
  const source = path.resolve(options.source);
  assertSourceReadable(source);
  if (isInside(source, project.dir)) {
    throw new AppError('invalid_input', `The source ${source} is inside the project folder; pick the card or the folder holding the photos.`);
  }
  const mode = options.inPlace ? 'in_place' : 'copy';
  const started = Date.now();
  if (mode === 'copy') await removePartialCopies(project.dir);
  const runId = startIngestRun(project.db, source, mode);
  const summary = emptySummary(runId, source, mode);
  const { signal, onProgress } = options;
  const totals = await countPhotos(source).catch((err: unknown) => {
    throw sourceError(source, err, 0);
  });
  summary.found = totals.files;

  const meter = new RateMeter();
  let done = 0;
  let bytesDone = 0;
  const report = (message?: string) => {
    const rate = meter.sample(bytesDone);
    onProgress?.({
      stage: 'ingest',
      done,
      total: totals.files,
      bytesDone,
      bytesTotal: totals.bytes,
      rate,
      etaSeconds: RateMeter.eta(totals.bytes - bytesDone, rate),
      ...(message ? { message } : {}),
    });
  };
  report();

  const queue = new PQueue({ concurrency: options.concurrency ?? DEFAULT_INGEST_CONCURRENCY });
  // md5 -> the recording of the first photo with those bytes in this run: a later copy waits for it, so the
  // original is always the first in scan order, however the workers interleave.
  const firstWithBytes = new Map<string, Promise<unknown>>();
  let stop: unknown = null;
  const finish = (entry: PhotoEntry, status: ImageStatus) => {
    summary.counts[status]++;
    summary.ingested++;
    summary.bytes += entry.size;
  };
  const processOne = async (entry: PhotoEntry, bytes: Buffer, md5: string, after: Promise<unknown> | undefined) => {
    await after;
    if (stop) return;
    try {
      finish(entry, await ingestPhoto(project, { runId, source, mode, summary }, entry, bytes, md5));
    } catch (err) {
      if (isSourceGone(err, source)) stop ??= sourceError(source, err, done);
      else if (err instanceof AppError && err.code === 'internal') stop ??= err;
      else summary.errors.push({ path: entry.relPath, message: (err as Error).message });
    }
    done++;
    bytesDone += entry.size;
    report(entry.relPath);
  };

  try {
    for await (const entry of scanSource(source)) {
      if (stop) break;
      if (signal?.aborted) {
        stop = new AppError('cancelled', `Ingest cancelled after ${done} of ${totals.files} photos; run it again to continue.`);
        break;
      }
      if (entry.kind === 'skipped') {
        summary.skippedCount++;
        if (summary.skipped.length < SKIPPED_LISTED) summary.skipped.push({ path: entry.relPath, reason: entry.reason });
        continue;
      }
      if (isIngested(project.db, { sourceRoot: source, sourcePath: entry.relPath, size: entry.size, mtimeMs: entry.mtimeMs })) {
        summary.alreadyIngested++;
        done++;
        bytesDone += entry.size;
        continue;
      }
      // Back-pressure: never read more than a few photos ahead of the workers (bounded memory).
      await queue.onSizeLessThan(queue.concurrency * 2);
      // The card is read here, in scan order, one file at a time (what an SD card does best); the workers get the
      // bytes. Read failures that are not the card going away become that photo's row.
      const read = await readCard(entry);
      if ('error' in read) {
        if (isSourceGone(read.error, source)) throw read.error;
        finish(entry, recordUnreadable(project, { runId, source, mode, summary }, entry, read.error));
        done++;
        bytesDone += entry.size;
        continue;
      }
      const md5 = md5Of(read.bytes);
      const after = firstWithBytes.get(md5);
      const job = queue.add(() => processOne(entry, read.bytes, md5, after));
      if (!after) firstWithBytes.set(md5, job);
    }
  } catch (err) {
    stop ??= isSourceGone(err, source) ? sourceError(source, err, done) : err;
  }
  await queue.onIdle();
  report();
  summary.elapsedSeconds = (Date.now() - started) / 1000;
  finishIngestRun(project.db, runId, stop ? 'interrupted' : 'done', summary);
  if (stop) throw stop;
  return summary;
}

type PhotoEntry = Extract<ScanEntry, { kind: 'photo' }>;

interface RunContext {
  runId: number;
  source: string;
  mode: 'copy' | 'in_place';
  summary: IngestSummary;
}

/** Reads one photo from the card; too-large files are not read at all. */
async function readCard(entry: PhotoEntry): Promise<{ bytes: Buffer } | { error: unknown }> {
  if (entry.size > MAX_PHOTO_BYTES) {
    return { error: new Error(`${(entry.size / 2 ** 30).toFixed(1)} GiB is larger than any photo Postflight checks`) };
  }
  try {
    return { bytes: await fs.promises.readFile(entry.absPath) };
  } catch (error) {
    return { error };
  }
}

function baseRow(run: RunContext, entry: PhotoEntry): NewImage {
  return {
    ingest_run_id: run.runId,
    source_root: run.source,
    source_path: entry.relPath,
    file_name: path.basename(entry.relPath),
    size: entry.size,
    mtime_ms: entry.mtimeMs,
    status: 'invalid_exif',
    ingested_at: new Date().toISOString(),
  };
}

/** A photo file that could not be read still gets its row, saying why. */
function recordUnreadable(project: Project, run: RunContext, entry: PhotoEntry, error: unknown): ImageStatus {
  const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return record(project, baseRow(run, entry), [{ code: 'corrupt', message: `${path.basename(entry.relPath)} could not be read from the card (${why}).` }], run.summary);
}

async function ingestPhoto(project: Project, run: RunContext, entry: PhotoEntry, bytes: Buffer, md5: string): Promise<ImageStatus> {
  const { mode, summary } = run;
  const fileName = path.basename(entry.relPath);
  const base = baseRow(run, entry);
  const original = findOriginal(project.db, md5);
  if (original) {
    return record(project, { ...base, md5, status: 'duplicate', duplicate_of: original.id }, [
      { code: 'duplicate', message: `Same bytes as ${original.source_path} (already in the project).` },
    ], summary);
  }
  const [stored, measured] = await Promise.all([
    mode === 'copy' ? writeVerifiedCopy(project.dir, entry.relPath, bytes, md5) : Promise.resolve({ storedPath: entry.absPath, created: false }),
    measure(project, bytes, fileName, md5),
  ]);
  const m = measured.metadata;
  const row: NewImage = {
    ...base,
    md5,
    stored_path: stored.storedPath,
    status: measured.problems.length > 0 ? 'invalid_exif' : 'staged',
    captured_at: m.capturedAt,
    captured_local: m.capturedLocal,
    lat: m.lat,
    lon: m.lon,
    alt: m.alt,
    rel_alt: m.relAlt,
    gimbal_pitch: m.gimbal?.pitch ?? null,
    gimbal_yaw: m.gimbal?.yaw ?? null,
    gimbal_roll: m.gimbal?.roll ?? null,
    flight_pitch: m.aircraft?.pitch ?? null,
    flight_yaw: m.aircraft?.yaw ?? null,
    flight_roll: m.aircraft?.roll ?? null,
    make: m.make,
    model: m.model,
    serial: m.serial,
    focal_mm: m.focalMm,
    focal35_mm: m.focal35Mm,
    width: m.width,
    height: m.height,
    iso: m.iso,
    exposure_s: m.exposureS,
    metadata_json: JSON.stringify(m),
    metrics_json: measured.metrics ? JSON.stringify(measured.metrics) : null,
    sharpness: measured.metrics?.gridScore ?? null,
    thumb_path: measured.thumbPath,
  };
  const status = record(project, row, measured.problems, summary, measured.metrics);
  // Two identical files in flight at once: the later one found the earlier recorded and is a duplicate; its copy
  // (if it made one) is the same bytes as the original's, so removing it loses nothing.
  if (status === 'duplicate' && stored.created) await fs.promises.rm(project.resolve(stored.storedPath), { force: true });
  return status;
}

/** Metadata, metrics and thumbnail from the bytes already in memory; failures become reasons, never exceptions. */
async function measure(project: Project, bytes: Buffer, fileName: string, md5: string): Promise<Measured> {
  const { metadata, problems } = await readPhotoMetadata(bytes, fileName);
  const reasons: Reason[] = problems.map((p) => ({ code: p.code, message: p.message }));
  if (problems.some((p) => p.code === 'corrupt')) return { metadata, problems: reasons, metrics: null, thumbPath: null };
  const thumbRel = `thumbs/${md5}.webp`;
  const thumbFile = project.resolve(thumbRel);
  let metrics: QualityMetrics | null = null;
  let thumbOk = fs.existsSync(thumbFile);
  try {
    const { width, height, format, orientation } = metadata;
    // The metadata step already read the header from the pixels themselves: hand it on rather than parse it again.
    const header = width && height && format ? { width, height, format, orientation: orientation ?? 1 } : undefined;
    const measured = await measurePhotoWithPreview(bytes, header ? { header } : {});
    metrics = measured.metrics;
    // The thumbnail comes from the pixels the check already decoded; only photos without them are decoded again.
    if (!thumbOk && measured.preview) thumbOk = await settles(makeThumbnailFromPixels(measured.preview, thumbFile));
  } catch (err) {
    reasons.push({ code: 'corrupt', message: `${fileName}: the pixels could not be checked. ${(err as Error).message}` });
  }
  if (!thumbOk) thumbOk = await settles(makeThumbnail(bytes, thumbFile));
  return { metadata, problems: reasons, metrics, thumbPath: thumbOk ? thumbRel : null };
}

/**
 * Writes the photo's row and reasons in one transaction (the commit point). The duplicate check is repeated inside
 * it, so two identical files processed at once cannot both become originals.
 */
function record(project: Project, row: NewImage, reasons: Reason[], summary: IngestSummary, metrics: QualityMetrics | null = null): ImageStatus {
  const db = project.db;
  const status = transaction(db, (): ImageStatus => {
    let final = row;
    let finalReasons = reasons;
    if (row.md5 && row.status !== 'duplicate') {
      const original = findOriginal(db, row.md5);
      if (original) {
        final = { ...row, status: 'duplicate', duplicate_of: original.id, stored_path: null, thumb_path: null };
        finalReasons = [{ code: 'duplicate', message: `Same bytes as ${original.source_path} (already in the project).` }];
      }
    }
    const id = insertImage(db, final);
    replaceReasons(db, id, 'auto', finalReasons);
    return final.status;
  });
  for (const r of status === 'duplicate' ? [{ code: 'duplicate' }] : reasons) summary.reasons[r.code] = (summary.reasons[r.code] ?? 0) + 1;
  if (metrics) {
    summary.quality.measured++;
    if (metrics.gridScore < 100) summary.quality.belowSharpness++;
    if (metrics.black) summary.quality.black++;
    if (metrics.white) summary.quality.white++;
  }
  return status;
}

/** True when the promise fulfils: a thumbnail that cannot be made is a missing picture, not a failed ingest. */
async function settles(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => true,
    () => false,
  );
}

function assertSourceReadable(source: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch {
    throw new AppError('source_unavailable', `Cannot find ${source}. Is the card inserted and mounted?`, { source });
  }
  if (!st.isDirectory()) throw new AppError('invalid_input', `${source} is not a folder. Point ingest at the card or a folder of photos.`);
}

function isSourceGone(err: unknown, source: string): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EIO' || code === 'ENODEV' || code === 'ENXIO' || code === 'ENOTCONN' || code === 'EREMOTEIO') return true;
  return code !== undefined && SOURCE_GONE.has(code) && !fs.existsSync(source);
}

function sourceError(source: string, err: unknown, done: number): AppError {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'unknown';
  return new AppError(
    'source_unavailable',
    `The card at ${source} was removed or stopped responding (${code}) after ${done} photos. Everything recorded so far is safe: insert the card again and run the same ingest to continue where it stopped.`,
    { source, code, done },
  );
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function emptySummary(runId: number, source: string, mode: 'copy' | 'in_place'): IngestSummary {
  return {
    runId,
    source,
    mode,
    found: 0,
    ingested: 0,
    alreadyIngested: 0,
    counts: { staged: 0, assigned: 0, rejected: 0, unmatched: 0, invalid_exif: 0, duplicate: 0 },
    reasons: {},
    quality: { measured: 0, belowSharpness: 0, black: 0, white: 0 },
    skipped: [],
    skippedCount: 0,
    errors: [],
    bytes: 0,
    elapsedSeconds: 0,
  };
}
