import type { TaskInfo } from '../../../src-preload/contract.ts';
import type { Theme } from '../theme/theme-name.ts';

export type TaskState = 'not_flown' | 'partial' | 'covered' | 'verified';

/** Coverage at or above this share of the task counts as covered on the map (verification applies its own thresholds). */
export const COVERED_PCT = 95;

export const TASK_STATE_LABELS: Record<TaskState, string> = {
  not_flown: 'Not flown',
  partial: 'Partly covered',
  covered: 'Covered',
  verified: 'Verified',
};

/**
 * How each task state looks, on the map (outlines, map-style.ts) and everywhere else a state is shown (the Tasks
 * table's chips, the map's task list and legend): one definition. Each state has its own hue AND its own line style,
 * so they stay apart without colour vision and in sunlight; sunlight mode darkens them for a white screen. Outlines,
 * never fills, so they cannot be mistaken for the overlap ramp's red/amber/green or a gap's hatching.
 */
export const TASK_STYLE: Record<TaskState, { colour: Record<Theme, string>; dash: number[] | null; width: number }> = {
  not_flown: { colour: { standard: '#e0e0e0', sunlight: '#000000' }, dash: [1, 1.5], width: 2.5 },
  partial: { colour: { standard: '#d500f9', sunlight: '#7b00a0' }, dash: [3, 1.5], width: 3 },
  covered: { colour: { standard: '#2979ff', sunlight: '#0030b0' }, dash: null, width: 3 },
  verified: { colour: { standard: '#ffffff', sunlight: '#000000' }, dash: null, width: 5 },
};

/** A task state's look as a CSS border (chips, list swatches, legend): the map outline's colour and line style. */
export function taskStateBorder(state: TaskState, theme: Theme): { borderColor: string; borderStyle: 'dashed' | 'dotted' | 'solid' } {
  const { colour, dash } = TASK_STYLE[state];
  return { borderColor: colour[theme], borderStyle: dash === null ? 'solid' : dash[0]! <= 1 ? 'dotted' : 'dashed' };
}

export function taskState(task: Pick<TaskInfo, 'verified' | 'coveragePct' | 'assignedCount'>): TaskState {
  if (task.verified) return 'verified';
  if (task.assignedCount === 0 || !task.coveragePct) return task.assignedCount > 0 ? 'partial' : 'not_flown';
  return task.coveragePct >= COVERED_PCT ? 'covered' : 'partial';
}

