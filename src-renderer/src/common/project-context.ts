import type { ProjectSummary, TaskInfo } from '../../../src-preload/contract.ts';

/** What every project view gets from the workspace. `revision` changes whenever the project's data may have. */
export interface ProjectContext {
  project: ProjectSummary | null;
  tasks: TaskInfo[];
  revision: number;
  refresh: () => void;
  /** Opens a photo's dialog; `ids` is the list it belongs to, for next/previous. */
  openPhoto: (id: number, ids?: readonly number[]) => void;
  /** Classification or coverage is queued or running: figures on screen are about to change (say so, not them). */
  recomputing: boolean;
}
