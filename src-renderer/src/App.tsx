import { useEffect, useMemo, useState } from 'react';
import { createApiClient } from './api/client.ts';
import type { ProjectSummary } from '../../src-preload/contract.ts';

export function App() {
  const api = useMemo(() => createApiClient(), []);
  const [project, setProject] = useState<ProjectSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call('project.current', {}).then(setProject, (e: Error) => setError(e.message));
  }, [api]);
  return (
    <main>
      <h1>Postflight</h1>
      {error && <p role="alert">{error}</p>}
      {project ? <p data-testid="project-name">{project.name}</p> : <p>No project open.</p>}
    </main>
  );
}
