import fs from 'node:fs';
import path from 'node:path';
import { openProject, type Project } from '../../src-main/project/project.ts';
import { sharedData } from './paths.ts';
import { storedCoverage } from './coverage.ts';
import { sql } from '../../src-main/db/database.ts';

const PHOTOS = path.join(sharedData, 'brighton_beach');

/**
 * A project with one task whose photos are copies of real ones from shared/data, inserted as the ingest and
 * classify steps would leave them (assigned to the task), until those modules are wired in for these tests.
 */
export function createOdmProject(
  dir: string,
  opts: { photos: number; verified?: boolean; gsdCm?: number; rejected?: number },
): { project: Project; taskRowId: number; photoFiles: string[] } {
  const project = openProject(dir, { create: true, name: 'odm test' });
  const now = new Date().toISOString();
  const task = sql(project.db)
    .prepare(
      `INSERT INTO tasks (task_id, name, geometry, min_lon, min_lat, max_lon, max_lat, imported_at, coverage_json, verified_at)
       VALUES ('7', 'Beach', ?, 151.14, -33.97, 151.16, -33.95, ?, ?, ?)`,
    )
    .run(
      JSON.stringify({ type: 'Polygon', coordinates: [[[151.14, -33.97], [151.16, -33.97], [151.16, -33.95], [151.14, -33.95], [151.14, -33.97]]] }),
      now,
      opts.gsdCm ? JSON.stringify(storedCoverage({ gsdCm: { median: opts.gsdCm, min: opts.gsdCm, max: opts.gsdCm } })) : null,
      opts.verified === false ? null : now,
    );
  const taskRowId = Number(task.lastInsertRowid);
  const names = fs.readdirSync(PHOTOS).filter((n) => /\.jpe?g$/i.test(n)).sort();
  const insert = sql(project.db).prepare(
    `INSERT INTO images (source_root, source_path, stored_path, file_name, status, manual_decision, task_id, ingested_at)
     VALUES (?, ?, ?, ?, 'assigned', ?, ?, ?)`,
  );
  const photoFiles: string[] = [];
  const total = opts.photos + (opts.rejected ?? 0);
  for (let i = 0; i < total; i++) {
    const name = names[i]!;
    const stored = path.join('images', name);
    fs.copyFileSync(path.join(PHOTOS, name), project.resolve(stored));
    insert.run(PHOTOS, name, stored, name, i < opts.photos ? null : 'rejected', taskRowId, now);
    if (i < opts.photos) photoFiles.push(project.resolve(stored));
  }
  return { project, taskRowId, photoFiles };
}
