/**
 * The UI's read model of photos: the list, details, filter facets and footprints, shaped as the contract states them
 * (task figures: read-model-tasks.ts). Read-only queries over tables the core modules write; joins live here so the
 * renderer gets one answer per screen instead of stitching rows together.
 */
import { sql, type ProjectDb } from './database.ts';
import { footprintOf, metadataOf, metricsOf, type ImageRow } from './images.ts';
import { photoHeightUnknown } from './heights.ts';
import type {
  ImageDetail,
  ImageFacets,
  ImageFilter,
  ImageListItem,
  ImageStatus,
  PhotoFootprint,
  ReasonInfo,
} from '../../src-preload/contract.ts';

interface ListRow {
  id: number;
  file_name: string;
  source_path: string;
  status: ImageStatus;
  manual_decision: 'accepted' | 'rejected' | null;
  task: string | null;
  flight_id: number | null;
  lat: number | null;
  lon: number | null;
  captured_at: string | null;
  sharpness: number | null;
  gimbal_pitch: number | null;
  duplicate_of: number | null;
}

/** Capture time: UTC when the zone is known, else the camera's local clock (what the pilot's watch said). */
const CAPTURED = 'coalesce(i.captured_at, i.captured_local)';
const LIST_COLUMNS = `i.id, i.file_name, i.source_path, i.status, i.manual_decision, t.task_id AS task, i.flight_id, i.lat,
  i.lon, ${CAPTURED} AS captured_at, i.sharpness, i.gimbal_pitch, i.duplicate_of`;
/** Gallery order: grouped by task then flight, in capture order within a group; photos with no task last. */
const LIST_ORDER = 'ORDER BY t.task_id IS NULL, t.task_id, i.flight_id IS NULL, i.flight_id, captured_at, i.id';

