import type { ImageFilter, ImageListItem, ImageStatus } from '../../../src-preload/contract.ts';

/** What the filter bar holds; empty means "any". */
export interface FilterState {
  statuses: ImageStatus[];
  reason: string;
  /** '' any, '__none__' photos with no task, else a task id. */
  task: string;
  /** '' any, '__none__' photos with no flight, else a flight id. */
  flight: string;
  from: string;
  to: string;
}

export const NONE = '__none__';
export const emptyFilters: FilterState = { statuses: [], reason: '', task: '', flight: '', from: '', to: '' };

/** The contract's filter for a filter bar state: only the constraints the pilot set. */
export function buildFilter(f: FilterState): ImageFilter {
  const filter: ImageFilter = {};
  if (f.statuses.length) filter.status = [...f.statuses];
  if (f.reason) filter.reason = [f.reason];
  if (f.task) filter.taskId = f.task === NONE ? null : f.task;
  if (f.flight) filter.flightId = f.flight === NONE ? null : Number(f.flight);
  if (f.from) filter.from = f.from;
  if (f.to) filter.to = f.to;
  return filter;
}

export function isFiltered(f: FilterState): boolean {
  return Object.keys(buildFilter(f)).length > 0;
}

export type GalleryRow =
  | { kind: 'header'; key: string; label: string; count: number }
  | { kind: 'photos'; key: string; start: number; end: number };

export function groupLabel(item: Pick<ImageListItem, 'taskId' | 'flightId'>): string {
  const task = item.taskId === null ? 'No task' : `Task ${item.taskId}`;
  const flight = item.flightId === null ? 'no flight' : `flight ${item.flightId}`;
  return `${task} · ${flight}`;
}

/**
 * Lays the (already grouped, see the API's list order) photos out as rows for the virtualised grid: a header row
 * at each task/flight change, then rows of `columns` photos. Rows keep flat indexes so the cursor is one number.
 */
export function galleryRows(items: readonly Pick<ImageListItem, 'taskId' | 'flightId'>[], columns: number): GalleryRow[] {
  const rows: GalleryRow[] = [];
  const cols = Math.max(1, columns);
  let i = 0;
  while (i < items.length) {
    const label = groupLabel(items[i]!);
    let end = i;
    while (end < items.length && groupLabel(items[end]!) === label) end++;
    rows.push({ kind: 'header', key: `h${i}`, label, count: end - i });
    for (let s = i; s < end; s += cols) rows.push({ kind: 'photos', key: `p${s}`, start: s, end: Math.min(end, s + cols) });
    i = end;
  }
  return rows;
}

/** The row holding flat index `index` (for scrolling the cursor into view). */
export function rowOfIndex(rows: readonly GalleryRow[], index: number): number {
  return rows.findIndex((r) => r.kind === 'photos' && index >= r.start && index < r.end);
}

/** The photo straight above or below `index` in the grid (same column, clamped to a shorter row), across headers. */
export function verticalTarget(rows: readonly GalleryRow[], index: number, dir: 1 | -1): number {
  const r = rowOfIndex(rows, index);
  if (r < 0) return index;
  const column = index - (rows[r] as Extract<GalleryRow, { kind: 'photos' }>).start;
  for (let k = r + dir; k >= 0 && k < rows.length; k += dir) {
    const row = rows[k]!;
    if (row.kind === 'photos') return Math.min(row.start + column, row.end - 1);
  }
  return index;
}

/** Short words for a reason badge on a thumbnail (the dialog says the full reason). */
export const REASON_BADGES: Record<string, string> = {
  blur: 'Blur',
  black: 'Black',
  white: 'Blown out',
  gimbal: 'Gimbal',
  flight_tail: 'Tail',
  stationary: 'Hover',
  sun: 'Sun glare',
  exif: 'No EXIF',
  gps: 'No GPS',
  corrupt: 'Damaged',
  duplicate: 'Duplicate',
  outside: 'Outside',
  motion: 'Motion',
  incomplete_capture: 'Bands missing',
};

/** The reasons a thumbnail shows, automatic ones only (the pilot's own decision has its own mark). */
export function reasonBadges(item: Pick<ImageListItem, 'reasons'>): { code: string; label: string }[] {
  return item.reasons.filter((r) => r.source !== 'manual' && r.code !== 'manual').map((r) => ({ code: r.code, label: REASON_BADGES[r.code] ?? r.code }));
}

export type GalleryOrder = 'capture' | 'problems';

/** How much a photo needs the pilot's eye: refused first, then anything with a reason, then the rest. */
function problemRank(item: Pick<ImageListItem, 'status' | 'reasons'>): number {
  if (item.status === 'rejected' || item.status === 'invalid_exif') return 0;
  if (item.status === 'duplicate') return 1;
  return item.reasons.some((r) => r.source !== 'manual') ? 2 : 3;
}

/**
 * "Problems first": within each task/flight group (groups keep their order), photos with problems come first, in
 * capture order otherwise. The list is already grouped and in capture order, so a stable sort keeps the rest.
 */
export function orderItems<T extends Pick<ImageListItem, 'taskId' | 'flightId' | 'status' | 'reasons'>>(items: readonly T[], order: GalleryOrder): T[] {
  if (order === 'capture') return items as T[];
  const groupOf = new Map<string, number>();
  const keyed = items.map((item, i) => {
    const key = groupLabel(item);
    if (!groupOf.has(key)) groupOf.set(key, groupOf.size);
    return { item, i, group: groupOf.get(key)!, rank: problemRank(item) };
  });
  keyed.sort((a, b) => a.group - b.group || a.rank - b.rank || a.i - b.i);
  return keyed.map((k) => k.item);
}
