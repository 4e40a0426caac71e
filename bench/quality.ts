/**
 * ms per photo on ../shared/data/brighton_beach (18 x 9 MP) for the decode paths and the kernel engines, printed
 * as ratios against the baseline measured in this same run: sharp RGB decode + TypeScript kernels on the main
 * thread (the straightforward implementation). One pass over the folder per variant; no loops for stable numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePhoto, type DecodedPhoto } from '../src-main/quality/decode.ts';
import { loadEngine, measurePhoto } from '../src-main/quality/measure.ts';
import { kernelSumsTs } from '../src-main/quality/kernels.ts';

const folder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/brighton_beach');
const photos = fs.readdirSync(folder).filter((f) => /\.jpe?g$/i.test(f)).map((f) => fs.readFileSync(path.join(folder, f)));
const native = loadEngine();
const fallback = loadEngine({ native: false });

async function perPhoto(fn: (bytes: Buffer) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (const b of photos) await fn(b);
  return (performance.now() - t0) / photos.length;
}

const decoded: DecodedPhoto[] = [];
for (const b of photos) decoded.push(await decodePhoto(b));
const kernelsOnly = async (run: (p: DecodedPhoto) => unknown): Promise<number> => {
  let i = 0;
  return perPhoto(async () => run(decoded[i++]!));
};

const rows: [string, number][] = [];
const baseline = await perPhoto(async (b) => {
  const p = await decodePhoto(b);
  kernelSumsTs(p.gray, p.width, p.height);
});
rows.push(['baseline: sharp RGB decode + TS kernels (main thread)', baseline]);
rows.push(['decode: sharp RGB -> BGR2GRAY', await perPhoto((b) => decodePhoto(b))]);
if (native.decodeFloor) {
  const floor = native.decodeFloor;
  rows.push([`decode: luma only (${native.detail})`, await perPhoto((b) => floor(b, 0))]);
  rows.push(['decode: colour at 1/8 in the DCT domain (addon)', await perPhoto((b) => floor(b, 1))]);
}
rows.push(['kernels: TypeScript, main thread', await kernelsOnly(async (p) => kernelSumsTs(p.gray, p.width, p.height))]);
rows.push(['kernels: TypeScript, worker thread', await kernelsOnly((p) => fallback.kernelSums(p.gray, p.width, p.height))]);
if (native.name === 'native') rows.push(['kernels: native addon', await kernelsOnly((p) => native.kernelSums(p.gray, p.width, p.height))]);
rows.push([`measurePhoto, ${fallback.name} engine`, await perPhoto((b) => measurePhoto(b, { engine: fallback }))]);
if (native.name === 'native') rows.push(['measurePhoto, native engine', await perPhoto((b) => measurePhoto(b, { engine: native }))]);

console.log(`quality bench: ${photos.length} photos from ${folder}`);
for (const [name, ms] of rows) console.log(`${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms/photo  ${(ms / baseline).toFixed(2)}x baseline`);
