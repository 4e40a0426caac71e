import { prepared, sql, type ProjectDb } from './database.ts';
import {
  decodeStoredOrNull,
  storedFootprintSchema,
  storedMetadataSchema,
  storedMetricsSchema,
  type StoredFootprint,
  type StoredMetrics,
} from './stored.ts';

/** Where a photo stands; `staged` until classification has run. One list, the contract's. */
import { IMAGE_STATUSES, type ImageStatus } from '../../src-preload/contract-base.ts';
export { IMAGE_STATUSES, type ImageStatus };

/** Every reason a photo can carry. Stable codes: the UI, the report and the tests key on them. */
export const REASON_CODES = [
  'exif',
  'gps',
  'sun',
  'gimbal',
  'blur',
  'black',
  'white',
  'duplicate',
  'corrupt',
  'incomplete_capture',
  'calibration_panel',
  'outside',
  'motion',
  'stationary',
  'flight_tail',
  'manual',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
export type ReasonSource = 'auto' | 'manual';
export type ManualDecision = 'accepted' | 'rejected';

export interface Reason {
  code: ReasonCode;
  message: string;
}

export interface ReasonRow extends Reason {
  id: number;
  image_id: number;
  source: ReasonSource;
}

/** One `images` row exactly as stored (column names kept, so SQL and report stay one-to-one). */
export interface ImageRow {
  id: number;
  ingest_run_id: number | null;
  source_root: string;
  source_path: string;
  stored_path: string | null;
  file_name: string;
  size: number | null;
  mtime_ms: number | null;
  md5: string | null;
  status: ImageStatus;
  duplicate_of: number | null;
  manual_decision: ManualDecision | null;
  captured_at: string | null;
  captured_local: string | null;
  /** ISO 8601 UTC from the GPS receiver's own clock (ingest/metadata-time.ts readCaptureTime), when the photo has it. */
  gps_time_utc: string | null;
  /** 1 when the photo had readable camera metadata (ingest/metadata-values.ts cameraTagsRead), else 0. */
  tags_read: number;
  lat: number | null;
  lon: number | null;
  alt: number | null;
  rel_alt: number | null;
  gimbal_pitch: number | null;
  gimbal_yaw: number | null;
  gimbal_roll: number | null;
  flight_pitch: number | null;
  flight_yaw: number | null;
  flight_roll: number | null;
  make: string | null;
  model: string | null;
  serial: string | null;
  focal_mm: number | null;
  focal35_mm: number | null;
  width: number | null;
  height: number | null;
  iso: number | null;
  exposure_s: number | null;
  metadata_json: string | null;
  metrics_json: string | null;
  sharpness: number | null;
  thumb_path: string | null;
  task_id: number | null;
  flight_id: number | null;
  footprint: string | null;
  gsd_cm: number | null;
  /** Flown height (m above take-off) the pilot entered for this photo's flight; null when not entered. */
  entered_height_m: number | null;
  entered_height_at: string | null;
  ingested_at: string;
  /** 'verified' when `stored_path` is a copy in the project checked against the card's md5; 'damaged' when a recheck found it no longer matches; null when there is no copy (in place, unreadable, duplicate). */
  copy_state: CopyState | null;
  /** The trigger this file belongs to (see ingest/metadata-capture.ts); null for a plain photo. */
  capture_key: string | null;
  /** Band or stream within the capture ('RGB', 'Blue', 'NIR', 'wide', 'thermal', ...). */
  band: string | null;
  band_index: number | null;
  sensor_kind: 'visible' | 'multispectral' | 'thermal' | null;
  /** Aircraft velocity north / east when the photo was taken (DJI FlightXSpeed / FlightYSpeed), m/s. */
  speed_x_mps: number | null;
  speed_y_mps: number | null;
  /** Predicted motion smear in pixels (exposure time x ground speed / GSD), written by classification. */
  motion_px: number | null;
  /** DJI RtkFlag (50 fixed, 32-49 float, 16 single point, 0 none) and its standard deviations (m). */
  rtk_flag: number | null;
  rtk_std_lon_m: number | null;
  rtk_std_lat_m: number | null;
  rtk_std_hgt_m: number | null;
}

export type CopyState = 'verified' | 'damaged';

type Writable = Omit<ImageRow, 'id'>;
/** What a new row needs; everything else defaults to NULL. */
export type NewImage = Pick<Writable, 'source_root' | 'source_path' | 'file_name' | 'status' | 'ingested_at'> & Partial<Writable>;
export type ImagePatch = Partial<Writable>;

// Column names allowed in dynamic INSERT/UPDATE: the only place a name reaches SQL text.
const COLUMNS: ReadonlySet<string> = new Set<keyof Writable>([
  'ingest_run_id', 'source_root', 'source_path', 'stored_path', 'file_name', 'size', 'mtime_ms', 'md5', 'status',
  'duplicate_of', 'manual_decision', 'captured_at', 'captured_local', 'lat', 'lon', 'alt', 'rel_alt', 'gimbal_pitch',
  'gimbal_yaw', 'gimbal_roll', 'flight_pitch', 'flight_yaw', 'flight_roll', 'make', 'model', 'serial', 'focal_mm',
  'focal35_mm', 'width', 'height', 'iso', 'exposure_s', 'metadata_json', 'metrics_json', 'sharpness', 'thumb_path',
  'task_id', 'flight_id', 'footprint', 'gsd_cm', 'ingested_at', 'copy_state', 'capture_key', 'band', 'band_index',
  'sensor_kind', 'speed_x_mps', 'speed_y_mps', 'motion_px', 'rtk_flag', 'rtk_std_lon_m', 'rtk_std_lat_m', 'rtk_std_hgt_m',
  'gps_time_utc', 'tags_read',
]);

function columnsOf(values: object): string[] {
  const keys = Object.keys(values).filter((k) => (values as Record<string, unknown>)[k] !== undefined);
  for (const k of keys) if (!COLUMNS.has(k)) throw new Error(`images has no writable column ${k}`);
  return keys;
}

/** Inserts one photo and returns its id. */
export function insertImage(db: ProjectDb, image: NewImage): number {
  const cols = columnsOf(image);
  const sql = `INSERT INTO images (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`;
  return Number(prepared(db, sql).run(pick(image, cols)).lastInsertRowid);
}

/** Writes the given columns of one photo; absent keys are left as they are. */
export function updateImage(db: ProjectDb, id: number, patch: ImagePatch): void {
  const cols = columnsOf(patch);
  if (cols.length === 0) return;
  const sql = `UPDATE images SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`;
  prepared(db, sql).run({ ...pick(patch, cols), id });
}

function pick(values: object, cols: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) out[c] = (values as Record<string, unknown>)[c];
  return out;
}

