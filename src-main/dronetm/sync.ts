import { randomUUID } from 'node:crypto';
import path from 'node:path';
import PQueue from 'p-queue';
import { z } from 'zod';
import { AppError } from '../common/errors.ts';
import type { WorkControl } from '../common/progress.ts';
import { dronetmTaskOf } from '../db/dronetm.ts';
import { listTasks } from '../db/tasks.ts';
import { findUpload } from '../db/uploads.ts';
import type { Project } from '../project/project.ts';
import { getSetting, setSetting } from '../db/settings.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../sync/retry.ts';
import { markTaskSynced, taskPhotos, tasksToSync, type SyncTask } from '../sync/selection.ts';
import { checkedPhoto, photoSource, settleAll, SyncMeter, DEFAULT_PART_SIZE, DEFAULT_STALL_MS, watchStall } from '../sync/sync.ts';
import { TokenBucket } from '../sync/throttle.ts';
import { MIN_PART_SIZE } from '../sync/transfer.ts';
import type { TokenStore } from './auth.ts';
import { DronetmClient } from './client.ts';
import type { DronetmLink } from './project-link.ts';
import { journalKey, uploadToDronetm, type DronetmContext, type DronetmSource } from './upload.ts';

export interface DronetmSyncOptions {
  link: DronetmLink;
  tokens: TokenStore;
  /** Task ids (as pilots see them); default every verified task. */
  taskIds?: readonly string[];
  partSize?: number;
  concurrency?: number;
  maxBytesPerSecond?: number;
  retry?: Partial<RetryPolicy>;
  /** Nothing got through for this long: the sync gives up in words (default DEFAULT_STALL_MS). */
  stallTimeoutMs?: number;
}

export interface DronetmTaskResult {
  taskId: string;
  /** DroneTM's task index when the task was pulled from DroneTM. */
  dronetmTaskIndex: number | null;
  photos: number;
  uploaded: number;
  skipped: number;
  syncedAt: string;
}

export interface DronetmSyncReport {
  server: string;
  projectId: string;
  /** The batch every photo of this sync was completed under (a sync resumed after a stop keeps its batch). */
  batchId: string | null;
  tasks: DronetmTaskResult[];
  uploaded: number;
  skipped: number;
  bytesTotal: number;
  bytesSent: number;
  /** Requests tried again after a dropped link, a timeout or a server hiccup. */
  retries: number;
  seconds: number;
}

const BATCH_SETTING = 'dronetm.batch';
const batchSchema = z.object({ server: z.string(), projectId: z.string(), batchId: z.string().uuid() });

/** The batch of the sync under way: the one a stopped sync left open, or a new one. */
function openBatch(project: Project, link: DronetmLink): string {
  const open = batchSchema.safeParse(getSetting(project.db, BATCH_SETTING, z.unknown(), null));
  if (open.success && open.data.server === link.server && open.data.projectId === link.projectId) return open.data.batchId;
  const batchId = randomUUID();
  setSetting(project.db, BATCH_SETTING, { ...link, batchId });
  return batchId;
}

interface PlannedTask {
  task: SyncTask;
  dronetmIndex: number | null;
  sources: DronetmSource[];
}

/**
 * Sends every accepted photo of the verified tasks to the linked DroneTM project through its upload API, into its
 * staging folder (`projects/{pid}/user-uploads/`) for DroneTM's own processing, one batch per sync. Rejected photos
 * are never sent. Photos the journal records as completed are skipped without a request; multipart uploads resume
 * part by part after a stop or crash.
 */
