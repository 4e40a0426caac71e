/**
 * The zod-free half of the API contract: channel and method/event names, error codes and the result shapes. The
 * sandboxed preload imports only this file (a sandboxed preload can `require` nothing but electron, events, timers
 * and url, so no schema library may reach its bundle); the params schemas live in contract.ts, which re-exports
 * everything here, and are validated by the adapters in main and serve. A new method gets its name in
 * METHOD_NAMES here and its schema in `methods` of contract.ts (the compiler and a unit test keep both in step).
 */

// ---------- shared shapes ----------

export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'project_missing',
  'project_too_new',
  'source_unavailable',
  'unsupported',
  'refused',
  'cancelled',
  'engine_unavailable',
  'remote_failed',
  'internal',
] as const;
export type ApiErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ApiErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type Envelope<T> = { result: T; error?: undefined } | { error: ApiError; result?: undefined };

export const IMAGE_STATUSES = ['staged', 'assigned', 'rejected', 'unmatched', 'invalid_exif', 'duplicate'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const JOB_KINDS = ['ingest', 'classify', 'coverage', 'sync', 'odm'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface ProgressInfo {
  stage?: string;
  done: number;
  total: number | null;
  bytesDone?: number;
  bytesTotal?: number | null;
  rate?: number;
  etaSeconds?: number | null;
  message?: string;
}

export interface JobInfo {
  id: string;
  kind: JobKind;
  state: JobState;
  params: Record<string, unknown>;
  progress: ProgressInfo | null;
  result: unknown;
  error: ApiError | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectSummary {
  id: string;
  name: string;
  dir: string;
  createdAt: string;
  schemaVersion: number;
  counts: Record<ImageStatus, number>;
  taskCount: number;
}

export interface ReasonInfo {
  code: string;
  message: string;
  source?: 'auto' | 'manual';
}

export interface ImageListItem {
  id: number;
  fileName: string;
  path: string;
  status: ImageStatus;
  manualDecision: 'accepted' | 'rejected' | null;
  reasons: ReasonInfo[];
  taskId: string | null;
  flightId: number | null;
  lat: number | null;
  lon: number | null;
  capturedAt: string | null;
  sharpness: number | null;
  gimbalPitch: number | null;
  /** For a duplicate, the photo with the same bytes (its thumbnail and image are the ones shown). */
  originalId: number | null;
}

export interface ImageDetail extends ImageListItem {
  md5: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  make: string | null;
  model: string | null;
  relAlt: number | null;
  gsdCm: number | null;
  footprint: unknown;
  metrics: Record<string, unknown> | null;
  metadata: Record<string, unknown> | null;
  /** No footprint for want of a height above take-off (relative altitude missing or negative, nothing entered). */
  heightUnknown: boolean;
  /** For a duplicate: the photo with the same bytes that counts (its image and data are the ones to judge). */
  duplicateOf: { id: number; fileName: string } | null;
  /** The flown height the pilot entered for this photo's flight, if any (m above take-off). */
  enteredHeightM: number | null;
  /**
   * Motion smear predicted from metadata (exposure time x ground speed / GSD), pixels; over 0.5 the photo carries a
   * `motion` warning. Show it beside `sharpness`: it still speaks where texture is too poor for the pixel measure.
   */
  motionPx: number | null;
  /** What the camera was: a thermal frame is held to its own sharpness minimum. */
  sensorKind: 'visible' | 'multispectral' | 'thermal' | null;
  /**
   * The quality measures in words, each with the threshold of this project that applies ("sharpness 84 (threshold
   * 100)"), motion smear right after sharpness; `ok` false where the measure alone is past its threshold, null where
   * there is nothing to compare.
   */
  quality: QualityFigure[];
}

export interface QualityFigure {
  key: 'sharpness' | 'motion' | 'blur_effect' | 'featureless' | 'brightness';
  text: string;
  ok: boolean | null;
}

/** Groups of project settings a pilot may tune from the app (each a set of named numbers/flags over defaults). */
export const SETTING_GROUPS = ['quality', 'classify', 'coverage', 'verify'] as const;
export type SettingGroupName = (typeof SETTING_GROUPS)[number];
export type SettingValue = number | boolean | string | null;

export interface SettingsInfo {
  groups: { name: SettingGroupName; values: Record<string, SettingValue>; defaults: Record<string, SettingValue>; changed: string[] }[];
}

/** A drone's share of a card or flight: who made it, its serial, its photos and when they were taken. */
export interface DroneSpanInfo {
  make: string | null;
  model: string | null;
  serial: string | null;
  photoCount: number;
  firstCapture: string | null;
  lastCapture: string | null;
}

/** Who flew what (DroneTM pays pilots by it): the project's pilot, each card's pilot and drones, each flight. */
export interface CrewInfo {
  projectPilot: string | null;
  cards: { source: string; pilot: string | null; drones: DroneSpanInfo[] }[];
  flights: (DroneSpanInfo & { flightId: number; source: string; pilot: string | null })[];
}

/** DJI RtkFlag read as a solution: 50 fixed, 32-49 float, 16-31 single point, below 16 none. */
export type RtkSolution = 'fixed' | 'float' | 'single' | 'none';

/** A task's assigned photos by RTK solution (only photos whose drone writes a flag); summary e.g. "92 % RTK fixed". */
export interface RtkTally {
  photos: number;
  fixed: number;
  float: number;
  single: number;
  none: number;
  fixedPct: number;
  summary: string;
}

/** One photo's RTK status for the map: position, raw flag, solution and DJI's standard deviations (m). */
export interface RtkPoint {
  id: number;
  lon: number;
  lat: number;
  flag: number;
  solution: RtkSolution;
  stdM: { lon: number | null; lat: number | null; hgt: number | null };
}

export interface TaskInfo {
  taskId: string;
  name: string | null;
  geometry: unknown;
  imageCount: number;
  assignedCount: number;
  coveragePct: number | null;
  overlap3Pct: number | null;
  overlap5Pct: number | null;
  gsdCm: number | null;
  /**
   * Gap polygons (GeoJSON FeatureCollection), each with `properties.kind` ('unphotographed': no photo sees it;
   * 'thin_overlap': seen by fewer photos than reconstruction needs) and `properties.areaM2`; slivers left out.
   */
  gaps: unknown;
  /** Task area seen by no photo, and by too few photos, m² (null until coverage has run). */
  unphotographedM2: number | null;
  thinOverlapM2: number | null;
  verified: boolean;
  verifyForced: boolean;
  syncedAt: string | null;
  /** Assigned photos with no footprint for want of a height above take-off, per flight (empty when none). */
  heightUnknown: { flightId: number | null; count: number }[];
  /** RTK solutions of the assigned photos; null when none of them carries an RTK flag. */
  rtk: RtkTally | null;
}

/** A photo's ground footprint, corners ordered as the image is drawn: top-left, top-right, bottom-right, bottom-left. */
export interface PhotoFootprint {
  id: number;
  status: ImageStatus;
  corners: [[number, number], [number, number], [number, number], [number, number]];
}

/**
 * A task's overlap raster for the map: `values` is base64 of one byte per cell, `rows` rows from north to south of
 * `cols` cells from west to east; 0 is outside the task, otherwise 1 + the number of photos seeing the cell.
 * `corners` are the lon/lat of the grid's south-west, south-east, north-east and north-west corners.
 */
export interface OverlapLayerInfo {
  taskId: string;
  cols: number;
  rows: number;
  values: string;
  corners: [number, number][];
}

export type OdmRunState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** One ODM run of a task as the panel shows it; the overlay PNG is fetched by the run id (media kind `overlay`). */
export interface OdmRunInfo {
  id: string;
  engine: 'docker' | 'nodeodm';
  state: OdmRunState;
  stage: string | null;
  progress: number | null;
  createdAt: string | null;
  finishedAt: string | null;
  error: string | null;
  gpu: boolean | null;
  /** Where the orthophoto sits on the map, corners in MapLibre image order; null without an overlay. */
  overlay: { corners: [number, number][]; bounds: [number, number, number, number] } | null;
  overlayError: string | null;
}

/** The project's S3 target as the sync panel edits it, and whether keys for it are known to this app session. */
/** Where a project's verified tasks go. Never holds secrets: credentials come from the environment or the OS keychain. */
export interface SyncTarget {
  /** S3-compatible endpoint URL; absent means AWS (or AWS_ENDPOINT_URL through the SDK's own configuration). */
  endpoint?: string;
  region?: string;
  bucket: string;
  /** Key prefix inside the bucket, '' or ending in '/'. */
  prefix: string;
  /** Path-style addressing (http://host/bucket/key), what most non-AWS servers want. */
  pathStyle: boolean;
}

export interface SyncTargetInfo {
  target: SyncTarget | null;
  hasCredentials: boolean;
}

/**
 * Which cloud target sync uses (the S3 bucket above, or a DroneTM project), the linked DroneTM project, and whether
 * this app holds a DroneTM sign-in for its server (the token itself never crosses the bridge).
 */
export interface CloudTargetInfo {
  kind: 's3' | 'dronetm';
  dronetm: { server: string; projectId: string } | null;
  signedIn: boolean;
}

/** What the gallery's filters can offer: the values present in the project, with counts. */
export interface ImageFacets {
  statuses: { status: ImageStatus; count: number }[];
  reasons: { code: string; count: number }[];
  tasks: { taskId: string | null; count: number }[];
  flights: { flightId: number | null; startedAt: string | null; count: number }[];
  firstCapture: string | null;
  lastCapture: string | null;
}

/**
 * A task's re-fly plan as the app shows it. `geojson` is the plan as a FeatureCollection in flight order: lines
 * (`role: "line"`, `heightM`, `yawDeg`), gaps (`role: "gap"`, `kind`, `areaM2`) and photo points (`role: "photo"`,
 * `heightM` above take-off, `yawDeg`).
 */
export interface ReflyPlanInfo {
  taskId: string;
  /** What it covers: the coverage gaps, or the unflown stretches of the task's flight plan. */
  source: 'gaps' | 'flight_plan';
  photoCount: number;
  lineCount: number;
  blocks: number;
  /** Height the footprints are figured at: above take-off, or above the ground under each photo with `terrain`. */
  heightM: number;
  heightSource: 'photos' | 'given' | 'flight_height_setting' | 'flight_plan';
  /** Set when the photo points follow the project's DEM: each keeps `aglM` above the ground under it. */
  terrain: { aglM: number; takeoffElevationM: number; minHeightM: number; maxHeightM: number; outsideDem: number } | null;
  frontOverlap: number;
  sideOverlap: number;
  lengthM: number;
  flightTimeS: number;
  gapAreaM2: number;
  /** DJI files the export makes (plans over 250 photo points are split). */
  djiFiles: number;
  geojson: { type: 'FeatureCollection'; features: unknown[] };
}

/**
 * A task's flight plan against the photos taken (planned vs flown). A planned photo point is flown when an accepted
 * photo lies within 0.75 photo spacing of it along its line and half a line spacing across. `geojson` holds the
 * planned survey lines (`role: "planned"`, LineString, `taskId`) and the unflown stretches (`role: "unflown"`,
 * LineString, `points`, `lengthM`), in the plan's flight order.
 */
export interface FlightPlanInfo {
  taskId: string;
  /** File name the plan was imported from, and when. */
  source: string;
  importedAt: string;
  /** 'actions': the plan's own photo waypoints; 'lines': points sampled along its lines at the photo spacing. */
  pointsFrom: 'actions' | 'lines';
  plannedPoints: number;
  flownPoints: number;
  unflownPoints: number;
  unflownStretches: number;
  unflownLengthM: number;
  photoSpacingM: number;
  lineSpacingM: number;
  geojson: { type: 'FeatureCollection'; features: unknown[] };
}

export const REFLY_EXPORT_FORMATS = ['wpml', 'kml', 'qgc', 'geojson'] as const;
export type ReflyExportFormat = (typeof REFLY_EXPORT_FORMATS)[number];

/** Mission files to save, bytes as base64 (the app has no path of the pilot's machine to write to). */
export interface ReflyExport {
  files: { fileName: string; contentBase64: string }[];
}

/** A mounted volume that looks like a camera card (it has a DCIM folder). */
export interface CardVolume {
  dir: string;
  label: string;
}

/** A card's offload record (its last copy run's certificate), with today's state of its copies. */
export interface CardOffloadInfo {
  source: string;
  cardLabel: string;
  volumeId: string | null;
  droneSerial: string | null;
  photoCount: number;
  /** Photos of this card with a verified copy in the project now. */
  photosVerified: number;
  bytes: number;
  /** True only when every photo on the card has a verified copy (and none was found damaged since). */
  safeToFormat: boolean;
  /** Photos without a verified copy, with why (first 100). */
  unverified: { path: string; reason: string }[];
  /** Files on the card that were not copied (not photos, links leaving the card, unreadable folders). */
  skippedCount: number;
  checkedAt: string;
}

// ---------- method names (params schemas and result types: contract.ts) ----------

export const METHOD_NAMES = [
  'app.info',
  'project.open',
  'project.current',
  'project.recent',
  'app.pickFolder',
  'ingest.cards',
  'ingest.offloads',
  'tasks.list',
  'tasks.import',
  'tasks.verify',
  'tasks.unverify',
  'tasks.setStream',
  'tasks.flightPlans',
  'tasks.importFlightPlan',
  'tasks.remove',
  'settings.get',
  'settings.set',
  'images.list',
  'crews.get',
  'crews.setPilot',
  'images.facets',
  'images.rtk',
  'images.footprints',
  'images.get',
  'images.decide',
  'flights.setHeight',
  'report.get',
  'ingest.start',
  'classify.start',
  'coverage.start',
  'sync.start',
  'odm.start',
  'coverage.overlapLayer',
  'refly.plan',
  'refly.export',
  'odm.runs',
  'odm.cancel',
  'sync.getTarget',
  'sync.setTarget',
  'sync.setCredentials',
  'sync.clearCredentials',
  'sync.getCloud',
  'sync.setKind',
  'dronetm.setProject',
  'dronetm.login',
  'dronetm.logout',
  'dronetm.importTasks',
  'odm.push',
  'jobs.list',
  'jobs.cancel',
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);
}

// ---------- events (core -> renderer) ----------

export interface Events {
  'job.updated': JobInfo;
  'project.changed': { what: 'images' | 'tasks' | 'project' };
  'job.log': { jobId: string; line: string };
}
export type EventName = keyof Events;
export const EVENT_NAMES: readonly EventName[] = ['job.updated', 'project.changed', 'job.log'];

// ---------- transport names ----------

/** The single IPC channel for calls, and the one for events: one registry, nothing else is exposed. */
export const IPC_INVOKE = 'postflight:invoke';
export const IPC_EVENT = 'postflight:event';
/**
 * Custom protocol for media by opaque id: postflight-media://thumb/<image id>, .../photo/<image id>, and
 * .../overlay/<ODM run id> (the orthophoto overlay PNG).
 */
export const MEDIA_SCHEME = 'postflight-media';
export type MediaKind = 'thumb' | 'photo' | 'overlay';
