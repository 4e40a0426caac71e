/** Small helpers shared by the benchmarks: timing, medians, and printing a result beside its baseline. */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { transaction, type ProjectDb } from '../src-main/db/database.ts';
import { insertImage } from '../src-main/db/images.ts';
import type { PhotoPose } from '../src-main/geo/footprint.ts';

export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t0) / 1000, value };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` `runs` times and returns the median seconds (the first run warms caches and is discarded). */
export async function medianSeconds(fn: () => Promise<unknown>, runs = 3): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(fn)).seconds);
  return median(times);
}

export function row(label: string, seconds: number, baselineSeconds: number | null, extra = ''): string {
  const ratio = baselineSeconds ? `  ${(seconds / baselineSeconds).toFixed(2)}x baseline` : '';
  return `${label.padEnd(44)} ${seconds.toFixed(3).padStart(8)} s${ratio}${extra ? `  ${extra}` : ''}`;
}

/** Runs async tasks with at most `limit` in flight. */
export async function parallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Synthetic survey photos as assigned `images` rows of one task (2 s apart), as a real ingest + classify leaves them. */
export function insertSurveyPhotos(db: ProjectDb, photos: readonly PhotoPose[], taskRowId: number): void {
  transaction(db, () =>
    photos.forEach((p, i) =>
      insertImage(db, {
        source_root: '/bench', source_path: `p${i}.jpg`, file_name: `p${i}.jpg`, status: 'assigned', task_id: taskRowId,
        ingested_at: '2024-01-01T00:00:00Z', captured_at: new Date(Date.UTC(2024, 0, 1) + i * 2000).toISOString(),
        lat: p.lat, lon: p.lon, alt: p.alt, rel_alt: p.relAlt, gimbal_pitch: p.gimbalPitch, gimbal_yaw: p.gimbalYaw,
        gimbal_roll: p.gimbalRoll, flight_yaw: p.flightYaw, focal35_mm: p.focal35Mm, focal_mm: p.focalMm,
        width: p.width, height: p.height, make: p.make, model: p.model,
      }),
    ),
  );
}

/** The JPEGs in a card folder (any depth), as paths, in order. */
export function cardFiles(card: string): string[] {
  return fs.readdirSync(card, { recursive: true, encoding: 'utf8' }).filter((f) => /\.jpe?g$/i.test(f)).map((f) => path.join(card, f)).sort();
}
