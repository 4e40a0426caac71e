/**
 * Long work started from the UI, as jobs (ingest, classify, coverage, sync, ODM). Ingest, classification and coverage
 * follow the one sequence of jobs/work-steps.ts: each step is its own job (own progress, own cancel) and a step that
 * succeeds starts the next; a failed or cancelled step doesn't.
 */
import type { Project } from '../project/project.ts';
import type { JobContext, JobRunner } from '../jobs/jobs.ts';
import type { EventSink } from '../jobs/jobs.ts';
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
  return env.jobs.start(step, params, async (ctx) => {
    const result = await runWorkStep(env.project, step, params, control(ctx));
    env.emit('project.changed', { what: CHANGED[step] });
    const next = NEXT_STEP[step];
    if (next === 'classify') startStep(env, 'classify', {});
    else if (next === 'coverage') refreshCoverage(env);
    // A coverage job answers with the figure per task; the stored coverage is read through tasks.list.
    if (step !== 'coverage') return result;
    return { tasks: (result as StepResults['coverage']).tasks.map((t) => ({ taskId: t.taskId, coveragePct: t.coverage.coveragePct })) };
  });
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

export function startSync(env: WorkEnv, params: { taskId?: string }, credentialStore: CredentialStore | undefined): string {
  return env.jobs.start('sync', params, async (ctx) => {
    const target = resolveTarget(env.project.db);
    const credentials = (await credentialStore?.get(credentialAccount(target))) ?? undefined;
    const report = await syncVerifiedTasks(env.project, { target, credentials, taskIds: params.taskId ? [params.taskId] : undefined }, control(ctx));
    env.emit('project.changed', { what: 'tasks' });
    return report;
  });
}

export function startOdm(env: WorkEnv, params: { taskId: string; engine?: 'docker' | 'nodeodm'; gpu?: 'auto' | 'on' | 'off' }): string {
  const task = requireTask(env.project.db, params.taskId);
  return env.jobs.start('odm', params, async (ctx) =>
    runOdm(env.project, task.id, { engine: params.engine, gpu: params.gpu }, { ...control(ctx), onLog: ctx.log }),
  );
}
