import { useEffect, useState } from 'react';
import type { JobInfo, OdmRunInfo, TaskInfo } from '../../../src-preload/contract.ts';
import { errorMessage, useApi, useEvent } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';
import { isActive } from '../jobs/format.ts';

type Engine = 'docker' | 'nodeodm';
type Gpu = 'auto' | 'on' | 'off';
/** Enough of ODM's log to follow what it does; the full log stays in the project's logs folder. */
const LOG_LINES = 200;
const NO_RUNS: OdmRunInfo[] = [];

/** The newest ODM job of a task (jobs come newest first). */
export function taskOdmJob(jobs: readonly JobInfo[], taskId: string): JobInfo | undefined {
  return jobs.find((j) => j.kind === 'odm' && j.params.taskId === taskId);
}

/** Lines a job logs while we watch ('job.log' events), the newest LOG_LINES kept. */
function useJobLog(jobId: string | null): string[] {
  const [lines, setLines] = useState<string[]>([]);
  useEffect(() => setLines([]), [jobId]);
  useEvent('job.log', ({ jobId: from, line }) => {
    if (from === jobId) setLines((l) => [...l, line].slice(-LOG_LINES));
  });
  return lines;
}

/** An orthophoto of one verified task with OpenDroneMap: engine and GPU choice, start, cancel, live log, outcome. */
export function OdmPanel({ task, jobs, revision }: { task: TaskInfo; jobs: readonly JobInfo[]; revision: number }) {
  const api = useApi();
  const [engine, setEngine] = useState<Engine>('docker');
  const [gpu, setGpu] = useState<Gpu>('auto');
  const [error, setError] = useState<string | null>(null);
  const job = taskOdmJob(jobs, task.taskId);
  const running = job !== undefined && isActive(job);
  const lines = useJobLog(job?.id ?? null);
  const runs =
    useQuery(() => api.call('odm.runs', { taskId: task.taskId }), [api, task.taskId], { refresh: [revision, job?.state], onError: setError }).data ??
    NO_RUNS;
  const last = runs[0];

  const act = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const start = () => act(() => api.call('odm.start', { taskId: task.taskId, engine, gpu }));
  // The orthophoto of the newest finished run, sent to the task's DroneTM task as odm_import.zip (a sync job).
  const pushJob = jobs.find((j) => j.kind === 'sync' && j.params.odmPush === true && j.params.taskId === task.taskId);
  const pushing = pushJob !== undefined && isActive(pushJob);
  const push = () => act(() => api.call('odm.push', { taskId: task.taskId }));
  // A run this window started is stopped through its job; one left by another process by its run id.
  const cancel = () =>
    act(() => (running ? api.call('jobs.cancel', { jobId: job.id }) : api.call('odm.cancel', { runId: last!.id })));
  const stoppable = running || last?.state === 'running' || last?.state === 'queued';
  const progress = running ? job.progress : null;
  const stage = progress?.stage ?? last?.stage ?? null;
  const percent = progress?.total ? Math.round((progress.done / progress.total) * 100) : (last?.progress ?? null);

  return (
    <section className="card odm" aria-label={`Orthophoto of task ${task.taskId}`} data-testid={`odm-${task.taskId}`} data-state={running ? 'running' : (last?.state ?? 'none')}>
      <h3>Orthophoto · task {task.taskId}</h3>
      <div className="actions">
        <label>
          Engine{' '}
          <select value={engine} disabled={running} onChange={(e) => setEngine(e.currentTarget.value as Engine)}>
            <option value="docker">Docker on this laptop</option>
            <option value="nodeodm">NodeODM server</option>
          </select>
        </label>
        <label>
          GPU{' '}
          <select value={gpu} disabled={running || engine === 'nodeodm'} onChange={(e) => setGpu(e.currentTarget.value as Gpu)}>
            <option value="auto">auto</option>
            <option value="on">on</option>
            <option value="off">off</option>
          </select>
        </label>
        <button type="button" disabled={running} onClick={() => void start()}>
          Start ODM
        </button>
        <button type="button" disabled={!stoppable} onClick={() => void cancel()}>
          Cancel ODM
        </button>
        <button type="button" disabled={running || pushing || !runs.some((r) => r.state === 'done')} onClick={() => void push()}>
          Send orthophoto to DroneTM
        </button>
      </div>
      {pushJob && (
        <p data-testid="odm-push-status" role={pushJob.state === 'failed' ? 'alert' : undefined} className={pushJob.state === 'failed' ? 'error' : 'muted'}>
          {pushing ? 'Sending the orthophoto to DroneTM…' : pushJob.state === 'done' ? 'Orthophoto sent to DroneTM (odm_import.zip); DroneTM imports it now.' : `Sending to DroneTM ${pushJob.state}${pushJob.error ? `: ${pushJob.error.message}` : ''}`}
        </p>
      )}
      {(running || last) && (
        <p data-testid="odm-status">
          {running ? 'Running' : `Last run ${last!.state}`}
          {stage && stage !== (running ? null : last?.state) && ` · ${stage}`}
          {percent !== null && ` · ${percent}%`}
          {!running && last?.gpu !== null && last?.gpu !== undefined && ` · ${last.gpu ? 'GPU' : 'CPU'}`}
          {!running && last?.state === 'done' && (last.overlay ? ' · on the map' : ` · no map overlay: ${last.overlayError ?? 'none made'}`)}
        </p>
      )}
      {running && (
        <div className="progress" role="progressbar" aria-label={`ODM progress of task ${task.taskId}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent ?? undefined}>
          <div className={percent === null ? 'bar indeterminate' : 'bar'} style={{ width: `${percent ?? 100}%` }} />
        </div>
      )}
      {!running && last?.error && (
        <pre role="alert" className="error odm-error" data-testid="odm-error">
          {last.error}
        </pre>
      )}
      {lines.length > 0 && (
        <pre className="odm-log" data-testid="odm-log" aria-label="ODM log" tabIndex={0}>
          {lines.join('\n')}
        </pre>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
