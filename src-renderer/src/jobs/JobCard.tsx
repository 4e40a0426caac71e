import { useState } from 'react';
import type { JobInfo } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { formatCount, formatEta, formatRate, isActive, progressFraction } from './format.ts';

const KIND_LABELS: Record<JobInfo['kind'], string> = {
  ingest: 'Ingest',
  classify: 'Classify',
  coverage: 'Coverage',
  sync: 'Sync',
  odm: 'OpenDroneMap',
};

/** One job: state, a progress bar with files, MB/s and ETA, and a cancel button while it runs. */
export function JobCard({ job, paused = false }: { job: JobInfo; paused?: boolean }) {
  const api = useApi();
  const [cancelError, setCancelError] = useState<string | null>(null);
  const fraction = progressFraction(job.progress);
  const p = job.progress;
  // A sync the pilot paused ended as a cancel underneath (marked paused by jobs.cancel): it is said "paused", here and
  // in the Jobs column, with no rate or ETA.
  const stateText = job.state === 'cancelled' && (paused || job.error?.details?.paused === true) ? 'paused' : job.state;
  const label = `${KIND_LABELS[job.kind]} ${stateText}`;
  return (
    <article className={`job job-${job.state}`} data-testid={`job-${job.kind}`} data-state={job.state} aria-label={label}>
      <header>
        <strong>{KIND_LABELS[job.kind]}</strong> <span className="job-state">{stateText}</span>
        {/* The stage says where running work is; once it has ended, or when it only repeats the kind, it is noise. */}
        {p?.stage && isActive(job) && p.stage !== job.kind && <span className="job-stage"> · {p.stage}</span>}
      </header>
      {(isActive(job) || p) && (
        <div
          className="progress"
          role="progressbar"
          aria-label={`${KIND_LABELS[job.kind]} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
        >
          <div className={fraction === null ? 'bar indeterminate' : 'bar'} style={{ width: `${Math.round((fraction ?? 1) * 100)}%` }} />
        </div>
      )}
      {p && stateText !== 'paused' && (
        <p className="job-figures">
          <span>{formatCount(p, job.kind === 'ingest' || job.kind === 'sync' ? 'files' : '')}</span>
          <span>{formatRate(p.rate)}</span>
          <span>ETA {formatEta(p.etaSeconds)}</span>
        </p>
      )}
      {p?.message && <p className="job-message">{p.message}</p>}
      {job.error && job.state !== 'cancelled' && (
        <p role="alert" className="error">
          {job.error.message}
        </p>
      )}
      {isActive(job) && (
        <button
          type="button"
          onClick={() => void api.call('jobs.cancel', { jobId: job.id }).catch((e: unknown) => setCancelError(errorMessage(e)))}
        >
          Cancel {KIND_LABELS[job.kind].toLowerCase()}
        </button>
      )}
      {cancelError && <p role="alert">{cancelError}</p>}
    </article>
  );
}
