import { AppError } from '../common/errors.ts';
import { transaction } from '../db/database.ts';
import { appendEvent } from '../db/events.ts';
import { getImage, listReasons, replaceReasons, updateImage, type ImageStatus, type ManualDecision } from '../db/images.ts';
import type { Project } from '../project/project.ts';
import { deriveStatus } from './status.ts';

const MESSAGES: Record<ManualDecision, string> = {
  accepted: 'Accepted by the pilot, whatever the automatic checks found.',
  rejected: 'Rejected by the pilot.',
};

/**
 * The pilot accepts or rejects photos (null undoes the decision). The decision is kept apart from the automatic
 * reasons, so it survives every later classification run, and each change is logged as an event. Photos not yet
 * classified keep status `staged` until the next run applies the decision; duplicates cannot be decided on (the
 * original photo is the one that counts).
 */
export function setManualDecision(
  project: Project,
  imageIds: readonly number[],
  decision: ManualDecision | null,
): { id: number; status: ImageStatus }[] {
  const { db } = project;
  return transaction(db, () => {
    const autoCodes = listReasons(db, imageIds);
    return imageIds.map((id) => {
      const row = getImage(db, id);
      if (!row) throw new AppError('not_found', `Photo ${id} is not in this project.`, { imageId: id });
      if (row.status === 'duplicate') {
        throw new AppError('conflict', `${row.file_name} is a duplicate of another photo; decide on the original instead.`, {
          imageId: id,
          duplicateOf: row.duplicate_of,
        });
      }
      replaceReasons(db, id, 'manual', decision ? [{ code: 'manual', message: MESSAGES[decision] }] : []);
      const codes = (autoCodes.get(id) ?? []).filter((r) => r.source === 'auto').map((r) => r.code);
      const status = row.status === 'staged' ? 'staged' : deriveStatus(codes, row.task_id, decision);
      updateImage(db, id, { manual_decision: decision, status });
      appendEvent(db, { kind: 'photo.decision', imageId: id, taskId: row.task_id, payload: { decision, previous: row.manual_decision } });
      return { id, status };
    });
  });
}
