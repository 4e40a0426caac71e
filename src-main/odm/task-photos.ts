import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import { listAcceptedPhotos } from '../db/images.ts';
import { getTaskByRowId } from '../db/tasks.ts';
import { photoFile, type Project } from '../project/project.ts';

export interface OdmTask {
  id: number;
  taskId: string;
  name: string | null;
  /** Ground sample distance in cm/pixel from the coverage figures or the photos, when known. */
  gsdCm: number | null;
}

export interface TaskPhoto {
  imageId: number;
  fileName: string;
  /** Absolute path of the stored photo (never written to). */
  file: string;
}

/** The verified task ODM is asked to process; refuses a task the pilot hasn't verified. */
export function loadVerifiedTask(project: Project, taskRowId: number): OdmTask {
  const row = getTaskByRowId(project.db, taskRowId);
  if (!row) throw new AppError('not_found', `There is no task ${taskRowId} in this project.`, { taskId: taskRowId });
  if (!row.verifiedAt) {
    throw new AppError('refused', `Task ${row.taskId} is not verified yet. Review its photos and verify it before making an orthophoto.`, {
      taskId: taskRowId,
    });
  }
  const gsd = row.coverage?.gsdCm?.median ?? 0;
  return { id: row.id, taskId: row.taskId, name: row.name, gsdCm: gsd > 0 ? gsd : photosGsd(project, row.id) };
}

function photosGsd(project: Project, taskRowId: number): number | null {
  const gsds = listAcceptedPhotos(project.db, taskRowId)
    .flatMap((r) => (r.stored_path !== null && r.gsd_cm !== null && r.gsd_cm > 0 ? [r.gsd_cm] : []))
    .sort((a, b) => a - b);
  return gsds.length ? gsds[Math.floor(gsds.length / 2)]! : null;
}

/** The task's accepted photos that have a file in the project (or in place on the card). */
export function taskPhotos(project: Project, taskRowId: number): TaskPhoto[] {
  return listAcceptedPhotos(project.db, taskRowId).flatMap((r) => {
    const file = photoFile(project, r);
    return file === null ? [] : [{ imageId: r.id, fileName: r.file_name, file }];
  });
}

/** Unique file names for the photos (two cards can both have DJI_0001.JPG), the same on every call. */
export function photoNames(photos: readonly TaskPhoto[]): string[] {
  const used = new Set<string>();
  return photos.map((p) => {
    const name = used.has(p.fileName.toLowerCase()) ? `${p.imageId}_${p.fileName}` : p.fileName;
    used.add(name.toLowerCase());
    return name;
  });
}

/**
 * Puts the photos where ODM looks for them (`<dir>/images/`) under unique names: hard links on the same file system
 * (instant, no space), copies otherwise. Either way the container gets this folder read-only.
 */
export function stagePhotos(photos: readonly TaskPhoto[], imagesDir: string): { linked: number; copied: number; names: string[] } {
  fs.mkdirSync(imagesDir, { recursive: true });
  let linked = 0;
  let copied = 0;
  const names = photoNames(photos);
  for (const [i, photo] of photos.entries()) {
    if (!fs.existsSync(photo.file)) {
      throw new AppError('source_unavailable', `Photo ${photo.fileName} is missing from ${path.dirname(photo.file)}. Reconnect the card or folder it came from.`, {
        imageId: photo.imageId,
      });
    }
    const target = path.join(imagesDir, names[i]!);
    if (fs.existsSync(target)) continue;
    try {
      fs.linkSync(photo.file, target);
      linked++;
    } catch {
      // EXDEV (another drive), or a file system without hard links: a copy is the fallback.
      fs.copyFileSync(photo.file, target, fs.constants.COPYFILE_FICLONE);
      copied++;
    }
  }
  return { linked, copied, names };
}
