/** Ingest's pooled read buffers: exact bytes, reuse after release (no new buffer per photo), and files of any size. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { PhotoBuffers } from '../../src-main/ingest/photo-buffers.ts';
import { makeTemp, rmTemp } from '../support/paths.ts';

const dir = makeTemp();
afterAll(() => rmTemp(dir));

it('reads whole files into reused buffers', async () => {
  const sizes = [0, 1, 3_000_000, (1 << 20) - 1, 1 << 20, 2_500_000];
  const files = sizes.map((n, i) => {
    const f = path.join(dir, `p${i}.jpg`);
    fs.writeFileSync(f, Buffer.alloc(n, i + 1));
    return f;
  });
  const pool = new PhotoBuffers(4);
  const seen = new Set<ArrayBufferLike>();
  for (const f of files) {
    const bytes = await pool.read(f);
    expect(bytes.equals(fs.readFileSync(f)), f).toBe(true);
    seen.add(bytes.buffer);
    pool.release(bytes);
  }
  // Everything fitted in the 3 MB photo's buffer once it existed: 0 B, 1 B -> one 1 MiB buffer; then 3 MB -> one more.
  expect(seen.size).toBe(2);
});
