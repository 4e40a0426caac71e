/**
 * The one API contract between the renderer and the core, served over Electron IPC in the app and over the local
 * HTTP/WebSocket harness (`postflight serve`) in a browser. Every method has a zod schema for its params, validated
 * by the adapter before the core sees them; results are typed here and travel inside an `{ result }` or
 * `{ error }` envelope. Ids across the bridge are opaque numbers/strings, never file paths of the pilot's machine
 * (except the folders the pilot picked: a project folder and an SD card folder).
 */
import { z } from 'zod';

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
  gaps: unknown;
  verified: boolean;
  verifyForced: boolean;
  syncedAt: string | null;
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
export interface SyncTargetInfo {
  target: { endpoint?: string; region?: string; bucket: string; prefix: string; pathStyle: boolean } | null;
  hasCredentials: boolean;
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

/** A mounted volume that looks like a camera card (it has a DCIM folder). */
export interface CardVolume {
  dir: string;
  label: string;
}

// ---------- methods ----------

const imageFilter = z
  .object({
    status: z.array(z.enum(IMAGE_STATUSES)).max(IMAGE_STATUSES.length).optional(),
    reason: z.array(z.string().max(40)).max(40).optional(),
    taskId: z.string().max(200).nullable().optional(),
    flightId: z.number().int().nullable().optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    /** Exactly these photos (the gallery refreshes the ones it just decided on). */
    ids: z.array(z.number().int().positive()).max(5000).optional(),
  })
  .strict();
export type ImageFilter = z.infer<typeof imageFilter>;

/** Declares a method: its result type, then its params schema (curried so the schema's type is inferred). */
function method<R>() {
  return <P extends z.ZodType>(params: P): { params: P; result?: R } => ({ params });
}

const none = z.object({}).strict();
const taskRef = z.object({ taskId: z.string().min(1).max(200) }).strict();
type JobStarted = { jobId: string };

export const methods = {
  'app.info': method<{ version: string; transport: 'ipc' | 'http'; nativeKernels: boolean }>()(none),
  'project.open': method<ProjectSummary>()(
    z.object({ dir: z.string().min(1).max(4096), create: z.boolean().optional() }).strict(),
  ),
  'project.current': method<ProjectSummary | null>()(none),
  'project.recent': method<{ dir: string; name: string; openedAt: string }[]>()(none),
  /** Native folder picker (Electron only; the browser harness answers `unsupported` and the pilot types a path). */
  'app.pickFolder': method<{ dir: string | null }>()(
    z.object({ purpose: z.enum(['project', 'card']) }).strict(),
  ),
  'ingest.cards': method<CardVolume[]>()(none),
  'tasks.list': method<TaskInfo[]>()(none),
  'tasks.import': method<{ imported: number; taskIds: string[] }>()(
    z
      .object({
        fileName: z.string().min(1).max(255),
        /** File content as base64 (drag-and-drop and file pickers deliver bytes, never a path). */
        contentBase64: z.string().min(1).max(64 * 1024 * 1024),
      })
      .strict(),
  ),
  'tasks.verify': method<TaskInfo>()(taskRef.extend({ force: z.boolean().optional() })),
  'tasks.unverify': method<TaskInfo>()(taskRef),
  'images.list': method<{ total: number; items: ImageListItem[] }>()(
    z
      .object({
        filter: imageFilter.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(500),
      })
      .strict(),
  ),
  'images.facets': method<ImageFacets>()(none),
  'images.footprints': method<PhotoFootprint[]>()(
    z.object({ limit: z.number().int().min(1).max(20_000).default(5000) }).strict(),
  ),
  'images.get': method<ImageDetail>()(z.object({ id: z.number().int().positive() }).strict()),
  'images.decide': method<{ changed: number }>()(
    z
      .object({
        ids: z.array(z.number().int().positive()).min(1).max(100_000),
        decision: z.enum(['accepted', 'rejected']).nullable(),
      })
      .strict(),
  ),
  'report.get': method<unknown>()(none),
  'ingest.start': method<JobStarted>()(
    z.object({ source: z.string().min(1).max(4096), inPlace: z.boolean().optional() }).strict(),
  ),
  'classify.start': method<JobStarted>()(z.object({ flightTail: z.boolean().optional() }).strict()),
  'coverage.start': method<JobStarted>()(none),
  'sync.start': method<JobStarted>()(z.object({ taskId: z.string().min(1).max(200).optional() }).strict()),
  'odm.start': method<JobStarted>()(
    taskRef.extend({ engine: z.enum(['docker', 'nodeodm']).optional(), gpu: z.enum(['auto', 'on', 'off']).optional() }),
  ),
  'coverage.overlapLayer': method<OverlapLayerInfo>()(taskRef),
  'odm.runs': method<OdmRunInfo[]>()(taskRef),
  /** Stops a run by its id, also one left behind by another Postflight process. */
  'odm.cancel': method<OdmRunInfo>()(z.object({ runId: z.string().uuid() }).strict()),
  'sync.getTarget': method<SyncTargetInfo>()(none),
  'sync.setTarget': method<SyncTargetInfo>()(
    z
      .object({
        endpoint: z.string().url().max(2048).optional(),
        region: z.string().min(1).max(64).optional(),
        bucket: z.string().min(3).max(63),
        prefix: z.string().max(512),
        pathStyle: z.boolean(),
      })
      .strict(),
  ),
  /** Keys for the current target: kept in the OS keychain by the app, in memory only by the browser harness. */
  'sync.setCredentials': method<SyncTargetInfo>()(
    z
      .object({
        accessKeyId: z.string().min(1).max(256),
        secretAccessKey: z.string().min(1).max(512),
        sessionToken: z.string().min(1).max(4096).optional(),
      })
      .strict(),
  ),
  'sync.clearCredentials': method<SyncTargetInfo>()(none),
  'jobs.list': method<JobInfo[]>()(none),
  'jobs.cancel': method<{ cancelled: boolean }>()(z.object({ jobId: z.string().min(1).max(100) }).strict()),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = Methods[M] extends { result?: infer R } ? R : never;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
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

/** What the preload exposes as `window.postflight`, and what the HTTP transport implements in a browser. */
export interface PostflightBridge {
  invoke<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Envelope<ResultOf<M>>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}
