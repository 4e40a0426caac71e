import { useCallback, useEffect, useMemo, useState } from 'react';
import { createApiClient, type ApiClient } from './api/client.ts';
import type { JobInfo, TaskInfo } from '../../src-preload/contract.ts';
import { ApiProvider, errorMessage, useApi, useEvent } from './common/api-context.tsx';
import { useJobs } from './jobs/useJobs.ts';
import { useQuery } from './common/useQuery.ts';
import { isActive } from './jobs/format.ts';
import { JobsPanel } from './jobs/JobsPanel.tsx';
import { ProjectScreen } from './project/ProjectScreen.tsx';
import { IngestPanel } from './ingest/IngestPanel.tsx';
import { TasksPanel } from './tasks/TasksPanel.tsx';
import { SyncPanel } from './sync/SyncPanel.tsx';
import { Gallery } from './gallery/Gallery.tsx';
import { PhotoDetail } from './gallery/PhotoDetail.tsx';
import { ReviewMap } from './map/ReviewMap.tsx';
import { applyTheme, loadTheme, type Theme } from './theme/theme.ts';
import type { ProjectContext } from './common/project-context.ts';

type View = 'map' | 'gallery' | 'tasks' | 'sync' | 'ingest' | 'project';
const VIEWS: { id: View; label: string }[] = [
  { id: 'map', label: 'Map' },
  { id: 'gallery', label: 'Gallery' },
  { id: 'tasks', label: 'Tasks' },
  { id: 'sync', label: 'Sync' },
  { id: 'ingest', label: 'Ingest' },
  { id: 'project', label: 'Project' },
];
const NO_TASKS: TaskInfo[] = [];

export function App() {
  const [api, setApi] = useState<ApiClient | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  useEffect(() => {
    try {
      setApi(createApiClient());
    } catch (err) {
      setFatal(errorMessage(err));
    }
  }, []);
  if (fatal) return <p role="alert" className="fatal">{fatal}</p>;
  if (!api) return null;
  return (
    <ApiProvider value={api}>
      <Workspace />
    </ApiProvider>
  );
}

function Workspace() {
  const api = useApi();
  const [revision, setRevision] = useState(0);
  const [view, setView] = useState<View>('map');
  const [detailId, setDetailId] = useState<number | null>(null);
  // The list the open photo came from (the gallery's order), for next/previous in the dialog.
  const [detailList, setDetailList] = useState<readonly number[]>([]);
  const openPhoto = useCallback((id: number, ids?: readonly number[]) => {
    setDetailList(ids ?? []);
    setDetailId(id);
  }, []);
  const [error, setError] = useState<string | null>(null);
  const [theme, setTheme] = useState<Theme>(loadTheme);
  // The Jobs column takes 300 px: open by default only where the screen has room for it beside the views.
  const [jobsOpen, setJobsOpen] = useState(() => window.innerWidth >= 1400);
  useEffect(() => applyTheme(theme), [theme]);

  const refresh = useCallback(() => setRevision((r) => r + 1), []);
  // Refreshes come in bursts while work runs: useQuery keeps only the newest answer.
  const current = useQuery(() => api.call('project.current', {}), [api], { refresh: [revision], onError: setError });
  const project = current.data ?? null;
  const setProject = current.setData;
  useEffect(() => {
    if (current.data === null) setView('project');
  }, [current.data]);
  const projectId = project?.id ?? null;
  // Another project: nothing of the previous one's stays on screen (its tasks, its errors, the open photo).
  useEffect(() => {
    setError(null);
    setDetailId(null);
  }, [projectId]);
  // Tasks are kept with the project they were read from: right after a switch, the previous project's list must not
  // reach the new project's views (they would ask the core about tasks it does not have).
  const taskList = useQuery(
    async () => (projectId ? { projectId, tasks: await api.call('tasks.list', {}) } : null),
    [api, projectId],
    { refresh: [revision], onError: setError },
  );
  const tasks = useMemo(
    () => (taskList.data && taskList.data.projectId === projectId ? taskList.data.tasks : NO_TASKS),
    [taskList.data, projectId],
  );
  useEvent('project.changed', refresh);
  const onJobFinished = useCallback((_job: JobInfo) => refresh(), [refresh]);
  const jobs = useJobs(project?.id ?? null, onJobFinished);
  const recomputing = jobs.some((j) => (j.kind === 'classify' || j.kind === 'coverage') && isActive(j));
  const ctx = useMemo<ProjectContext>(
    () => ({ project, tasks, revision, refresh, openPhoto, recomputing }),
    [project, tasks, revision, refresh, openPhoto, recomputing],
  );

  return (
    <div className={jobsOpen ? 'app' : 'app jobs-folded'}>
      <header className="topbar">
        <h1>Postflight</h1>
        <span className="project-name" data-testid="project-name">{project ? project.name : 'No project open'}</span>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <button
              key={v.id}
              type="button"
              aria-current={view === v.id ? 'page' : undefined}
              disabled={!project && v.id !== 'project'}
              onClick={() => setView(v.id)}
            >
              {v.label}
            </button>
          ))}
        </nav>
        <button
          type="button"
          className="theme-toggle"
          aria-pressed={theme === 'sunlight'}
          onClick={() => setTheme(theme === 'sunlight' ? 'standard' : 'sunlight')}
        >
          Sunlight mode
        </button>
      </header>
      {error && (
        <p role="alert" className="banner error">
          {error} <button type="button" onClick={() => setError(null)}>Dismiss</button>
        </p>
      )}
      {/* Keyed by project: switching projects starts every view afresh (filters, errors, the map fitted anew). */}
      <main className="content" id="main" key={projectId ?? 'none'}>
        {view === 'project' || !project ? (
          <ProjectScreen
            project={project}
            onOpened={(p) => {
              setProject(() => p);
              refresh();
              setView('map');
            }}
            onImported={refresh}
            revision={revision}
          />
        ) : view === 'map' ? (
          <ReviewMap {...ctx} />
        ) : view === 'gallery' ? (
          <Gallery {...ctx} />
        ) : view === 'tasks' ? (
          <TasksPanel {...ctx} jobs={jobs} />
        ) : view === 'sync' ? (
          <SyncPanel {...ctx} jobs={jobs} />
        ) : (
          <IngestPanel jobs={jobs} taskCount={tasks.length} revision={revision} />
        )}
      </main>
      <JobsPanel jobs={jobs} open={jobsOpen} onToggle={() => setJobsOpen((o) => !o)} />
      {detailId !== null && (
        <PhotoDetail id={detailId} list={detailList} onNavigate={setDetailId} revision={revision} onClose={() => setDetailId(null)} onChanged={refresh} />
      )}
    </div>
  );
}
