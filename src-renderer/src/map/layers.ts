import type { FlightPlanInfo, ImageListItem, ImageStatus, PhotoFootprint, RtkPoint, RtkSolution, TaskInfo } from '../../../src-preload/contract.ts';
import { GAP_KIND_COLOURS, GAP_KIND_LABELS, gapFeatures, taskState, TASK_STATE_LABELS, TASK_STYLE, type GapKind, type TaskState } from '../tasks/task-state.ts';
import type { Theme } from '../theme/theme-name.ts';

/**
 * What the review map draws, as data: the GeoJSON sources, the vector layers over them (bottom to top), their paint
 * per theme, and the legend. ReviewMap.tsx adds exactly these; to draw something new, add a source (if needed), a
 * layer spec and a legend entry here (see /work/coord/NOTES.md "map layers").
 */

export type MapTheme = Theme;

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

/**
 * RTK solution per photo, as rings around the photo points (a ring, so the status dot inside stays readable): green
 * fixed, amber float, orange single point, red none; darker for a white screen.
 */
export const RTK_STYLE: Record<RtkSolution, { label: string; colour: Record<MapTheme, string> }> = {
  fixed: { label: 'RTK fixed', colour: { standard: '#00e5ff', sunlight: '#006064' } },
  float: { label: 'RTK float', colour: { standard: '#ffc400', sunlight: '#8d6e00' } },
  single: { label: 'Single point (no RTK correction)', colour: { standard: '#ff6d00', sunlight: '#b33c00' } },
  none: { label: 'No position fix', colour: { standard: '#ff1744', sunlight: '#b00020' } },
};

export interface RtkProps {
  id: number;
  solution: RtkSolution;
  flag: number;
  /** Horizontal standard deviation (m), the larger of DJI's longitude and latitude figures; null when not written. */
  stdM: number | null;
}

export function rtkFeatures(points: readonly RtkPoint[]): Collection<RtkProps> {
  return collection(
    points.map((p) => {
      const h = [p.stdM.lon, p.stdM.lat].filter((v): v is number => v !== null);
      return {
        type: 'Feature',
        id: p.id,
        geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
        properties: { id: p.id, solution: p.solution, flag: p.flag, stdM: h.length ? Math.max(...h) : null },
      };
    }),
  );
}

/** One definition of a task state's look (map outlines, chips, list, legend): see tasks/task-state.ts. */
export { TASK_STYLE };

/**
 * Gap kinds are hatched (never a flat colour, so a gap reads as "missing" over any ramp or photo): diagonal stripes
 * for ground no photo saw, a cross-hatch for too little overlap, in the kinds' own colours over a dark ground.
 */
export const GAP_KINDS: Record<GapKind, { label: string; stripe: string; ground: string }> = {
  unphotographed: { label: GAP_KIND_LABELS.unphotographed, stripe: GAP_KIND_COLOURS.unphotographed, ground: '#000000' },
  thin_overlap: { label: GAP_KIND_LABELS.thin_overlap, stripe: GAP_KIND_COLOURS.thin_overlap, ground: '#ffffff' },
};
export type { GapKind };
export const gapPatternId = (kind: GapKind) => `gap-hatch-${kind}`;

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

export interface TaskProps {
  taskId: string;
  state: TaskState;
  label: string;
  coveragePct: number | null;
}

