import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { sharedData } from './paths.ts';
import { storedCoverage } from './coverage.ts';
import { sql } from '../../src-main/db/database.ts';

/** Real photos from the shared data set (brighton_beach: 18 DJI JPEGs of 3-4 MB). */
export const BRIGHTON = path.join(sharedData, 'brighton_beach');
export const brightonPhotos = (): string[] =>
  fs.readdirSync(BRIGHTON).filter((f) => f.toLowerCase().endsWith('.jpg')).sort().map((f) => path.join(BRIGHTON, f));

export interface PhotoSpec {
  fileName: string;
  /** The bytes: a real photo, or several real photos concatenated to make a bigger object. */
  from: string[];
  status?: 'assigned' | 'rejected' | 'unmatched';
  manualDecision?: 'accepted' | 'rejected' | null;
}

export interface TaskSpec {
  taskId: string;
  verified: boolean;
  photos: PhotoSpec[];
}

export interface SyncFixture {
  project: Project;
  /** The bytes' MD5 by image id. */
  md5: Map<number, string>;
  /** image id by task id and file name. */
  imageIds: Map<string, number>;
}

const square = { type: 'Polygon', coordinates: [[[-0.1, 50.8], [-0.09, 50.8], [-0.09, 50.81], [-0.1, 50.81], [-0.1, 50.8]]] };

/**
 * A project folder with tasks and images rows written directly (standing in for ingest/classify/verify), each photo a
 * copy of real camera bytes under images/ in the project, as a copying ingest leaves them.
 */
export function makeSyncProject(dir: string, tasks: readonly TaskSpec[]): SyncFixture {
  const project = openProject(dir, { create: true, name: 'sync test' });
  const md5 = new Map<number, string>();
  const imageIds = new Map<string, number>();
  const now = new Date().toISOString();
  const insertTask = sql(project.db).prepare(
    `INSERT INTO tasks (task_id, name, geometry, min_lon, min_lat, max_lon, max_lat, imported_at, verified_at, coverage_json)
     VALUES (?, ?, ?, -0.1, 50.8, -0.09, 50.81, ?, ?, ?)`,
  );
  const insertImage = sql(project.db).prepare(
    `INSERT INTO images (source_root, source_path, stored_path, file_name, size, md5, status, manual_decision, task_id, ingested_at, lat, lon)
     VALUES ('/media/sd', ?, ?, ?, ?, ?, ?, ?, ?, ?, 50.805, -0.095)`,
  );
  const insertReason = sql(project.db).prepare("INSERT INTO reasons (image_id, code, message, source) VALUES (?, ?, ?, 'auto')");
  for (const task of tasks) {
    const taskRow = Number(
      insertTask.run(task.taskId, `Task ${task.taskId}`, JSON.stringify(square), now, task.verified ? now : null, JSON.stringify(storedCoverage())).lastInsertRowid,
    );
    task.photos.forEach((p, i) => {
      const bytes = Buffer.concat(p.from.map((f) => fs.readFileSync(f)));
      const stored = path.join('images', task.taskId, `${i}`, p.fileName);
      fs.mkdirSync(path.dirname(project.resolve(stored)), { recursive: true });
      fs.writeFileSync(project.resolve(stored), bytes);
      const digest = createHash('md5').update(bytes).digest('hex');
      const id = Number(
        insertImage.run(
          `DCIM/${task.taskId}/${i}/${p.fileName}`,
          stored,
          p.fileName,
          bytes.length,
          digest,
          p.status ?? 'assigned',
          p.manualDecision ?? null,
          taskRow,
          now,
        ).lastInsertRowid,
      );
      if (p.status === 'rejected') insertReason.run(id, 'blur', 'Blurred');
      md5.set(id, digest);
      imageIds.set(`${task.taskId}/${p.fileName}#${i}`, id);
    });
  }
  return { project, md5, imageIds };
}
