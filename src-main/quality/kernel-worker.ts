/** Worker thread running the TypeScript kernels, so the fallback does not block the main thread. */
import { parentPort } from 'node:worker_threads';
import { kernelSumsTs } from './kernels.ts';

parentPort?.on('message', (m: { id: number; gray: Uint8Array; width: number; height: number }) => {
  parentPort?.postMessage({ id: m.id, sums: kernelSumsTs(m.gray, m.width, m.height) });
});
