import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import { AppError } from '../common/errors.ts';
import { RateMeter, type WorkControl } from '../common/progress.ts';
import type { Project } from '../project/project.ts';
import { findOriginal, insertImage, replaceReasons, updateImage, type ImageStatus, type OriginalImage, type NewImage, type Reason } from '../db/images.ts';
import { countSafeOnCard, findSourceImage, getOffloadRow, setCopy, type SourceImage } from '../db/offload.ts';
import { readPhotoMetadata, type PhotoMetadata } from './metadata.ts';
import { cameraTagsRead } from './metadata-values.ts';
import { makeThumbnail, makeThumbnailFromPixels, previewFits, THUMBNAIL_LONG_EDGE, THUMBNAIL_QUALITY, writeEncodedThumbnail } from './thumbnail.ts';
import { md5Hex, measurePhotoWithPreview, type QualityMetrics } from '../quality/measure.ts';
import { PhotoBuffers } from './photo-buffers.ts';
import { cardIdentity, countPhotos, errnoOf, isSameCard, scanSource, type ScanEntry } from './scan.ts';
import { projectWriteError, removePartialCopies, writeVerifiedCopy } from './offload.ts';
import { certifyCard, type CardCertificate } from './certificate.ts';
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
  /** Photos a previous run had already recorded (same path, size and time) and that needed nothing more. */
  alreadyIngested: number;
  /** Photos recorded earlier without a verified copy (indexed in place, or a copy found damaged) copied now. */
  copiedNow: number;
  /** Photos that could not be read before and were tried again by this run. */
  retried: number;
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
  /** Copy runs only: the card certificate written at the end (what is safe, whether the card may be formatted). */
  card: CardCertificate | null;
}

const SKIPPED_LISTED = 1000;
/** Photos larger than this are recorded as unreadable instead of being held in memory. */
const MAX_PHOTO_BYTES = 1024 * 1024 * 1024;
/** Errors that mean the card itself went away (pulled, unmounted, failing), not a bad file. */
const SOURCE_GONE = new Set(['ENOENT', 'EIO', 'ENODEV', 'ENXIO', 'ESTALE', 'ENOTCONN', 'ENOTDIR', 'EREMOTEIO']);
/** Failures of the project's own disk or of the copy check: no further photo can be copied, so the run stops. */
const STOPS_RUN = new Set(['internal', 'refused']);

interface Measured {
  metadata: PhotoMetadata;
  problems: Reason[];
  metrics: QualityMetrics | null;
  thumbPath: string | null;
}

/**
 * Ingests a card: every photo file is read ONCE; the same bytes are hashed, copied (verified and fsynced), parsed
 * and measured, and a row is always written, also for unreadable files. A row with a verified copy (or, in place,
 * with its bytes read) is the commit point and is never read again; a row without one (made in place, unreadable,
 * copy found damaged) is worked on again by the next copy run. A pulled card, a full disk or a failing copy stop the
 * run as interrupted with an error saying how many photos are safe; a copy run that finishes writes the card
 * certificate (safe to format only when every photo on the card has a verified copy).
 */
export async function runIngest(project: Project, options: IngestOptions): Promise<IngestSummary> {
  const source = path.resolve(options.source);
  assertSourceReadable(source);
  if (isInside(source, project.dir)) {
    throw new AppError('invalid_input', `The source ${source} is inside the project folder; pick the card or the folder holding the photos.`);
  }
  const mode = options.inPlace ? 'in_place' : 'copy';
  const started = Date.now();
  const identity = cardIdentity(source);
  if (mode === 'copy') await removePartialCopies(project.dir);
  const runId = startIngestRun(project.db, source, mode);
  const summary = emptySummary(runId, source, mode);
  const card: CardRun = { source, identity };
  let stop: unknown = null;
  try {
    stop = await ingestCard(project, { runId, source, mode, summary, card }, options);
    if (!stop && mode === 'copy') summary.card = await certifyCard(project, card, runId);
  } catch (err) {
    stop ??= err;
  }
  summary.elapsedSeconds = (Date.now() - started) / 1000;
  const failure = stop ? wordStop(project, card, mode, summary, stop) : null;
  finishIngestRun(project.db, runId, failure ? 'interrupted' : 'done', failure ? { ...summary, error: failure.message } : summary);
  if (failure) throw failure;
  return summary;
}

