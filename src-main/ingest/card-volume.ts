import fs from 'node:fs';
import path from 'node:path';

export interface CardVolume {
  /** The volume's label (what the pilot sees in the file manager), else the card folder's name. */
  label: string;
  /** The file system's UUID / serial when the system knows it, else the mounted device. */
  volumeId: string | null;
}

/** Undoes the octal escapes of /proc mount tables and /dev/disk link names (\040, \x20). */
function unescape(s: string): string {
  return s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))).replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function linkNamed(folder: string, device: string): string | null {
  try {
    for (const name of fs.readdirSync(folder)) {
      if (fs.realpathSync(path.join(folder, name)) === device) return unescape(name);
    }
  } catch {
    // no such folder on this system
  }
  return null;
}

/**
 * Names the card a folder is on: on Linux the mount holding it (from /proc/self/mountinfo) and that device's label and
 * UUID (/dev/disk/by-label, by-uuid). Elsewhere, or for a plain folder, the folder's own name.
 */
export function describeCardVolume(root: string): CardVolume {
  const fallback: CardVolume = { label: path.basename(root) || root, volumeId: null };
  let real: string;
  let table: string;
  try {
    real = fs.realpathSync(root);
    table = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return fallback;
  }
  let best: { mount: string; device: string } | null = null;
  for (const line of table.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mount = unescape(left.split(' ')[4] ?? '');
    const device = right.split(' ')[1] ?? '';
    const rel = path.relative(mount, real);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (!best || mount.length >= best.mount.length) best = { mount, device };
  }
  if (!best || best.mount === '/' || !best.device.startsWith('/dev/')) return fallback;
  const label = linkNamed('/dev/disk/by-label', best.device);
  const uuid = linkNamed('/dev/disk/by-uuid', best.device);
  return { label: label ?? path.basename(best.mount) ?? fallback.label, volumeId: uuid ?? best.device };
}
