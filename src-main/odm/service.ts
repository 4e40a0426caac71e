import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { AppError } from '../common/errors.ts';
import type { WorkControl } from '../common/progress.ts';
import {
  endOdmRun,
  finishOdmRun,
  getOdmRun,
  insertOdmRun,
  listUnfinishedOdmRuns,
  markOdmRunStarted,
  type OdmEngine,
  type OdmRun,
} from '../db/odm-runs.ts';
import type { Project } from '../project/project.ts';
import { z } from 'zod';
import { getSetting } from '../db/settings.ts';
import {
  chooseGpu,
  connectDocker,
  DEFAULT_CPU_IMAGE,
  DEFAULT_GPU_IMAGE,
  dockerStatus,
  ensureImage,
  hasImage,
  requireDocker,
  type DockerStatus,
  type GpuMode,
  type GpuStatus,
} from './docker-engine.ts';
import { OWNER_LABEL, PROJECT_LABEL, RUN_LABEL, runOdmContainer, stopContainer, type ContainerOutcome } from './docker-run.ts';
import { NodeOdmClient, type NodeOdmConnection } from './nodeodm-client.ts';
import { runOnNodeOdm } from './nodeodm-run.ts';
import { explainFailure } from './odm-log.ts';
import { buildOdmOptions, toOdmArgs, type OdmOptions } from './options.ts';
import { collectOutputs } from './outputs.ts';
import { RunMonitor, type OdmControlCallbacks } from './run-monitor.ts';
import { loadVerifiedTask, stagePhotos, taskPhotos, type TaskPhoto } from './task-photos.ts';
import { currentProcessOwner, lockOwnerAlive, type ProcessOwner } from '../project/lock.ts';

export const DEFAULT_TIMEOUT_MS = 24 * 3600 * 1000;

export interface OdmRunOptions {
  engine?: OdmEngine;
  gpu?: GpuMode;
  /** Docker image to use, instead of the `odm.image` / `odm.gpuImage` settings or ODM's official images. */
  image?: string;
  /** The pilot's ODM options on top of the preset (null drops one). */
  options?: OdmOptions;
  preset?: OdmOptions;
  memoryBytes?: number;
  cpus?: number;
  timeoutMs?: number;
  /** Seconds ODM gets to stop on SIGTERM before it is killed. */
  stopGraceSeconds?: number;
  nodeOdm?: NodeOdmConnection & { pollMs?: number };
  /** Resume this NodeODM run (its upload goes on with the photos not yet on the node). */
  resumeRunId?: string;
  /** The Docker client; connects to DOCKER_HOST or the default socket when absent. */
  docker?: Docker;
}

export type OdmControl = WorkControl & OdmControlCallbacks;

/** Runs going on in this process, so cancelOdm reaches them and reapOrphans leaves them alone. */
const active = new Map<string, { abort: AbortController; done: Promise<unknown> }>();

