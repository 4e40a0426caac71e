import type { TaskInfo } from '../../../src-preload/contract.ts';

export type TaskState = 'not_flown' | 'partial' | 'covered' | 'verified';

/** Coverage at or above this share of the task counts as covered on the map (verification applies its own thresholds). */
export const COVERED_PCT = 95;

export const TASK_STATE_LABELS: Record<TaskState, string> = {
  not_flown: 'Not flown',
  partial: 'Partly covered',
  covered: 'Covered',
  verified: 'Verified',
};

/** Saturated colours that stay apart in sunlight and for the common colour-vision deficiencies. */
export const TASK_STATE_COLOURS: Record<TaskState, string> = {
  not_flown: '#9e9e9e',
  partial: '#ff9800',
  covered: '#2196f3',
  verified: '#00c853',
};

export function taskState(task: Pick<TaskInfo, 'verified' | 'coveragePct' | 'assignedCount'>): TaskState {
  if (task.verified) return 'verified';
  if (task.assignedCount === 0 || !task.coveragePct) return task.assignedCount > 0 ? 'partial' : 'not_flown';
  return task.coveragePct >= COVERED_PCT ? 'covered' : 'partial';
}

export function formatPct(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)}%`;
}

/** Gap polygons of a task's last coverage, whatever shape the core stored them in. */
export function gapFeatures(task: Pick<TaskInfo, 'gaps'>): { type: 'Feature'; geometry: unknown; properties: { areaM2?: number } }[] {
  const gaps = task.gaps as { features?: unknown } | unknown[] | null;
  const list = Array.isArray(gaps) ? gaps : Array.isArray(gaps?.features) ? gaps.features : [];
  return list.filter((f): f is { type: 'Feature'; geometry: unknown; properties: { areaM2?: number } } =>
    typeof f === 'object' && f !== null && (f as { type?: string }).type === 'Feature',
  );
}

export interface ChecklistItem {
  id: string;
  label: string;
  ok: boolean;
  detail: string;
}

/** "Ready to leave site?": what must hold over all tasks before the pilot packs up. */
export function leaveSiteChecklist(tasks: readonly TaskInfo[], activeJobs: number): ChecklistItem[] {
  const names = (list: readonly TaskInfo[]) => list.map((t) => t.taskId).join(', ');
  const none = tasks.length === 0 ? 'No tasks' : null;
  const unflown = tasks.filter((t) => taskState(t) === 'not_flown');
  const short = tasks.filter((t) => !t.verified && (t.coveragePct ?? 0) < COVERED_PCT);
  const withGaps = tasks.filter((t) => !t.verified && gapFeatures(t).length > 0);
  const unverified = tasks.filter((t) => !t.verified);
  return [
    { id: 'tasks', label: 'Tasks imported', ok: tasks.length > 0, detail: tasks.length ? `${tasks.length} tasks` : 'Import the task file first' },
    { id: 'jobs', label: 'All work finished', ok: activeJobs === 0, detail: activeJobs ? `${activeJobs} job(s) still running` : 'Nothing running' },
    { id: 'flown', label: 'Every task has photos', ok: tasks.length > 0 && unflown.length === 0, detail: none ?? (unflown.length ? `No photos: ${names(unflown)}` : 'All flown') },
    { id: 'covered', label: `Every task covered (≥ ${COVERED_PCT}%)`, ok: tasks.length > 0 && short.length === 0, detail: none ?? (short.length ? `Short: ${names(short)}` : 'All covered') },
    { id: 'gaps', label: 'No gaps left', ok: withGaps.length === 0, detail: withGaps.length ? `Gaps in ${names(withGaps)}` : 'No gaps' },
    { id: 'verified', label: 'Every task verified', ok: tasks.length > 0 && unverified.length === 0, detail: none ?? (unverified.length ? `To verify: ${names(unverified)}` : 'All verified') },
  ];
}
