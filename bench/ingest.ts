/**
 * Ingest against its floors, all measured in this run on the same 180 distinct photos (the 18 Brighton Beach photos
 * x 10, each copy with its own JPEG comment so every file differs in bytes and the duplicate check cannot short-cut
 * it), as CPU time so that other load on the machine does not skew the ratios:
 * - the luma-decode floor: read each file and decode its luma at full size, nothing else (what `djpeg -grayscale`
 *   does), with the same libjpeg-turbo build the addon uses (its SSE2 inverse DCT, native/src/jsimd_postflight.c);
 *   beside it, for reference, the same decode with the library's plain C inverse DCT, and the issue's own floor,
 *   `djpeg -grayscale` with the machine's libjpeg-turbo and its NASM SIMD (bench/djpeg-floor.c, compiled here when
 *   the machine has cc and the libjpeg development files);
 * - DroneTM's per-photo pipeline (bench/dronetm_baseline.py, python3: MD5, exiftool in a new process a photo, the
 *   Pillow 200 px thumbnail, two full OpenCV decodes, grid Laplacian, HSV terrain, exposure percentiles), the goal's
 *   baseline; and, beside it for continuity, the lean subset this bench used until 30 Nov 2026 (`--lean`: MD5, a
 *   stdlib EXIF parser, one decode, a 320 px thumbnail, the grid Laplacian), which under-counts DroneTM;
 * - ingest --in-place (hash, metadata, metrics, thumbnail, database row) in a child process, native and TypeScript.
 * Floor, ingest and both baselines alternate over --runs rounds (default 3) and the median ratio is the result. Then
 * peak RSS of an ingest of 10x the photos (1 800) against the 180 one shows whether memory stays flat.
 * Usage: node bench/ingest.ts [--runs N] [--no-memory] [--no-typescript]   (internal: --child <card>)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { openProject } from '../src-main/project/project.ts';
import { DEFAULT_INGEST_CONCURRENCY, runIngest } from '../src-main/ingest/ingest.ts';
import { loadEngine } from '../src-main/quality/measure.ts';
import { cardFiles, median, parallel } from './support.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataset = path.resolve(here, '../../shared/data/brighton_beach');
const concurrency = DEFAULT_INGEST_CONCURRENCY;
const execFileAsync = promisify(execFile);

interface IngestRun {
  files: number;
  cpuSeconds: number;
  wallSeconds: number;
  maxRssMb: number;
  engine: string;
}

/** The photo with a COM segment right after SOI naming its copy: a valid, distinct JPEG. */
function distinctCopy(jpeg: Buffer, copy: number): Buffer {
  const text = Buffer.from(`postflight bench copy ${copy}`);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, text, jpeg.subarray(2)]);
}

/** A card of `copies` x the dataset, in DCIM/1xxMEDIA folders like a drone's. */
function makeCard(copies: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-bench-card-'));
  const names = fs.readdirSync(dataset).filter((f) => /\.jpe?g$/i.test(f)).sort();
  const photos = names.map((f) => fs.readFileSync(path.join(dataset, f)));
  for (let copy = 0; copy < copies; copy++) {
    const dir = path.join(root, 'DCIM', `${100 + (copy % 900)}MEDIA`);
    fs.mkdirSync(dir, { recursive: true });
    photos.forEach((bytes, i) => fs.writeFileSync(path.join(dir, `C${String(copy).padStart(4, '0')}_${names[i]}`), distinctCopy(bytes, copy)));
  }
  return root;
}

const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

