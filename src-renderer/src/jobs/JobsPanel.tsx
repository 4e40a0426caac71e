import type { JobInfo } from '../../../src-preload/contract.ts';
import { JobCard } from './JobCard.tsx';
import { isActive } from './format.ts';

const RECENT_FINISHED = 4;

/** All long work in one place: what runs now, then the last few that ended. */
export function JobsPanel({ jobs }: { jobs: JobInfo[] }) {
  const active = jobs.filter(isActive);
  const finished = jobs.filter((j) => !isActive(j)).slice(0, RECENT_FINISHED);
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
