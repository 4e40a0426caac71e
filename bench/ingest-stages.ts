/**
 * Where ingest's CPU goes, stage by stage: each stage of the in-place ingest of one photo run alone over a card's
 * photos, one photo at a time, timed in CPU milliseconds of all threads (`process.cpuUsage`) per photo. Beside them
 * the luma-decode floor (the benchmark's reference) and a whole ingest of the same card, so "rest" is what the stages
 * do not explain (scheduling, promises, garbage, the database rows). Serial figures run lower than ingest's 4 photos
 * in flight on 2 cores (caches, contention); compare stages with each other and with the serial floor.
 * Usage: node bench/ingest-stages.ts <card folder>
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openProject } from '../src-main/project/project.ts';
import { runIngest } from '../src-main/ingest/ingest.ts';
import { readPhotoMetadata } from '../src-main/ingest/metadata.ts';
import { makeThumbnailFromPixels, THUMBNAIL_LONG_EDGE, THUMBNAIL_QUALITY } from '../src-main/ingest/thumbnail.ts';
import { PhotoBuffers } from '../src-main/ingest/photo-buffers.ts';
import { loadEngine, thumbnailSize } from '../src-main/quality/measure.ts';
import { COLOUR_STEP } from '../src-main/quality/decode.ts';
import { cardFiles } from './support.ts';

const card = process.argv[2];
if (!card) throw new Error('usage: node bench/ingest-stages.ts <card folder>');
const files = cardFiles(card);
const engine = loadEngine({ log: () => {} });
if (!engine.measureJpeg || !engine.md5 || !engine.decodeFloor) throw new Error(`the addon with its decoder is needed (${engine.detail})`);
const buffers = new PhotoBuffers(4);
const bytes = await Promise.all(files.map((f) => fs.promises.readFile(f)));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-stages-'));

async function stage(name: string, run: (b: Buffer, i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(10, bytes.length); i++) await run(bytes[i]!, i); // warm-up
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < bytes.length; i++) await run(bytes[i]!, i);
  const u = process.cpuUsage(cpu0);
  const ms = (u.user + u.system) / 1000 / bytes.length;
  console.log(`${name.padEnd(44)} ${ms.toFixed(2).padStart(6)} ms/photo`);
  return ms;
}

console.log(`${files.length} photos, load average ${os.loadavg()[0]!.toFixed(2)}; ${engine.detail}`);
const { width, height } = (await readPhotoMetadata(bytes[0]!, 'x.jpg')).metadata as { width: number; height: number };
const previews = await Promise.all(bytes.slice(0, 1).map((b) => engine.measureJpeg!(b, width, height, COLOUR_STEP)));
const floor = await stage('floor: luma decode (no read)', (b) => engine.decodeFloor!(b, 0));
let total = 0;
total += await stage('read the file (pooled buffer)', async (_b, i) => buffers.release(await buffers.read(files[i]!)));
total += await stage('md5 (addon)', (b) => engine.md5!(b));
total += await stage('metadata (frame header + exifr + normalise)', (b) => readPhotoMetadata(b, 'x.jpg'));
const measured = await stage('measureJpeg (decode + kernels + colour + preview)', (b) => engine.measureJpeg!(b, width, height, COLOUR_STEP));
const thumb = thumbnailSize(width, height, THUMBNAIL_LONG_EDGE)!;
const withThumb = await stage('measureJpeg + thumbnail encoded in the addon', (b) => engine.measureJpeg!(b, width, height, COLOUR_STEP, thumb.width, thumb.height, THUMBNAIL_QUALITY));
total += withThumb;
const p = previews[0]!;
await stage('  thumbnail from the 1/8 preview (sharp, written)', (_b, i) =>
  makeThumbnailFromPixels({ data: p.preview!, width: p.previewWidth, height: p.previewHeight, channels: 3 }, path.join(scratch, `t${i}.jpg`), { format: 'jpeg' }),
);
console.log(`${'  measureJpeg above the floor'.padEnd(44)} ${(measured - floor).toFixed(2).padStart(6)} ms/photo`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-stages-project-'));
const project = openProject(dir, { create: true });
const cpu0 = process.cpuUsage();
await runIngest(project, { source: card, inPlace: true, concurrency: 1 });
const u = process.cpuUsage(cpu0);
project.close();
const whole = (u.user + u.system) / 1000 / files.length;
console.log(`${'sum of the stages'.padEnd(44)} ${total.toFixed(2).padStart(6)} ms/photo`);
console.log(`${'ingest --in-place, 1 photo at a time'.padEnd(44)} ${whole.toFixed(2).padStart(6)} ms/photo (${(whole / floor).toFixed(2)}x the serial floor)`);
console.log(`${'rest (database, scheduling, garbage)'.padEnd(44)} ${(whole - total).toFixed(2).padStart(6)} ms/photo`);
fs.rmSync(dir, { recursive: true, force: true });
fs.rmSync(scratch, { recursive: true, force: true });
