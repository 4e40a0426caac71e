import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { lineSplitter } from './run-monitor.ts';
import { NVIDIA_GPUS } from './docker-engine.ts';

/** Labels that find our containers again after a crash. */
export const RUN_LABEL = 'org.postflight.run';
export const PROJECT_LABEL = 'org.postflight.project';
/** The Postflight process that started the container (JSON: pid, host, process start): only its death makes it an orphan. */
export const OWNER_LABEL = 'org.postflight.owner';

/** Where ODM's project folder is mounted in the container (ODM's documented `--project-path /datasets`). */
const DATASETS = '/datasets';

export interface ContainerSpec {
  image: string;
  gpu: boolean;
  /** Host folder mounted as ODM's project path. */
  projectPath: string;
  /** ODM's dataset name: the sub-folder holding images/ and, later, the outputs. */
  name: string;
  /** Host folder with the staged photos; mounted read-only over `<name>/images`. */
  imagesDir: string;
  args: string[];
  labels: Record<string, string>;
  memoryBytes: number;
  cpus: number;
  timeoutMs: number;
  stopGraceSeconds: number;
}

export type ContainerOutcome = { kind: 'exited'; exitCode: number } | { kind: 'cancelled' } | { kind: 'timeout' };

/**
 * Runs ODM in a container with no network, the photos read-only and the given memory/CPU limits, streaming its
 * output line by line. Cancel or timeout stop it (SIGTERM, then SIGKILL after the grace period); the container is
 * always removed before this returns.
 */
export async function runOdmContainer(
  docker: Docker,
  spec: ContainerSpec,
  onLine: (line: string) => void,
  onCreated: (containerId: string) => void,
  signal?: AbortSignal,
): Promise<ContainerOutcome> {
  const container = await docker.createContainer({
    Image: spec.image,
    Cmd: ['--project-path', DATASETS, spec.name, ...spec.args],
    Labels: spec.labels,
    Tty: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      Binds: [`${spec.projectPath}:${DATASETS}`, `${spec.imagesDir}:${DATASETS}/${spec.name}/images:ro`],
      NetworkMode: 'none',
      Memory: spec.memoryBytes,
      NanoCpus: Math.round(spec.cpus * 1e9),
      ...(spec.gpu ? { DeviceRequests: NVIDIA_GPUS } : {}),
    },
  });
  onCreated(container.id);
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true, logs: true });
    const out = new PassThrough();
    const err = new PassThrough();
    docker.modem.demuxStream(stream, out, err);
    const outLines = lineSplitter(onLine);
    const errLines = lineSplitter(onLine);
    out.on('data', (c: Buffer) => outLines.push(c));
    err.on('data', (c: Buffer) => errLines.push(c));
    const streamEnded = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });

    if (signal?.aborted) return { kind: 'cancelled' };
    await container.start();

    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<'cancelled' | 'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), spec.timeoutMs);
      onAbort = () => resolve('cancelled');
      // The first log lines (and so a cancel) can come while start() is still being answered.
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    const exited = container.wait().then((r: { StatusCode: number }) => r.StatusCode);
    const first = await Promise.race([exited, stopped]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (typeof first !== 'number') {
      await stopContainer(container, spec.stopGraceSeconds);
      return { kind: first };
    }
    // The last lines can arrive just after the exit; don't wait forever for a stream that never closes.
    await Promise.race([streamEnded, new Promise((r) => setTimeout(r, 2000))]);
    outLines.end();
    errLines.end();
    return { kind: 'exited', exitCode: first };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Stop (SIGTERM, SIGKILL after `graceSeconds`), kill if stopping fails, then remove. */
export async function stopContainer(container: Docker.Container, graceSeconds: number): Promise<void> {
  await container.stop({ t: graceSeconds }).catch(() => container.kill().catch(() => undefined));
  await container.remove({ force: true }).catch(() => undefined);
}
