import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import type { Project } from '../project/project.ts';
import type { MediaKind } from '../../src-preload/contract.ts';

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
export function resolveMedia(project: Project, kind: MediaKind, id: number): { file: string; contentType: string } {
  const row = project.db
    .prepare<[number], { thumb_path: string | null; stored_path: string | null }>(
      'SELECT thumb_path, stored_path FROM images WHERE id = ?',
    )
    .get(id);
  const stored = kind === 'thumb' ? row?.thumb_path : row?.stored_path;
  if (!stored) throw new AppError('not_found', `No ${kind} for photo ${id}.`);
  const file = path.isAbsolute(stored) ? stored : project.resolve(stored);
  if (!fs.existsSync(file)) throw new AppError('not_found', `The ${kind} file of photo ${id} is missing.`);
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { file, contentType };
}

/** Parses `thumb/12` or `photo/12` (the path part of a media URL). */
export function parseMediaPath(p: string): { kind: MediaKind; id: number } | null {
  const m = /^\/?(thumb|photo)\/(\d{1,12})$/.exec(p);
  return m ? { kind: m[1] as MediaKind, id: Number(m[2]) } : null;
}