export async function syncToDronetm(project: Project, options: DronetmSyncOptions, control: WorkControl = {}): Promise<DronetmSyncReport> {
  const started = performance.now();
  const { link } = options;
  const ids = options.taskIds?.length ? options.taskIds : listTasks(project.db).filter((t) => t.verifiedAt).map((t) => t.taskId);
  const tasks = ids.length ? tasksToSync(project, ids) : [];
  const plan = await planTasks(project, link, tasks);
  const sources = plan.flatMap((p) => p.sources);
  const meter = new SyncMeter(
    sources.reduce((sum, s) => sum + s.size, 0),
    sources.length,
    control.onProgress,
  );
  const report: DronetmSyncReport = {
    server: link.server,
    projectId: link.projectId,
    batchId: null,
    tasks: [],
    uploaded: 0,
    skipped: 0,
    bytesTotal: meter.bytesTotal,
    bytesSent: 0,
    retries: 0,
    seconds: 0,
  };
  if (plan.length === 0) return report;

  const run = new AbortController();
  const onCancel = (): void => run.abort(control.signal!.reason);
  control.signal?.addEventListener('abort', onCancel, { once: true });
  if (control.signal?.aborted) onCancel();
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const ctx: DronetmContext = {
    client: new DronetmClient(link.server, { tokens: options.tokens, signal: run.signal, retry }),
    db: project.db,
    requests: new PQueue({ concurrency }),
    retry,
    signal: run.signal,
    bandwidth: options.maxBytesPerSecond ? new TokenBucket(options.maxBytesPerSecond) : undefined,
    partSize: Math.max(MIN_PART_SIZE, options.partSize ?? DEFAULT_PART_SIZE),
    meter,
  };
  const stopWatch = watchStall(meter, run, options.stallTimeoutMs ?? DEFAULT_STALL_MS, `DroneTM at ${link.server}`);
  try {
    // Fails early, in words, on a wrong token, an unknown project or a server that is down.
    await ctx.client.project(link.projectId);
    const batchId = openBatch(project, link);
    report.batchId = batchId;
    meter.emit('upload', true);
    for (const planned of plan) {
      const counts = { uploaded: 0, skipped: 0 };
      await settleAll(
        planned.sources,
        async (src) => {
          const outcome = await uploadToDronetm(ctx, src, { projectId: link.projectId, staging: true, batchId });
          if (outcome === 'kept') {
            counts.skipped++;
          } else {
            counts.uploaded++;
          }
          meter.objectDone();
        },
        run,
      );
      report.tasks.push({
        taskId: planned.task.taskId,
        dronetmTaskIndex: planned.dronetmIndex,
        photos: planned.sources.length,
        ...counts,
        syncedAt: markTaskSynced(project, planned.task.rowId),
      });
      report.uploaded += counts.uploaded;
      report.skipped += counts.skipped;
    }
    // Every photo is in: the next sync is a new batch.
    setSetting(project.db, BATCH_SETTING, null);
  } catch (err) {
    if (control.signal?.aborted) {
      throw new AppError('cancelled', 'Sync paused. Run it again to carry on: photos and parts already sent are kept.');
    }
    // A stall aborts the run with its own worded error; the requests it cut short only say "aborted".
    throw run.signal.reason instanceof AppError ? run.signal.reason : err;
  } finally {
    stopWatch();
    control.signal?.removeEventListener('abort', onCancel);
    report.retries = meter.retries;
    report.bytesSent = meter.bytesSent;
    report.seconds = (performance.now() - started) / 1000;
    meter.emit('done', true);
  }
  return report;
}

/**
 * The DroneTM name of each photo: its own file name in the project's flat staging folder, unless another photo
 * (in this sync, or journaled earlier under that name with other bytes) has it; then `_<md5 prefix>` is added.
 * Photos keep the name they were first sent under, so a rerun finds them in the journal.
 */
async function planTasks(project: Project, link: DronetmLink, tasks: readonly SyncTask[]): Promise<PlannedTask[]> {
  const checked = await Promise.all(
    tasks.map(async (task) => ({ task, photos: await Promise.all(taskPhotos(project, task.rowId).map((p) => checkedPhoto(task, p))) })),
  );
  const taken = new Map<string, number>();
  const keyFor = (name: string): string => `projects/${link.projectId}/user-uploads/${name}`;
  const named = new Map<number, string>();
  const all = checked.flatMap((c) => c.photos).sort((a, b) => a.photo.imageId - b.photo.imageId);
  for (const p of all) {
    const ext = path.extname(p.photo.fileName);
    const stem = p.photo.fileName.slice(0, p.photo.fileName.length - ext.length);
    const candidates = [p.photo.fileName, `${stem}_${p.md5.slice(0, 8)}${ext}`, `${stem}_${p.md5.slice(0, 8)}_${p.photo.imageId}${ext}`];
    const name = candidates.find((c) => {
      if (taken.has(c.toLowerCase())) return false;
      const journaled = findUpload(project.db, journalKey(link.server, keyFor(c)));
      return !journaled || (journaled.md5 === p.md5 && (journaled.imageId === null || journaled.imageId === p.photo.imageId));
    })!;
    taken.set(name.toLowerCase(), p.photo.imageId);
    named.set(p.photo.imageId, name);
  }
  return checked.map(({ task, photos }) => ({
    task,
    dronetmIndex: dronetmTaskOf(project.db, task.rowId)?.index ?? null,
    sources: photos.map((p): DronetmSource => {
      const fileName = named.get(p.photo.imageId)!;
      return { ...photoSource(task, p, keyFor(fileName)), fileKey: keyFor(fileName), fileName };
    }),
  }));
}
