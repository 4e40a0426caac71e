import path from 'node:path';
import type { SyncTarget } from './target.ts';

/**
 * Object keys: `{prefix}projects/{project_id}/{task_id}/images/{file_name}` and the task's manifest beside `images/`.
 * Segments are percent-encoded when they hold anything outside a safe set, so a task id like "A/1" cannot escape
 * its folder and two different ids never share one.
 */
function segment(value: string): string {
  if (/^[A-Za-z0-9._-]+$/.test(value) && value !== '.' && value !== '..') return value;
  return encodeURIComponent(value).replace(/\./g, '%2E');
}

export function projectPrefix(target: SyncTarget, projectId: string): string {
  return `${target.prefix}projects/${segment(projectId)}/`;
}

export function taskPrefix(target: SyncTarget, projectId: string, taskId: string): string {
  return `${projectPrefix(target, projectId)}${segment(taskId)}/`;
}

export const MANIFEST_NAME = 'postflight-manifest.json';

export interface NamedPhoto {
  imageId: number;
  fileName: string;
  md5: string;
}

/**
 * The key of each photo of one task. Photos whose names clash (case-insensitively, as on the pilot's desktop) are told
 * apart deterministically: the earliest ingested keeps its name, later ones get `_<md5 prefix>` (and their image id if
 * even that clashes), so keys already uploaded never change when another photo joins the task.
 */
export function photoKeys(prefix: string, photos: readonly NamedPhoto[]): Map<number, string> {
  const taken = new Set<string>();
  const keys = new Map<number, string>();
  for (const p of [...photos].sort((a, b) => a.imageId - b.imageId)) {
    const ext = path.extname(p.fileName);
    const stem = p.fileName.slice(0, p.fileName.length - ext.length);
    const candidates = [p.fileName, `${stem}_${p.md5.slice(0, 8)}${ext}`, `${stem}_${p.md5.slice(0, 8)}_${p.imageId}${ext}`];
    const name = candidates.find((c) => !taken.has(c.toLowerCase()))!;
    taken.add(name.toLowerCase());
    keys.set(p.imageId, `${prefix}images/${segment(name)}`);
  }
  return keys;
}
