/**
 * Chooses the kernel engine once per process: the N-API addon from native/build when it loads, else the TypeScript
 * kernels in a worker thread (inline when no worker can start). One log line says which.
 * POSTFLIGHT_NATIVE=off forces the fallback; POSTFLIGHT_NATIVE_PATH points at another build of the addon.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { kernelSumsTs } from './kernels.ts';
import type { ColourSums, Engine, KernelSums } from './types.ts';

/**
 * One JPEG measured by the addon in one decode: kernel sums, colour sums and a 1/8-scale RGB preview, or, when a
 * thumbnail size was given, that preview already scaled and encoded as a JPEG thumbnail (and no preview).
 */
export interface JpegMeasurement {
  sums: KernelSums;
  colour: ColourSums;
  preview?: Uint8Array;
  previewWidth: number;
  previewHeight: number;
  thumbnail?: Buffer;
}

export interface KernelEngine {
  name: Engine;
  /** What runs, for the log line and app.info, e.g. "native kernels, libjpeg-turbo 1.4.80 (SSE2 inverse DCT) decode". */
  detail: string;
  /** Kernel sums off the main thread. The caller must not change `gray` until the promise settles. */
  kernelSums(gray: Uint8Array, width: number, height: number): Promise<KernelSums>;
  /**
   * The addon's JPEG path (when built with its decoder): the luma rows go through the kernels as they are decoded,
   * on the libuv pool; no full-size image is made. Rejects for anything it does not handle (the caller falls back).
   */
  measureJpeg?: (
    jpeg: Uint8Array,
    width: number,
    height: number,
    colourStep: number,
    thumbWidth?: number,
    thumbHeight?: number,
    thumbQuality?: number,
  ) => Promise<JpegMeasurement>;
  /**
   * The bare decodes the benchmark compares with: 0 = full-size luma only (the addon's inverse DCT, SIMD where the
   * CPU has it), 1 = colour at 1/8, 2 = full-size luma with the library's plain C inverse DCT. With `keep` the
   * decoded pixels come back.
   */
  decodeFloor?: (jpeg: Uint8Array, mode: 0 | 1 | 2, keep?: boolean) => Promise<Buffer | undefined>;
  /** MD5 (hex) off the main thread. */
  md5?: (bytes: Uint8Array) => Promise<string>;
}

interface Addon {
  kernelSums: KernelEngine['kernelSums'];
  /** Absent in builds older than issue 18's; they still run the kernels. */
  md5?: NonNullable<KernelEngine['md5']>;
  measureJpeg?: NonNullable<KernelEngine['measureJpeg']>;
  decodeFloor?: NonNullable<KernelEngine['decodeFloor']>;
  /** The JPEG decoder compiled in, when there is one. */
  decoder?: string;
  /** The kernels' SIMD levels this build and CPU run, the one in use last (builds before issue 18's AVX2 lack it). */
  simd?: string[];
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
  // After the listeners: adding a 'message' listener refs the worker again, and a fallback engine that never
  // measured anything (a command with nothing to check) then kept its process alive for ever.
  worker.unref();
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
      // The kernels' widest loops this CPU runs (AVX2 where built and supported, else SSE2 on x86-64, C elsewhere).
      const loops = addon.simd?.at(-1);
      const detail = `native kernels, ${addon.decoder ? `${addon.decoder} decode` : 'no JPEG decoder compiled in'}${loops ? `, ${loops.toUpperCase()} kernel loops` : ''}`;
      log(`quality: ${detail} (${addonPath})`);
      return {
        name: 'native',
        detail,
        kernelSums: addon.kernelSums,
        ...(addon.md5 ? { md5: addon.md5 } : {}),
        ...(addon.measureJpeg ? { measureJpeg: addon.measureJpeg } : {}),
        ...(addon.decodeFloor ? { decodeFloor: addon.decodeFloor } : {}),
      };
    } catch (err) {
      reason = `addon not loaded: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  log(`quality: TypeScript kernels in a worker thread (${reason}; npm run build:native builds the addon)`);
  return { name: 'typescript', detail: 'TypeScript kernels in a worker thread', kernelSums: workerKernels() };
}

let shared: KernelEngine | undefined;

/** The process-wide engine, loaded on first use. */
export function kernelEngine(): KernelEngine {
  shared ??= loadEngine();
  return shared;
}

/** A photo's MD5 (hex), on the addon's thread pool when it is built, else with node:crypto. */
export async function md5Hex(bytes: Uint8Array, engine: KernelEngine = kernelEngine()): Promise<string> {
  return engine.md5 ? engine.md5(bytes) : createHash('md5').update(bytes).digest('hex');
}
