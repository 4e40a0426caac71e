import type { Geometry } from 'geojson';
import { AppError } from '../common/errors.ts';
import { transaction } from '../db/database.ts';
import { getTask } from '../db/tasks.ts';
import { setDronetmTask } from '../db/dronetm.ts';
import { importParsedTasks, type ImportTasksResult } from '../geo/task-import.ts';
import { validateTask, type ParsedTask } from '../geo/task-file.ts';
import type { Project } from '../project/project.ts';
import type { DronetmClient, DronetmTask } from './client.ts';
import { resolveDronetmLink } from './project-link.ts';

export interface DronetmImportResult extends ImportTasksResult {
  server: string;
  projectId: string;
  projectName: string;
}

/** A task outline as DroneTM's GET /projects/{id} gives it: a Feature (its usual form), or a bare geometry. */
function outlineGeometry(outline: unknown): Geometry | null {
  const o = outline as { type?: string; geometry?: Geometry } | null | undefined;
  if (!o || typeof o !== 'object') return null;
  if (o.type === 'Feature') return o.geometry ?? null;
  if (o.type === 'FeatureCollection') {
    return (outline as { features?: { geometry?: Geometry }[] }).features?.[0]?.geometry ?? null;
  }
  return o as Geometry;
}

/**
 * Pulls a DroneTM project's task outlines (online, before leaving for the field) into the project: each task under
 * the id DroneTM's pilots see (its `project_task_index`, as in DroneTM's boundary export), stored with DroneTM's task
 * uuid and index so sync and ODM push can name it the way DroneTM does. Adds or updates, never deletes; one
 * transaction, so a bad outline changes nothing. The project is linked to the DroneTM project for later syncs.
 */
export async function importDronetmTasks(
  project: Project,
  client: DronetmClient,
  projectId: string,
): Promise<DronetmImportResult> {
  const remote = await client.project(projectId);
  const tasks: DronetmTask[] = [...(remote.tasks ?? [])].sort((a, b) => a.project_task_index - b.project_task_index);
  if (tasks.length === 0) {
    throw new AppError('not_found', `DroneTM project "${remote.name}" has no tasks yet: its manager must split it into tasks first.`, {
      projectId,
    });
  }
  const parsed: ParsedTask[] = tasks.map((t) =>
    validateTask(outlineGeometry(t.outline), String(t.project_task_index), `Task ${t.project_task_index}`, `DroneTM task ${t.id}`),
  );
  let result!: ImportTasksResult;
  transaction(project.db, () => {
    result = importParsedTasks(project, { format: 'dronetm', tasks: parsed }, `dronetm:${remote.name}`);
    for (const t of tasks) {
      const row = getTask(project.db, String(t.project_task_index))!;
      setDronetmTask(project.db, row.id, { uuid: t.id, index: t.project_task_index });
    }
    resolveDronetmLink(project.db, { server: client.api, projectId: remote.id });
  });
  return { ...result, server: client.api, projectId: remote.id, projectName: remote.name };
}
