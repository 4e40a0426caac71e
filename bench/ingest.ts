/**
 * Ingest throughput on ../shared/data/brighton_beach (--in-place), beside two floors measured in the same run on
 * the same bytes: reading + MD5, and a full-resolution JPEG decode (sharp, same parallelism as the ingest).
 * Then, each in its own process: whole-ingest photos/s with the native and the TypeScript kernels, and peak RSS at
 * 1x and 10x the files to show memory stays flat as the card grows.
 * Usage: node bench/ingest.ts [--scale N]   (with --scale, runs one ingest at that scale and prints JSON)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { openProject } from '../src-main/project/project.ts';
import { DEFAULT_INGEST_CONCURRENCY, runIngest } from '../src-main/ingest/ingest.ts';
import { medianSeconds, parallel, row, timed } from './support.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataset = path.resolve(here, '../../shared/data/brighton_beach');
// The ingest's own default; the floors get the same number of photos in flight.
const concurrency = DEFAULT_INGEST_CONCURRENCY;

/** A card holding `scale` distinct copies of every photo (bytes appended after the JPEG end marker change the md5). */
function makeCard(scale: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-bench-card-'));
  const files = fs.readdirSync(dataset).filter((f) => /\.jpe?g$/i.test(f));
  for (let copy = 0; copy < scale; copy++) {
    const dir = path.join(root, 'DCIM', `${100 + copy}MEDIA`);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(dataset, f));
      fs.writeFileSync(path.join(dir, f), copy === 0 ? bytes : Buffer.concat([bytes, Buffer.from(`copy${copy}`)]));
    }
  }
  return root;
}

async function ingestOnce(card: string): Promise<{ seconds: number; files: number; bytes: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-bench-project-'));
  const project = openProject(dir, { create: true });
  try {
    const { seconds, value } = await timed(() => runIngest(project, { source: card, inPlace: true, concurrency }));
    return { seconds, files: value.ingested, bytes: value.bytes };
  } finally {
    project.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--scale')) {
  const scale = Number(process.argv[process.argv.indexOf('--scale') + 1]);
  const card = makeCard(scale);
  const r = await ingestOnce(card);
  fs.rmSync(card, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ...r, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
} else {
  const card = makeCard(1);
  const files = fs.readdirSync(path.join(card, 'DCIM', '100MEDIA')).map((f) => path.join(card, 'DCIM', '100MEDIA', f));
  const totalBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`ingest bench: ${files.length} photos, ${(totalBytes / 1e6).toFixed(1)} MB, ${concurrency} at a time, ${os.availableParallelism()} cores`);

  const readMd5 = await medianSeconds(() =>
    parallel(files, concurrency, async (f) => createHash('md5').update(await fs.promises.readFile(f)).digest('hex')),
  );
  const decode = await medianSeconds(() =>
    parallel(files, concurrency, async (f) => sharp(await fs.promises.readFile(f)).raw().toBuffer()),
  );
  const ingestTimes: number[] = [];
  for (let i = 0; i < 3; i++) ingestTimes.push((await ingestOnce(card)).seconds);
  const ingest = ingestTimes.sort((a, b) => a - b)[1]!;
  fs.rmSync(card, { recursive: true, force: true });

  console.log(row('floor: read + md5', readMd5, null));
  console.log(row('floor: full-resolution decode (sharp RGB)', decode, null));
  console.log(row('ingest --in-place (metadata, metrics, thumbs)', ingest, decode,
    `${(files.length / ingest).toFixed(1)} photos/s, ${(totalBytes / 1e6 / ingest).toFixed(1)} MB/s`));
  console.log(`goal: ingest within 2x of the decode floor -> ${ingest / decode <= 2 ? 'met' : 'NOT met'} (${(ingest / decode).toFixed(2)}x)`);

  // Each of these runs in its own process: peak RSS is per process, and the kernel engine is chosen once per process.
  const runs: { label: string; scale: number; env?: NodeJS.ProcessEnv }[] = [
    { label: 'native kernels, 1x', scale: 1 },
    { label: 'TypeScript kernels (POSTFLIGHT_NATIVE=off), 1x', scale: 1, env: { POSTFLIGHT_NATIVE: 'off' } },
    { label: 'native kernels, 10x', scale: 10 },
  ];
  for (const run of runs) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--scale', String(run.scale)], {
      encoding: 'utf8',
      env: { ...process.env, ...run.env },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; files: number; maxRssMb: number };
    console.log(`${`${run.label}: ${m.files} photos`.padEnd(52)} ${m.seconds.toFixed(2).padStart(7)} s  ${(m.files / m.seconds).toFixed(1)} photos/s  peak RSS ${m.maxRssMb.toFixed(0)} MB`);
  }
}
