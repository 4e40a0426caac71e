import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { makeTemp, sharedData } from './paths.ts';

/**
 * A card laid out as a DJI drone writes it, with the real photos and the usual clutter beside them. The caller
 * removes `root` (push it on its temp list).
 */
export function makeCard(photos: number): { root: string; files: string[]; dcim: string } {
  const root = makeTemp('postflight-card-');
  const dcim = path.join(root, 'DCIM', '100MEDIA');
  fs.mkdirSync(dcim, { recursive: true });
  fs.mkdirSync(path.join(root, 'MISC', 'THM'), { recursive: true });
  fs.writeFileSync(path.join(root, 'MISC', 'THM', 'DJI_0018.THM'), 'thumbnail');
  fs.writeFileSync(path.join(root, '.Spotlight-V100'), 'hidden');
  const files = fs.readdirSync(path.join(sharedData, 'brighton_beach')).sort().slice(0, photos);
  for (const f of files) fs.copyFileSync(path.join(sharedData, 'brighton_beach', f), path.join(dcim, f));
  return { root, files, dcim };
}

export const md5File = (f: string): string => createHash('md5').update(fs.readFileSync(f)).digest('hex');

/** Every regular file under `dir`, absolute paths. */
export function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
