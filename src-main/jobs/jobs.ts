import { randomUUID } from 'node:crypto';
import PQueue from 'p-queue';
import type { ProjectDb } from '../db/database.ts';
import { AppError, toErrorEnvelope } from '../common/errors.ts';
import type { Progress, WorkControl } from '../common/progress.ts';
import { getJob, insertJob, listJobs, takeUnfinishedJobs, updateJob, type JobChange } from '../db/jobs.ts';
import type { EventName, Events, JobInfo, JobKind } from '../../src-preload/contract.ts';

export type EventSink = <E extends EventName>(name: E, payload: Events[E]) => void;

export interface JobContext extends Required<Pick<WorkControl, 'signal' | 'onProgress'>> {
  jobId: string;
  log: (line: string) => void;
}

export type JobWork = (ctx: JobContext) => Promise<unknown>;

/** How often progress is written to the database; events go out at the same pace. */
const PROGRESS_PERSIST_MS = 250;

/**
 * Kinds whose work continues from its own journal when run again with the same params: ingest (rows and verified
 * copies already recorded are skipped), sync (uploads and parts journalled; finished objects are not sent again).
 * Left unfinished by a killed process, they are run again when the project is next opened in the app or `serve`.
 */
export const RESUMABLE_JOB_KINDS: ReadonlySet<JobKind> = new Set(['ingest', 'sync']);

/**
 * Long work (ingest, classify, sync, ODM) runs as persistent jobs: each is a row that records its state and progress
 * as it goes, so a reloaded window sees it and a killed process leaves it `interrupted`; `interruptedAtOpen` lists
 * those this open found, and `resume` runs one again under its own id. One queue per kind: two ingests never race.
 */
export class JobRunner {
  private readonly db: ProjectDb;
  private readonly emit: EventSink;
  private readonly queues = new Map<JobKind, PQueue>();
  private readonly controllers = new Map<string, AbortController>();
  /** Jobs not yet ended; an ended job is read back from its row. */
  private readonly finished = new Map<string, Promise<JobInfo>>();
  private closing = false;

  /** Jobs a previous process left queued or running, now `interrupted` (oldest first). */
  readonly interruptedAtOpen: readonly JobInfo[];

  constructor(db: ProjectDb, emit: EventSink) {
    this.db = db;
    this.emit = emit;
    // Jobs left running by a previous process were cut short: say so rather than showing them as running forever.
    this.interruptedAtOpen = takeUnfinishedJobs(db);
  }

  start(kind: JobKind, params: Record<string, unknown>, work: JobWork): string {
    const id = randomUUID();
    insertJob(this.db, id, kind, params);
    return this.enqueue(id, kind, work);
  }

  /** Runs an interrupted job again under its own id and params; `work` continues from the work's journal. */
  resume(job: JobInfo, work: JobWork): string {
    if (!RESUMABLE_JOB_KINDS.has(job.kind)) throw new AppError('invalid_input', `A ${job.kind} job cannot be resumed; start it again.`);
    updateJob(this.db, job.id, { state: 'queued' });
    return this.enqueue(job.id, job.kind, work);
  }

  private enqueue(id: string, kind: JobKind, work: JobWork): string {
    // A job chained by one that ended as the project closes would otherwise run on the closed database.
    if (this.closing) {
      this.update(id, { state: 'cancelled', error: toErrorEnvelope(new AppError('cancelled', 'The project was closed before this job started.')) });
      return id;
    }
    const controller = new AbortController();
    this.controllers.set(id, controller);
    this.publish(id);
    const queue = this.queueFor(kind);
    const done = queue
      .add(() => this.execute(id, controller, work))
      .then(() => this.get(id))
      .finally(() => {
        this.controllers.delete(id);
        this.finished.delete(id);
      });
    this.finished.set(id, done);
    return id;
  }

  /** Resolves when the job ends, whatever its outcome. */
  async wait(id: string): Promise<JobInfo> {
    const pending = this.finished.get(id);
    if (pending) return pending;
    return this.get(id);
  }

  /** Stops a job; `pause` marks the stop as a pause (a sync resumed later), so every view says "paused". */
  cancel(id: string, opts: { pause?: boolean } = {}): boolean {
    const controller = this.controllers.get(id);
    if (!controller) return false;
    controller.abort(opts.pause ? new AppError('cancelled', 'Paused by the pilot.', { paused: true }) : new AppError('cancelled', 'Cancelled by the pilot.'));
    return true;
  }

  get(id: string): JobInfo {
    const job = getJob(this.db, id);
    if (!job) throw new AppError('not_found', `No job ${id}.`);
    return job;
  }

  list(limit = 100): JobInfo[] {
    return listJobs(this.db, limit);
  }

  /** Cancels everything in flight and waits for it to stop (used when a project is closed). */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const id of this.controllers.keys()) this.cancel(id);
    await Promise.allSettled([...this.finished.values()]);
  }

  private queueFor(kind: JobKind): PQueue {
    let q = this.queues.get(kind);
    if (!q) {
      q = new PQueue({ concurrency: 1 });
      this.queues.set(kind, q);
    }
    return q;
  }

  private async execute(id: string, controller: AbortController, work: JobWork): Promise<void> {
    if (controller.signal.aborted) {
      this.update(id, { state: 'cancelled' });
      return;
    }
    this.update(id, { state: 'running' });
    let lastWrite = 0;
    let pending: Progress | null = null;
    const flush = () => {
      if (pending) this.update(id, { progress: pending });
      pending = null;
      lastWrite = Date.now();
    };
    const ctx: JobContext = {
      jobId: id,
      signal: controller.signal,
      onProgress: (p) => {
        pending = p;
        if (Date.now() - lastWrite >= PROGRESS_PERSIST_MS) flush();
      },
      log: (line) => this.emit('job.log', { jobId: id, line }),
    };
    try {
      const result = await work(ctx);
      flush();
      this.update(id, { state: 'done', result });
    } catch (err) {
      flush();
      const envelope = toErrorEnvelope(controller.signal.aborted ? controller.signal.reason ?? err : err);
      this.update(id, { state: envelope.code === 'cancelled' ? 'cancelled' : 'failed', error: envelope });
    }
  }

  private update(id: string, change: JobChange): void {
    updateJob(this.db, id, change);
    this.publish(id);
  }

  private publish(id: string): void {
    this.emit('job.updated', this.get(id));
  }
}
