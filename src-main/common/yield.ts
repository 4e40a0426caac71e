/**
 * Long synchronous loops (classification, coverage) give the event loop a turn every few milliseconds, so a process
 * serving the window answers other calls meanwhile and an abort (a cancel) is seen mid-loop: an AbortSignal only
 * fires from the event loop, never inside a loop that holds it.
 */
import { setImmediate as turn } from 'node:timers/promises';

/** Time-boxed slices: `due()` is cheap enough to ask per item; `pause()` yields one event-loop turn. */
export interface TimeSlice {
  due(): boolean;
  pause(): Promise<void>;
}

/** The default slice: short enough that a call waits at most this long behind a loop, long enough to cost ~nothing. */
export const SLICE_MS = 20;

export function timeSlice(sliceMs = SLICE_MS): TimeSlice {
  let start = performance.now();
  return {
    due: () => performance.now() - start >= sliceMs,
    pause: async () => {
      await turn();
      start = performance.now();
    },
  };
}

/**
 * Work written once as a generator that `yield`s between items, run either straight through (callers that are
 * synchronous themselves) or in slices that give the event loop its turns.
 */
export type Steps<T> = Generator<void, T, void>;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export async function runStepsYielding<T>(steps: Steps<T>, slice: TimeSlice = timeSlice()): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (slice.due()) await slice.pause();
  }
}
