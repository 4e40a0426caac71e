import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { hasImage } from '../../src-main/odm/docker-engine.ts';
import { STANDIN_ORTHO, writeGeoTiff } from './odm-geotiff.ts';
import { makeTemp, rmTemp } from './paths.ts';

/** The stand-in's images: the same ODM contract, one finishing at once, one taking `SLOW_STAGE_SECONDS` per stage. */
export const STANDIN_FAST = 'postflight/odm-standin:fast';
export const STANDIN_SLOW = 'postflight/odm-standin:slow';
export const SLOW_STAGE_SECONDS = 20;
/** Fewer photos than this and the stand-in fails like ODM does. */
export const STANDIN_MIN_IMAGES = 3;

/**
 * Honours ODM's command line (`--project-path DIR NAME [--option [value]]...`), prints ODM's stage markers, checks
 * it cannot write to the photos, fails with ODM's own message when given too few photos, and writes the outputs
 * where ODM does. Stops on SIGTERM like ODM (sleep in the background so the trap runs at once).
 */
const ENTRYPOINT = `#!/bin/sh
trap 'echo "[WARNING] Caught signal, stopping"; exit 143' TERM INT
pp=""; name=""; fast=0; all="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --project-path) pp="$2"; shift 2 ;;
    --fast-orthophoto) fast=1; shift ;;
    --*) if [ $# -gt 1 ] && [ "\${2#--}" = "$2" ]; then shift 2; else shift; fi ;;
    *) name="$1"; shift ;;
  esac
done
dir="$pp/$name"
pause() { if [ "$STANDIN_STAGE_SECONDS" != "0" ]; then sleep "$STANDIN_STAGE_SECONDS" & wait $!; fi; }
stage() { echo "[INFO]    Running $1 stage"; pause; }
finish() { echo "[INFO]    Finished $1 stage"; }
echo "[INFO]    Initializing ODM (stand-in) - $(date)"
echo "[INFO]    args: $all"
stage dataset
if touch "$dir/images/.write-test" 2>/dev/null; then echo "[WARNING] images folder is writable"; rm -f "$dir/images/.write-test"; else echo "[INFO]    images folder is read-only"; fi
n=$(ls "$dir/images" | wc -l)
if [ "$n" -lt "$STANDIN_MIN_IMAGES" ]; then
  echo "[ERROR]   Not enough supported images in $dir/images"
  exit 1
fi
echo "[INFO]    Found $n usable images"
finish dataset
stages="split merge opensfm"
[ "$fast" = 1 ] || stages="$stages openmvs"
for s in $stages odm_filterpoints odm_meshing mvs_texturing odm_georeferencing odm_dem odm_orthophoto odm_report odm_postprocess; do
  stage $s
  case $s in
    odm_orthophoto) mkdir -p "$dir/odm_orthophoto" && cp /standin/ortho.tif "$dir/odm_orthophoto/odm_orthophoto.tif" ;;
    odm_report) mkdir -p "$dir/odm_report" && printf '%%PDF-1.4\\n%% stand-in report\\n' > "$dir/odm_report/report.pdf" ;;
  esac
  finish $s
done
echo "[INFO]    ODM app finished - $(date)"
`;

/** True for an ELF64 binary without an interpreter (PT_INTERP), i.e. one that runs in an empty rootfs. */
function isStaticElf(file: string): boolean {
  const elf = fs.readFileSync(file);
  if (elf.toString('latin1', 1, 4) !== 'ELF' || elf[4] !== 2) return false;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (elf.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

const APPLETS = ['sh', 'ls', 'wc', 'cat', 'cp', 'mkdir', 'rm', 'sleep', 'touch', 'date', 'printf', 'echo', 'true'];

/**
 * Builds the stand-in ODM images with `docker import` of a tiny rootfs (static busybox + the entrypoint + a real
 * GeoTIFF written by our writer). Skipped when images with the same content are already there.
 */
export async function buildStandInImages(docker: Docker): Promise<void> {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
  if (!busybox || !isStaticElf(busybox)) {
    throw new Error('a static busybox is needed to build the ODM stand-in (apt-get install busybox-static)');
  }
  const ortho = writeGeoTiff(STANDIN_ORTHO);
  const hash = createHash('sha256').update(ENTRYPOINT).update(ortho).update(fs.readFileSync(busybox)).digest('hex').slice(0, 16);
  const builds = [
    { image: STANDIN_FAST, seconds: 0 },
    { image: STANDIN_SLOW, seconds: SLOW_STAGE_SECONDS },
  ];
  const todo = [];
  for (const b of builds) {
    const current = (await hasImage(docker, b.image))
      ? ((await docker.getImage(b.image).inspect()).Config.Labels ?? {})['org.postflight.standin']
      : undefined;
    if (current !== hash) todo.push(b);
  }
  if (todo.length === 0) return;

  const root = makeTemp('postflight-odm-rootfs-');
  try {
    for (const d of ['bin', 'standin', 'tmp', 'datasets']) fs.mkdirSync(path.join(root, d));
    fs.copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    for (const a of APPLETS) fs.symlinkSync('busybox', path.join(root, 'bin', a));
    fs.writeFileSync(path.join(root, 'entrypoint.sh'), ENTRYPOINT, { mode: 0o755 });
    fs.writeFileSync(path.join(root, 'standin', 'ortho.tif'), ortho);
    const tar = path.join(path.dirname(root), `${path.basename(root)}.tar`);
    execFileSync('tar', ['-C', root, '-cf', tar, '.']);
    try {
      for (const b of todo) {
        const [repo, tag] = b.image.split(':') as [string, string];
        const stream = await docker.importImage(tar, {
          repo,
          tag,
          changes: [
            'ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]',
            'ENV PATH=/bin',
            `ENV STANDIN_STAGE_SECONDS=${b.seconds}`,
            `ENV STANDIN_MIN_IMAGES=${STANDIN_MIN_IMAGES}`,
            `LABEL org.postflight.standin=${hash}`,
          ],
        } as object);
        await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
      }
    } finally {
      fs.rmSync(tar, { force: true });
    }
  } finally {
    rmTemp(root);
  }
}
