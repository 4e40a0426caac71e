import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobInfo } from '../../../src-preload/contract.ts';
import { useApi, useEvent } from '../common/api-context.tsx';
import { useQuery } from '../common/useQuery.ts';
import { mergeJob } from './format.ts';

/**
 * Every job of the open project: listed once on load (so a reloaded window sees the work still running) and kept
 * current by `job.updated` events. `onFinished` runs when a job ends while we watch.
 */
export function useJobs(projectId: string | null, onFinished: (job: JobInfo) => void): JobInfo[] {
  const api = useApi();
  const [jobs, setJobs] = useState<JobInfo[]>([]);
  // Each job's last known state, kept outside React state so `onFinished` runs here, once, not inside an updater.
  const lastState = useRef(new Map<string, JobInfo['state']>());
  useEffect(() => {
    setJobs([]); // another project's jobs are not this one's
    lastState.current = new Map();
  }, [projectId]);
  // No project yet: the list stays empty until one opens (a failure leaves it to the events).
  const listed = useQuery(async () => (projectId ? api.call('jobs.list', {}) : null), [api, projectId]);
  useEffect(() => {
    const list = listed.data;
    if (!list) return;
    for (const j of list) if (!lastState.current.has(j.id)) lastState.current.set(j.id, j.state);
    setJobs((known) => list.reduce(mergeJob, known));
  }, [listed.data]);
  const update = useCallback(
    (job: JobInfo) => {
      const before = lastState.current.get(job.id);
      lastState.current.set(job.id, job.state);
      setJobs((known) => mergeJob(known, job));
      const ended = job.state !== 'queued' && job.state !== 'running';
      if (ended && before !== job.state) onFinished(job);
    },
    [onFinished],
  );
  useEvent('job.updated', update);
  return jobs;
}
