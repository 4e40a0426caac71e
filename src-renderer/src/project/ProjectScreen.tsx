import { useState } from 'react';
import type { ProjectSummary } from '../../../src-preload/contract.ts';
import { errorMessage, useApi } from '../common/api-context.tsx';
import { FolderField } from '../common/FolderField.tsx';
import { useQuery } from '../common/useQuery.ts';
import { TaskImport } from '../tasks/TaskImport.tsx';
import { SettingsForm } from './SettingsForm.tsx';

type Recent = { dir: string; name: string; openedAt: string };
const NO_RECENT: Recent[] = [];

/** Open or create a project folder, reopen a recent one, and import the task file. */
export function ProjectScreen(props: {
  project: ProjectSummary | null;
  onOpened: (p: ProjectSummary) => void;
  onImported: () => void;
  revision: number;
}) {
  const api = useApi();
  const [dir, setDir] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Read again as another project opens; an unreadable list shows none.
  const recentQuery = useQuery(() => api.call('project.recent', {}), [api], { refresh: [props.project] });
  const recent = recentQuery.error ? NO_RECENT : (recentQuery.data ?? NO_RECENT);

  const open = async (target: string, create: boolean) => {
    setError(null);
    try {
      props.onOpened(await api.call('project.open', { dir: target, create }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="panel project-screen">
      <h2>Project</h2>
      {props.project && (
        <section aria-label="Current project" className="card">
          <h3>{props.project.name}</h3>
          <p className="muted">{props.project.dir}</p>
          <p>
            {props.project.taskCount} tasks ·{' '}
            {Object.entries(props.project.counts)
              .filter(([, n]) => n > 0)
              .map(([s, n]) => `${n} ${s.replace('_', ' ')}`)
              .join(' · ') || 'no photos yet'}
          </p>
          <TaskImport onImported={props.onImported} />
        </section>
      )}
      {props.project && <SettingsForm revision={props.revision} />}
      <form
        className="card"
        aria-label="Open a project folder"
        onSubmit={(e) => {
          e.preventDefault();
          void open(dir, false);
        }}
      >
        <FolderField label="Project folder" purpose="project" value={dir} onChange={setDir} testId="project-dir" />
        <div className="actions">
          <button type="submit" disabled={!dir}>
            Open
          </button>
          <button type="button" disabled={!dir} onClick={() => void open(dir, true)}>
            Create new project here
          </button>
        </div>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
      {recent.length > 0 && (
        <section className="card" aria-label="Recent projects">
          <h3>Recent projects</h3>
          <ul className="recent">
            {recent.map((r) => (
              <li key={r.dir}>
                <button type="button" onClick={() => void open(r.dir, false)}>
                  {r.name}
                </button>{' '}
                <span className="muted">{r.dir} · {new Date(r.openedAt).toLocaleString()}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
