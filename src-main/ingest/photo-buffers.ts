/**
 * Reusable buffers for the photo bytes ingest reads. A 9 MP photo is 3-5 MB: a fresh Buffer per photo is external
 * memory that pushes V8 into a full garbage collection every few photos (2.6 s of a 180-photo ingest). Ingest holds
 * a bounded number of photos at once, so the same few buffers serve the whole card.
 */
import fs from 'node:fs';

/** Capacity granularity, so photos of similar size share buffers. */
const STEP = 1 << 20;

export class PhotoBuffers {
  readonly #free: Buffer[] = [];
  readonly #keep: number;

  /** Keeps at most `keep` idle buffers (the photos ingest can hold at once). */
  constructor(keep: number) {
    this.#keep = keep;
  }

  /** The whole file, in a pooled buffer; give it back with `release` once nothing reads it any more. */
  async read(file: string): Promise<Buffer> {
    const handle = await fs.promises.open(file, 'r');
    try {
      const { size } = await handle.stat();
      let buf = this.#take(size);
      let length = 0;
      for (;;) {
        if (length === buf.length) {
          // The file grew since its size was read: continue in a larger buffer.
          const bigger = Buffer.allocUnsafeSlow(buf.length + STEP);
          buf.copy(bigger, 0, 0, length);
          this.release(buf);
          buf = bigger;
        }
        const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      return buf.subarray(0, length);
    } finally {
      await handle.close();
    }
  }

  /** Returns a buffer from `read` to the pool. The caller must not use it afterwards. */
  release(bytes: Buffer): void {
    if (this.#free.length >= this.#keep) return;
    this.#free.push(Buffer.from(bytes.buffer, 0, bytes.buffer.byteLength));
  }

  #take(size: number): Buffer {
    let best = -1;
    this.#free.forEach((b, i) => {
      if (b.length > size && (best < 0 || b.length < this.#free[best]!.length)) best = i;
    });
    if (best >= 0) return this.#free.splice(best, 1)[0]!;
    return Buffer.allocUnsafeSlow(Math.ceil((size + 1) / STEP) * STEP);
  }
}
