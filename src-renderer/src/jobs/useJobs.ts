import { useCallback, useEffect, useState } from 'react';
import type { JobInfo } from '../../../src-preload/contract.ts';
import { useApi, useEvent } from '../common/api-context.tsx';
import { mergeJob } from './format.ts';

/**
 * Every job of the open project: listed once on load (so a reloaded window sees the work still running) and kept
 * current by `job.updated` events. `onFinished` runs when a job ends while we watch.
 */
export function useJobs(projectId: string | null, onFinished: (job: JobInfo) => void): JobInfo[] {
  const api = useApi();
  const [jobs, setJobs] = useState<JobInfo[]>([]);
  useEffect(() => {
    setJobs([]); // another project's jobs are not this one's
    if (!projectId) return;
    let live = true;
    api.call('jobs.list', {}).then(
      (list) => live && setJobs((known) => list.reduce(mergeJob, known)),
      () => undefined, // no project yet: the list stays empty until one opens
    );
    return () => {
      live = false;
    };
  }, [api, projectId]);
  const update = useCallback(
    (job: JobInfo) => {
      setJobs((known) => {
        const before = known.find((j) => j.id === job.id);
        const ended = job.state !== 'queued' && job.state !== 'running';
        if (ended && before?.state !== job.state) queueMicrotask(() => onFinished(job));
        return mergeJob(known, job);
      });
    },
    [onFinished],
  );
  useEvent('job.updated', update);
  return jobs;
}
