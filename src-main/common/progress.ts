import type { ProgressInfo } from '../../src-preload/contract.ts';

/** Progress of a long piece of work, as reported to the CLI progress bar, the UI and the jobs table (the contract's shape). */
export type Progress = ProgressInfo;

/** What every long-running core function takes: a way to stop it and a place to report progress. */
export interface WorkControl {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Rate and ETA over a sliding window, so a stall shows up quickly instead of being averaged away.
 */
export class RateMeter {
  private readonly samples: { t: number; bytes: number }[] = [];
  private readonly windowMs: number;

  constructor(windowMs = 5000) {
    this.windowMs = windowMs;
  }

  /** Records the running total of bytes at time `now` (ms) and returns bytes/second over the window. */
  sample(totalBytes: number, now = Date.now()): number {
    this.samples.push({ t: now, bytes: totalBytes });
    while (this.samples.length > 2 && now - this.samples[0]!.t > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (now - first.t) / 1000;
    return dt > 0 ? (totalBytes - first.bytes) / dt : 0;
  }

  static eta(remainingBytes: number, rate: number): number | null {
    return rate > 0 ? remainingBytes / rate : null;
  }
}
