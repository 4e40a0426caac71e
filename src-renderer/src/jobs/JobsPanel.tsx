import type { JobInfo } from '../../../src-preload/contract.ts';
import { JobCard } from './JobCard.tsx';
import { isActive, lastEndedOfEachKind } from './format.ts';

/** All long work in one place: what runs now, then the last run of each kind that ended (newest first). */
export function JobsPanel({ jobs }: { jobs: JobInfo[] }) {
  const active = jobs.filter(isActive);
  const finished = lastEndedOfEachKind(jobs);
  return (
    <aside className="jobs-panel" aria-label="Jobs">
      <h2>Jobs</h2>
      {jobs.length === 0 && <p className="muted">No work yet.</p>}
      {active.map((j) => (
        <JobCard key={j.id} job={j} />
      ))}
      {finished.length > 0 && <h3>Finished</h3>}
      {finished.map((j) => (
        <JobCard key={j.id} job={j} />
      ))}
    </aside>
  );
}