export function getImage(db: ProjectDb, id: number): ImageRow | undefined {
  return sql(db).prepare<[number], ImageRow>('SELECT * FROM images WHERE id = ?').get(id);
}

/** True when this exact file (same source, path, size and time) is already a photo of the project: ingest's resume check. */
/** The first photo with these bytes that is not itself a duplicate: the original a new copy points at. */
export function findOriginal(db: ProjectDb, md5: string): OriginalImage | undefined {
  return prepared(db, "SELECT id, source_path, stored_path, copy_state FROM images WHERE md5 = ? AND status != 'duplicate' ORDER BY id LIMIT 1").get(md5) as
    | OriginalImage
    | undefined;
}

export interface OriginalImage {
  id: number;
  source_path: string;
  stored_path: string | null;
  copy_state: CopyState | null;
}

/** Where each flight's first located photo was taken: the take-off point's best stand-in for the terrain model. */
export function listFlightStarts(db: ProjectDb): Map<number, { lat: number; lon: number }> {
  // SQLite takes the bare columns from the row holding the MIN().
  const rows = prepared(
    db,
    `SELECT flight_id, lat, lon, MIN(coalesce(captured_at, captured_local, '') || printf('%012d', id)) AS k
       FROM images WHERE flight_id IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL GROUP BY flight_id`,
  ).all() as { flight_id: number; lat: number; lon: number }[];
  return new Map(rows.map((r) => [r.flight_id, { lat: r.lat, lon: r.lon }]));
}

/** The GPS altitude of every photo that has one, with its height above take-off when the camera wrote it. */
export function listAltitudes(db: ProjectDb): { alt: number; rel_alt: number | null }[] {
  return prepared(db, 'SELECT alt, rel_alt FROM images WHERE alt IS NOT NULL ORDER BY id').all() as { alt: number; rel_alt: number | null }[];
}

export interface ImageFilter {
  status?: ImageStatus | readonly ImageStatus[];
  /** A task's row id; `null` lists the photos with no task. */
  taskId?: number | null;
  ids?: readonly number[];
}

