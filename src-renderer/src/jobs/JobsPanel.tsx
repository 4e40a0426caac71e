import type { JobInfo } from '../../../src-preload/contract.ts';
import { JobCard } from './JobCard.tsx';
import { isActive, lastEndedOfEachKind } from './format.ts';

/**
 * All long work in one place: what runs now, then the last run of each kind that ended (newest first). Folds to a
 * narrow button (with the count of running jobs) so a small screen keeps its width for the map and the gallery.
 */
export function JobsPanel({ jobs, open, onToggle }: { jobs: JobInfo[]; open: boolean; onToggle: () => void }) {
  const active = jobs.filter(isActive);
  const finished = lastEndedOfEachKind(jobs);
  if (!open) {
    return (
      <aside className="jobs-panel folded" aria-label="Jobs">
        <button type="button" className="jobs-toggle" onClick={onToggle} aria-expanded={false}>
          Jobs{active.length > 0 ? ` (${active.length} running)` : ''}
        </button>
      </aside>
    );
  }
  return (
    <aside className="jobs-panel" aria-label="Jobs">
      <h2>
        Jobs{' '}
        <button type="button" className="jobs-toggle" onClick={onToggle} aria-expanded={true}>
          Hide jobs
        </button>
      </h2>
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

