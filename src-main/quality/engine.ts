/**
 * Chooses the kernel engine once per process: the N-API addon from native/build when it loads, else the TypeScript
 * kernels in a worker thread (inline when no worker can start). One log line says which.
 * POSTFLIGHT_NATIVE=off forces the fallback; POSTFLIGHT_NATIVE_PATH points at another build of the addon.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { kernelSumsTs } from './kernels.ts';
import type { Engine, KernelSums } from './types.ts';

export interface KernelEngine {
  name: Engine;
  /** Kernel sums off the main thread. The caller must not change `gray` until the promise settles. */
  kernelSums(gray: Uint8Array, width: number, height: number): Promise<KernelSums>;
  /** Luma + sampled RGB + block-averaged RGB preview in one JPEG decode, when the addon was built against libjpeg. */
  decodeJpegLuma?: (
    jpeg: Uint8Array,
    width: number,
    height: number,
    step: number,
    gray: Uint8Array,
    rgb: Uint8Array,
    preview: Uint8Array,
  ) => Promise<void>;
}

interface Addon {
  kernelSums: KernelEngine['kernelSums'];
  decodeJpegLuma: NonNullable<KernelEngine['decodeJpegLuma']>;
  jpegLuma: boolean;
}

export const DEFAULT_ADDON_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../native/build/Release/postflight_quality.node');

export interface EngineOptions {
  /** Where the addon is; default POSTFLIGHT_NATIVE_PATH or native/build/Release. */
  addonPath?: string;
  /** false forces the TypeScript kernels; default: POSTFLIGHT_NATIVE !== 'off'. */
  native?: boolean;
  /** Receives the one line saying which engine runs; default stderr. */
  log?: (line: string) => void;
}

interface Job {
  gray: Uint8Array;
  width: number;
  height: number;
  resolve: (s: KernelSums) => void;
}

/**
 * The worker's script: the TypeScript source beside this module (CLI and tests run sources directly), or in the
 * app the `kernel-worker.js` bundle electron-vite builds next to the main bundle.
 */
function workerScript(): URL {
  const source = new URL('./kernel-worker.ts', import.meta.url);
  return fs.existsSync(fileURLToPath(source)) ? source : new URL('./kernel-worker.js', import.meta.url);
}

/**
 * TypeScript kernels on one long-lived worker thread that never holds the process open. If the worker dies (or
 * cannot load its module, e.g. in a bundle), its jobs and all later ones run inline instead.
 */
function workerKernels(): KernelEngine['kernelSums'] {
  const inline = async (g: Uint8Array, w: number, h: number): Promise<KernelSums> => kernelSumsTs(g, w, h);
  let worker: Worker | null;
  try {
    worker = new Worker(workerScript());
  } catch {
    return inline;
  }
  worker.unref();
  const pending = new Map<number, Job>();
  let nextId = 0;
  worker.on('message', (m: { id: number; sums: KernelSums }) => {
    const job = pending.get(m.id);
    pending.delete(m.id);
    if (pending.size === 0) worker?.unref();
    job?.resolve(m.sums);
  });
  worker.on('error', () => {
    worker = null;
    for (const job of pending.values()) job.resolve(kernelSumsTs(job.gray, job.width, job.height));
    pending.clear();
  });
  return (gray, width, height) => {
    if (!worker) return inline(gray, width, height);
    const w = worker;
    return new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, { gray, width, height, resolve });
      w.ref();
      // A copy: the caller keeps its buffer, and 9 MB copies in a few ms against ~200 ms of kernels.
      w.postMessage({ id, gray, width, height });
    });
  };
}

export function loadEngine(opts: EngineOptions = {}): KernelEngine {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const wantNative = opts.native ?? process.env.POSTFLIGHT_NATIVE !== 'off';
  const addonPath = opts.addonPath ?? process.env.POSTFLIGHT_NATIVE_PATH ?? DEFAULT_ADDON_PATH;
  let reason = 'disabled by POSTFLIGHT_NATIVE=off';
  if (wantNative) {
    try {
      const addon = createRequire(import.meta.url)(addonPath) as Addon;
      log(`quality: native kernels (${addonPath}${addon.jpegLuma ? ', libjpeg luma decode' : ''})`);
      return {
        name: 'native',
        kernelSums: addon.kernelSums,
        ...(addon.jpegLuma ? { decodeJpegLuma: addon.decodeJpegLuma } : {}),
      };
    } catch (err) {
      reason = `addon not loaded: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  log(`quality: TypeScript kernels in a worker thread (${reason}; npm run build:native builds the addon)`);
  return { name: 'typescript', kernelSums: workerKernels() };
}

let shared: KernelEngine | undefined;

/** The process-wide engine, loaded on first use. */
export function kernelEngine(): KernelEngine {
  shared ??= loadEngine();
  return shared;
}
