import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import { photoFile, type Project } from '../project/project.ts';
import { getImage } from '../db/images.ts';
import { getOdmRun } from '../db/odm-runs.ts';
import type { MediaKind } from '../../src-preload/contract.ts';

/** A media reference from a URL: photos by image id, ODM overlays by run id (a UUID). */
export type MediaRef = { kind: Exclude<MediaKind, 'overlay'>; id: number } | { kind: 'overlay'; id: string };

const CONTENT_TYPES: Record<string, string> = {
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/**
 * Resolves an opaque media id to a file the project owns. The renderer never names a path: the id is looked up in
 * the database, so traversal outside the project's files is impossible by construction.
 */
export function resolveMedia(project: Project, ref: MediaRef): { file: string; contentType: string } {
  const file = ref.kind === 'overlay' ? overlayFile(project, ref.id) : imageFile(project, ref.kind, ref.id);
  if (!file) throw new AppError('not_found', `No ${ref.kind} ${ref.id}.`);
  if (!fs.existsSync(file)) throw new AppError('not_found', `The ${ref.kind} file ${ref.id} is missing.`);
  // Only files really under the project folder, or (photos indexed in place) under the card root their row was
  // read from, are served: a link or a row pointing elsewhere (/etc/shadow) is refused, real paths compared.
  const roots = [project.dir];
  if (ref.kind === 'photo') {
    const root = getImage(project.db, ref.id)?.source_root;
    if (root) roots.push(root);
  }
  if (!roots.some((root) => isUnder(file, root))) throw new AppError('not_found', `The ${ref.kind} file ${ref.id} is not in the project or on its card.`);
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { file, contentType };
}

function isUnder(file: string, root: string): boolean {
  try {
    const rel = path.relative(fs.realpathSync(root), fs.realpathSync(file));
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  } catch {
    return false;
  }
}

function imageFile(project: Project, kind: 'thumb' | 'photo', id: number): string | null {
  const row = getImage(project.db, id);
  if (!row) return null;
  if (kind === 'photo') return photoFile(project, row);
  return row.thumb_path === null ? null : project.resolve(row.thumb_path);
}

function overlayFile(project: Project, runId: string): string | null {
  const png = getOdmRun(project.db, runId)?.outputs?.overlay?.png;
  return png === undefined ? null : project.resolve(png);
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Parses `thumb/12`, `photo/12` or `overlay/<run uuid>` (the path part of a media URL). */
export function parseMediaPath(p: string): MediaRef | null {
  const photo = /^\/?(thumb|photo)\/(\d{1,12})$/.exec(p);
  if (photo) return { kind: photo[1] as 'thumb' | 'photo', id: Number(photo[2]) };
  const overlay = new RegExp(`^/?overlay/(${UUID})$`).exec(p);
  return overlay ? { kind: 'overlay', id: overlay[1]! } : null;
}
