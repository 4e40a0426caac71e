/**
 * Long work started from the UI, as jobs (ingest, classify, coverage, sync, ODM): ingest runs classification after it, and classification runs coverage,
 * so a pilot who inserts a card sees statuses and coverage without starting three things by hand. Each step is its
 * own job (own progress, own cancel); a failed or cancelled step doesn't start the next.
 */
import type { Project } from '../project/project.ts';
import type { JobContext, JobRunner } from '../jobs/jobs.ts';
import type { EventSink } from '../jobs/jobs.ts';
import { runIngest } from '../ingest/ingest.ts';
import { classifyProject } from '../classify/classify.ts';
import { computeCoverageYielding } from '../geo/coverage-service.ts';
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

export function startCoverage(env: WorkEnv): string {
  return env.jobs.start('coverage', {}, async (ctx) => {
    const result = await computeCoverageYielding(env.project, control(ctx));
    env.emit('project.changed', { what: 'tasks' });
    return { tasks: result.tasks.map((t) => ({ taskId: t.taskId, coveragePct: t.coverage.coveragePct })) };
  });
}

/**
 * Coverage after the pilot's decisions change which photos count: one run queued behind any running one is enough,
 * however fast the pilot culls (a queued run reads the database when it starts, so it sees every later decision).
 */
export function refreshCoverage(env: WorkEnv): void {
  const waiting = env.jobs.list().some((j) => j.kind === 'coverage' && j.state === 'queued');
  if (!waiting) startCoverage(env);
}

export function startClassify(env: WorkEnv, params: { flightTail?: boolean }): string {
  return env.jobs.start('classify', params, async (ctx) => {
    const summary = await classifyProject(env.project, { ...params, ...control(ctx) });
    env.emit('project.changed', { what: 'images' });
    refreshCoverage(env);
    return summary;
  });
}

/**
 * The classify -> coverage chain after a change that can move photos between statuses or tasks (tasks imported,
 * photos decided before classification): one run queued behind any running one is enough, as for coverage.
 */
export function refreshClassification(env: WorkEnv): void {
  const waiting = env.jobs.list().some((j) => j.kind === 'classify' && j.state === 'queued');
  if (!waiting) startClassify(env, {});
}

export function startIngest(env: WorkEnv, params: { source: string; inPlace?: boolean }): string {
  return env.jobs.start('ingest', params, async (ctx) => {
    const summary = await runIngest(env.project, { ...params, ...control(ctx) });
    env.emit('project.changed', { what: 'images' });
    startClassify(env, {});
    return summary;
  });
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
