import path from 'node:path';
import { z } from 'zod';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { featureCollection, union } from '@turf/turf';
import type { Project } from '../project/project.ts';
import { transaction } from '../db/database.ts';
import { getSetting, setSetting } from '../db/settings.ts';
import { taskGeometrySchema } from '../db/stored.ts';
import { listTasks, upsertTask, type UpsertOutcome } from '../db/tasks.ts';
import { bboxOf } from './coverage.ts';
import { readTaskFile, type ParsedTaskFile, type TaskFileFormat } from './task-file.ts';

export const BOUNDARY_SETTING = 'project.boundary';

export interface ProjectBoundary {
  geometry: Polygon | MultiPolygon;
  /** 'given' when the pilot supplied it; 'tasks_union' when it is the union of the task polygons. */
  source: 'given' | 'tasks_union';
}

const boundarySchema = z.object({ geometry: taskGeometrySchema, source: z.enum(['given', 'tasks_union']) });

export interface ImportTasksOptions {
  /** The project's boundary; without it the boundary is (kept as) the union of all task polygons. */
  boundary?: Polygon | MultiPolygon;
}

export interface ImportTasksResult {
  format: TaskFileFormat;
  file: string;
  added: string[];
  updated: string[];
  unchanged: string[];
  boundary: ProjectBoundary;
}

/**
 * Imports the task polygons of a file in one transaction: a bad file changes nothing. A task id already in the
 * project is updated in place (same row, so photos assigned to it stay assigned); a changed outline clears that
 * task's coverage and verification. Tasks absent from the file are kept: importing adds or updates, never deletes.
 */
export function importTasks(project: Project, file: string, opts: ImportTasksOptions = {}): ImportTasksResult {
  return importParsedTasks(project, readTaskFile(file), path.basename(file), opts);
}

/** Writes tasks already read and validated (a file, or a DroneTM project pulled online); `source` names where from. */
export function importParsedTasks(project: Project, parsed: ParsedTaskFile, source: string, opts: ImportTasksOptions = {}): ImportTasksResult {
  const importedAt = new Date().toISOString();
  const result: ImportTasksResult = { format: parsed.format, file: source, added: [], updated: [], unchanged: [], boundary: null! };
  const byOutcome: Record<UpsertOutcome, string[]> = { added: result.added, updated: result.updated, unchanged: result.unchanged };
  transaction(project.db, () => {
    for (const t of parsed.tasks) {
      const { outcome } = upsertTask(project.db, { ...t, bbox: bboxOf(t.geometry), source, importedAt });
      byOutcome[outcome].push(t.taskId);
    }
    result.boundary = refreshBoundary(project, opts.boundary);
  });
  return result;
}

export function getProjectBoundary(project: Project): ProjectBoundary | null {
  return getSetting(project.db, BOUNDARY_SETTING, boundarySchema.nullable(), null);
}

function refreshBoundary(project: Project, given: Polygon | MultiPolygon | undefined): ProjectBoundary {
  const current = getProjectBoundary(project);
  let boundary: ProjectBoundary;
  if (given) boundary = { geometry: given, source: 'given' };
  else if (current?.source === 'given') boundary = current;
  else {
    const features = listTasks(project.db).map((t): Feature<Polygon | MultiPolygon> => ({ type: 'Feature', properties: {}, geometry: t.geometry }));
    const merged = features.length === 1 ? features[0]! : union(featureCollection(features));
    boundary = { geometry: (merged ?? features[0]!).geometry, source: 'tasks_union' };
  }
  setSetting(project.db, BOUNDARY_SETTING, boundary);
  return boundary;
}