/** ODM's dataset name for a task: its pilot-facing id, made safe as a folder name. */
function datasetName(taskId: string): string {
  return `task-${taskId.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
}

interface PreparedRun {
  run: OdmRun;
  photos: TaskPhoto[];
  odmDir: string;
  projectPath: string;
  name: string;
  logFile: string;
  options: OdmOptions;
}

function prepareRun(project: Project, taskRowId: number, engine: OdmEngine, opts: OdmRunOptions, extra: Record<string, unknown>): PreparedRun {
  const task = loadVerifiedTask(project, taskRowId);
  const photos = taskPhotos(project, taskRowId);
  if (photos.length === 0) {
    throw new AppError('refused', `Task ${task.taskId} has no accepted photos to make an orthophoto from.`, { taskId: taskRowId });
  }
  const options = buildOdmOptions(task.gsdCm, opts.options, opts.preset);
  const id = randomUUID();
  const projectPath = project.resolve(path.join('odm', id));
  const name = datasetName(task.taskId);
  const logFile = project.resolve(path.join('logs', `odm-${id}.log`));
  fs.mkdirSync(path.join(projectPath, name), { recursive: true });
  const run = insertOdmRun(project.db, {
    id,
    taskId: taskRowId,
    engine,
    options: { odm: options, photos: photos.length, ...extra },
    logPath: path.relative(project.dir, logFile),
  });
  return { run, photos, odmDir: path.join(projectPath, name), projectPath, name, logFile, options };
}

/**
 * Makes an orthophoto of a verified task with ODM, in a local Docker container or on a NodeODM server. Records
 * the run in odm_runs as it goes, streams ODM's log to logs/odm-<run>.log and `control.onLog`, reports progress
 * from ODM's stage markers, and registers the outputs and the map overlay. Resolves with the finished run; throws
 * AppError('cancelled' | 'remote_failed' | ...) after recording why it ended.
 */
export async function runOdm(project: Project, taskRowId: number, opts: OdmRunOptions = {}, control: OdmControl = {}): Promise<OdmRun> {
  const engine = opts.engine ?? 'docker';
  const abort = new AbortController();
  const relay = (): void => abort.abort();
  control.signal?.addEventListener('abort', relay, { once: true });
  if (control.signal?.aborted) abort.abort();
  try {
    return engine === 'docker'
      ? await runWithDocker(project, taskRowId, opts, control, abort)
      : await runWithNodeOdm(project, taskRowId, opts, control, abort);
  } finally {
    control.signal?.removeEventListener('abort', relay);
  }
}

function track<T>(runId: string, abort: AbortController, work: Promise<T>): Promise<T> {
  active.set(runId, { abort, done: work.catch(() => undefined) });
  return work.finally(() => active.delete(runId));
}

async function runWithDocker(project: Project, taskRowId: number, opts: OdmRunOptions, control: OdmControl, abort: AbortController): Promise<OdmRun> {
  loadVerifiedTask(project, taskRowId);
  const docker = opts.docker ?? connectDocker();
  await requireDocker(docker);
  const cpuImage = opts.image ?? getSetting(project.db, 'odm.image', z.string(), DEFAULT_CPU_IMAGE);
  const gpuImage = opts.image ?? getSetting(project.db, 'odm.gpuImage', z.string(), DEFAULT_GPU_IMAGE);
  const mode = opts.gpu ?? 'auto';
  const probeImage = (await hasImage(docker, gpuImage)) ? gpuImage : (await hasImage(docker, cpuImage)) ? cpuImage : undefined;
  const gpu = await chooseGpu(docker, mode, probeImage);
  const image = gpu.available ? gpuImage : cpuImage;
  await ensureImage(docker, image, { signal: abort.signal, onProgress: control.onProgress });

  const memoryBytes = opts.memoryBytes ?? Math.floor(os.totalmem() * 0.75);
  const cpus = opts.cpus ?? Math.max(1, os.cpus().length - 1);
  const prep = prepareRun(project, taskRowId, 'docker', opts, { image, gpu: gpu.available, gpuReason: gpu.reason, memoryBytes, cpus });
  return track(prep.run.id, abort, dockerRun(project, docker, prep, { image, gpu, memoryBytes, cpus }, opts, control, abort.signal));
}

async function dockerRun(
  project: Project,
  docker: Docker,
  prep: PreparedRun,
  engine: { image: string; gpu: GpuStatus; memoryBytes: number; cpus: number },
  opts: OdmRunOptions,
  control: OdmControl,
  signal: AbortSignal,
): Promise<OdmRun> {
  const monitor = new RunMonitor(project, prep.run.id, prep.logFile, control);
  // Outside the folder mounted writable, so the photos are only ever visible read-only in the container.
  const imagesDir = project.resolve(path.join('odm', '.staging', prep.run.id));
  try {
    const staged = stagePhotos(prep.photos, imagesDir);
    monitor.line(`[postflight] ${prep.photos.length} photos staged (${staged.linked} linked, ${staged.copied} copied); image ${engine.image}; ${engine.gpu.available ? 'GPU' : 'CPU'} (${engine.gpu.reason})`);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const outcome = await runOdmContainer(
      docker,
      {
        image: engine.image,
        gpu: engine.gpu.available,
        projectPath: prep.projectPath,
        name: prep.name,
        imagesDir,
        args: toOdmArgs(prep.options),
        labels: { [RUN_LABEL]: prep.run.id, [PROJECT_LABEL]: project.info.id, [OWNER_LABEL]: JSON.stringify(currentProcessOwner()) },
        memoryBytes: engine.memoryBytes,
        cpus: engine.cpus,
        timeoutMs,
        stopGraceSeconds: opts.stopGraceSeconds ?? 10,
      },
      (line) => monitor.line(line),
      (containerId) => markOdmRunStarted(project.db, prep.run.id, { containerId }),
      signal,
    );
    return await settle(project, prep, monitor, outcome, timeoutMs);
  } catch (err) {
    if (getOdmRun(project.db, prep.run.id)?.state !== 'running' && getOdmRun(project.db, prep.run.id)?.state !== 'queued') throw err;
    const message = err instanceof AppError ? err.message : `Running ODM in Docker failed: ${err instanceof Error ? err.message : String(err)}`;
    endOdmRun(project.db, prep.run.id, 'failed', message, { log: path.relative(project.dir, prep.logFile) });
    throw err instanceof AppError ? err : new AppError('engine_unavailable', message, { runId: prep.run.id });
  } finally {
    monitor.close();
    // Links or copies only: the originals stay where they are.
    fs.rmSync(imagesDir, { recursive: true, force: true });
    fs.rmSync(path.join(prep.odmDir, 'images'), { recursive: true, force: true });
  }
}

/** Turns how ODM ended into the run's recorded outcome (and the error the caller gets). */
async function settle(project: Project, prep: PreparedRun, monitor: RunMonitor, outcome: ContainerOutcome, timeoutMs: number): Promise<OdmRun> {
  const log = path.relative(project.dir, prep.logFile);
  const id = prep.run.id;
  if (outcome.kind === 'cancelled') {
    monitor.line('[postflight] cancelled by the pilot');
    endOdmRun(project.db, id, 'cancelled', 'Cancelled.', { log });
    throw new AppError('cancelled', 'The orthophoto run was cancelled.', { runId: id });
  }
  if (outcome.kind === 'timeout') {
    const limit = timeoutMs >= 120_000 ? `${Math.round(timeoutMs / 60000)} minutes` : `${Math.round(timeoutMs / 1000)} seconds`;
    const message = `ODM was still running after ${limit} (the time limit) and was stopped.`;
    monitor.line(`[postflight] ${message}`);
    endOdmRun(project.db, id, 'failed', message, { log });
    throw new AppError('remote_failed', message, { runId: id });
  }
  if (outcome.exitCode !== 0) return fail(project, prep, monitor.tail.get(), `exit code ${outcome.exitCode}`, outcome.exitCode);
  const outputs = await collectOutputs(project, prep.odmDir, prep.logFile);
  finishOdmRun(project.db, id, outputs);
  monitor.report('done', 100);
  return getOdmRun(project.db, id)!;
}

function fail(project: Project, prep: PreparedRun, lastLines: string[], how: string, exitCode?: number): never {
  const explanation = explainFailure(lastLines, exitCode);
  const error = `${explanation}\n\nODM's last lines (${how}):\n${lastLines.slice(-10).join('\n')}`;
  endOdmRun(project.db, prep.run.id, 'failed', error, { log: path.relative(project.dir, prep.logFile) });
  throw new AppError('remote_failed', explanation, { runId: prep.run.id, lastLines: lastLines.slice(-10) });
}