/** Builds the WHERE clause of a filter; every value is a bound parameter. */
export function filterSql(filter: ImageFilter = {}): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.status?.length) {
    clauses.push(`i.status IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.status));
  }
  if (filter.reason?.length) {
    clauses.push(`EXISTS (SELECT 1 FROM reasons r WHERE r.image_id = i.id AND r.code IN (SELECT value FROM json_each(?)))`);
    params.push(JSON.stringify(filter.reason));
  }
  if (filter.taskId !== undefined) {
    clauses.push(filter.taskId === null ? 'i.task_id IS NULL' : 't.task_id = ?');
    if (filter.taskId !== null) params.push(filter.taskId);
  }
  if (filter.flightId !== undefined) {
    clauses.push(filter.flightId === null ? 'i.flight_id IS NULL' : 'i.flight_id = ?');
    if (filter.flightId !== null) params.push(filter.flightId);
  }
  if (filter.ids) {
    clauses.push('i.id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.ids));
  }
  if (filter.from) {
    clauses.push(`${CAPTURED} >= ?`);
    params.push(filter.from);
  }
  if (filter.to) {
    // A bare date means "through the end of that day".
    clauses.push(`${CAPTURED} <= ?`);
    params.push(/^\d{4}-\d{2}-\d{2}$/.test(filter.to) ? `${filter.to}T23:59:59.999Z` : filter.to);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function reasonsFor(db: ProjectDb, ids: readonly number[]): Map<number, ReasonInfo[]> {
  const byImage = new Map<number, ReasonInfo[]>();
  if (ids.length === 0) return byImage;
  const rows = sql(db)
    .prepare<[string], { image_id: number; code: string; message: string; source: 'auto' | 'manual' }>(
      'SELECT image_id, code, message, source FROM reasons WHERE image_id IN (SELECT value FROM json_each(?)) ORDER BY id',
    )
    .all(JSON.stringify(ids));
  for (const r of rows) {
    const list = byImage.get(r.image_id) ?? [];
    list.push({ code: r.code, message: r.message, source: r.source });
    byImage.set(r.image_id, list);
  }
  return byImage;
}

function toItem(row: ListRow, reasons: ReasonInfo[]): ImageListItem {
  return {
    id: row.id,
    fileName: row.file_name,
    path: row.source_path,
    status: row.status,
    manualDecision: row.manual_decision,
    reasons,
    taskId: row.task,
    flightId: row.flight_id,
    lat: row.lat,
    lon: row.lon,
    capturedAt: row.captured_at,
    sharpness: row.sharpness,
    gimbalPitch: row.gimbal_pitch,
    originalId: row.duplicate_of,
  };
}

export function listImageItems(
  db: ProjectDb,
  filter: ImageFilter | undefined,
  offset: number,
  limit: number,
): { total: number; items: ImageListItem[] } {
  const { where, params } = filterSql(filter);
  const from = 'FROM images i LEFT JOIN tasks t ON t.id = i.task_id';
  const total = sql(db).prepare<unknown[], { n: number }>(`SELECT count(*) AS n ${from} ${where}`).get(...params)!.n;
  const rows = sql(db)
    .prepare<unknown[], ListRow>(`SELECT ${LIST_COLUMNS} ${from} ${where} ${LIST_ORDER} LIMIT ? OFFSET ?`)
    .all(...params, limit, offset);
  const reasons = reasonsFor(db, rows.map((r) => r.id));
  return { total, items: rows.map((r) => toItem(r, reasons.get(r.id) ?? [])) };
}

interface DetailRow extends ListRow {
  md5: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  make: string | null;
  model: string | null;
  rel_alt: number | null;
  gsd_cm: number | null;
  footprint: string | null;
  metrics_json: string | null;
  metadata_json: string | null;
  entered_height_m: number | null;
  motion_px: number | null;
  sensor_kind: ImageRow['sensor_kind'];
  original_name: string | null;
}

export function imageDetail(db: ProjectDb, id: number): ImageDetail | null {
  const row = sql(db)
    .prepare<[number], DetailRow>(
      `SELECT ${LIST_COLUMNS}, i.md5, i.size, i.width, i.height, i.make, i.model, i.rel_alt, i.gsd_cm, i.footprint,
         i.metrics_json, i.metadata_json, i.entered_height_m, i.motion_px, i.sensor_kind,
         (SELECT o.file_name FROM images o WHERE o.id = i.duplicate_of) AS original_name
       FROM images i LEFT JOIN tasks t ON t.id = i.task_id WHERE i.id = ?`,
    )
    .get(id);
  if (!row) return null;
  return {
    ...toItem(row, reasonsFor(db, [id]).get(id) ?? []),
    md5: row.md5,
    size: row.size,
    width: row.width,
    height: row.height,
    make: row.make,
    model: row.model,
    relAlt: row.rel_alt,
    gsdCm: row.gsd_cm,
    footprint: footprintOf({ id, file_name: row.file_name, footprint: row.footprint }),
    metrics: metricsOf({ id, file_name: row.file_name, metrics_json: row.metrics_json }),
    metadata: metadataOf({ id, file_name: row.file_name, metadata_json: row.metadata_json }),
    heightUnknown: photoHeightUnknown(row),
    enteredHeightM: row.entered_height_m,
    motionPx: row.motion_px,
    sensorKind: row.sensor_kind,
    // Filled by the service facade, which knows the project's thresholds (classify/quality.ts qualityFigures).
    quality: [],
    duplicateOf: row.duplicate_of === null ? null : { id: row.duplicate_of, fileName: row.original_name ?? `photo ${row.duplicate_of}` },
  };
}

export function imageFacets(db: ProjectDb): ImageFacets {
  const range = sql(db)
    .prepare<[], { first: string | null; last: string | null }>(
      `SELECT min(${CAPTURED}) AS first, max(${CAPTURED}) AS last FROM images i`,
    )
    .get()!;
  return {
    statuses: sql(db)
      .prepare<[], { status: ImageStatus; count: number }>(
        'SELECT status, count(*) AS count FROM images GROUP BY status ORDER BY status',
      )
      .all(),
    reasons: sql(db)
      .prepare<[], { code: string; count: number }>(
        'SELECT code, count(DISTINCT image_id) AS count FROM reasons GROUP BY code ORDER BY code',
      )
      .all(),
    tasks: sql(db)
      .prepare<[], { taskId: string | null; count: number }>(
        `SELECT t.task_id AS taskId, count(*) AS count FROM images i LEFT JOIN tasks t ON t.id = i.task_id
         GROUP BY t.task_id ORDER BY t.task_id IS NULL, t.task_id`,
      )
      .all(),
    flights: sql(db)
      .prepare<[], { flightId: number | null; startedAt: string | null; count: number }>(
        `SELECT i.flight_id AS flightId, f.started_at AS startedAt, count(*) AS count
         FROM images i LEFT JOIN flights f ON f.id = i.flight_id
         GROUP BY i.flight_id ORDER BY i.flight_id IS NULL, i.flight_id`,
      )
      .all(),
    firstCapture: range.first,
    lastCapture: range.last,
  };
}

/**
 * Footprints as image corners for the map's photo mosaic. Coverage stores the ground polygon ring as bottom-left,
 * bottom-right, top-right, top-left (counter-clockwise, see geo/footprint.ts); MapLibre wants top-left first,
 * clockwise.
 */
export function photoFootprints(db: ProjectDb, offset: number, limit: number): PhotoFootprint[] {
  const rows = sql(db)
    .prepare<[number, number], { id: number; file_name: string; status: ImageStatus; footprint: string }>(
      // By id: pages read one after another see each footprint once.
      `SELECT id, file_name, status, footprint FROM images WHERE footprint IS NOT NULL ORDER BY id LIMIT ? OFFSET ?`,
    )
    .all(limit, offset);
  return rows.flatMap((r) => {
    const ring = footprintOf(r)!.geometry.coordinates[0]!;
    if (ring.length < 4) return [];
    const [bl, br, tr, tl] = ring.slice(0, 4).map((p): LonLat => [p[0]!, p[1]!]) as [LonLat, LonLat, LonLat, LonLat];
    return [{ id: r.id, status: r.status, corners: [tl, tr, br, bl] }];
  });
}

type LonLat = [number, number];
