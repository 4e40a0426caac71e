import { IMAGE_STATUSES, type ImageStatus, type ProjectSummary } from '../../src-preload/contract.ts';
import { schemaVersion } from '../db/database.ts';
import type { Project } from '../project/project.ts';

export function projectSummary(project: Project): ProjectSummary {
  const counts = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
  for (const row of project.db
    .prepare<[], { status: ImageStatus; n: number }>('SELECT status, count(*) AS n FROM images GROUP BY status')
    .all()) {
    counts[row.status] = row.n;
  }
  const taskCount = (project.db.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;
  return {
    id: project.info.id,
    name: project.info.name,
    dir: project.dir,
    createdAt: project.info.createdAt,
    schemaVersion: schemaVersion(project.db),
    counts,
    taskCount,
  };
}
