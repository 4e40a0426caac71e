import type { ProjectSummary } from '../../src-preload/contract.ts';
import { countByStatus } from '../db/images.ts';
import { countTasks } from '../db/tasks.ts';
import { schemaVersion } from '../db/database.ts';
import type { Project } from '../project/project.ts';

export function projectSummary(project: Project): ProjectSummary {
  return {
    id: project.info.id,
    name: project.info.name,
    dir: project.dir,
    createdAt: project.info.createdAt,
    schemaVersion: schemaVersion(project.db),
    counts: countByStatus(project.db),
    taskCount: countTasks(project.db),
  };
}
