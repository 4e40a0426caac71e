import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import { zipSync } from 'fflate';
import { AppError } from '../common/errors.ts';
import type { WorkControl } from '../common/progress.ts';
import { dronetmTaskOf } from '../db/dronetm.ts';
import { listOdmRuns } from '../db/odm-runs.ts';
import { getTaskByRowId } from '../db/tasks.ts';
import type { Project } from '../project/project.ts';
import { DEFAULT_RETRY } from '../sync/retry.ts';
import { DEFAULT_PART_SIZE, SyncMeter } from '../sync/sync.ts';
import type { TokenStore } from './auth.ts';
import { DronetmClient } from './client.ts';
import type { DronetmLink } from './project-link.ts';
import { uploadToDronetm, type DronetmContext } from './upload.ts';

/** The member DroneTM's process_imported_odm_assets requires in the zip (arq/tasks.py). */
const ZIP_ORTHOPHOTO = 'odm_orthophoto/odm_orthophoto.tif';
export const ODM_IMPORT_NAME = 'odm_import.zip';

export interface OdmPushResult {
  taskId: string;
  dronetmTaskId: string;
  runId: string;
  fileKey: string;
  bytes: number;
  /** False when the journal showed DroneTM already has this very zip. */
  sent: boolean;
}

/**
 * Sends the orthophoto of a task's newest finished ODM run to its DroneTM task as `odm_import.zip` (the upload with
 * `purpose: "odm_import"`, which DroneTM allows the project creator only), resumable like photos. The zip is built
 * once beside the run's outputs, stored (no compression: a GeoTIFF is already compressed) and with the orthophoto's
 * own time, so a rerun sends the same bytes and resumes instead of starting over.
 */
export async function pushOdmResult(
  project: Project,
  taskRowId: number,
  options: { link: DronetmLink; tokens: TokenStore; partSize?: number },
  control: WorkControl = {},
): Promise<OdmPushResult> {
  const task = getTaskByRowId(project.db, taskRowId)!;
  const ref = dronetmTaskOf(project.db, taskRowId);
  if (!ref) {
    throw new AppError(
      'invalid_input',
      `Task ${task.taskId} did not come from DroneTM, so DroneTM has no task to attach its orthophoto to. Pull the tasks with tasks import --dronetm first.`,
      { taskId: task.taskId },
    );
  }
  const run = listOdmRuns(project.db, taskRowId).find((r) => r.state === 'done' && r.outputs?.orthophoto);
  if (!run) {
    throw new AppError('not_found', `Task ${task.taskId} has no finished ODM run with an orthophoto yet: run ODM on it first.`, { taskId: task.taskId });
  }
  const ortho = project.resolve(run.outputs!.orthophoto!);
  const zipFile = path.join(path.dirname(path.dirname(ortho)), ODM_IMPORT_NAME);
  if (!fs.existsSync(zipFile)) {
    const stat = await fs.promises.stat(ortho).catch(() => null);
    if (!stat) throw new AppError('source_unavailable', `The orthophoto of task ${task.taskId} is missing at ${ortho}; run ODM again.`);
    const zipped = zipSync({ [ZIP_ORTHOPHOTO]: [await fs.promises.readFile(ortho), { level: 0, mtime: stat.mtime }] });
    await fs.promises.writeFile(`${zipFile}.tmp`, zipped);
    await fs.promises.rename(`${zipFile}.tmp`, zipFile);
  }
  const bytes = await fs.promises.readFile(zipFile);
  const fileKey = `projects/${options.link.projectId}/${ref.uuid}/${ODM_IMPORT_NAME}`;
  const meter = new SyncMeter(bytes.length, 1, control.onProgress);
  const signal = control.signal ?? new AbortController().signal;
  const ctx: DronetmContext = {
    client: new DronetmClient(options.link.server, { tokens: options.tokens, signal }),
    db: project.db,
    requests: new PQueue({ concurrency: 2 }),
    retry: DEFAULT_RETRY,
    signal,
    bandwidth: undefined,
    partSize: options.partSize ?? DEFAULT_PART_SIZE,
    meter,
  };
  const outcome = await uploadToDronetm(
    ctx,
    {
      key: fileKey,
      fileKey,
      fileName: ODM_IMPORT_NAME,
      size: bytes.length,
      md5: createHash('md5').update(bytes).digest('hex'),
      imageId: null,
      taskId: taskRowId,
      label: `The orthophoto of task ${task.taskId}`,
      read: async (start, length) => bytes.subarray(start, start + length),
    },
    { projectId: options.link.projectId, staging: false, purpose: 'odm_import', taskId: ref.uuid },
  );
  meter.emit('done', true);
  return { taskId: task.taskId, dronetmTaskId: ref.uuid, runId: run.id, fileKey, bytes: bytes.length, sent: outcome === 'sent' };
}
