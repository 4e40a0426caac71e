import path from 'node:path';
import { z } from 'zod';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import Flatbush from 'flatbush';
import { featureCollection, union } from '@turf/turf';
import type { Project } from '../project/project.ts';
import { transaction } from '../db/database.ts';
import { getSetting, setSetting } from '../db/settings.ts';
import { taskGeometrySchema } from '../db/stored.ts';
import { AppError } from '../common/errors.ts';
import { deleteTask, listTasks, requireTask, taskDependents, upsertTask, type UpsertOutcome } from '../db/tasks.ts';
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
  /** The file's name as the pilot knows it, when `file` is a copy of ours (the app keeps uploads under imports/). */
  fileName?: string;
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
  const fileName = path.basename(opts.fileName ?? file);
  return importParsedTasks(project, readTaskFile(file, fileName), fileName, opts);
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

/**
 * Removes tasks from the project, all or none: their photos lose their task until the next classification matches
 * them again (to another task, or "outside tasks"). A task uploaded from or processed with ODM stays: those records
 * are the proof of what was sent and made. The project's boundary follows the tasks left (unless one was given).
 */
export function removeTasks(project: Project, taskIds: readonly string[]): string[] {
  transaction(project.db, () => {
    for (const taskId of taskIds) {
      const task = requireTask(project.db, taskId);
      const { uploads, odmRuns } = taskDependents(project.db, task.id);
      if (uploads + odmRuns > 0) {
        const what = [uploads > 0 ? 'uploaded' : '', odmRuns > 0 ? 'processed with OpenDroneMap' : ''].filter(Boolean).join(' and ');
        throw new AppError('refused', `Task ${taskId} was ${what}: it stays in the project, with those records.`, { taskId, uploads, odmRuns });
      }
      deleteTask(project.db, task.id);
    }
    if (listTasks(project.db).length > 0) refreshBoundary(project, undefined);
    else if (getProjectBoundary(project)?.source !== 'given') setSetting(project.db, BOUNDARY_SETTING, null);
  });
  return [...taskIds];
}

export function getProjectBoundary(project: Project): ProjectBoundary | null {
  return getSetting(project.db, BOUNDARY_SETTING, boundarySchema.nullable(), null);
}

function refreshBoundary(project: Project, given: Polygon | MultiPolygon | undefined): ProjectBoundary {
  const current = getProjectBoundary(project);
  let boundary: ProjectBoundary;
  if (given) boundary = { geometry: given, source: 'given' };
  else if (current?.source === 'given') boundary = current;
  else boundary = { geometry: tasksUnion(listTasks(project.db).map((t) => ({ geometry: t.geometry, bbox: t.bbox }))), source: 'tasks_union' };
  setSetting(project.db, BOUNDARY_SETTING, boundary);
  return boundary;
}

/** Outlines merged by turf's union only up to this many corners a group: past it the union takes seconds (1 s at 5 000, 15 s at 50 000). */
const UNION_MAX_CORNERS = 5_000;

/**
 * The area of all the tasks. Only tasks whose boxes touch can share edges, so they are merged in groups (a DroneTM
 * grid is one group, tasks kilometres apart are separate parts without any polygon clipping); a group with very
 * detailed outlines keeps them as separate parts (the same area, with their shared edges left in).
 */
function tasksUnion(tasks: { geometry: Polygon | MultiPolygon; bbox: [number, number, number, number] }[]): Polygon | MultiPolygon {
  const group = tasks.map((_, i) => i);
  const root = (i: number): number => (group[i] === i ? i : (group[i] = root(group[i]!)));
  const index = new Flatbush(Math.max(tasks.length, 1));
  for (const t of tasks) index.add(...t.bbox);
  index.finish();
  tasks.forEach((t, i) => {
    for (const j of index.search(...t.bbox)) group[root(j)] = root(i);
  });
  const groups = new Map<number, Feature<Polygon | MultiPolygon>[]>();
  tasks.forEach((t, i) => {
    const list = groups.get(root(i)) ?? [];
    list.push({ type: 'Feature', properties: {}, geometry: t.geometry });
    groups.set(root(i), list);
  });
  const parts: Position[][][] = [];
  for (const features of groups.values()) {
    const corners = features.reduce((n, f) => n + ringsOf(f.geometry).reduce((m, r) => m + r.length, 0), 0);
    const merged = features.length > 1 && corners <= UNION_MAX_CORNERS ? union(featureCollection(features)) : null;
    for (const g of merged ? [merged.geometry] : features.map((f) => f.geometry)) {
      if (g.type === 'Polygon') parts.push(g.coordinates);
      else parts.push(...g.coordinates);
    }
  }
  return parts.length === 1 ? { type: 'Polygon', coordinates: parts[0]! } : { type: 'MultiPolygon', coordinates: parts };
}

function ringsOf(g: Polygon | MultiPolygon): Position[][] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}