export function taskFeatures(tasks: readonly TaskInfo[]): Collection<TaskProps> {
  return collection(
    tasks.map((t) => {
      const state = taskState(t);
      return {
        type: 'Feature',
        geometry: t.geometry as Geometry,
        properties: { taskId: t.taskId, state, label: TASK_STATE_LABELS[state], coveragePct: t.coveragePct },
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

export interface GapProps {
  taskId: string;
  areaM2: number | null;
  kind: GapKind;
}

export function gapCollection(tasks: readonly TaskInfo[]): Collection<GapProps> {
  return collection(
    tasks.flatMap((t) =>
      gapFeatures(t).map((g) => ({
        type: 'Feature' as const,
        geometry: g.geometry as Geometry,
        properties: { taskId: t.taskId, areaM2: g.properties.areaM2 ?? null, kind: g.properties.kind },
      })),
    ),
  );
}

/**
 * Every task's flight plan for the map's 'plan' source: planned waylines (`role: "planned"`) and unflown stretches
 * (`role: "unflown"`, `points`, `lengthM`), each carrying its `taskId`.
 */
export function planCollection(plans: readonly FlightPlanInfo[]): Collection<Record<string, unknown>> {
  return collection(
    plans.flatMap((p) =>
      p.geojson.features.map((f) => {
        const feature = f as { geometry: Geometry; properties?: Record<string, unknown> };
        return { type: 'Feature' as const, geometry: feature.geometry, properties: { ...feature.properties, taskId: p.taskId } };
      }),
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

export function geometryBounds(geometry: unknown): Bounds | null {
  return dataBounds(collection([{ type: 'Feature', geometry: geometry as Geometry, properties: {} }]));
}

/** Where a task's label goes: the middle of its outline's bounds. */
export function labelPoint(geometry: unknown): [number, number] | null {
  const b = geometryBounds(geometry);
  return b ? [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2] : null;
}

export interface LabelBox {
  id: string;
  /** Centre on screen, px. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** Higher first: a label that must be read wins a collision. */
  priority: number;
}

/**
 * Which labels to show so none overlaps another (greedy by priority, then by id for a stable answer): at a zoom where
 * tasks crowd together, the ones that need the pilot (not flown, partial) keep their label.
 */
export function placeLabels(boxes: readonly LabelBox[], gap = 4): Set<string> {
  const placed: LabelBox[] = [];
  const order = [...boxes].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
  for (const b of order) {
    const hits = placed.some((p) => Math.abs(p.x - b.x) * 2 < p.w + b.w + gap * 2 && Math.abs(p.y - b.y) * 2 < p.h + b.h + gap * 2);
    if (!hits) placed.push(b);
  }
  return new Set(placed.map((p) => p.id));
}

export const LABEL_PRIORITY: Record<TaskState, number> = { not_flown: 3, partial: 2, covered: 1, verified: 0 };

/** Thumbnails are drawn from this zoom (a footprint is then ~60+ px wide); below it the footprints show the layout. */
export const MOSAIC_MIN_ZOOM = 17;
/** At most this many thumbnails at once (those nearest the centre of the view); the rest stay footprint outlines. */
export const MOSAIC_MAX_IN_VIEW = 150;

/** Bounding box of each footprint, computed once per footprint list, for the level-of-detail query on every move. */
export interface FootprintIndex {
  ids: Int32Array;
  box: Float64Array; // minX, minY, maxX, maxY per footprint
}

export function indexFootprints(footprints: readonly PhotoFootprint[]): FootprintIndex {
  const ids = new Int32Array(footprints.length);
  const box = new Float64Array(footprints.length * 4);
  footprints.forEach((f, i) => {
    ids[i] = f.id;
    const xs = f.corners.map((c) => c[0]);
    const ys = f.corners.map((c) => c[1]);
    box.set([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], i * 4);
  });
  return { ids, box };
}

/**
 * The footprints whose thumbnails to draw for a view: none below MOSAIC_MIN_ZOOM, else those intersecting the view,
 * nearest its centre first, at most `max`.
 */
export function thumbnailsInView(index: FootprintIndex, view: Bounds, zoom: number, max = MOSAIC_MAX_IN_VIEW): number[] {
  if (zoom < MOSAIC_MIN_ZOOM) return [];
  const [[w, s], [e, n]] = view;
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  const hits: { id: number; d: number }[] = [];
  const { ids, box } = index;
  for (let i = 0; i < ids.length; i++) {
    const o = i * 4;
    if (box[o]! > e || box[o + 2]! < w || box[o + 1]! > n || box[o + 3]! < s) continue;
    const dx = (box[o]! + box[o + 2]!) / 2 - cx;
    const dy = (box[o + 1]! + box[o + 3]!) / 2 - cy;
    hits.push({ id: ids[i]!, d: dx * dx + dy * dy });
  }
  hits.sort((a, b) => a.d - b.d);
  return hits.slice(0, max).map((h) => h.id);
}