/** Photos in id order, optionally filtered. */
export function listImages(db: ProjectDb, filter: ImageFilter = {}): ImageRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : filter.status;
    where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...statuses);
  }
  if (filter.taskId !== undefined) {
    where.push(filter.taskId === null ? 'task_id IS NULL' : 'task_id = ?');
    if (filter.taskId !== null) params.push(filter.taskId);
  }
  if (filter.ids !== undefined) {
    where.push(`id IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(filter.ids));
  }
  const query = `SELECT * FROM images ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`;
  return sql(db).prepare<unknown[], ImageRow>(query).all(...params);
}

/** Reasons grouped by photo id (all photos, or only `imageIds`), each list in insertion order. */
export function listReasons(db: ProjectDb, imageIds?: readonly number[]): Map<number, ReasonRow[]> {
  const rows =
    imageIds === undefined
      ? sql(db).prepare<[], ReasonRow>('SELECT id, image_id, code, message, source FROM reasons ORDER BY id').all()
      : sql(db)
          .prepare<[string], ReasonRow>(
            'SELECT id, image_id, code, message, source FROM reasons WHERE image_id IN (SELECT value FROM json_each(?)) ORDER BY id',
          )
          .all(JSON.stringify(imageIds));
  const byImage = new Map<number, ReasonRow[]>();
  for (const r of rows) {
    const list = byImage.get(r.image_id);
    if (list) list.push(r);
    else byImage.set(r.image_id, [r]);
  }
  return byImage;
}

/**
 * Replaces a photo's reasons of one source with `reasons`. With `codes`, only reasons of those codes are replaced, so
 * one module (classification) can renew its own findings without erasing another's (ingest's `duplicate`, `corrupt`).
 */
export function replaceReasons(
  db: ProjectDb,
  imageId: number,
  source: ReasonSource,
  reasons: readonly Reason[],
  codes?: readonly ReasonCode[],
): void {
  if (codes === undefined) {
    prepared(db, 'DELETE FROM reasons WHERE image_id = ? AND source = ?').run(imageId, source);
  } else {
    prepared(db, 'DELETE FROM reasons WHERE image_id = ? AND source = ? AND code IN (SELECT value FROM json_each(?))').run(
      imageId,
      source,
      JSON.stringify(codes),
    );
  }
  const insert = prepared(db, 'INSERT INTO reasons (image_id, code, message, source) VALUES (?, ?, ?, ?)');
  for (const r of reasons) insert.run(imageId, r.code, r.message, source);
}

/** The photo's stored footprint, or null before coverage gave it one. */
export function footprintOf(row: Pick<ImageRow, 'id' | 'file_name' | 'footprint'>): StoredFootprint | null {
  return decodeStoredOrNull(storedFootprintSchema, row.footprint, {
    table: 'images',
    column: 'footprint',
    row: row.id,
    what: `footprint of photo ${row.file_name}`,
  });
}

/** What the quality module measured on the photo, or null when it could not measure it. */
export function metricsOf(row: Pick<ImageRow, 'id' | 'file_name' | 'metrics_json'>): StoredMetrics | null {
  return decodeStoredOrNull(storedMetricsSchema, row.metrics_json, {
    table: 'images',
    column: 'metrics_json',
    row: row.id,
    what: `measurements of photo ${row.file_name}`,
  });
}

/** The metadata record ingest read from the photo, or null when it had none. */
export function metadataOf(row: Pick<ImageRow, 'id' | 'file_name' | 'metadata_json'>): Record<string, unknown> | null {
  return decodeStoredOrNull(storedMetadataSchema, row.metadata_json, {
    table: 'images',
    column: 'metadata_json',
    row: row.id,
    what: `metadata of photo ${row.file_name}`,
  });
}

/** Photos per status, every status present (0 when none). */
export function countByStatus(db: ProjectDb): Record<ImageStatus, number> {
  const counts = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
  const rows = prepared(db, 'SELECT status, COUNT(*) AS n FROM images GROUP BY status').all() as { status: ImageStatus; n: number }[];
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** Photos carrying each reason code (a photo counts once per code). */
export function countByReason(db: ProjectDb): Partial<Record<ReasonCode, number>> {
  const rows = prepared(db, 'SELECT code, COUNT(DISTINCT image_id) AS n FROM reasons GROUP BY code ORDER BY code').all() as {
    code: ReasonCode;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.code, r.n]));
}

export function countManualDecisions(db: ProjectDb): number {
  return (prepared(db, 'SELECT COUNT(*) AS n FROM images WHERE manual_decision IS NOT NULL').get() as { n: number }).n;
}

/**
 * Centres of the photos a flight plan is compared with: accepted photos inside [west, south, east, north], of any
 * task or of none (a plan's lines may run past its task's outline, where photos are left unmatched).
 */
export function listAcceptedCentresIn(db: ProjectDb, bbox: readonly [number, number, number, number]): { lon: number; lat: number }[] {
  return sql(db)
    .prepare<[number, number, number, number], { lon: number; lat: number }>(
      `SELECT lon, lat FROM images
        WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?
          AND ((status IN ('assigned', 'unmatched') AND manual_decision IS NOT 'rejected') OR manual_decision = 'accepted')`,
    )
    .all(bbox[0], bbox[2], bbox[1], bbox[3]);
}

/**
 * A task's accepted photos, the ones sync uploads and ODM processes: assigned to it unless the pilot rejected them,
 * or accepted by the pilot. In capture order.
 */
export function listAcceptedPhotos(db: ProjectDb, taskRowId: number): ImageRow[] {
  return sql(db)
    .prepare<[number], ImageRow>(
      `SELECT * FROM images
        WHERE task_id = ?
          AND ((status = 'assigned' AND manual_decision IS NOT 'rejected') OR manual_decision = 'accepted')
        ORDER BY captured_at, id`,
    )
    .all(taskRowId);
}
