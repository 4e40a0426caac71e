import { AppError } from '../common/errors.ts';
import { transaction } from '../db/database.ts';
import { appendEvent } from '../db/events.ts';
import { getTaskByRowId, requireTask, setTaskVerified, type TaskRow } from '../db/tasks.ts';
import type { Project } from '../project/project.ts';
import { computeCoverage } from './coverage-service.ts';
import { verifyThresholds, type VerifyThresholds } from './settings.ts';

export interface VerifyReason {
  code: 'coverage_missing' | 'coverage_low' | 'overlap_low';
  message: string;
}

/** Why a task cannot be verified yet under the project's thresholds; empty when it can. */
export function verifyReasons(task: TaskRow, thresholds: VerifyThresholds): VerifyReason[] {
  const c = task.coverage;
  if (!c) return [{ code: 'coverage_missing', message: 'Coverage has not been computed for this task yet.' }];
  const reasons: VerifyReason[] = [];
  if (c.coveragePct < thresholds.minCoveragePct) {
    reasons.push({
      code: 'coverage_low',
      message: `Photos cover ${c.coveragePct.toFixed(1)}% of the task; at least ${thresholds.minCoveragePct}% is needed.`,
    });
  }
  if (c.overlap3Pct < thresholds.minOverlap3Pct) {
    reasons.push({
      code: 'overlap_low',
      message: `${c.overlap3Pct.toFixed(1)}% of the task is seen by 3 or more photos; at least ${thresholds.minOverlap3Pct}% is needed.`,
    });
  }
  return reasons;
}

/**
 * Marks a task verified. Refuses (AppError 'refused', details.reasons) when its coverage is under the project's
 * thresholds, unless `force`; a forced verify records the overridden reasons in the event log. The task's coverage is
 * computed afresh first: photos culled or reclassified since the last computation must not count.
 */
export function verifyTask(project: Project, taskId: string, opts: { force?: boolean } = {}): TaskRow {
  const db = project.db;
  computeCoverage(project, { taskIds: [taskId] });
  return transaction(db, () => {
    const task = requireTask(project.db, taskId);
    const reasons = verifyReasons(task, verifyThresholds(db));
    if (reasons.length > 0 && !opts.force) {
      throw new AppError('refused', `Task ${taskId} cannot be verified: ${reasons.map((r) => r.message).join(' ')}`, {
        taskId,
        reasons,
      });
    }
    const forced = reasons.length > 0;
    setTaskVerified(db, task.id, { at: new Date().toISOString(), forced });
    const c = task.coverage;
    appendEvent(db, {
      kind: forced ? 'task_verified_forced' : 'task_verified',
      taskId: task.id,
      payload: { taskId, reasons, coveragePct: c?.coveragePct ?? null, overlap3Pct: c?.overlap3Pct ?? null },
    });
    return getTaskByRowId(db, task.id)!;
  });
}

export function unverifyTask(project: Project, taskId: string): TaskRow {
  const db = project.db;
  return transaction(db, () => {
    const task = requireTask(project.db, taskId);
    if (task.verifiedAt === null) return task;
    setTaskVerified(db, task.id, null);
    appendEvent(db, { kind: 'task_unverified', taskId: task.id, payload: { taskId, wasForced: task.verifyForced } });
    return getTaskByRowId(db, task.id)!;
  });
}
