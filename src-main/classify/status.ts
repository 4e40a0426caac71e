import { REASON_CODES, type ImageStatus, type ManualDecision, type ReasonCode } from '../db/images.ts';

/** The reason codes classification owns: all but ingest's (duplicate, corrupt) and the pilot's (manual). */
export const CLASSIFY_CODES: readonly ReasonCode[] = REASON_CODES.filter((c) => c !== 'duplicate' && c !== 'corrupt' && c !== 'manual');

const UNREADABLE: ReadonlySet<ReasonCode> = new Set(['exif', 'gps']);
/** Codes that never reject a photo by themselves. */
const NOT_REJECTING: ReadonlySet<ReasonCode> = new Set(['outside', 'manual', 'duplicate', 'calibration_panel', 'motion']);

/** True when the code rejects a photo by itself; `outside`, `motion` (a warning) and the like only explain. */
export function rejects(code: ReasonCode): boolean {
  return !NOT_REJECTING.has(code);
}

/**
 * A photo's status from its automatic reasons, its task and the pilot's decision — the single rule used by a
 * classification run and by a manual decision. The pilot's decision always wins; an accepted photo without a task
 * stays unmatched (it has nowhere to go). Any unknown automatic code rejects, so a new check fails safe.
 */
export function deriveStatus(autoCodes: readonly ReasonCode[], taskId: number | null, manual: ManualDecision | null): ImageStatus {
  if (manual === 'rejected') return 'rejected';
  if (manual === 'accepted') return taskId === null ? 'unmatched' : 'assigned';
  if (autoCodes.some((c) => UNREADABLE.has(c))) return 'invalid_exif';
  if (autoCodes.some(rejects)) return 'rejected';
  return taskId === null ? 'unmatched' : 'assigned';
}
