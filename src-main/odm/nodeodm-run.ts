import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Unzip, UnzipInflate } from 'fflate';
import { AppError } from '../common/errors.ts';
import type { WorkControl } from '../common/progress.ts';
import { getOdmRun, listOdmUploads, markOdmRunStarted, recordOdmUpload, type OdmRun } from '../db/odm-runs.ts';
import type { Project } from '../project/project.ts';
import { NODEODM_STATUS, type NodeOdmClient } from './nodeodm-client.ts';
import { toNodeOdmOptions, type OdmOptions } from './options.ts';
import type { RunMonitor } from './run-monitor.ts';
import { photoNames, type TaskPhoto } from './task-photos.ts';

export interface NodeOdmRunContext {
  run: OdmRun;
  photos: TaskPhoto[];
  odmDir: string;
  projectPath: string;
  name: string;
  options: OdmOptions;
}

export type NodeOdmOutcome = { kind: 'done' } | { kind: 'failed' } | { kind: 'cancelled' } | { kind: 'timeout' };

/**
 * One run on a NodeODM node: create the task (or pick up the one this run already created), upload the photos not
 * yet there (each recorded as it lands, so a restart re-sends only the rest), commit, follow the log and progress,
 * and download and unpack the results into ODM's usual layout. Cancel or timeout cancel and remove the remote task.
 */
export async function runOnNodeOdm(
  project: Project,
  client: NodeOdmClient,
  ctx: NodeOdmRunContext,
  monitor: RunMonitor,
  limits: { pollMs: number; timeoutMs: number },
  control: WorkControl,
  signal: AbortSignal,
): Promise<NodeOdmOutcome> {
  const runId = ctx.run.id;
  let uuid = getOdmRun(project.db, runId)!.remoteUuid;
  const deadline = Date.now() + limits.timeoutMs;
  const stop = async (kind: 'cancelled' | 'timeout'): Promise<NodeOdmOutcome> => {
    if (uuid) {
      await client.cancel(uuid).catch(() => undefined);
      await client.remove(uuid).catch(() => undefined);
    }
    return { kind };
  };
  try {
    const committed = uuid ? await client.taskInfo(uuid).then(() => true, () => false) : false;
    if (!committed) {
      if (!uuid) {
        uuid = await client.init(`Postflight ${ctx.name}`, toNodeOdmOptions(ctx.options));
        monitor.line(`[postflight] NodeODM task ${uuid} created`);
      } else {
        monitor.line(`[postflight] resuming the upload of NodeODM task ${uuid}`);
      }
      markOdmRunStarted(project.db, runId, { remoteUuid: uuid });
      await uploadMissing(project, client, runId, uuid, ctx.photos, monitor, control, signal);
      await client.commit(uuid);
      monitor.line(`[postflight] all ${ctx.photos.length} photos on the node; processing`);
    } else {
      markOdmRunStarted(project.db, runId, { remoteUuid: uuid! });
    }
    const task = uuid!;
    let line = 0;
    for (;;) {
      if (signal.aborted) return await stop('cancelled');
      if (Date.now() > deadline) return await stop('timeout');
      const info = await client.taskInfo(task);
      const lines = await client.output(task, line);
      line += lines.length;
      for (const l of lines) monitor.line(l);
      if (typeof info.progress === 'number') monitor.report('processing', Math.min(99, info.progress));
      if (info.status.code === NODEODM_STATUS.completed) break;
      if (info.status.code === NODEODM_STATUS.failed) {
        if (info.status.errorMessage) monitor.line(`[ERROR]   ${info.status.errorMessage}`);
        return { kind: 'failed' };
      }
      if (info.status.code === NODEODM_STATUS.canceled) return { kind: 'cancelled' };
      await sleep(limits.pollMs, undefined, { signal }).catch(() => undefined);
    }
    const zip = path.join(ctx.projectPath, 'all.zip');
    await client.download(task, 'all.zip', zip, signal);
    await unzipInto(zip, ctx.odmDir);
    fs.rmSync(zip, { force: true });
    monitor.line('[postflight] results downloaded');
    return { kind: 'done' };
  } catch (err) {
    if (signal.aborted) return await stop('cancelled');
    throw err;
  }
}

async function uploadMissing(
  project: Project,
  client: NodeOdmClient,
  runId: string,
  uuid: string,
  photos: readonly TaskPhoto[],
  monitor: RunMonitor,
  control: WorkControl,
  signal: AbortSignal,
): Promise<void> {
  const names = photoNames(photos);
  const already = listOdmUploads(project.db, runId, uuid);
  let done = already.size;
  monitor.line(`[postflight] ${already.size} of ${photos.length} photos already on the node`);
  for (const [i, photo] of photos.entries()) {
    const name = names[i]!;
    if (already.has(name)) continue;
    if (!fs.existsSync(photo.file)) {
      throw new AppError('source_unavailable', `Photo ${photo.fileName} is missing from ${path.dirname(photo.file)}.`, { imageId: photo.imageId });
    }
    await client.upload(uuid, photo.file, name, signal);
    recordOdmUpload(project.db, runId, uuid, name);
    done++;
    control.onProgress?.({ stage: 'upload', done, total: photos.length, message: name });
  }
}

/** Unpacks NodeODM's all.zip as it streams from disk; entries that would land outside `dir` are skipped. */
async function unzipInto(zipFile: string, dir: string): Promise<void> {
  const root = path.resolve(dir);
  const unzip = new Unzip((entry) => {
    const target = path.resolve(root, entry.name);
    if (entry.name.endsWith('/') || !target.startsWith(root + path.sep)) return;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fd = fs.openSync(target, 'w');
    entry.ondata = (err, data, final) => {
      if (err) throw err;
      fs.writeSync(fd, data);
      if (final) fs.closeSync(fd);
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  for await (const chunk of fs.createReadStream(zipFile)) unzip.push(chunk as Uint8Array);
  unzip.push(new Uint8Array(0), true);
}
