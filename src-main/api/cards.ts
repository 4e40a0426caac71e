import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CardVolume } from '../../src-preload/contract.ts';

/** Where each platform mounts removable volumes (Linux desktops, macOS, Windows drive letters past C:). */
function mountRoots(platform: NodeJS.Platform, user: string): string[] {
  if (platform === 'darwin') return ['/Volumes'];
  if (platform === 'win32') return [];
  return [path.join('/media', user), path.join('/run/media', user), '/media'];
}

function windowsDrives(): string[] {
  return 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((letter) => `${letter}:\\`);
}

function children(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return []; // a root that doesn't exist on this machine simply offers nothing
  }
}

/**
 * Mounted volumes that look like a camera card: a DCIM folder at their root. Offered to the pilot as one click
 * instead of browsing; they still confirm before anything is read.
 */
export function findCardVolumes(platform: NodeJS.Platform = process.platform): CardVolume[] {
  const volumes = platform === 'win32' ? windowsDrives() : mountRoots(platform, os.userInfo().username).flatMap(children);
  const seen = new Set<string>();
  const cards: CardVolume[] = [];
  for (const dir of volumes) {
    if (seen.has(dir) || !fs.existsSync(path.join(dir, 'DCIM'))) continue;
    seen.add(dir);
    cards.push({ dir, label: path.basename(dir) || dir });
  }
  return cards;
}
