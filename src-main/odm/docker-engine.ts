import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { AppError } from '../common/errors.ts';
import type { WorkControl } from '../common/progress.ts';

export const DEFAULT_CPU_IMAGE = 'opendronemap/odm';
export const DEFAULT_GPU_IMAGE = 'opendronemap/odm:gpu';

export type GpuMode = 'auto' | 'on' | 'off';

/** A Docker client for DOCKER_HOST, or the platform's default socket when it is unset (dockerode's own rule). */
export function connectDocker(env: NodeJS.ProcessEnv = process.env): Docker {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  return new Docker();
}

export interface DockerStatus {
  available: boolean;
  version?: string;
  /** Container runtimes the engine offers (an `nvidia` entry means the NVIDIA toolkit is set up). */
  runtimes?: string[];
  /** What the pilot should do when Docker isn't usable. */
  guidance?: string;
  errorCode?: string;
}

/** Asks the engine who it is; explains in the pilot's words why it can't be reached. */
export async function dockerStatus(docker: Docker): Promise<DockerStatus> {
  try {
    const info = (await docker.info()) as { ServerVersion?: string; Runtimes?: Record<string, unknown> };
    return { available: true, version: info.ServerVersion ?? 'unknown', runtimes: Object.keys(info.Runtimes ?? {}) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    return { available: false, guidance: dockerGuidance(code), errorCode: code };
  }
}

function dockerGuidance(code: string): string {
  switch (code) {
    case 'ENOENT':
      return dockerInstalled()
        ? 'Docker is installed but not running. Start Docker (Docker Desktop, or `sudo systemctl start docker`) and try again.'
        : 'Docker is not installed. Install Docker (Docker Desktop on Windows/macOS, the docker.io package on Linux) to make orthophotos on this laptop, or use a NodeODM server instead.';
    case 'ECONNREFUSED':
      return 'Docker is not running (nothing answers on its socket). Start Docker and try again.';
    case 'EACCES':
    case 'EPERM':
      return 'You are not allowed to use Docker. On Linux add yourself to the docker group (`sudo usermod -aG docker $USER`, then log out and in again).';
    default:
      return `Docker could not be reached (${code}). Check that Docker is running and DOCKER_HOST is right.`;
  }
}

function dockerInstalled(): boolean {
  const names = process.platform === 'win32' ? ['docker.exe'] : ['docker', 'dockerd'];
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && names.some((n) => fs.existsSync(path.join(dir, n))));
}

/** Throws the guidance as an AppError when Docker can't be used. */
export async function requireDocker(docker: Docker): Promise<DockerStatus> {
  const status = await dockerStatus(docker);
  if (!status.available) throw new AppError('engine_unavailable', status.guidance!, { errorCode: status.errorCode });
  return status;
}

/** The device request that gives a container every NVIDIA GPU (what `docker run --gpus all` sends). */
export const NVIDIA_GPUS = [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']], DeviceIDs: [], Options: {} }];

export interface GpuStatus {
  available: boolean;
  reason: string;
}

/**
 * Whether containers can use an NVIDIA GPU. The `nvidia` runtime in `docker info` is a good sign but not proof
 * (CDI or the legacy hook can provide GPUs without it, a broken driver can leave it listed), so when an image is at
 * hand we start a throwaway container asking for the GPUs: the engine refuses it at start when there are none.
 */
export async function detectGpu(docker: Docker, probeImage?: string): Promise<GpuStatus> {
  const status = await requireDocker(docker);
  const runtimeListed = status.runtimes?.includes('nvidia') ?? false;
  if (!probeImage || !(await hasImage(docker, probeImage))) {
    return runtimeListed
      ? { available: true, reason: 'The NVIDIA container runtime is installed.' }
      : { available: false, reason: 'No NVIDIA container runtime in Docker.' };
  }
  const container = await docker.createContainer({
    Image: probeImage,
    Entrypoint: ['true'],
    Cmd: [],
    Labels: { 'org.postflight.probe': 'gpu' },
    HostConfig: { NetworkMode: 'none', DeviceRequests: NVIDIA_GPUS },
  });
  try {
    await container.start();
    const result = (await container.wait()) as { StatusCode: number };
    return result.StatusCode === 0
      ? { available: true, reason: 'A test container got the NVIDIA GPU.' }
      : { available: false, reason: `A test container asking for the GPU exited with code ${result.StatusCode}.` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { available: false, reason: `Docker can't give containers a GPU here: ${lastLine(message)}` };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)!.replace(/^\(HTTP code \d+\)\s*\S+\s*-\s*/, '');
}

/** Picks GPU or CPU: `auto` uses the GPU when there is one, `on` insists, `off` never asks. */
export async function chooseGpu(docker: Docker, mode: GpuMode, probeImage?: string): Promise<GpuStatus> {
  if (mode === 'off') return { available: false, reason: 'GPU turned off.' };
  const gpu = await detectGpu(docker, probeImage);
  if (mode === 'on' && !gpu.available) {
    throw new AppError('engine_unavailable', `A GPU was asked for but none can be used. ${gpu.reason} Use --gpu auto or off to run on the CPU.`);
  }
  return gpu;
}

export async function hasImage(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/**
 * Makes sure the ODM image is on this computer, pulling it when it isn't (progress in bytes across its layers).
 * Offline, a missing image is a clear error rather than a hang.
 */
export async function ensureImage(docker: Docker, image: string, control: WorkControl = {}): Promise<'present' | 'pulled'> {
  if (await hasImage(docker, image)) return 'present';
  try {
    const stream = await docker.pull(image, { abortSignal: control.signal });
    const layers = new Map<string, { current: number; total: number }>();
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (event: { id?: string; status?: string; progressDetail?: { current?: number; total?: number } }) => {
          if (event.id && event.progressDetail?.total) {
            layers.set(event.id, { current: event.progressDetail.current ?? 0, total: event.progressDetail.total });
          }
          const done = [...layers.values()].reduce((s, l) => s + l.current, 0);
          const total = [...layers.values()].reduce((s, l) => s + l.total, 0);
          control.onProgress?.({ stage: 'pull', done, total: total || null, bytesDone: done, bytesTotal: total || null, message: event.status });
        },
      );
    });
  } catch (err) {
    if (control.signal?.aborted) throw new AppError('cancelled', 'Downloading the ODM image was cancelled.');
    const message = err instanceof Error ? err.message : String(err);
    throw new AppError(
      'engine_unavailable',
      `The ODM image ${image} is not on this computer and could not be downloaded (${lastLine(message)}). Connect to the internet once to download it, or load it with \`docker load\`.`,
      { image },
    );
  }
  if (!(await hasImage(docker, image))) {
    throw new AppError('engine_unavailable', `Downloading the ODM image ${image} did not finish. Try again when online.`, { image });
  }
  return 'pulled';
}