interface CardRun {
  source: string;
  /** Device and inode of the card's top folder when the run started. */
  identity: string;
}

/** The scan-read-process loop. Returns why it stopped early (null when every photo was worked on). */
async function ingestCard(project: Project, run: RunContext, options: IngestOptions): Promise<unknown> {
  const { source, summary } = run;
  const { signal, onProgress } = options;
  const totals = await countPhotos(source);
  summary.found = totals.files;

  const meter = new RateMeter();
  let done = 0;
  let bytesDone = 0;
  // The rate is over bytes actually read from the card: photos an earlier run recorded are skipped unread, and
  // counting them would show re-ingests at thousands of MB/s.
  let bytesRead = 0;
  const report = (message?: string) => {
    const rate = meter.sample(bytesRead);
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
  // md5 -> the last job working on those bytes in this run: the next one waits for it, so the original is always the
  // first in scan order and two jobs never write the same copy at once, however the workers interleave.
  const lastWithBytes = new Map<string, Promise<unknown>>();
  // The photos in flight (queued, running, being read) reuse these instead of a fresh buffer each.
  const buffers = new PhotoBuffers(queue.concurrency * 3 + 2);
  let stop: unknown = null;
  const finish = (entry: PhotoEntry, status: ImageStatus) => {
    summary.counts[status]++;
    summary.ingested++;
    summary.bytes += entry.size;
  };
  const processOne = async (entry: PhotoEntry, work: () => Promise<void>, after: Promise<unknown> | undefined) => {
    await after;
    if (stop) return;
    try {
      await work();
    } catch (err) {
      if (isSourceGone(err, run.card)) stop ??= err;
      else if (err instanceof AppError && STOPS_RUN.has(err.code)) stop ??= err;
      else summary.errors.push({ path: entry.relPath, message: (err as Error).message });
    }
    done++;
    bytesDone += entry.size;
    bytesRead += entry.size;
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
      const existing = findSourceImage(project.db, source, entry.relPath, entry.size, entry.mtimeMs);
      const unreadableBefore = existing !== undefined && existing.md5 === null;
      const needsCopy = existing !== undefined && !unreadableBefore && run.mode === 'copy' && existing.safe === 0;
      if (existing && !unreadableBefore && !needsCopy) {
        summary.alreadyIngested++;
        done++;
        bytesDone += entry.size;
        continue;
      }
      if (unreadableBefore) summary.retried++;
      // Back-pressure: never read more than a few photos ahead of the workers (bounded memory).
      await queue.onSizeLessThan(queue.concurrency * 2);
      // The card is read here, in scan order, one file at a time (what an SD card does best); the workers get the
      // bytes. Read failures that are not the card going away become that photo's row.
      const read = await readCard(entry, buffers);
      if ('error' in read) {
        if (isSourceGone(read.error, run.card)) throw read.error;
        if (needsCopy) summary.errors.push({ path: entry.relPath, message: `could not be read from the card (${errnoOf(read.error) ?? (read.error as Error).message}); it has no verified copy yet.` });
        else finish(entry, recordUnreadable(project, run, entry, read.error, existing?.id));
        done++;
        bytesDone += entry.size;
        bytesRead += entry.size;
        continue;
      }
      // Hashed on the addon's thread pool (node:crypto without it) while the main thread goes on.
      const md5 = await md5Hex(read.bytes);
      const after = lastWithBytes.get(md5);
      const work = needsCopy
        ? async () => {
            if (await copyRecorded(project, entry, existing, read.bytes, md5)) {
              summary.copiedNow++;
              summary.bytes += entry.size;
            } else summary.alreadyIngested++;
          }
        : async () => finish(entry, await ingestPhoto(project, run, entry, read.bytes, md5, existing?.id));
      lastWithBytes.set(
        md5,
        queue.add(() => processOne(entry, work, after).finally(() => buffers.release(read.bytes))),
      );
    }
  } catch (err) {
    stop ??= err;
  }
  await queue.onIdle();
  report();
  return stop;
}