export function formatPct(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)}%`;
}

export type GapKind = 'unphotographed' | 'thin_overlap';

/** What the pilot reads for each kind of gap (legend, checklist, task table). */
export const GAP_KIND_LABELS: Record<GapKind, string> = {
  unphotographed: 'No photos here',
  thin_overlap: 'Too little overlap for reconstruction',
};

/** Red for ground no photo saw, magenta for thin overlap: apart from each other and from the amber overlap band. */
export const GAP_KIND_COLOURS: Record<GapKind, string> = {
  unphotographed: '#d50000',
  thin_overlap: '#c51162',
};

export interface GapFeature {
  type: 'Feature';
  geometry: unknown;
  properties: { kind: GapKind; areaM2?: number };
}

/**
 * Gap polygons of a task's last coverage, whatever shape the core stored them in. Coverage computed before gaps had
 * kinds ("seen by fewer than 3 photos") reads as thin overlap until it is computed again.
 */
export function gapFeatures(task: Pick<TaskInfo, 'gaps'>): GapFeature[] {
  const gaps = task.gaps as { features?: unknown } | unknown[] | null;
  const list: unknown[] = Array.isArray(gaps) ? gaps : Array.isArray(gaps?.features) ? gaps.features : [];
  return list.flatMap((f) => {
    if (typeof f !== 'object' || f === null || (f as { type?: string }).type !== 'Feature') return [];
    const g = f as { geometry: unknown; properties?: { kind?: unknown; areaM2?: unknown } | null };
    const kind: GapKind = g.properties?.kind === 'unphotographed' ? 'unphotographed' : 'thin_overlap';
    const areaM2 = typeof g.properties?.areaM2 === 'number' ? g.properties.areaM2 : undefined;
    return [{ type: 'Feature' as const, geometry: g.geometry, properties: { kind, areaM2 } }];
  });
}

/** Count and area of a task's gaps of one kind. */
export function gapTally(task: Pick<TaskInfo, 'gaps'>, kind: GapKind): { count: number; areaM2: number } {
  const own = gapFeatures(task).filter((g) => g.properties.kind === kind);
  return { count: own.length, areaM2: own.reduce((sum, g) => sum + (g.properties.areaM2 ?? 0), 0) };
}

export interface ChecklistItem {
  id: string;
  label: string;
  ok: boolean;
  detail: string;
}

/**
 * "Ready to leave site?": what must hold over all tasks before the pilot packs up. A task never flown is all gap (it
 * never passes "no gaps left"); a task verified by override passes, but is still named, marked "overridden", so the
 * pilot sees what was waved through. While figures are being recomputed nothing is said to be ready.
 */
export function leaveSiteChecklist(tasks: readonly TaskInfo[], activeJobs: number, recomputing = false): ChecklistItem[] {
  const names = (list: readonly TaskInfo[]) => list.map((t) => (t.verifyForced ? `${t.taskId} (overridden)` : t.taskId)).join(', ');
  const none = tasks.length === 0 ? 'No tasks' : null;
  const unflown = tasks.filter((t) => taskState(t) === 'not_flown');
  const isShort = (t: TaskInfo) => (t.coveragePct ?? 0) < COVERED_PCT;
  // A task never flown (or not yet covered) is all unphotographed ground, whatever gap polygons it has.
  const hasKind = (kind: GapKind) => (t: TaskInfo) =>
    (kind === 'unphotographed' && (taskState(t) === 'not_flown' || t.coveragePct === null)) || gapTally(t, kind).count > 0;
  const short = tasks.filter((t) => !t.verified && isShort(t));
  const withKind = (kind: GapKind) => tasks.filter((t) => !t.verified && hasKind(kind)(t));
  const unphotographed = withKind('unphotographed');
  const thin = withKind('thin_overlap');
  const overridden = (test: (t: TaskInfo) => boolean) => tasks.filter((t) => t.verifyForced && test(t));
  const unverified = tasks.filter((t) => !t.verified);
  const also = (list: readonly TaskInfo[]) => (list.length ? ` (overridden: ${list.map((t) => t.taskId).join(', ')})` : '');
  const items: ChecklistItem[] = [
    { id: 'tasks', label: 'Tasks imported', ok: tasks.length > 0, detail: tasks.length ? `${tasks.length} tasks` : 'Import the task file first' },
    { id: 'jobs', label: 'All work finished', ok: activeJobs === 0, detail: activeJobs ? `${activeJobs} job(s) still running` : 'Nothing running' },
    { id: 'flown', label: 'Every task has photos', ok: tasks.length > 0 && unflown.length === 0, detail: none ?? (unflown.length ? `No photos: ${names(unflown)}` : 'All flown') },
    {
      id: 'covered',
      label: `Every task covered (≥ ${COVERED_PCT}%)`,
      ok: tasks.length > 0 && short.length === 0,
      detail: none ?? ((short.length ? `Short: ${names(short)}` : 'All covered') + also(overridden(isShort))),
    },
    {
      id: 'unphotographed',
      label: 'No ground left without photos',
      ok: tasks.length > 0 && unphotographed.length === 0,
      detail:
        none ??
        ((unphotographed.length ? `No photos here: ${names(unphotographed)} (re-fly)` : 'Every task fully photographed') +
          also(overridden(hasKind('unphotographed')))),
    },
    {
      id: 'thin_overlap',
      label: 'Enough overlap everywhere',
      ok: tasks.length > 0 && thin.length === 0,
      detail:
        none ??
        ((thin.length ? `Too little overlap for reconstruction: ${names(thin)} (re-fly)` : 'Overlap enough for reconstruction') +
          also(overridden(hasKind('thin_overlap')))),
    },
    {
      id: 'verified',
      label: 'Every task verified',
      ok: tasks.length > 0 && unverified.length === 0,
      detail: none ?? ((unverified.length ? `To verify: ${names(unverified)}` : 'All verified') + also(overridden(() => true))),
    },
  ];
  if (!recomputing) return items;
  return items.map((c) => (c.id === 'tasks' || c.id === 'jobs' ? c : { ...c, ok: false, detail: 'recomputing…' }));
}
