import type { JobInfo, ProgressInfo } from '../../../src-preload/contract.ts';

export const ACTIVE_STATES: readonly JobInfo['state'][] = ['queued', 'running'];

export function isActive(job: Pick<JobInfo, 'state'>): boolean {
  return ACTIVE_STATES.includes(job.state);
}

/** Completed share in [0, 1] (by bytes when known, else by files), or null when the total isn't known yet. */
export function progressFraction(p: ProgressInfo | null): number | null {
  if (!p) return null;
  if (p.bytesTotal) return Math.min(1, (p.bytesDone ?? 0) / p.bytesTotal);
  if (p.total) return Math.min(1, p.done / p.total);
  return null;
}

export function formatRate(bytesPerSecond: number | undefined): string {
  if (!bytesPerSecond || bytesPerSecond <= 0) return '–';
  return `${(bytesPerSecond / 1e6).toFixed(bytesPerSecond < 1e7 ? 1 : 0)} MB/s`;
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Counts of what the job works through: photo files for ingest and sync, tasks or photos otherwise. */
export function formatCount(p: ProgressInfo | null, unit = ''): string {
  if (!p) return 'Waiting…';
  const suffix = unit ? ` ${unit}` : '';
  return p.total === null ? `${p.done}${suffix}` : `${p.done} / ${p.total}${suffix}`;
}

/** Keeps the newest version of each job, newest job first. */
export function mergeJob(jobs: readonly JobInfo[], update: JobInfo): JobInfo[] {
  const others = jobs.filter((j) => j.id !== update.id);
  const old = jobs.find((j) => j.id === update.id);
  if (old && old.updatedAt > update.updatedAt) return jobs as JobInfo[];
  return [update, ...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * The newest ended job of each kind, newest first: culling starts a coverage refresh per decision, and those must
 * not push the last ingest or sync out of sight.
 */
export function lastEndedOfEachKind(jobs: JobInfo[]): JobInfo[] {
  const byKind = new Map<JobInfo['kind'], JobInfo>();
  for (const j of jobs) {
    if (isActive(j)) continue;
    const seen = byKind.get(j.kind);
    if (!seen || j.updatedAt > seen.updatedAt) byKind.set(j.kind, j);
  }
  return [...byKind.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}