type PhotoEntry = Extract<ScanEntry, { kind: 'photo' }>;

interface RunContext {
  runId: number;
  source: string;
  mode: 'copy' | 'in_place';
  summary: IngestSummary;
  card: CardRun;
}

/** Reads one photo from the card; too-large files are not read at all. */
async function readCard(entry: PhotoEntry, buffers: PhotoBuffers): Promise<{ bytes: Buffer } | { error: unknown }> {
  if (entry.size > MAX_PHOTO_BYTES) {
    return { error: new Error(`${(entry.size / 2 ** 30).toFixed(1)} GiB is larger than any photo Postflight checks`) };
  }
  try {
    return { bytes: await buffers.read(entry.absPath) };
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

const READ_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'path too long for this computer',
  EISDIR: 'not a file',
};

/**
 * A photo file that could not be read still gets its row, saying why. The row has no md5 and is not a commit point:
 * the next run reads the file again (and `existingId` is that row, updated in place).
 */
function recordUnreadable(project: Project, run: RunContext, entry: PhotoEntry, error: unknown, existingId?: number): ImageStatus {
  const code = errnoOf(error);
  const why = code ? (READ_PROBLEMS[code] ?? code) : (error as Error).message;
  return record(project, baseRow(run, entry), [{ code: 'corrupt', message: `${path.basename(entry.relPath)} could not be read from the card (${why}).` }], run.summary, null, existingId);
}

/**
 * Makes sure the photo the duplicate points at has a verified copy (it may have been indexed in place): the bytes in
 * hand are the same, so they are copied under the original's name. Runs only in copy mode.
 */
async function ensureOriginalCopied(project: Project, original: OriginalImage, bytes: Buffer, md5: string): Promise<boolean> {
  if (original.copy_state === 'verified') return false;
  const rel = original.copy_state === 'damaged' && original.stored_path ? await clearDamaged(project, original.stored_path) : original.source_path;
  const stored = await writeVerifiedCopy(project.dir, rel, bytes, md5);
  setCopy(project.db, original.id, stored.storedPath, 'verified');
  return true;
}

/** Removes a copy a recheck found damaged and returns its place under images/, where the good copy goes. */
async function clearDamaged(project: Project, storedPath: string): Promise<string> {
  await fs.promises.rm(project.resolve(storedPath), { force: true });
  return storedPath.replace(/^images\//, '');
}

/**
 * A photo recorded earlier without a verified copy (indexed in place, or its copy found damaged), met again by a copy
 * run: its bytes are copied and verified now and the row points at the copy. Its metadata and review are kept.
 * Returns false when there was nothing to copy (the original of a duplicate already had its copy).
 */
async function copyRecorded(project: Project, entry: PhotoEntry, existing: SourceImage, bytes: Buffer, md5: string): Promise<boolean> {
  if (existing.md5 !== md5) {
    throw new AppError('conflict', `${entry.relPath} on the card no longer holds the bytes recorded from it (same name, size and time, different content); it was not copied.`, {
      path: entry.relPath,
    });
  }
  if (existing.status === 'duplicate' && existing.duplicate_of !== null) {
    const original = getOffloadRow(project.db, existing.duplicate_of);
    if (original && original.md5 === md5) return ensureOriginalCopied(project, original, bytes, md5);
  }
  const rel = existing.copy_state === 'damaged' && existing.stored_path?.startsWith('images/') ? await clearDamaged(project, existing.stored_path) : entry.relPath;
  const stored = await writeVerifiedCopy(project.dir, rel, bytes, md5);
  setCopy(project.db, existing.id, stored.storedPath, 'verified');
  return true;
}

async function ingestPhoto(project: Project, run: RunContext, entry: PhotoEntry, bytes: Buffer, md5: string, existingId?: number): Promise<ImageStatus> {
  const { mode, summary } = run;
  const fileName = path.basename(entry.relPath);
  const base = baseRow(run, entry);
  const original = findOriginal(project.db, md5);
  if (original && original.id !== existingId) {
    if (mode === 'copy') await ensureOriginalCopied(project, original, bytes, md5);
    return record(project, { ...base, md5, status: 'duplicate', duplicate_of: original.id, stored_path: null, copy_state: null }, [
      { code: 'duplicate', message: `Same bytes as ${original.source_path} (already in the project).` },
    ], summary, null, existingId);
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
    copy_state: mode === 'copy' ? 'verified' : null,
    status: measured.problems.length > 0 ? 'invalid_exif' : 'staged',
    captured_at: m.capturedAt,
    captured_local: m.capturedLocal,
    gps_time_utc: m.gpsTimeUtc,
    tags_read: cameraTagsRead(m.raw) ? 1 : 0,
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
    capture_key: m.sensor.captureKey,
    band: m.sensor.band,
    band_index: m.sensor.bandIndex,
    sensor_kind: m.sensor.kind,
    speed_x_mps: m.speed?.xMps ?? null,
    speed_y_mps: m.speed?.yMps ?? null,
    rtk_flag: m.rtk?.flag ?? null,
    rtk_std_lon_m: m.rtk?.stdLon ?? null,
    rtk_std_lat_m: m.rtk?.stdLat ?? null,
    rtk_std_hgt_m: m.rtk?.stdHgt ?? null,
    metadata_json: JSON.stringify(m),
    metrics_json: measured.metrics ? JSON.stringify(measured.metrics) : null,
    sharpness: measured.metrics?.gridScore ?? null,
    thumb_path: measured.thumbPath,
  };
  const status = record(project, row, measured.problems, summary, measured.metrics, existingId);
  // Two identical files in flight at once: the later one found the earlier recorded and is a duplicate; its copy
  // (if it made one) is the same bytes as the original's, so removing it loses nothing.
  if (status === 'duplicate' && stored.created) await fs.promises.rm(project.resolve(stored.storedPath), { force: true });
  return status;
}

const THUMB = { format: 'jpeg' } as const;
const NATIVE_THUMB = { longEdge: THUMBNAIL_LONG_EDGE, quality: THUMBNAIL_QUALITY };

/** Metadata, metrics and thumbnail from the bytes already in memory; failures become reasons, never exceptions. */
async function measure(project: Project, bytes: Buffer, fileName: string, md5: string): Promise<Measured> {
  const { metadata, problems } = await readPhotoMetadata(bytes, fileName);
  const reasons: Reason[] = problems.map((p) => ({ code: p.code, message: p.message }));
  if (problems.some((p) => p.code === 'corrupt')) return { metadata, problems: reasons, metrics: null, thumbPath: null };
  // JPEG: 2.3 ms to encode a 320 px thumbnail against 6.2 ms for WebP (effort 2), for ~5 % more bytes.
  const thumbRel = `thumbs/${md5}.jpg`;
  const thumbFile = project.resolve(thumbRel);
  let metrics: QualityMetrics | null = null;
  let thumbOk = fs.existsSync(thumbFile);
  try {
    const { width, height, format, orientation } = metadata;
    // The metadata step already read the header from the pixels themselves: hand it on rather than parse it again.
    const header = width && height && format ? { width, height, format, orientation: orientation ?? 1 } : undefined;
    const measured = await measurePhotoWithPreview(bytes, { ...(header ? { header } : {}), ...(thumbOk ? {} : { thumbnail: NATIVE_THUMB }) });
    metrics = measured.metrics;
    // The thumbnail comes from the pixels the check already decoded: the addon encodes it from its 1/8-scale preview
    // in the same call, or sharp scales the decoded pixels; photos without them, or too small at 1/8 for a thumbnail,
    // are decoded again.
    if (!thumbOk && measured.thumbnail) thumbOk = await settles(writeEncodedThumbnail(measured.thumbnail, thumbFile));
    else if (!thumbOk && measured.preview && previewFits(measured.preview)) thumbOk = await settles(makeThumbnailFromPixels(measured.preview, thumbFile, THUMB));
  } catch (err) {
    reasons.push({ code: 'corrupt', message: `${fileName}: the pixels could not be checked. ${(err as Error).message}` });
  }
  if (!thumbOk) thumbOk = await settles(makeThumbnail(bytes, thumbFile, THUMB));
  return { metadata, problems: reasons, metrics, thumbPath: thumbOk ? thumbRel : null };
}

/**
 * Writes the photo's row and reasons in one transaction (the commit point). The duplicate check is repeated inside
 * it, so two identical files processed at once cannot both become originals.
 */
function record(project: Project, row: NewImage, reasons: Reason[], summary: IngestSummary, metrics: QualityMetrics | null = null, existingId?: number): ImageStatus {
  const db = project.db;
  const status = transaction(db, (): ImageStatus => {
      let final = row;
      let finalReasons = reasons;
      if (row.md5 && row.status !== 'duplicate') {
        const original = findOriginal(db, row.md5);
        if (original && original.id !== existingId) {
          final = { ...row, status: 'duplicate', duplicate_of: original.id, stored_path: null, thumb_path: null, copy_state: null };
          finalReasons = [{ code: 'duplicate', message: `Same bytes as ${original.source_path} (already in the project).` }];
        }
      }
      // A row tried again (unreadable before) is brought up to date in place: its id may already be referenced.
      const id = existingId ?? insertImage(db, final);
      if (existingId !== undefined) updateImage(db, existingId, final);
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

/** True when an error means the card went away (or is failing), not that one file is bad. */
function isSourceGone(err: unknown, card: CardRun): boolean {
  const code = errnoOf(err);
  if (code === 'EIO' || code === 'ENODEV' || code === 'ENXIO' || code === 'ENOTCONN' || code === 'EREMOTEIO') return true;
  return code !== undefined && SOURCE_GONE.has(code) && !isSameCard(card.source, card.identity);
}

/**
 * Words why a run stopped. Whatever stopped it, the pilot learns how many photos of this card are safe and, for a
 * copy run, that the card must not be formatted.
 */
function wordStop(project: Project, card: CardRun, mode: 'copy' | 'in_place', summary: IngestSummary, stop: unknown): AppError {
  const { photos, safe } = countSafeOnCard(project.db, card.source);
  const found = Math.max(summary.found, photos);
  const safeText =
    mode === 'copy'
      ? `${safe} of ${found} photos from this card are safe in the project (verified copies); do not format the card.`
      : `${photos} of ${found} photos were indexed in place; the card holds the only copy, do not format it.`;
  const details = { source: card.source, safe, found, runId: summary.runId };
  if (isSourceGone(stop, card)) {
    const code = errnoOf(stop) ?? 'unknown';
    return new AppError(
      'source_unavailable',
      `The card at ${card.source} was removed or stopped responding (${code}). ${safeText} Insert the card again and run the same ingest to continue where it stopped.`,
      { ...details, code },
    );
  }
  if (stop instanceof AppError) return new AppError(stop.code, `${stop.message} ${safeText}`, { ...stop.details, ...details });
  const wrapped = projectWriteError(project.dir, stop);
  if (wrapped instanceof AppError) return new AppError(wrapped.code, `${wrapped.message} ${safeText}`, { ...wrapped.details, ...details });
  return new AppError('internal', `The ingest stopped: ${(stop as Error)?.message ?? String(stop)}. ${safeText}`, details);
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
    copiedNow: 0,
    retried: 0,
    card: null,
  };
}
