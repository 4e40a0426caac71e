/** Small helpers shared by the benchmarks: timing, medians, and printing a result beside its baseline. */
import { performance } from 'node:perf_hooks';

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
