import { Readable } from 'node:stream';
import { sleep } from './retry.ts';

/**
 * A bandwidth cap shared by every concurrent upload, as a token bucket in its "theoretical arrival time" form: each
 * chunk reserves its share of time in FIFO order, and up to `burstMs` worth of bytes may go at once.
 */
export class TokenBucket {
  private readonly bytesPerSecond: number;
  private readonly burstMs: number;
  private tat = 0;

  constructor(bytesPerSecond: number, burstMs = 250) {
    this.bytesPerSecond = bytesPerSecond;
    this.burstMs = burstMs;
  }

  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    this.tat = Math.max(this.tat, now) + (bytes * 1000) / this.bytesPerSecond;
    const wait = this.tat - now - this.burstMs;
    if (wait > 0) await sleep(wait, signal);
  }
}

const CHUNK = 64 * 1024;

/**
 * A request body over `data` that passes through the bandwidth cap and reports each chunk handed to the socket, so
 * progress moves while a part is on the wire rather than in part-sized jumps.
 */
export function meteredBody(
  data: Buffer,
  onBytes: (n: number) => void,
  bucket: TokenBucket | undefined,
  signal: AbortSignal | undefined,
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < data.length; at += CHUNK) {
      // On abort the request itself is torn down by the same signal; the body just stops (an error here would be
      // emitted on a stream nobody listens to: the HTTP client pipes bodies without forwarding their errors).
      if (signal?.aborted) return;
      const chunk = data.subarray(at, Math.min(at + CHUNK, data.length));
      if (bucket && !(await bucket.take(chunk.length, signal).then(() => true, () => false))) return;
      onBytes(chunk.length);
      yield chunk;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
