/**
 * Long work started from the UI, as jobs (ingest, classify, coverage, sync, ODM). Ingest, classification and coverage
 * follow the one sequence of jobs/work-steps.ts: each step is its own job (own progress, own cancel) and a step that
 * succeeds starts the next; a failed or cancelled step doesn't.
 */
import type { Project } from '../project/project.ts';
import { methods } from '../../src-preload/contract.ts';
import { RESUMABLE_JOB_KINDS, type EventSink, type JobContext, type JobRunner, type JobWork } from '../jobs/jobs.ts';
import type { ProjectDb } from '../db/database.ts';
import { AppError } from '../common/errors.ts';
import type { TokenStore } from '../dronetm/auth.ts';
import { pushOdmResult } from '../dronetm/odm-push.ts';
import { loadDronetmLink, type DronetmLink } from '../dronetm/project-link.ts';
import { syncToDronetm } from '../dronetm/sync.ts';
import { NEXT_STEP, runWorkStep, type StepParams, type StepResults, type WorkStep } from '../jobs/work-steps.ts';
import { requireTask } from '../db/tasks.ts';
import { syncVerifiedTasks } from '../sync/sync.ts';
import { resolveTarget } from '../sync/target.ts';
import { credentialAccount, type CredentialStore } from '../sync/credentials.ts';
import { runOdm } from '../odm/service.ts';

export interface WorkEnv {
  project: Project;
  jobs: JobRunner;
  emit: EventSink;
}

const control = (ctx: JobContext) => ({ signal: ctx.signal, onProgress: ctx.onProgress });

/** What each step changed, for the renderer's refresh. */
const CHANGED: Record<WorkStep, 'images' | 'tasks'> = { ingest: 'images', classify: 'images', coverage: 'tasks' };

/** Starts `step` as a job; when it succeeds, the next step of the sequence is queued (classify and coverage once). */
function startStep<S extends WorkStep>(env: WorkEnv, step: S, params: StepParams[S]): string {
  return env.jobs.start(step, params, stepWork(env, step, params));
}

function stepWork<S extends WorkStep>(env: WorkEnv, step: S, params: StepParams[S]): JobWork {
  return async (ctx) => {
    const result = await runWorkStep(env.project, step, params, control(ctx));
    env.emit('project.changed', { what: CHANGED[step] });
    const next = NEXT_STEP[step];
    if (next === 'classify') startStep(env, 'classify', {});
    else if (next === 'coverage') refreshCoverage(env);
    // A coverage job answers with the figure per task; the stored coverage is read through tasks.list.
    if (step !== 'coverage') return result;
    return { tasks: (result as StepResults['coverage']).tasks.map((t) => ({ taskId: t.taskId, coveragePct: t.coverage.coveragePct })) };
  };
}

export function startCoverage(env: WorkEnv): string {
  return startStep(env, 'coverage', {});
}

/**
 * Coverage after the pilot's decisions change which photos count: one run queued behind any running one is enough,
 * however fast the pilot culls (a queued run reads the database when it starts, so it sees every later decision).
 */
export function refreshCoverage(env: WorkEnv): void {
  const waiting = env.jobs.list().some((j) => j.kind === 'coverage' && j.state === 'queued');
  if (!waiting) startCoverage(env);
}

export function startClassify(env: WorkEnv, params: StepParams['classify']): string {
  return startStep(env, 'classify', params);
}

/**
 * The classify -> coverage chain after a change that can move photos between statuses or tasks (tasks imported,
 * photos decided before classification): one run queued behind any running one is enough, as for coverage.
 */
export function refreshClassification(env: WorkEnv): void {
  const waiting = env.jobs.list().some((j) => j.kind === 'classify' && j.state === 'queued');
  if (!waiting) startClassify(env, {});
}

export function startIngest(env: WorkEnv, params: StepParams['ingest']): string {
  return startStep(env, 'ingest', params);
}

/** What a sync job was started with: S3 by default; `target: 'dronetm'` a DroneTM sync, `odmPush` an orthophoto push. */
export interface SyncJobParams {
  taskId?: string;
  target?: 'dronetm';
  odmPush?: boolean;
}

/** Where the sync work finds its secrets: the S3 keys store and the DroneTM tokens store of the app or `serve`. */
export interface SyncSecrets {
  credentials: CredentialStore | undefined;
  tokens: TokenStore;
}

/** The work of a sync job, from its params alone (so a job interrupted by a killed process can be run again). */
function syncWork(env: WorkEnv, params: SyncJobParams, secrets: SyncSecrets): JobWork {
  const taskIds = params.taskId ? [params.taskId] : undefined;
  return async (ctx) => {
    if (params.odmPush) {
      const link = requireDronetmLink(env.project.db);
      return pushOdmResult(env.project, requireTask(env.project.db, params.taskId ?? '').id, { link, tokens: secrets.tokens }, control(ctx));
    }
    let report: unknown;
    if (params.target === 'dronetm') {
      report = await syncToDronetm(env.project, { link: requireDronetmLink(env.project.db), tokens: secrets.tokens, taskIds }, control(ctx));
    } else {
      const target = resolveTarget(env.project.db);
      const credentials = (await secrets.credentials?.get(credentialAccount(target))) ?? undefined;
      report = await syncVerifiedTasks(env.project, { target, credentials, taskIds }, control(ctx));
    }
    env.emit('project.changed', { what: 'tasks' });
    return report;
  };
}

export function startSync(env: WorkEnv, params: SyncJobParams, secrets: SyncSecrets): string {
  return env.jobs.start('sync', { ...params }, syncWork(env, params, secrets));
}

/** The DroneTM link sync and pushes need, or the pilot told to give it. */
export function requireDronetmLink(db: ProjectDb): DronetmLink {
  const link = loadDronetmLink(db);
  if (!link) throw new AppError('invalid_input', 'Give the DroneTM address and project first.');
  return link;
}

/**
 * At project open (app or `serve`): jobs a killed process left unfinished are run again under their own id when their
 * kind resumes from a journal (ingest, sync: RESUMABLE_JOB_KINDS), with the params they were started with; an ingest
 * then goes on through classification and coverage as usual. The others stay `interrupted` for the pilot to restart.
 */
export function resumeInterruptedJobs(env: WorkEnv, secrets: SyncSecrets): string[] {
  const resumed: string[] = [];
  for (const job of env.jobs.interruptedAtOpen) {
    if (!RESUMABLE_JOB_KINDS.has(job.kind)) continue;
    if (job.kind === 'ingest') {
      // Stored params pass the same schema as when the job was started; a row that does not stays interrupted.
      const params = methods['ingest.start'].params.safeParse(job.params);
      if (params.success) resumed.push(env.jobs.resume(job, stepWork(env, 'ingest', params.data)));
    } else if (job.kind === 'sync') {
      resumed.push(env.jobs.resume(job, syncWork(env, job.params, secrets)));
    }
  }
  return resumed;
}

export function startOdm(env: WorkEnv, params: { taskId: string; engine?: 'docker' | 'nodeodm'; gpu?: 'auto' | 'on' | 'off' }): string {
  const task = requireTask(env.project.db, params.taskId);
  return env.jobs.start('odm', params, async (ctx) =>
    runOdm(env.project, task.id, { engine: params.engine, gpu: params.gpu }, { ...control(ctx), onLog: ctx.log }),
  );
}
