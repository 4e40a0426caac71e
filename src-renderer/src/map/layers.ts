import type { ImageListItem, ImageStatus, PhotoFootprint, TaskInfo } from '../../../src-preload/contract.ts';
import { gapFeatures, taskState, type GapKind, TASK_STATE_COLOURS, TASK_STATE_LABELS } from '../tasks/task-state.ts';

export const STATUS_COLOURS: Record<ImageStatus, string> = {
  staged: '#b0bec5',
  assigned: '#00e676',
  rejected: '#ff1744',
  unmatched: '#ffea00',
  invalid_exif: '#d500f9',
  duplicate: '#8d6e63',
};

export const STATUS_LABELS: Record<ImageStatus, string> = {
  staged: 'Staged',
  assigned: 'Assigned',
  rejected: 'Rejected',
  unmatched: 'Outside tasks',
  invalid_exif: 'Bad EXIF',
  duplicate: 'Duplicate',
};

type Geometry = { type: string; coordinates: unknown };
export interface Feature<P> {
  type: 'Feature';
  id?: number;
  geometry: Geometry;
  properties: P;
}
export interface Collection<P> {
  type: 'FeatureCollection';
  features: Feature<P>[];
}

const collection = <P>(features: Feature<P>[]): Collection<P> => ({ type: 'FeatureCollection', features });

export function taskFeatures(tasks: readonly TaskInfo[]): Collection<{ taskId: string; state: string; label: string; colour: string }> {
  return collection(
    tasks.map((t) => {
      const state = taskState(t);
      return {
        type: 'Feature',
        geometry: t.geometry as Geometry,
        properties: { taskId: t.taskId, state, label: TASK_STATE_LABELS[state], colour: TASK_STATE_COLOURS[state] },
      };
    }),
  );
}

export function pointFeatures(items: readonly ImageListItem[]): Collection<{ id: number; status: ImageStatus; colour: string; decided: boolean }> {
  return collection(
    items
      .filter((i) => i.lat !== null && i.lon !== null)
      .map((i) => ({
        type: 'Feature',
        id: i.id,
        geometry: { type: 'Point', coordinates: [i.lon, i.lat] },
        properties: { id: i.id, status: i.status, colour: STATUS_COLOURS[i.status], decided: i.manualDecision !== null },
      })),
  );
}

export function footprintFeatures(footprints: readonly PhotoFootprint[]): Collection<{ id: number; status: ImageStatus }> {
  return collection(
    footprints.map((f) => ({
      type: 'Feature',
      id: f.id,
      geometry: { type: 'Polygon', coordinates: [[...f.corners, f.corners[0]]] },
      properties: { id: f.id, status: f.status },
    })),
  );
}

export function gapCollection(tasks: readonly TaskInfo[]): Collection<{ taskId: string; kind: GapKind; areaM2: number | null }> {
  return collection(
    tasks.flatMap((t) =>
      gapFeatures(t).map((g) => ({
        type: 'Feature' as const,
        geometry: g.geometry as Geometry,
        properties: { taskId: t.taskId, kind: g.properties.kind, areaM2: g.properties.areaM2 ?? null },
      })),
    ),
  );
}

/** Visits every [lon, lat] in nested GeoJSON coordinates. */
function eachPosition(coords: unknown, visit: (lon: number, lat: number) => void): void {
  if (!Array.isArray(coords)) return;
  if (typeof coords[0] === 'number' && typeof coords[1] === 'number') visit(coords[0], coords[1]);
  else for (const c of coords) eachPosition(c, visit);
}

export type Bounds = [[number, number], [number, number]];

/** Bounds of everything drawn (tasks and photo points), or null when there's nothing to frame. */
export function dataBounds(...collections: Collection<unknown>[]): Bounds | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const c of collections) {
    for (const f of c.features) {
      eachPosition(f.geometry.coordinates, (x, y) => {
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      });
    }
  }
  return Number.isFinite(minX) ? [[minX, minY], [maxX, maxY]] : null;
}

/** Where a task's label goes: the middle of its outline's bounds. */
export function labelPoint(geometry: unknown): [number, number] | null {
  const b = dataBounds(collection([{ type: 'Feature', geometry: geometry as Geometry, properties: {} }]));
  return b ? [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2] : null;
}