/** In a child process: one in-place ingest of the card into a fresh project; prints its CPU, wall time and peak RSS. */
async function childIngest(card: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-bench-project-'));
  const engine = loadEngine({ log: () => {} });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const project = openProject(dir, { create: true });
  try {
    const summary = await runIngest(project, { source: card, inPlace: true, concurrency });
    const run: IngestRun = {
      files: summary.ingested,
      cpuSeconds: cpuSeconds(process.cpuUsage(cpu0)),
      wallSeconds: (performance.now() - t0) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      engine: engine.detail,
    };
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    project.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function ingestInChild(card: string, env: NodeJS.ProcessEnv = {}): IngestRun {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', card], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`ingest child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as IngestRun;
}

interface DroneTmRun {
  cpuSeconds: number;
  wallSeconds: number;
  files: number;
  notes: string[];
}

/** One run of bench/dronetm_baseline.py on the card: DroneTM's per-photo pipeline, or with `lean` the old subset. */
function droneTm(card: string, lean = false): DroneTmRun {
  const thumbs = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-bench-dronetm-'));
  try {
    // The system Python, where Debian's python3-opencv is (as .ci/run installs it), unless told otherwise.
    const python = process.env.POSTFLIGHT_PYTHON ?? (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
    const r = spawnSync(python, [path.join(here, 'dronetm_baseline.py'), card, thumbs, ...(lean ? ['--lean'] : [])], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`DroneTM baseline failed (python3 with OpenCV needed): ${r.stderr || r.error?.message}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as DroneTmRun;
  } finally {
    fs.rmSync(thumbs, { recursive: true, force: true });
  }
}

/**
 * `djpeg -grayscale` with the system's libjpeg-turbo (its own SIMD), or why it cannot run here. As many processes as
 * ingest has photos in flight, each on its share of the files, so that it runs under the same contention as the
 * other floor and ingest (one process alone on a core spends less CPU per photo than 4 threads sharing 2 cores).
 */
async function systemFloor(files: string[]): Promise<{ cpuSeconds: number; library: string } | string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postflight-bench-djpeg-'));
  try {
    const exe = path.join(dir, 'djpeg-floor');
    try {
      execFileSync('cc', ['-O2', path.join(here, 'djpeg-floor.c'), '-o', exe, '-ljpeg'], { stdio: 'pipe' });
    } catch {
      return 'not measured: no cc or no libjpeg development files on this machine';
    }
    execFileSync(exe, files.slice(0, 18), { encoding: 'utf8' }); // warm-up
    const slices = Array.from({ length: concurrency }, (_, k) => files.filter((_f, i) => i % concurrency === k));
    const runs = await Promise.all(
      slices.map(async (slice) => JSON.parse((await execFileAsync(exe, slice, { encoding: 'utf8' })).stdout.trim()) as { cpuSeconds: number; library: string }),
    );
    return { cpuSeconds: runs.reduce((n, r) => n + r.cpuSeconds, 0), library: runs[0]!.library };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 3;
  const engine = loadEngine({ log: () => {} });
  const decodeFloor = engine.decodeFloor;
  if (!decodeFloor) throw new Error(`the luma-decode floor needs the addon with its JPEG decoder (engine: ${engine.detail}); npm run build:native`);
  const card = makeCard(10);
  const files = cardFiles(card);
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the start`);
  console.log(`ingest bench: ${files.length} distinct photos (${(bytes / 1e6).toFixed(0)} MB), ${concurrency} at a time, ${os.availableParallelism()} cores; ${engine.detail}`);
  console.log('CPU seconds (all threads) per round; ratios against the floor measured in the same round');

  const floor = async (mode: 0 | 2 = 0): Promise<number> => {
    const cpu0 = process.cpuUsage();
    await parallel(files, concurrency, async (f) => decodeFloor(await fs.promises.readFile(f), mode));
    return cpuSeconds(process.cpuUsage(cpu0));
  };
  await floor(); // warms the page cache and the addon
  const rounds: { floor: number; plainIdct: number; system: number | null; ingest: IngestRun; droneTm: DroneTmRun; lean: DroneTmRun }[] = [];
  let systemLibrary = '';
  for (let i = 0; i < runs; i++) {
    const sys = await systemFloor(files);
    if (typeof sys === 'string') systemLibrary = sys;
    else systemLibrary = sys.library;
    const round = { floor: await floor(), plainIdct: await floor(2), system: typeof sys === 'string' ? null : sys.cpuSeconds, ingest: ingestInChild(card), droneTm: droneTm(card), lean: droneTm(card, true) };
    rounds.push(round);
    const { ingest } = round;
    console.log(
      `round ${i + 1} (load ${os.loadavg()[0]!.toFixed(1)}): floor ${round.floor.toFixed(2)} s (C IDCT ${round.plainIdct.toFixed(2)} s, system djpeg ${round.system?.toFixed(2) ?? '-'} s), ` +
        `ingest ${ingest.cpuSeconds.toFixed(2)} s (${(ingest.cpuSeconds / round.floor).toFixed(2)}x, ${ingest.wallSeconds.toFixed(1)} s wall), ` +
        `DroneTM ${round.droneTm.cpuSeconds.toFixed(2)} s (${round.droneTm.wallSeconds.toFixed(1)} s wall, ${(round.droneTm.wallSeconds / ingest.wallSeconds).toFixed(1)}x), ` +
        `lean subset ${round.lean.cpuSeconds.toFixed(2)} s (${round.lean.wallSeconds.toFixed(1)} s wall, ${(round.lean.wallSeconds / ingest.wallSeconds).toFixed(1)}x)`,
    );
    if (i === 0) for (const note of round.droneTm.notes) console.log(`  DroneTM baseline: ${note}`);
  }
  const perPhoto = (s: number): string => `${((1000 * s) / files.length).toFixed(1)} ms/photo`;
  const mFloor = median(rounds.map((r) => r.floor));
  const mIngest = median(rounds.map((r) => r.ingest.cpuSeconds));
  const ratio = median(rounds.map((r) => r.ingest.cpuSeconds / r.floor));
  const mPlain = median(rounds.map((r) => r.plainIdct));
  const systemRounds = rounds.filter((r) => r.system !== null);
  const mSystem = systemRounds.length ? median(systemRounds.map((r) => r.system!)) : null;
  const vsDroneTmCpu = median(rounds.map((r) => r.droneTm.cpuSeconds / r.ingest.cpuSeconds));
  const vsDroneTmWall = median(rounds.map((r) => r.droneTm.wallSeconds / r.ingest.wallSeconds));
  const vsLeanCpu = median(rounds.map((r) => r.lean.cpuSeconds / r.ingest.cpuSeconds));
  const vsLeanWall = median(rounds.map((r) => r.lean.wallSeconds / r.ingest.wallSeconds));
  const underCounts = rounds.some((r) => r.droneTm.notes.length > 0);
  console.log(`luma-decode floor (read + libjpeg-turbo luma)   ${mFloor.toFixed(2)} s CPU  ${perPhoto(mFloor)}  (addon's SSE2 inverse DCT)`);
  console.log(`  same, library's plain C inverse DCT           ${mPlain.toFixed(2)} s CPU  ${perPhoto(mPlain)}`);
  console.log(
    mSystem === null
      ? `  system djpeg -grayscale: ${systemLibrary}`
      : `  system djpeg -grayscale (${systemLibrary}, NASM SIMD) ${mSystem.toFixed(2)} s CPU  ${perPhoto(mSystem)}  (${concurrency} processes)`,
  );
  console.log(`ingest --in-place, native                      ${mIngest.toFixed(2)} s CPU  ${perPhoto(mIngest)}`);
  const mWall = (get: (r: (typeof rounds)[number]) => number): string => `${median(rounds.map(get)).toFixed(1)} s wall`;
  console.log(`ingest --in-place wall                         ${mWall((r) => r.ingest.wallSeconds)}`);
  console.log(
    `DroneTM pipeline (exiftool, Pillow, OpenCV x2)  ${median(rounds.map((r) => r.droneTm.cpuSeconds)).toFixed(2)} s CPU  ${mWall((r) => r.droneTm.wallSeconds)}` +
      `${underCounts ? '  (UNDER-COUNTS DroneTM: see the note above)' : ''}`,
  );
  console.log(`  lean subset used until 30 Nov              ${median(rounds.map((r) => r.lean.cpuSeconds)).toFixed(2)} s CPU  ${mWall((r) => r.lean.wallSeconds)}`);
  console.log(`goal: ingest CPU <= 1.5x the luma-decode floor -> ${ratio <= 1.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x, median of ${runs})`);
  const vsPlain = median(rounds.map((r) => r.ingest.cpuSeconds / r.plainIdct));
  const vsSystem = systemRounds.length ? median(systemRounds.map((r) => r.ingest.cpuSeconds / r.system!)) : null;
  console.log(`  the same ingest is ${vsPlain.toFixed(2)}x the plain-C-IDCT floor${vsSystem === null ? '' : ` and ${vsSystem.toFixed(2)}x the system djpeg -grayscale`}`);
  console.log(
    `goal: >= 5x faster than DroneTM${underCounts ? ' (baseline UNDER-COUNTS: no exiftool or Pillow)' : ''} -> ${vsDroneTmWall >= 5 ? 'met' : 'NOT met'} in wall time (${vsDroneTmWall.toFixed(1)}x; ` +
      `DroneTM runs one photo at a time, ingest ${concurrency}); ${vsDroneTmCpu.toFixed(1)}x less CPU`,
  );
  console.log(`  vs the lean subset used until 30 Nov: ${vsLeanWall.toFixed(1)}x in wall time, ${vsLeanCpu.toFixed(1)}x less CPU`);

  if (!process.argv.includes('--no-typescript')) {
    const ts = ingestInChild(card, { POSTFLIGHT_NATIVE: 'off' });
    console.log(`TypeScript kernels (POSTFLIGHT_NATIVE=off)     ${ts.cpuSeconds.toFixed(2)} s CPU  ${perPhoto(ts.cpuSeconds)}  ${(ts.cpuSeconds / mIngest).toFixed(1)}x native`);
  }

  if (!process.argv.includes('--no-memory')) {
    const small = rounds.map((r) => r.ingest.maxRssMb);
    const bigCard = makeCard(100);
    try {
      const big = ingestInChild(bigCard);
      const flat = big.maxRssMb / Math.max(...small);
      console.log(`peak RSS: ${Math.max(...small).toFixed(0)} MB for ${files.length} photos, ${big.maxRssMb.toFixed(0)} MB for ${big.files} (${((1000 * big.cpuSeconds) / big.files).toFixed(1)} ms/photo)`);
      console.log(`goal: peak memory flat from ${files.length} to ${big.files} photos -> ${flat <= 1.25 ? 'met' : 'NOT met'} (${flat.toFixed(2)}x)`);
      console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`);
    } finally {
      fs.rmSync(bigCard, { recursive: true, force: true });
    }
  }
  fs.rmSync(card, { recursive: true, force: true });
}

if (process.argv.includes('--child')) await childIngest(process.argv[process.argv.indexOf('--child') + 1]!);
else await main();