async function runWithNodeOdm(project: Project, taskRowId: number, opts: OdmRunOptions, control: OdmControl, abort: AbortController): Promise<OdmRun> {
  const connection: NodeOdmConnection & { pollMs?: number } = opts.nodeOdm ?? nodeOdmFromSettings(project);
  const client = new NodeOdmClient(connection);
  const resumed = opts.resumeRunId ? getOdmRun(project.db, opts.resumeRunId) : null;
  if (opts.resumeRunId && (!resumed || resumed.engine !== 'nodeodm' || resumed.taskId !== taskRowId)) {
    throw new AppError('not_found', `There is no NodeODM run ${opts.resumeRunId} of this task to resume.`);
  }
  const prep = resumed ? reloadRun(project, resumed) : prepareRun(project, taskRowId, 'nodeodm', opts, { url: connection.url });
  const monitor = new RunMonitor(project, prep.run.id, prep.logFile, control);
  const work = (async (): Promise<OdmRun> => {
    try {
      const result = await runOnNodeOdm(project, client, prep, monitor, { pollMs: connection.pollMs ?? 2000, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS }, control, abort.signal);
      if (result.kind === 'cancelled') return await settle(project, prep, monitor, { kind: 'cancelled' }, 0);
      if (result.kind === 'timeout') return await settle(project, prep, monitor, { kind: 'timeout' }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      if (result.kind === 'failed') return fail(project, prep, monitor.tail.get(), 'NodeODM reported the task failed');
      return await settle(project, prep, monitor, { kind: 'exited', exitCode: 0 }, 0);
    } catch (err) {
      const state = getOdmRun(project.db, prep.run.id)?.state;
      if (state === 'running' || state === 'queued') {
        const message = err instanceof Error ? err.message : String(err);
        endOdmRun(project.db, prep.run.id, 'failed', `${message} Run it again with the same run to resume.`, { log: prep.run.logPath ?? undefined });
      }
      throw err;
    } finally {
      monitor.close();
    }
  })();
  return track(prep.run.id, abort, work);
}

function nodeOdmFromSettings(project: Project): NodeOdmConnection {
  const url = getSetting(project.db, 'odm.nodeOdmUrl', z.string().nullable(), null);
  if (!url) throw new AppError('invalid_input', 'No NodeODM server is set. Give its address (e.g. http://192.168.1.10:3000).');
  return { url, token: process.env.POSTFLIGHT_NODEODM_TOKEN };
}

function reloadRun(project: Project, run: OdmRun): PreparedRun {
  const projectPath = project.resolve(path.join('odm', run.id));
  const name = fs.readdirSync(projectPath).find((n) => n.startsWith('task-'))!;
  return {
    run,
    photos: taskPhotos(project, run.taskId),
    odmDir: path.join(projectPath, name),
    projectPath,
    name,
    logFile: project.resolve(run.logPath!),
    options: (run.options.odm ?? {}) as OdmOptions,
  };
}

/**
 * Cancels a run: the one going on in this process is stopped through its signal (and this waits for it to wind
 * down); one left by another process is stopped directly (container or NodeODM task) and marked cancelled.
 */
export async function cancelOdm(project: Project, runId: string, opts: { docker?: Docker; nodeOdm?: NodeOdmConnection } = {}): Promise<OdmRun> {
  const here = active.get(runId);
  if (here) {
    here.abort.abort();
    await here.done;
    return getOdmRun(project.db, runId)!;
  }
  const run = getOdmRun(project.db, runId);
  if (!run) throw new AppError('not_found', `There is no ODM run ${runId}.`);
  if (run.state !== 'running' && run.state !== 'queued') return run;
  if (run.engine === 'docker' && run.containerId) {
    await stopContainer((opts.docker ?? connectDocker()).getContainer(run.containerId), 10);
  } else if (run.engine === 'nodeodm' && run.remoteUuid) {
    const client = new NodeOdmClient(opts.nodeOdm ?? { url: String(run.options.url) });
    await client.cancel(run.remoteUuid).catch(() => undefined);
    await client.remove(run.remoteUuid).catch(() => undefined);
  }
  endOdmRun(project.db, runId, 'cancelled', 'Cancelled.');
  return getOdmRun(project.db, runId)!;
}

export interface ReapResult {
  removedContainers: string[];
  failedRuns: string[];
}

export const ORPHAN_REASON =
  'Postflight closed while ODM was running (the app was quit or crashed), so the run was stopped. Start it again.';

/**
 * On app start: containers of this project left by a previous Postflight process are stopped and removed (their
 * last lines appended to the run's log), and their runs marked failed with the reason. Runs of this process are
 * left alone. NodeODM runs are not touched: they resume with runOdm({ resumeRunId }).
 */
export async function reapOrphans(project: Project, opts: { docker?: Docker } = {}): Promise<ReapResult> {
  const docker = opts.docker ?? connectDocker();
  const removedContainers: string[] = [];
  const status = await dockerStatus(docker);
  if (status.available) {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project.info.id}`] } });
    for (const info of containers) {
      const runId = info.Labels[RUN_LABEL];
      if (runId && active.has(runId)) continue;
      // A container another live Postflight process started is its business, not an orphan.
      if (ownedByLiveProcess(info.Labels[OWNER_LABEL])) continue;
      const container = docker.getContainer(info.Id);
      const run = runId ? getOdmRun(project.db, runId) : null;
      if (run?.logPath) {
        const tail = await container.logs({ stdout: true, stderr: true, tail: 20 }).catch(() => null);
        if (tail) fs.appendFileSync(project.resolve(run.logPath), `[postflight] last output of the abandoned container:\n${demuxed(tail)}\n`);
      }
      await stopContainer(container, 2);
      removedContainers.push(info.Id);
    }
  }
  const failedRuns: string[] = [];
  for (const run of listUnfinishedOdmRuns(project.db, 'docker')) {
    if (active.has(run.id)) continue;
    endOdmRun(project.db, run.id, 'failed', ORPHAN_REASON);
    failedRuns.push(run.id);
  }
  return { removedContainers, failedRuns };
}

/** Docker's log frames (8-byte headers) to plain text. */
function demuxed(buf: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length && buf[i]! <= 2 && buf[i + 1] === 0) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size).toString());
    i += 8 + size;
  }
  return i === 0 ? buf.toString() : parts.join('');
}

export interface EngineReport {
  docker: DockerStatus & { gpu?: GpuStatus; images?: Record<string, boolean> };
  nodeOdm?: { available: boolean; version?: string; error?: string };
}

/** What can make an orthophoto here: Docker (with or without GPU, which images are present) and NodeODM. */
export async function detectEngines(opts: { docker?: Docker; images?: string[]; nodeOdm?: NodeOdmConnection } = {}): Promise<EngineReport> {
  const docker = opts.docker ?? connectDocker();
  const status = await dockerStatus(docker);
  const report: EngineReport = { docker: status };
  if (status.available) {
    const names = opts.images ?? [DEFAULT_CPU_IMAGE, DEFAULT_GPU_IMAGE];
    const images: Record<string, boolean> = {};
    for (const name of names) images[name] = await hasImage(docker, name);
    const probe = names.find((n) => images[n]);
    report.docker = { ...status, images, gpu: await chooseGpu(docker, 'auto', probe) };
  }
  if (opts.nodeOdm) {
    try {
      const info = await new NodeOdmClient(opts.nodeOdm).info();
      report.nodeOdm = { available: true, version: info.version };
    } catch (err) {
      report.nodeOdm = { available: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
  return report;
}

/** True when the owner label names a Postflight process (not this one) that still runs. */
function ownedByLiveProcess(label: string | undefined): boolean {
  if (!label) return false;
  try {
    const owner = JSON.parse(label) as ProcessOwner;
    if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return false;
    if (owner.pid === process.pid && owner.host === currentProcessOwner().host) return false;
    return lockOwnerAlive({ ...owner, processStart: owner.processStart ?? null, command: 'odm', acquiredAt: '' });
  } catch {
    return false;
  }
}
